// /m/{id}: the tablet of every participant, and the console of the secretary and the chair.
// The viewer follows the presenter until I turn a page myself (browse mode); one tap
// brings me back. The server hears which mode and page I am on (presence).

import { html, useEffect, useRef, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { post } from '../api.js';
import { t } from '../i18n.js';
import { findDocument, STAFF_ROLES } from '../meeting-state.js';
import { ConnBadge, roleLabel, StatusBadge } from '../ui/badges.js';
import { ErrorBox, Loading } from '../ui/feedback.js';
import { AppHeader } from '../ui/header.js';
import { AgendaList } from './agenda.js';
import { Console } from './console.js';
import { MeetingSearch } from './meeting-search.js';
import { NotesPanel } from './notes-panel.js';
import { SpeakersPanel } from './speakers-panel.js';
import { useMeeting } from './use-meeting.js';
import { Viewer } from './viewer.js';
import { VotePanel } from './vote-panel.js';

function TerminalBanner({ code, meetingId }) {
  const known = [4100, 4101, 4102].includes(code);
  return html`
    <div class=${`banner ${code === 4102 ? 'banner-info' : 'banner-warn'}`} role="alert"
      data-testid="terminal" data-code=${code}>
      <p>${known ? t(`conn.closed_${code}`) : t('conn.closed_other', { code })}</p>
      ${code === 4102 && html`<a class="btn btn-primary" href=${`/m/${meetingId}/minutes`}
        data-testid="sealed-minutes-link">${t('conn.see_minutes')}</a>`}
      ${code === 4101 && html`<a class="btn" href="/meetings">${t('nav.meetings')}</a>`}
    </div>`;
}

function CheckIn({ state }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const mine = state.participants.find((p) => p.user_id === state.me.user_id);
  if (!mine) return null;
  // The secretary may have recorded me absent after I checked in: the state says which.
  const away = ['absent', 'excused'].includes(mine.attendance);
  if (mine.checked_in && !away) {
    return html`<span class="badge badge-ok" data-testid="checked-in">✓ ${t('tablet.checked_in')}</span>`;
  }
  if (state.meeting.status !== 'running') return null;
  const checkIn = async () => {
    setBusy(true);
    setError(null);
    try {
      await post(`/api/meetings/${state.meeting.id}/check-in`, {});
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`
    <span class="checkin">
      <span class="muted small" data-testid="my-attendance" data-state=${mine.attendance || ''}>
        ${away ? t('tablet.recorded_away', { state: t(`att.state.${mine.attendance}`) }) : t('tablet.not_checked_in')}</span>
      <button type="button" class="btn btn-primary" data-testid="check-in" disabled=${busy}
        onClick=${checkIn}>${t('tablet.check_in')}</button>
      <${ErrorBox} error=${error} testid="check-in-error" />
    </span>`;
}

// What my viewer shows: the presenter's page (follow) or my own choice (browse).
function useViewing(state, conn, liveCount) {
  const [mode, setMode] = useState('follow');
  const [browse, setBrowse] = useState(null);
  const p = state?.presentation;
  const viewing = mode === 'follow'
    ? (p?.document_id ? { document_id: p.document_id, page: p.page } : null)
    : browse;

  // Tell the server when I leave or rejoin the presenter and, while browsing, where I am.
  // Following needs no page: the server knows what it presents, and a roomful of tablets
  // should not all report every page turn of the presenter.
  const reported = mode === 'browse' ? browse : null;
  const said = useRef({ live: -1, key: '' });
  const timer = useRef(null);
  useEffect(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const c = conn();
      if (!c || !c.live) return;
      // Each new connection starts as "follow" on the server.
      if (said.current.live !== liveCount) said.current = { live: liveCount, key: 'follow' };
      const data = { mode, document_id: reported?.document_id ?? null, page: reported?.page ?? null };
      const key = mode === 'follow' ? 'follow' : `browse:${data.document_id}:${data.page}`;
      if (key === said.current.key) return;
      said.current.key = key;
      c.command('presence', data).catch(() => { said.current.key = ''; });
    }, 150);
    return () => clearTimeout(timer.current);
  }, [mode, reported?.document_id, reported?.page, liveCount]);

  return {
    mode,
    viewing,
    browseTo(documentId, page) {
      setBrowse({ document_id: documentId, page });
      setMode('browse');
    },
    follow() {
      setMode('follow');
    },
  };
}

// Opened from the room screen's QR code (/m/{id}?checkin=...): check in with it, once.
function useCheckInCode(id) {
  useEffect(() => {
    const code = new URLSearchParams(window.location.search).get('checkin');
    if (!code) return;
    post(`/api/meetings/${id}/check-in`, { code }).catch(() => {}).finally(() => {
      window.history.replaceState(null, '', window.location.pathname);
    });
  }, [id]);
}

