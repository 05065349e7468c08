// The vote as a participant sees it: the question and three big buttons for the chair and
// members (and a second ballot for each absent member whose proxy they hold), the progress
// for everyone, then the result. A ballot is final.
// A ballot is never queued on the tablet (issue 13 §3): without the live connection the buttons
// are disabled and say why; a ballot sent shows "đang gửi" until the server answers, and one
// whose answer was lost with the connection is looked up in the snapshot the reconnection
// brings: recorded, or not (and the member votes again).

import { html, useEffect, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { post } from '../api.js';
import { t } from '../i18n.js';
import { applyPublication, isAway, lastClosedVote, VOTER_ROLES } from '../meeting-state.js';
import { ErrorBox } from '../ui/feedback.js';
import { CHOICES, VoteResult } from '../ui/vote-result.js';

// One ballot: mine, or (with `forName`) the one I cast as an absent member's proxy.
// `cast` is what the server has accepted for it: {voted, choice, marks}.
function Ballot({ vote, cast, onCast, pending, offline = false, forName = null }) {
  if (cast.voted || cast.choice || cast.marks) {
    const options = vote.options || [];
    const names = cast.marks ? cast.marks.map((i) => options[i]).join(', ') || '—' : '';
    const choice = cast.choice ? t(`choice.${cast.choice}`) : '';
    const text = forName
      ? (vote.kind === 'secret' ? t('vote.proxy_recorded_secret', { name: forName })
        : t('vote.proxy_recorded', { name: forName, choice: cast.marks ? names : choice }))
      : vote.kind === 'secret' ? t('vote.recorded_secret')
        : cast.marks ? t('vote.recorded_marks', { names }) : t('vote.recorded', { choice });
    return html`
      <div class="ballot-done" data-testid="vote-confirmation" data-choice=${cast.choice || ''}>
        <p class="ballot-done-text">${text}</p>
        <p class="muted small">${t('vote.final')}</p>
      </div>`;
  }
  if ((vote.options || []).length) {
    return html`<${Marks} vote=${vote} onCast=${onCast} pending=${pending} offline=${offline} />`;
  }
  return html`
    <div class="ballot-buttons" role="group" aria-label=${forName ? t('vote.proxy_for', { name: forName }) : vote.question}>
      ${CHOICES.map((c) => html`
        <button type="button" key=${c} class=${`btn btn-vote vote-${c}`} data-testid=${`vote-${c}`}
          disabled=${pending !== null || offline} title=${offline ? t('vote.needs_connection') : null}
          onClick=${() => onCast(c)}>
          ${pending === c ? t('vote.sending') : t(`choice.${c}`)}</button>`)}
    </div>`;
}

// An election: a box per option, between min_marks and max_marks of them.
function Marks({ vote, onCast, pending, offline }) {
  const [marked, setMarked] = useState([]);
  const toggle = (i) => setMarked((m) => (m.includes(i) ? m.filter((x) => x !== i)
    : m.length < vote.max_marks ? [...m, i] : m));
  const ok = marked.length >= vote.min_marks && marked.length <= vote.max_marks;
  return html`
    <div class="ballot-marks" data-testid="vote-marks">
      <p class="muted small">${t('vote.marks_hint', { min: vote.min_marks, max: vote.max_marks })}</p>
      ${vote.options.map((o, i) => html`
        <label class="field-check" key=${i}>
          <input type="checkbox" data-testid=${`mark-${i}`} checked=${marked.includes(i)}
            onChange=${() => toggle(i)} /> ${o}</label>`)}
      <button type="button" class="btn btn-primary btn-block" data-testid="vote-submit-marks"
        disabled=${pending !== null || !ok || offline} onClick=${() => onCast({ marks: marked.slice().sort((a, b) => a - b) })}>
        ${pending === 'marks' ? t('vote.sending') : t('vote.submit_marks')}</button>
    </div>`;
}

// `connState`: the meeting's connection (realtime.js ConnState); a ballot needs it live.
export function VotePanel({ state, update, conn, connState = 'live' }) {
  // Which ballot is on its way ('me' or the absent member's id) and with what.
  const [pending, setPending] = useState(null);
  const [error, setError] = useState(null);
  // A ballot sent whose answer the connection lost: {vote_id}, until the server says.
  const [unsure, setUnsure] = useState(null);
  // What the server said of it once back: 'recorded' or 'not_recorded'.
  const [answer, setAnswer] = useState(null);
  const vote = state.open_vote;
  const role = state.me.role;
  const offline = connState !== 'live';
  // Back online: the snapshot (or the missed publications) says whether the ballot got there.
  useEffect(() => {
    if (offline || !unsure) return;
    if (!vote || vote.id !== unsure.vote_id) {
      setUnsure(null);
      return;
    }
    setAnswer(vote.voted ? 'recorded' : 'not_recorded');
    setUnsure(null);
    setError(null);
  }, [offline, vote?.id, vote?.voted]);

  async function cast(choice, forUser = null) {
    if (offline) return; // never queued: the buttons say so
    setPending({ who: forUser ?? 'me', what: typeof choice === 'string' ? choice : 'marks' });
    setError(null);
    setAnswer(null);
    const ballot = { ...(typeof choice === 'string' ? { choice } : choice),
      ...(forUser ? { for_user: forUser } : {}) };
    try {
      const live = conn();
      // Over the socket when it is up; the HTTP route is the same ballot when it is not.
      const reply = live && live.live
        ? await live.command('vote.cast', { vote_id: vote.id, ...ballot })
        : await post(`/api/votes/${vote.id}/ballots`, ballot);
      update((s) => applyPublication(s, { type: 'ballot.accepted', data: reply }));
    } catch (err) {
      // The answer was lost, not the ballot refused: one notice says so (vote.unsure).
      if (err.error === 'disconnected' || err.error === 'network') setUnsure({ vote_id: vote.id });
      else setError(err);
    } finally {
      setPending(null);
    }
  }
  const pendingFor = (who) => (pending === null ? null : pending.who === who ? pending.what : 'other');

  if (!vote) {
    const closed = state.justClosed || lastClosedVote(state);
    if (!closed) return null;
    return html`
      <section class="panel vote-panel closed" data-testid="vote-panel" data-vote=${closed.id}>
        <h2 class="pane-title">${t('vote.result')}</h2>
        <${VoteResult} vote=${closed} council=${state.meeting.body_kind === 'people_council'} />
      </section>`;
  }

  const voter = VOTER_ROLES.includes(role);
  // Excluded from the vote's item (conflict of interest): no ballot, not even as a proxy.
  const withdrawn = (state.items || []).some((i) => i.id === vote.item_id && i.withdrawn);
  const proxies = voter && !withdrawn ? vote.proxy_for || [] : [];
  // The server refuses a ballot from a member recorded absent: say so before they try.
  const myLine = (state.participants || []).find((p) => p.user_id === state.me.user_id);
  const away = voter && isAway(myLine) && !vote.voted;
  const mine = { voted: vote.voted, choice: vote.my_choice, marks: vote.my_marks };
  return html`
    <section class="panel vote-panel open" data-testid="vote-panel" data-vote=${vote.id}
      aria-live="polite">
      <h2 class="pane-title"><span class="pulse" aria-hidden="true"></span>${t('vote.open_now')}</h2>
      <p class="vote-question" data-testid="vote-question">${vote.question}</p>
      ${vote.kind && html`<p class="muted small" data-testid="vote-kind">${t(`vote.kind_${vote.kind}`)}</p>`}
      ${away && html`<p class="notice notice-warn" data-testid="vote-absent">${t('vote.must_check_in')}</p>`}
      ${voter && withdrawn && html`<p class="notice notice-warn" data-testid="vote-withdrawn">${t('withdrawn.vote')}</p>`}
      ${voter && !withdrawn && offline && !unsure && (!vote.voted || proxies.some((x) => !x.voted)) && html`
        <p class="notice notice-warn" data-testid="vote-offline" role="alert">${t('vote.needs_connection')}</p>`}
      ${unsure && html`<p class="notice notice-info" data-testid="vote-unsure">${t('vote.unsure')}</p>`}
      ${answer === 'not_recorded' && !vote.voted && html`
        <p class="notice notice-warn" data-testid="vote-not-recorded">${t('vote.not_recorded')}</p>`}
      ${voter && !away && !withdrawn && html`<div class="ballot" data-testid="own-ballot">
        ${proxies.length > 0 && html`<h3 class="ballot-title">${t('vote.own_ballot')}</h3>`}
        <${Ballot} vote=${vote} cast=${mine} onCast=${(c) => cast(c)} pending=${pendingFor('me')} offline=${offline} />
      </div>`}
      ${proxies.map((x) => html`
        <div class="ballot ballot-proxy" key=${x.user_id} data-testid=${`proxy-ballot-${x.user_id}`}>
          <h3 class="ballot-title">${t('vote.proxy_for', { name: x.full_name })}</h3>
          <${Ballot} vote=${vote} cast=${x} forName=${x.full_name} onCast=${(c) => cast(c, x.user_id)}
            pending=${pendingFor(x.user_id)} offline=${offline} />
        </div>`)}
      ${role === 'guest' && html`<p class="notice notice-info" data-testid="vote-guest">${t('vote.guest')}</p>`}
      ${role === 'secretary' && html`<p class="muted">${t('vote.secretary')}</p>`}
      <${ErrorBox} error=${error} testid="vote-error" />
      <p class="vote-progress" data-testid="vote-progress" data-cast=${vote.cast}>
        ${t('vote.progress', { cast: vote.cast ?? 0, eligible: vote.eligible })}</p>
    </section>`;
}
