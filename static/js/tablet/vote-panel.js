// The vote as a participant sees it: the question and three big buttons for the chair and
// members, the progress for everyone, then the result. A ballot is final.

import { html, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { post } from '../api.js';
import { t } from '../i18n.js';
import { applyPublication, lastClosedVote, VOTER_ROLES } from '../meeting-state.js';
import { ErrorBox } from '../ui/feedback.js';
import { CHOICES, VoteResult } from '../ui/vote-result.js';

function Ballot({ vote, onCast, pending }) {
  if (vote.my_choice) {
    return html`
      <div class="ballot-done" data-testid="vote-confirmation" data-choice=${vote.my_choice}>
        <p class="ballot-done-text">${t('vote.recorded', { choice: t(`choice.${vote.my_choice}`) })}</p>
        <p class="muted small">${t('vote.final')}</p>
      </div>`;
  }
  return html`
    <div class="ballot-buttons" role="group" aria-label=${vote.question}>
      ${CHOICES.map((c) => html`
        <button type="button" key=${c} class=${`btn btn-vote vote-${c}`} data-testid=${`vote-${c}`}
          disabled=${pending !== null} onClick=${() => onCast(c)}>
          ${pending === c ? t('vote.sending') : t(`choice.${c}`)}</button>`)}
    </div>`;
}

export function VotePanel({ state, update, conn }) {
  const [pending, setPending] = useState(null);
  const [error, setError] = useState(null);
  const vote = state.open_vote;
  const role = state.me.role;

  async function cast(choice) {
    setPending(choice);
    setError(null);
    try {
      const live = conn();
      // Over the socket when it is up; the HTTP route is the same ballot when it is not.
      const reply = live && live.live
        ? await live.command('vote.cast', { vote_id: vote.id, choice })
        : await post(`/api/votes/${vote.id}/ballots`, { choice });
      update((s) => applyPublication(s, { type: 'ballot.accepted', data: reply }));
    } catch (err) {
      setError(err);
    } finally {
      setPending(null);
    }
  }

  if (!vote) {
    const closed = state.justClosed || lastClosedVote(state);
    if (!closed) return null;
    return html`
      <section class="panel vote-panel closed" data-testid="vote-panel" data-vote=${closed.id}>
        <h2 class="pane-title">${t('vote.result')}</h2>
        <${VoteResult} vote=${closed} />
      </section>`;
  }

  return html`
    <section class="panel vote-panel open" data-testid="vote-panel" data-vote=${vote.id}
      aria-live="polite">
      <h2 class="pane-title"><span class="pulse" aria-hidden="true"></span>${t('vote.open_now')}</h2>
      <p class="vote-question" data-testid="vote-question">${vote.question}</p>
      ${VOTER_ROLES.includes(role) && html`<${Ballot} vote=${vote} onCast=${cast} pending=${pending} />`}
      ${role === 'guest' && html`<p class="notice notice-info" data-testid="vote-guest">${t('vote.guest')}</p>`}
      ${role === 'secretary' && html`<p class="muted">${t('vote.secretary')}</p>`}
      <${ErrorBox} error=${error} testid="vote-error" />
      <p class="vote-progress" data-testid="vote-progress" data-cast=${vote.cast}>
        ${t('vote.progress', { cast: vote.cast ?? 0, eligible: vote.eligible })}</p>
    </section>`;
}