export function TabletPage({ id }) {
  const { state, update, connState, terminal, loadError, liveCount, conn } = useMeeting(id);
  useCheckInCode(id);
  const view = useViewing(state, conn, liveCount);
  const [agendaOpen, setAgendaOpen] = useState(false);
  // The hits of the meeting-wide search for the document chosen from its results.
  const [found, setFound] = useState(null);

  if (loadError) {
    return html`<${AppHeader} title=${t('tablet.load_failed')} />
      <main class="page narrow"><${ErrorBox} error=${loadError} />
      <p><a href="/meetings">${t('nav.back_meetings')}</a></p></main>`;
  }
  if (!state) return html`<${AppHeader} /><main class="page"><${Loading} /></main>`;

  const { meeting, me, presentation } = state;
  const staff = STAFF_ROLES.includes(me.role);
  const shown = view.viewing ? findDocument(state, view.viewing.document_id) : null;
  const doc = shown?.doc || null;
  // After a new version with fewer pages, the last page stands in for one that is gone.
  const page = Math.min(view.viewing?.page || 1, doc?.page_count || 1);
  const presentedDoc = presentation.document_id;

  const openDocument = (documentId) => {
    setAgendaOpen(false);
    if (documentId === presentedDoc && meeting.status === 'running') view.follow();
    else view.browseTo(documentId, 1);
  };
  const turnTo = (n) => view.browseTo(doc.id, n);
  const openHit = (hit) => {
    // Remember which version was searched: boxes from it are wrong on a newer one.
    setFound(hit && { ...hit, sha256: findDocument(state, hit.document_id)?.doc.sha256 });
    if (!hit) return;
    setAgendaOpen(false);
    view.browseTo(hit.document_id, hit.page);
  };

  return html`<div class="app-frame">
    <${AppHeader} title=${meeting.title}
      subtitle=${`${meeting.body || ''} · ${t('tablet.you_are', { name: me.full_name, role: roleLabel(me.role) })}`}>
      <${StatusBadge} status=${meeting.status} />
      <${ConnBadge} state=${terminal ? 'closed' : connState} />
    </${AppHeader}>
    ${terminal && html`<${TerminalBanner} code=${terminal} meetingId=${id} />`}
    <div class=${`tablet${staff ? ' tablet-staff' : ''}${agendaOpen ? ' agenda-open' : ''}`}
      data-testid="tablet" data-role=${me.role} data-mode=${view.mode}>
      ${agendaOpen && html`<div class="drawer-backdrop" onClick=${() => setAgendaOpen(false)}></div>`}
      <aside class="pane agenda-pane">
        <button type="button" class="btn btn-quiet drawer-close" data-testid="agenda-close"
          onClick=${() => setAgendaOpen(false)}>✕ ${t('tablet.hide_agenda')}</button>
        <${MeetingSearch} state=${state} onChoose=${openHit} />
        <${AgendaList} items=${state.items} presentation=${presentation}
          shownDocumentId=${doc?.id} onOpen=${openDocument} />
      </aside>
      <section class="pane viewer-pane">
        <div class="viewer-bar">
          <button type="button" class="btn btn-ghost agenda-toggle" aria-expanded=${agendaOpen}
            data-testid="agenda-toggle" onClick=${() => setAgendaOpen(!agendaOpen)}>
            ${agendaOpen ? t('tablet.hide_agenda') : `☰ ${t('tablet.show_agenda')}`}</button>
          <span class=${`mode mode-${view.mode}`} data-testid="mode" data-mode=${view.mode}>
            ${view.mode === 'follow' ? t('tablet.mode_follow') : t('tablet.mode_browse')}</span>
          ${view.mode === 'browse' && presentedDoc && html`
            <button type="button" class="btn btn-primary btn-back" data-testid="back-to-presenter"
              onClick=${view.follow}>⟲ ${t('tablet.back_to_presenter')}</button>`}
          <span class="grow"></span>
          ${!terminal && html`<${CheckIn} state=${state} />`}
        </div>
        ${shown && html`<p class="viewing-title" data-testid="viewing-title">
          ${shown.item.position}. ${shown.doc.title || shown.doc.filename}</p>`}
        <${Viewer} doc=${doc} page=${page} onPage=${turnTo}
          found=${found && found.document_id === doc?.id && found.sha256 === doc.sha256
            ? found.hits : null}>
          <div class="viewer-empty">
            <p>${meeting.status === 'draft' ? t('tablet.draft_notice')
              : meeting.status === 'running' ? t('tablet.nothing_presented') : t('tablet.ended_notice')}</p>
          </div>
        </${Viewer}>
      </section>
      <aside class="pane side-pane">
        <${VotePanel} state=${state} update=${update} conn=${conn} />
        <${SpeakersPanel} state=${state} />
        ${staff && html`<${Console} state=${state} update=${update} viewing=${view.viewing}
          conn=${conn} />`}
        <${NotesPanel} state=${state} update=${update} doc=${doc} page=${page} onPage=${turnTo} />
      </aside>
    </div></div>`;
}
