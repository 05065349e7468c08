// /m/{id}: the tablet of every participant, and the console of the secretary and the chair.
// The page fills the screen; the agenda, the vote, the speakers, my notes (and on a chair's
// tablet the console) open as sheets over it from a compact toolbar; on a wide screen the
// secretary and the chair keep them docked beside the page. The viewer follows the presenter
// until I turn a page myself (browse mode); one tap brings me back. The server hears which
// mode and page I am on (presence).

import { html, useEffect, useMemo, useRef, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { post } from '../api.js';
import { t } from '../i18n.js';
import {
  applyPublication, findDocument, isAway, isPresent, lastClosedVote, STAFF_ROLES, VOTER_ROLES,
} from '../meeting-state.js';
import { ConnBadge, roleLabel, StatusBadge } from '../ui/badges.js';
import { ErrorBox, Loading } from '../ui/feedback.js';
import { AppHeader } from '../ui/header.js';
import { AgendaList } from './agenda.js';
import { AnnotatedViewer } from './annotations/annotated-viewer.js';
import { Outbox } from './annotations/outbox.js';
import { AgendaNews } from './agenda-news.js';
import { Console } from './console.js';
import { icon } from './icons.js';
import { MeetingSearch } from './meeting-search.js';
import { NotesPanel } from './notes-panel.js';
import { ReplyBox } from '../ui/reply-box.js';
import { useNotesOutbox } from './notes-outbox.js';
import { SpeakersPanel } from './speakers-panel.js';
import { useSpeakerOutbox } from './speaker-outbox.js';
import { useMeeting } from './use-meeting.js';
import { VotePanel } from './vote-panel.js';
import { OfflineStatus, offlineText, useOfflineCopy } from '../offline/prefetch.js';

// How many changes an outbox holds, kept current.
function useWaiting(outbox) {
  const [n, setN] = useState(0);
  useEffect(() => {
    if (!outbox) return undefined;
    setN(outbox.pending().length);
    outbox.ready.then(() => setN(outbox.pending().length));
    return outbox.subscribe(setN);
  }, [outbox]);
  return n;
}

function TerminalBanner({ code, meetingId }) {
  const known = [4100, 4101, 4102, 4105].includes(code);
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
  const away = isAway(mine);
  if (isPresent(mine)) {
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

// Whether a media query matches, kept current as the window turns or resizes.
function useMedia(query) {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const onChange = () => setMatches(list.matches);
    list.addEventListener('change', onChange);
    onChange();
    return () => list.removeEventListener('change', onChange);
  }, [query]);
  return matches;
}

// The ballots I still owe on the open vote: mine, and those I hold as an absent member's proxy.
function owesBallot(state) {
  const vote = state?.open_vote;
  if (!vote || !VOTER_ROLES.includes(state.me.role)) return false;
  if ((state.items || []).some((i) => i.id === vote.item_id && i.withdrawn)) return false;
  const cast = (b) => b.voted || b.choice || b.marks;
  return !vote.voted || (vote.proxy_for || []).some((x) => !cast(x));
}

// How long the result of a vote that just closed stays in front before the page comes back.
const RESULT_MS = 10_000;

// The sheet over the page: which one is open. A vote that opens comes to the front by
// itself; it goes away a moment after my last ballot is recorded (the confirmation stays
// readable). When the vote closes, its ballot goes: the result takes its place for a few
// seconds, then the sheet goes away by itself (a cancelled vote simply goes).
function useSheet(state) {
  const [sheet, setSheet] = useState(null);
  const voteId = state?.open_vote?.id ?? null;
  const owed = owesBallot(state);
  const voter = state ? VOTER_ROLES.includes(state.me.role) : false;
  const closed = state?.justClosed?.id ?? null;
  const seen = useRef(null);
  const putAway = () => setSheet((s) => (s === 'vote' ? null : s));
  useEffect(() => {
    const before = seen.current;
    if (voteId === before) return undefined;
    seen.current = voteId;
    if (voteId !== null) {
      if (owed || !voter) setSheet('vote');
      return undefined;
    }
    if (before === null || closed !== before) {
      putAway();
      return undefined;
    }
    setSheet('vote');
    const timer = setTimeout(putAway, RESULT_MS);
    return () => clearTimeout(timer);
  }, [voteId]);
  const owedBefore = useRef(owed);
  useEffect(() => {
    const wasOwed = owedBefore.current;
    owedBefore.current = owed;
    if (!wasOwed || owed || voteId === null) return undefined;
    const timer = setTimeout(putAway, 2500);
    return () => clearTimeout(timer);
  }, [owed, voteId]);
  return [sheet, setSheet];
}

function ToolButton({ name, label, sheet, setSheet, testid, iconName, extra = null, className = '' }) {
  const open = sheet === name;
  return html`<button type="button" class=${`btn btn-tool tool-${name}${open ? ' tool-open' : ''} ${className}`}
    data-testid=${testid} aria-expanded=${open} aria-label=${label} title=${label}
    onClick=${() => setSheet(open ? null : name)}>${icon(iconName)}${extra}
    <span class="tool-word">${label}</span></button>`;
}

export function TabletPage({ id }) {
  const { state, update, connState, lostAt, terminal, loadError, liveCount, conn, listen } = useMeeting(id);
  // What this tablet did and the server has not yet acknowledged (issue 13 §3).
  const userId = state?.me?.user_id ?? null;
  const annotOutbox = useMemo(() => (userId ? new Outbox(userId) : null), [userId]);
  const annotWaiting = useWaiting(annotOutbox);
  const speakerOutbox = useSpeakerOutbox({ meetingId: id, userId, liveCount });
  const notesOutbox = useNotesOutbox({
    userId, liveCount,
    onSaved: (note) => update((s) => applyPublication(s, { type: 'note.saved', data: note })),
    onDeleted: (gone) => update((s) => applyPublication(s, { type: 'note.deleted', data: gone })),
  });
  useCheckInCode(id);
  const view = useViewing(state, conn, liveCount);
  const [sheet, setSheet] = useSheet(state);
  const saved = useOfflineCopy(state);
  const wide = useMedia('(min-width: 1100px)');
  const [searchOpen, setSearchOpen] = useState(false);
  // The row of pen, highlighter and note tools over the page.
  const [annotating, setAnnotating] = useState(false);
  // The hits of the meeting-wide search for the document chosen from its results.
  const [found, setFound] = useState(null);
  // Escape puts the open sheet away.
  useEffect(() => {
    const onKey = (e) => { if (e.key === 'Escape') setSheet(null); };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  if (loadError) {
    return html`<${AppHeader} title=${t('tablet.load_failed')} />
      <main class="page narrow"><${ErrorBox} error=${loadError} />
      <p><a href="/meetings">${t('nav.back_meetings')}</a></p></main>`;
  }
  if (!state) return html`<${AppHeader} /><main class="page"><${Loading} /></main>`;

  const { meeting, me, presentation } = state;
  const staff = STAFF_ROLES.includes(me.role);
  // The secretary's laptop and a wide console keep every panel beside the page; everyone
  // else reads with the page filling the screen and the panels as sheets over it.
  const docked = staff && wide;
  const agendaOpen = sheet === 'agenda';
  const shown = view.viewing ? findDocument(state, view.viewing.document_id) : null;
  const doc = shown?.doc || null;
  // After a new version with fewer pages, the last page stands in for one that is gone.
  const page = Math.min(view.viewing?.page || 1, doc?.page_count || 1);
  const presentedDoc = presentation.document_id;
  // A draft's agenda reaches members and guests when the secretary publishes it.
  const unpublished = meeting.status === 'draft' && !meeting.published_at && !staff;
  const vote = state.open_vote;
  const hasVotePanel = Boolean(vote || state.justClosed || lastClosedVote(state));
  const hasSpeakers = meeting.status === 'running' || Boolean(state.speakers?.current);
  const sheetOn = !docked && sheet && sheet !== 'agenda';
  // The secretary and the chair point and draw for the room on the page they present.
  const mayPresent = staff && meeting.status === 'running';

  const openDocument = (documentId) => {
    setSheet(null);
    if (documentId === presentedDoc && meeting.status === 'running') view.follow();
    else view.browseTo(documentId, 1);
  };
  const turnTo = (n) => view.browseTo(doc.id, n);
  const openHit = (hit) => {
    // Remember which version was searched: boxes from it are wrong on a newer one.
    setFound(hit && { ...hit, sha256: findDocument(state, hit.document_id)?.doc.sha256 });
    if (!hit) return;
    setSheet(null);
    view.browseTo(hit.document_id, hit.page);
  };
  // With no page to show, the agenda takes the page's place instead of hiding in a drawer
  // (the toolbar's button still opens it as the drawer: it is in one place at a time).
  const agendaInline = !docked && !doc && !agendaOpen;
  const agendaBody = html`
    <${MeetingSearch} state=${state} onChoose=${openHit} />
    <${AgendaList} items=${state.items} presentation=${presentation}
      shownDocumentId=${doc?.id} onOpen=${openDocument} />`;
  const part = (name) => `sheet-part${docked || sheet === name ? ' active' : ''}`;
  const sheetTitle = { vote: 'reader.vote', speakers: 'reader.speakers', notes: 'reader.notes', console: 'reader.console' };

  return html`<div class=${`app-frame tablet-frame${docked ? ' docked-frame' : ' reader-frame'}`}>
    <${AppHeader} title=${meeting.title}
      subtitle=${`${meeting.body || ''} · ${t('tablet.you_are', { name: me.full_name, role: roleLabel(me.role) })}`}>
      <${StatusBadge} status=${meeting.status} />
      <${ConnBadge} state=${terminal ? 'closed' : connState} since=${lostAt}
        waiting=${annotWaiting + speakerOutbox.waiting.length + notesOutbox.items.length} />
    </${AppHeader}>
    ${terminal && html`<${TerminalBanner} code=${terminal} meetingId=${id} />`}
    <${AgendaNews} state=${state} update=${update} />
    <div class=${`tablet${staff ? ' tablet-staff' : ''}${docked ? ' docked' : ' reader'}${agendaOpen ? ' agenda-open' : ''}${sheetOn ? ' sheet-open' : ''}`}
      data-testid="tablet" data-role=${me.role} data-mode=${view.mode} data-sheet=${sheet || ''}>
      ${(agendaOpen || sheetOn) && html`<div class="drawer-backdrop" data-testid="sheet-backdrop"
        onClick=${() => setSheet(null)}></div>`}
      <aside class="pane agenda-pane" data-testid="agenda-pane" aria-hidden=${!docked && !agendaOpen ? 'true' : null}>
        <button type="button" class="btn btn-quiet drawer-close" data-testid="agenda-close"
          onClick=${() => setSheet(null)}>${icon('close')} ${t('tablet.hide_agenda')}</button>
        ${!agendaInline && agendaBody}
      </aside>
      <section class="pane viewer-pane">
        <div class="viewer-bar" role="toolbar" aria-label=${t('reader.tools')}>
          <button type="button" class="btn btn-tool agenda-toggle" aria-expanded=${agendaOpen}
            aria-label=${agendaOpen ? t('tablet.hide_agenda') : t('tablet.agenda')}
            data-testid="agenda-toggle" onClick=${() => setSheet(agendaOpen ? null : 'agenda')}>
            ${icon('agenda')}<span class="tool-word">${agendaOpen ? t('tablet.hide_agenda') : t('tablet.show_agenda')}</span></button>
          <span class=${`mode mode-${view.mode}`} data-testid="mode" data-mode=${view.mode}
            title=${view.mode === 'follow' ? t('tablet.mode_follow') : t('tablet.mode_browse')}>
            <span class="mode-long">${view.mode === 'follow' ? t('tablet.mode_follow') : t('tablet.mode_browse')}</span>
            <span class="mode-short" aria-hidden="true">${view.mode === 'follow' ? t('reader.follow_short') : t('reader.browse_short')}</span></span>
          ${view.mode === 'browse' && presentedDoc && html`
            <button type="button" class="btn btn-primary btn-back" data-testid="back-to-presenter"
              onClick=${view.follow}>${icon('back')}<span>${t('tablet.back_to_presenter')}</span></button>`}
          ${shown ? html`<p class="viewing-title grow" data-testid="viewing-title" title=${shown.doc.title || shown.doc.filename}>
            ${shown.item.number}. ${shown.doc.title || shown.doc.filename}</p>` : html`<span class="grow"></span>`}
          ${doc && html`<button type="button" class=${`btn btn-tool${searchOpen ? ' tool-open' : ''}`}
            data-testid="search-toggle" aria-expanded=${searchOpen} aria-label=${t('reader.search')}
            title=${t('reader.search')} onClick=${() => setSearchOpen(!searchOpen)}>${icon('search')}</button>`}
          ${doc && html`<button type="button" class=${`btn btn-tool${annotating ? ' tool-open' : ''}`}
            data-testid="annotate-toggle" aria-expanded=${annotating} aria-label=${t('annot.annotate')}
            title=${t('annot.annotate')} onClick=${() => setAnnotating(!annotating)}>${icon('pen')}</button>`}
          ${!docked && hasVotePanel && html`<${ToolButton} name="vote" label=${t('reader.vote')} sheet=${sheet}
            setSheet=${setSheet} testid="tool-vote" iconName="vote" className=${vote ? 'tool-live' : ''}
            extra=${vote && html`<span class="pulse" aria-label=${t('reader.vote_open')}></span>`} />`}
          ${!docked && hasSpeakers && html`<${ToolButton} name="speakers" label=${t('reader.speakers')}
            sheet=${sheet} setSheet=${setSheet} testid="tool-speakers" iconName="speakers" />`}
          ${!docked && html`<${ToolButton} name="notes" label=${t('reader.notes')} sheet=${sheet}
            setSheet=${setSheet} testid="tool-notes" iconName="notes" />`}
          ${!docked && staff && html`<${ToolButton} name="console" label=${t('reader.console')} sheet=${sheet}
            setSheet=${setSheet} testid="tool-console" iconName="console" />`}
          ${!terminal && html`<${CheckIn} state=${state} />`}
        </div>
        <${AnnotatedViewer} me=${me} outbox=${annotOutbox} annotating=${annotating} meeting=${{ conn, liveCount, listen }}
          participants=${state.participants} presented=${mayPresent && doc && presentedDoc === doc.id
            && presentation.page === page ? presentation : null}
          doc=${doc} page=${page} onPage=${turnTo} canSwipe=${view.mode === 'browse' || !presentedDoc}
          searchOpen=${searchOpen} status=${html`<${OfflineStatus} status=${saved} />`}
          found=${found && found.document_id === doc?.id && found.sha256 === doc.sha256
            ? found.hits : null}>
          <div class="viewer-empty">
            <p>${meeting.status === 'draft' ? t(unpublished ? 'pub.not_yet_short' : 'tablet.draft_notice')
              : state.items.some((i) => i.id === presentation.item_id && i.withdrawn)
                ? t('withdrawn.agenda')
              : meeting.status === 'running' ? t('tablet.nothing_presented')
                : meeting.status === 'cancelled' ? t('withdrawn.cancelled_notice') : t('tablet.ended_notice')}</p>
            <${ReplyBox} meeting=${meeting} />
            ${offlineText(saved) && html`<p class="small muted" data-testid="offline-line">${offlineText(saved)}</p>`}
          </div>
          ${agendaInline && html`<div class="agenda-inline">${agendaBody}</div>`}
        </${AnnotatedViewer}>
      </section>
      <aside class="pane side-pane" data-testid="side-sheet" aria-hidden=${!docked && !sheetOn ? 'true' : null}>
        ${sheetOn && html`<div class="sheet-head">
          <h2 class="sheet-title">${t(sheetTitle[sheet])}</h2>
          <button type="button" class="btn btn-tool" data-testid="sheet-close" aria-label=${t('reader.close')}
            title=${t('reader.close')} onClick=${() => setSheet(null)}>${icon('close')}</button>
        </div>`}
        <div class=${part('vote')}><${VotePanel} state=${state} update=${update} conn=${conn}
          connState=${terminal ? 'closed' : connState} /></div>
        <div class=${part('speakers')}><${SpeakersPanel} state=${state} outbox=${speakerOutbox} /></div>
        ${staff && html`<div class=${part('console')}><${Console} state=${state} update=${update}
          viewing=${view.viewing} conn=${conn} /></div>`}
        <div class=${part('notes')}><${NotesPanel} state=${state} update=${update} doc=${doc} page=${page}
          onPage=${turnTo} outbox=${notesOutbox} liveCount=${liveCount} /></div>
      </aside>
    </div></div>`;
}
