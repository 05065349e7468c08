// /m/{id}/prepare: the secretary sets up a meeting. The page loads the meeting and keeps its
// channel live; the panels (static/js/prepare/panels.js) do the work.

import { html, useEffect, useRef, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { get } from '../api.js';
import { t } from '../i18n.js';
import { PANELS } from '../prepare/panels.js';
import { useMe } from '../session.js';
import { useMeeting } from '../tablet/use-meeting.js';
import { InvitePanels } from '../prepare/invitations.js';
import { StatusBadge } from '../ui/badges.js';
import { ErrorBox, Loading, Notice } from '../ui/feedback.js';
import { AppHeader } from '../ui/header.js';

function Column({ name, props }) {
  return html`<div class=${`prepare-col prepare-${name}`}>
    ${PANELS.filter((p) => p.column === name).map(({ id, Panel }) => html`
      <${Panel} key=${id} ...${props} />`)}
  </div>`;
}

export function PreparePage({ id }) {
  const me = useMe();
  const [snap, setSnap] = useState(null);
  const [error, setError] = useState(null);
  // Reloads overlap (a move's own reload and the one its live event starts): only the answer to
  // the latest request is shown, so an older snapshot never replaces a newer one.
  const latest = useRef(0);
  const reload = () => {
    const mine = ++latest.current;
    return get(`/api/meetings/${id}`).then(
      (s) => { if (mine === latest.current) setSnap(s); },
      (e) => { if (mine === latest.current) setError(e); });
  };
  useEffect(() => { reload(); }, [id]);
  // The live channel: documents announced, pages rendered, and changes made elsewhere (another
  // tab, another secretary): the page reloads when the agenda it shows is no longer current.
  const { state: live } = useMeeting(id);
  const liveItems = live?.items;
  useEffect(() => { if (liveItems && snap) reload(); }, [liveItems]);
  const props = { snap, reload, live, me };

  return html`
    <${AppHeader} title=${t('prepare.title')} subtitle=${snap?.meeting.title}>
      ${snap && html`<${StatusBadge} status=${snap.meeting.status} />`}
    </${AppHeader}>
    <main class="page">
      <p class="row"><a href="/meetings">${t('nav.back_meetings')}</a>
        <a class="btn" href=${`/m/${id}`}>${t('prepare.go_tablet')}</a></p>
      <${ErrorBox} error=${error} />
      ${!snap && !error && html`<${Loading} />`}
      ${snap && me && snap.me.role !== 'secretary' && me.user.global_role !== 'admin' && html`<${Notice} kind="warn">${t('prepare.read_only')}</${Notice}>`}
      ${snap && html`
        <div class="prepare-grid">
          <${Column} name="side" props=${props} />
          <${Column} name="main" props=${props} />
        </div>
        <${InvitePanels} snap=${snap} reload=${reload} live=${live} />`}
    </main>`;
}
