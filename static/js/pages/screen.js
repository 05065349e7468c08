// /m/{id}/screen: the room screen (a projector in kiosk mode). The presented page fills
// the screen; a corner shows the vote progress; a closed vote shows its result in large.
// No controls: it only follows.

import { html, useEffect, useRef, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { get } from '../api.js';
import { t } from '../i18n.js';
import { findDocument, findItem } from '../meeting-state.js';
import { ConnBadge } from '../ui/badges.js';
import { ErrorBox } from '../ui/feedback.js';
import { VoteResult } from '../ui/vote-result.js';
import { useMeeting } from '../tablet/use-meeting.js';
import { PageImage, snapWidth, useWidth } from '../tablet/viewer.js';
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
function CheckInCode({ id, running }) {
  const [code, setCode] = useState(null);
  useEffect(() => {
    if (!running) return undefined;
    let stop = false;
    const load = () => get(`/api/meetings/${id}/checkin-code`)
      .then((c) => { if (!stop) setCode(c); }).catch(() => {});
    load();
    const timer = setInterval(load, 60_000);
    return () => { stop = true; clearInterval(timer); };
  }, [id, running]);
  if (!code) return null;
  const src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(code.svg)}`;
  return html`
    <div class="screen-qr" data-testid="screen-qr">
      <img src=${src} alt=${t('screen.scan_to_check_in')} width="140" height="140" />
      <p class="small">${t('screen.scan_to_check_in')}</p>
    </div>`;
}

function QuorumLine({ quorum }) {
  if (!quorum) return null;
  return html`<p class="screen-quorum" data-testid="screen-quorum"
    data-present=${quorum.members_present} data-required=${quorum.required}>
    ${t('quorum.line', { present: quorum.members_present, members: quorum.members, required: quorum.required })}</p>`;
}

export function ScreenPage({ id }) {
  const { state, connState, terminal, loadError } = useMeeting(id, { device: t('meetings.screen') });
  const stage = useRef(null);
  const cssWidth = useWidth(stage);
  const width = snapWidth(Math.ceil((cssWidth || 1280) * (window.devicePixelRatio || 1)));

  useEffect(() => {
    if (state) document.title = `${t('meetings.screen')} · ${state.meeting.title}`;
  }, [state?.meeting.title]);

  const p = state?.presentation;
  const found = p?.document_id ? findDocument(state, p.document_id) : null;
  const item = state ? findItem(state, p.item_id) : null;
  const vote = state?.open_vote;

  return html`
    <div class="screen" data-testid="screen">
      <header class="screen-head">
        <div>
          <p class="screen-body">${state?.meeting.body || ''}</p>
          <h1 class="screen-title" data-testid="screen-title">${state?.meeting.title || ''}</h1>
        </div>
        ${item && html`<p class="screen-item" data-testid="screen-item">
          ${t('tablet.item_n', { n: item.position })}: ${item.title}</p>`}
        <${QuorumLine} quorum=${state?.quorum} />
        <${ConnBadge} state=${terminal ? 'closed' : connState} />
      </header>
      ${!state?.justClosed && html`<${CheckInCode} id=${id} running=${state?.meeting.status === 'running'} />`}
      <main class="screen-stage" ref=${stage}>
        ${loadError && html`<${ErrorBox} error=${loadError} />`}
        ${found
          ? html`<${PageImage} doc=${found.doc} page=${p.page} width=${width}
              testid="screen-img" className="screen-img" />`
          : state && html`<p class="screen-waiting">
              ${state.meeting.status === 'draft' ? t('screen.waiting')
                : ['ended', 'sealed'].includes(state.meeting.status) ? t('screen.ended') : ''}</p>`}
        ${state?.justClosed && html`<${BigResult} vote=${state.justClosed} />`}
      </main>
      ${found && html`<p class="screen-page" data-testid="screen-page">
        ${t('common.page_of', { page: p.page, count: found.doc.page_count })}</p>`}
      ${state?.speakers?.current && html`
        <div class="screen-speaker" data-testid="screen-speaker" data-user=${state.speakers.current.user_id}>
          <p class="screen-speaker-label">${t('speakers.now')}</p>
          <p class="screen-speaker-name">${state.speakers.current.full_name}</p>
          <${SpeakerTimer} speakers=${state.speakers} testid="screen-timer" className="screen-timer" />
        </div>`}
      ${vote && html`
        <div class="screen-vote" data-testid="screen-progress" data-cast=${vote.cast}>
          <p class="screen-vote-label"><span class="pulse" aria-hidden="true"></span>${t('vote.open_now')}</p>
          <p class="screen-vote-question">${vote.question}</p>
          <p class="screen-vote-count">${t('vote.progress', { cast: vote.cast ?? 0, eligible: vote.eligible })}</p>
        </div>`}
    </div>`;
}
