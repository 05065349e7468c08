// /m/{id}/screen: the room screen (a projector in kiosk mode, 1280×720 to 1920×1080).
// A header of one line (the meeting, the quorum); below it the presented page, the whole page
// as large as the height allows, and beside it a column with the item, the speaker and the
// timer, an open vote's progress and the check-in QR code, so nothing covers anything. A
// closed vote's result takes the page's place for the time the secretary chose (the server
// keeps it: `state.screen`); after the meeting the screen says it has ended, and nothing else.
// The presenter's laser pointer and ink are drawn over the page as they come.
// No controls: it only follows.

import { html, useEffect, useRef, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { get } from '../api.js';
import { formatDateTime } from '../format.js';
import { t } from '../i18n.js';
import { findDocument, findItem, resultLeftMs, resultOnScreen } from '../meeting-state.js';
import { ConnBadge } from '../ui/badges.js';
import { ErrorBox } from '../ui/feedback.js';
import { VoteResult } from '../ui/vote-result.js';
import { useMeeting } from '../tablet/use-meeting.js';
import { PageImage, snapWidth, useWidth } from '../tablet/viewer.js';
import { PresenterMarks, usePresenterMarks } from '../tablet/annotations/presenter.js';
import { SpeakerTimer } from '../tablet/speakers-panel.js';

// The closed vote in large: a bar per option (or per candidate, the elected marked), the line
// the rule asks for, and the outcome.
function BigResult({ vote }) {
  return html`
    <div class="screen-result" data-testid="screen-result" data-vote=${vote.id}>
      <p class="screen-result-label">${t('vote.result')}</p>
      <${VoteResult} vote=${vote} testid="screen-vote-result" barsTestid="screen-bars"
        metaClass="screen-result-meta" />
    </div>`;
}

// The check-in QR code, made by the server (signed, valid about two minutes), renewed each
// minute. Only a staff login may fetch it; any other screen simply shows none.
function CheckInCode({ id }) {
  const [code, setCode] = useState(null);
  useEffect(() => {
    let stop = false;
    const load = () => get(`/api/meetings/${id}/checkin-code`)
      .then((c) => { if (!stop) setCode(c); }).catch(() => {});
    load();
    const timer = setInterval(load, 60_000);
    return () => { stop = true; clearInterval(timer); };
  }, [id]);
  if (!code) return null;
  const src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(code.svg)}`;
  return html`
    <div class="screen-card screen-qr" data-testid="screen-qr">
      <img src=${src} alt=${t('screen.scan_to_check_in')} />
      <p>${t('screen.scan_to_check_in')}</p>
    </div>`;
}

function QuorumLine({ quorum }) {
  if (!quorum) return null;
  return html`<p class="screen-quorum" data-testid="screen-quorum" data-quorum=${String(quorum.quorum)}
    data-present=${quorum.members_present} data-required=${quorum.required}>
    ${t('screen.present_of', { present: quorum.members_present, members: quorum.members })}${' · '}
    <span class=${quorum.quorum ? 'screen-quorum-ok' : 'screen-quorum-missing'}>
      ${quorum.quorum ? t('screen.quorum_ok') : t('screen.quorum_missing', { required: quorum.required })}</span></p>`;
}

function ItemCard({ item, found, page }) {
  return html`
    <div class="screen-card screen-item" data-testid="screen-item">
      <p class="screen-card-label">${t('tablet.item_n', { n: item.number })}</p>
      <p class="screen-item-title">${item.title}</p>
      ${found && html`<p class="screen-page" data-testid="screen-page">
        ${t('common.page_of', { page, count: found.doc.page_count })}</p>`}
    </div>`;
}

// The presenter's marks exactly over the page image, wherever the stage has placed it.
function ScreenMarks({ paper, marks, documentId, page }) {
  const [box, setBox] = useState(null);
  useEffect(() => {
    const img = paper.current?.querySelector('[data-testid=screen-img]');
    if (!img) return undefined;
    const measure = () => setBox(img.naturalWidth ? {
      left: img.offsetLeft, top: img.offsetTop, width: img.offsetWidth, height: img.offsetHeight,
      ratio: img.naturalHeight / img.naturalWidth,
    } : null);
    const observer = new ResizeObserver(measure);
    observer.observe(img);
    img.addEventListener('load', measure);
    measure();
    return () => { observer.disconnect(); img.removeEventListener('load', measure); };
  }, [paper.current, documentId, page]);
  if (!box) return null;
  return html`<div class="screen-marks" style=${`left:${box.left}px;top:${box.top}px;width:${box.width}px;height:${box.height}px`}>
    <${PresenterMarks} marks=${marks} documentId=${documentId} page=${page} ratio=${box.ratio} /></div>`;
}

function Ended({ meeting }) {
  const at = meeting.ended_at ? formatDateTime(meeting.ended_at) : '';
  return html`
    <div class="screen-ended" data-testid="screen-ended">
      <p class="screen-ended-title">${t('screen.ended')}</p>
      ${at && html`<p class="screen-ended-at" data-testid="screen-ended-at">${t('screen.ended_at', { time: at })}</p>`}
    </div>`;
}

// Re-render when the result's time is up, so the page comes back on time without an event.
function useResultClock(state) {
  const [, tick] = useState(0);
  const left = resultLeftMs(state);
  useEffect(() => {
    if (left == null || left <= 0) return undefined;
    const timer = setTimeout(() => tick((n) => n + 1), left + 50);
    return () => clearTimeout(timer);
  }, [state?.screen, left != null && left > 0]);
}

export function ScreenPage({ id }) {
  const { state, connState, terminal, loadError, listen } = useMeeting(id, { device: t('meetings.screen') });
  const stage = useRef(null);
  const paper = useRef(null);
  const marks = usePresenterMarks(listen);
  const cssWidth = useWidth(stage);
  const width = snapWidth(Math.ceil((cssWidth || 1280) * (window.devicePixelRatio || 1)));
  useResultClock(state);

  useEffect(() => {
    if (state) document.title = `${t('meetings.screen')} · ${state.meeting.title}`;
  }, [state?.meeting.title]);

  const status = state?.meeting.status;
  const running = status === 'running';
  const over = status === 'ended' || status === 'sealed';
  const p = state?.presentation;
  const found = running && p?.document_id ? findDocument(state, p.document_id) : null;
  const item = running ? findItem(state, p?.item_id) : null;
  const result = resultOnScreen(state);
  const speaker = running ? state?.speakers?.current : null;
  const vote = running ? state?.open_vote : null;

  return html`
    <div class="screen" data-testid="screen" data-status=${status}>
      <header class="screen-head" data-testid="screen-head">
        <p class="screen-heading">
          <span class="screen-body">${state?.meeting.body || ''}</span>
          <span class="screen-title" data-testid="screen-title">${state?.meeting.title || ''}</span>
        </p>
        ${running && html`<${QuorumLine} quorum=${state.quorum} />`}
        ${!over && html`<${ConnBadge} state=${terminal ? 'closed' : connState} />`}
      </header>
      <div class=${running ? 'screen-main' : 'screen-main screen-main-alone'}>
        <main class="screen-stage" ref=${stage} data-testid="screen-stage">
          ${loadError && html`<${ErrorBox} error=${loadError} />`}
          ${found && html`
            <div class="screen-paper" hidden=${!!result} ref=${paper}>
              <${PageImage} doc=${found.doc} page=${p.page} width=${width}
                testid="screen-img" className="screen-img" />
              <${ScreenMarks} paper=${paper} marks=${marks} documentId=${found.doc.id} page=${p.page} />
            </div>`}
          ${result && html`<${BigResult} vote=${result} />`}
          ${over && html`<${Ended} meeting=${state.meeting} />`}
          ${status === 'draft' && html`<p class="screen-waiting">${t('screen.waiting')}</p>`}
          ${running && !found && !result && item && html`<p class="screen-waiting">${item.title}</p>`}
        </main>
        ${running && html`
          <aside class="screen-side" data-testid="screen-side">
            ${item && html`<${ItemCard} item=${item} found=${found} page=${p.page} />`}
            ${speaker && html`
              <div class="screen-card screen-speaker" data-testid="screen-speaker" data-user=${speaker.user_id}>
                <p class="screen-card-label">${t('speakers.now')}</p>
                <p class="screen-speaker-name">${speaker.full_name}</p>
                <${SpeakerTimer} speakers=${state.speakers} testid="screen-timer" className="screen-timer" />
              </div>`}
            ${vote && html`
              <div class="screen-card screen-vote" data-testid="screen-progress" data-cast=${vote.cast}>
                <p class="screen-vote-label"><span class="pulse" aria-hidden="true"></span>${t('vote.open_now')}</p>
                <p class="screen-vote-question">${vote.question}</p>
                <p class="screen-vote-count">${t('vote.progress', { cast: vote.cast ?? 0, eligible: vote.eligible })}</p>
              </div>`}
            <${CheckInCode} id=${id} />
          </aside>`}
      </div>
    </div>`;
}
