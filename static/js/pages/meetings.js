// /meetings: the meetings I take part in, with the way into each and whether a draft's
// documents are published (told live on my inbox channel); a form to create one for the
// bodies I prepare meetings for; the archive for archivists. A meeting whose documents are
// published is saved on the device from this list already, before anyone opens it (issue 13
// §1), and again when the secretary publishes more.

import { html, useEffect, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { get, post } from '../api.js';
import { formatDateTime, localInputToIso } from '../format.js';
import { t } from '../i18n.js';
import { offlineText, useOfflineCopy } from '../offline/prefetch.js';
import { KINDS } from '../prepare/details.js';
import { INBOX, MeetingConnection } from '../realtime.js';
import { navigate } from '../router.js';
import { isAdmin, isArchivist, useMe } from '../session.js';
import { roleLabel, StatusBadge } from '../ui/badges.js';
import { ErrorBox, Loading, Notice } from '../ui/feedback.js';
import { AppHeader } from '../ui/header.js';
import { ReplyBox } from '../ui/reply-box.js';

// The meeting's documents saved on this device in the background, with a line saying how far.
function SavedCopy({ meetingId, bump }) {
  const [state, setState] = useState(null);
  useEffect(() => { get(`/api/meetings/${meetingId}`).then(setState, () => {}); }, [meetingId, bump]);
  const status = useOfflineCopy(state);
  const text = offlineText(status);
  return text ? html`<p class="muted small" data-testid=${`saved-${meetingId}`} data-kind=${status.kind}
    data-done=${status.done} data-total=${status.total}>${text}</p>` : null;
}

function MeetingCard({ meeting: m, bump }) {
  const secretary = m.role === 'secretary';
  const save = (m.status === 'draft' && Boolean(m.published_at)) || m.status === 'running';
  return html`
    <li class="card meeting-card" data-testid=${`meeting-${m.id}`}>
      <div class="meeting-card-head">
        <h2><a href=${`/m/${m.id}`}>${m.title}</a></h2>
        <${StatusBadge} status=${m.status} />
      </div>
      <p class="muted">${m.body} · ${t(`kind.${m.kind}`)} · ${t('meetings.my_role', { role: roleLabel(m.role) })}</p>
      ${m.status === 'draft' && html`<p><span class=${`badge ${m.published_at ? 'badge-ok' : 'badge-warn'}`}
        data-testid=${`published-${m.id}`} data-published=${String(Boolean(m.published_at))}>
        ${t(m.published_at ? 'pub.badge_published' : 'pub.badge_waiting')}</span></p>`}
      <p>${t('meetings.starts', { when: formatDateTime(m.starts_at) })}</p>
      ${m.place && html`<p class="muted">${t('meetings.place', { place: m.place })}</p>`}
      ${save && html`<${SavedCopy} meetingId=${m.id} bump=${bump} />`}
      <${ReplyBox} meeting=${m} />
      <div class="actions">
        <a class="btn btn-primary" href=${`/m/${m.id}`} data-testid=${`open-tablet-${m.id}`}>
          ${t('meetings.open_tablet')}</a>
        ${secretary && html`
          <a class="btn" href=${`/m/${m.id}/prepare`} data-testid=${`open-prepare-${m.id}`}>
            ${t('meetings.prepare')}</a>
          <a class="btn" href=${`/m/${m.id}/minutes`} data-testid=${`open-minutes-${m.id}`}>
            ${t('meetings.minutes')}</a>`}
        <a class="btn" href=${`/m/${m.id}/screen`} data-testid=${`open-screen-${m.id}`}>
          ${t('meetings.screen')}</a>
      </div>
    </li>`;
}

function CreateMeeting({ bodies }) {
  const [form, setForm] = useState({ body_id: bodies[0].id, title: '', starts: '', place: '',
    kind: 'regular' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const set = (name) => (e) => setForm({ ...form, [name]: e.target.value });

  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { meeting } = await post('/api/meetings', {
        body_id: Number(form.body_id),
        title: form.title.trim(),
        starts_at: localInputToIso(form.starts),
        place: form.place.trim(),
        kind: form.kind,
      });
      navigate(`/m/${meeting.id}/prepare`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return html`
    <form class="card form-grid" onSubmit=${submit} data-testid="create-meeting">
      <h2>${t('meetings.new')}</h2>
      <label class="field span-2"><span>${t('meetings.field_title')}</span>
        <input required value=${form.title} onInput=${set('title')} data-testid="new-title" /></label>
      <label class="field"><span>${t('meetings.field_body')}</span>
        <select value=${form.body_id} onChange=${set('body_id')} data-testid="new-body">
          ${bodies.map((b) => html`<option value=${b.id}>${b.name}</option>`)}
        </select></label>
      <label class="field"><span>${t('meetings.field_start')}</span>
        <input type="datetime-local" required value=${form.starts} onInput=${set('starts')}
          data-testid="new-starts" /></label>
      <label class="field"><span>${t('meetings.field_place')}</span>
        <input value=${form.place} onInput=${set('place')} data-testid="new-place" /></label>
      <label class="field"><span>${t('kind.label')}</span>
        <select value=${form.kind} onChange=${set('kind')} data-testid="new-kind">
          ${KINDS.map((k) => html`<option value=${k}>${t(`kind.${k}`)}</option>`)}
        </select></label>
      <div class="span-2"><${ErrorBox} error=${error} />
        <button class="btn btn-primary" type="submit" disabled=${busy}
          data-testid="new-submit">${busy ? t('common.working') : t('meetings.create')}</button>
      </div>
    </form>`;
}

export function MeetingsPage() {
  const me = useMe();
  const [meetings, setMeetings] = useState(null);
  const [error, setError] = useState(null);
  const [news, setNews] = useState([]);
  const [bumps, setBumps] = useState({}); // publications seen per meeting: save anew
  const load = () => get('/api/meetings').then((r) => setMeetings(r.meetings), setError);
  useEffect(() => { load(); }, []);
  // My inbox: a meeting's documents published while the list is open.
  useEffect(() => {
    const conn = new MeetingConnection(INBOX, {
      onPublication: (pub) => {
        if (pub.type !== 'documents.published') return;
        setNews((list) => [...list.filter((n) => n.meeting_id !== pub.data.meeting_id), pub.data]);
        setBumps((b) => ({ ...b, [pub.data.meeting_id]: (b[pub.data.meeting_id] || 0) + 1 }));
        load();
      },
    });
    conn.start();
    return () => conn.stop();
  }, []);

  return html`
    <${AppHeader} title=${t('meetings.title')} />
    <main class="page">
      ${me && isArchivist(me) && html`
        <div class="card archive-link">
          <p>${t('meetings.archive_hint')}</p>
          <a class="btn btn-primary" href="/archive" data-testid="archive-link">
            ${t('meetings.archive_link')}</a>
        </div>`}
      ${me && isAdmin(me) && html`
        <div class="card archive-link">
          <p>${t('admin.link_hint')}</p>
          <a class="btn btn-primary" href="/admin/users" data-testid="admin-link">${t('admin.link')}</a>
        </div>`}
      <div class="card archive-link">
        <p>${t('opinions.hint')}</p>
        <a class="btn" href="/opinions" data-testid="opinions-link">${t('opinions.link')}</a>
      </div>
      ${news.map((n) => html`<${Notice} key=${n.meeting_id} testid="inbox-news">
        <a href=${`/m/${n.meeting_id}`}>${t('pub.news', { title: n.title })}</a></${Notice}>`)}
      <${ErrorBox} error=${error} />
      ${meetings === null && !error && html`<${Loading} />`}
      ${meetings && meetings.length === 0 && html`<p class="muted">${t('meetings.none')}</p>`}
      ${meetings && meetings.length > 0 && html`
        <ul class="meeting-list">${meetings.map((m) => html`<${MeetingCard} key=${m.id} meeting=${m} bump=${bumps[m.id] || 0} />`)}</ul>`}
      ${me && me.can_prepare.length > 0 && html`<${CreateMeeting} bodies=${me.can_prepare} />`}
    </main>`;
}
