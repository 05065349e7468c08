// The room screen's part of the secretary's and the chair's console: how long a closed vote's
// result stays up on the screen, which result is up now (with the time left), and taking it
// down so that the page or the speaker returns. The server keeps all of it (`state.screen`).

import { html, useEffect, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { post, put } from '../api.js';
import { t } from '../i18n.js';
import { resultLeftMs, resultOnScreen } from '../meeting-state.js';

const UNTIL_DISMISSED = 'until';
const CHOICES = [15, 30, 60, 120];

function holdLabel(seconds) {
  return seconds % 60 === 0 && seconds >= 60
    ? t('console.result_hold_minutes', { n: seconds / 60 })
    : t('console.result_hold_seconds', { n: seconds });
}

// Re-render each second while a timed result is up, for the countdown.
function useSecondTick(active) {
  const [, tick] = useState(0);
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [active]);
}

export function ScreenControls({ state, action }) {
  const { meeting } = state;
  const screen = state.screen || { result_seconds: 30 };
  const shown = resultOnScreen(state);
  const left = shown ? resultLeftMs(state) : null;
  useSecondTick(left != null);
  const chosen = screen.result_seconds == null ? UNTIL_DISMISSED : String(screen.result_seconds);
  const choices = CHOICES.includes(screen.result_seconds) || screen.result_seconds == null
    ? CHOICES : [...CHOICES, screen.result_seconds].sort((a, b) => a - b);
  const choose = (value) => action.run('screen-hold', () => put(
    `/api/meetings/${meeting.id}/screen/settings`,
    { result_seconds: value === UNTIL_DISMISSED ? null : Number(value) },
  ));
  const dismiss = () => action.run('screen-dismiss',
    () => post(`/api/meetings/${meeting.id}/screen/dismiss`));

  return html`
    <div class="console-block" data-testid="screen-console">
      <h3>${t('console.screen')}</h3>
      <label class="field"><span>${t('console.result_hold')}</span>
        <select value=${chosen} data-testid="result-hold-input" disabled=${action.busy !== null}
          onChange=${(e) => choose(e.target.value)}>
          ${choices.map((n) => html`<option value=${String(n)} key=${n}>${holdLabel(n)}</option>`)}
          <option value=${UNTIL_DISMISSED}>${t('console.result_hold_until')}</option>
        </select></label>
      ${shown && html`
        <p data-testid="result-up" data-vote=${shown.id}>${t('console.result_up', { question: shown.question })}</p>
        <p class="small muted" data-testid="result-left">${left == null
          ? t('console.result_until_dismissed')
          : t('console.result_left', { n: Math.max(0, Math.ceil(left / 1000)) })}</p>
        <button type="button" class="btn btn-block" data-testid="dismiss-result"
          disabled=${action.busy !== null} onClick=${dismiss}>${t('console.result_dismiss')}</button>`}
    </div>`;
}
