// A vote's counts as bars (plain CSS widths, no chart library) and its outcome.

import { html } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { t } from '../i18n.js';

export const CHOICES = ['yes', 'no', 'abstain'];

export function ruleText(rule) {
  if (!rule) return '';
  return t(rule.strict ? 'rule.more_than' : 'rule.at_least', {
    frac: `${rule.numerator}/${rule.denominator}`,
    basis: t(`rule.basis.${rule.basis}`),
  });
}

// counts: {yes, no, abstain}; total: the width of a full bar (the eligible voters).
export function ChoiceBars({ counts, total, testid = 'bars' }) {
  const full = Math.max(total || 0, ...CHOICES.map((c) => counts[c] || 0), 1);
  return html`
    <div class="bars" data-testid=${testid}>
      ${CHOICES.map((c) => {
        const n = counts[c] || 0;
        const bar = (el) => { if (el) el.style.width = `${(100 * n) / full}%`; };
        return html`
          <div class=${`bar-row bar-${c}`} key=${c}>
            <span class="bar-label">${t(`choice.${c}`)}</span>
            <span class="bar-track"><span class="bar-fill" ref=${bar}></span></span>
            <span class="bar-count" data-testid=${`${testid}-${c}`}>${n}</span>
          </div>`;
      })}
    </div>`;
}

export function Outcome({ passed }) {
  return html`<p class=${passed ? 'outcome outcome-passed' : 'outcome outcome-failed'}
    data-testid="vote-outcome" data-passed=${String(!!passed)}>
    ${passed ? t('vote.passed') : t('vote.not_passed')}</p>`;
}

export function VoteResult({ vote, testid = 'vote-result' }) {
  const r = vote.result || {};
  const cast = (r.yes || 0) + (r.no || 0) + (r.abstain || 0);
  return html`
    <div class="vote-result" data-testid=${testid}>
      <p class="vote-question">${vote.question}</p>
      <${ChoiceBars} counts=${r} total=${vote.eligible} testid=${`${testid}-bars`} />
      <p class="muted small">${t('vote.cast_of', { cast, eligible: vote.eligible })}${' · '}${t('vote.rule', { rule: ruleText(vote.rule) })}</p>
      <${Outcome} passed=${r.passed} />
    </div>`;
}
