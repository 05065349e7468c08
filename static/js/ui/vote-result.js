// A vote's counts as bars (plain CSS widths, no chart library) and its outcome: yes/no/abstain,
// or one bar per candidate with the elected ones marked; a line across the bars shows how many
// votes the rule asks for.

import { html } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { STRINGS, t } from '../i18n.js';

export const CHOICES = ['yes', 'no', 'abstain'];

const gcd = (a, b) => (b ? gcd(b, a % b) : a);

// "quá nửa tổng số thành viên", "ít nhất hai phần ba tổng số đại biểu Hội đồng nhân dân"
// (council: the body is a People's Council), as meetings/votes/majority.py `Rule.text` says.
export function ruleText(rule, council = false) {
  if (!rule) return '';
  const d = gcd(rule.numerator, rule.denominator) || 1;
  const key = `rule.frac_${rule.numerator / d}_${rule.denominator / d}`;
  const basis = council && STRINGS[`rule.basis.${rule.basis}_council`]
    ? `rule.basis.${rule.basis}_council` : `rule.basis.${rule.basis}`;
  return t(rule.strict ? 'rule.more_than' : 'rule.at_least', {
    frac: STRINGS[key] ? t(key) : `${rule.numerator}/${rule.denominator}`,
    basis: t(basis),
  });
}

const isElection = (vote) => (vote.options || []).length > 0;

// The number the threshold is a share of, as the server counted it at the close.
function basisCount(vote) {
  const r = vote.result || {};
  const c = vote.counts || {};
  const basis = vote.rule?.basis;
  if (basis === 'present') return c.present ?? vote.present ?? 0;
  if (basis === 'cast') return isElection(vote) ? c.ballots ?? 0 : (r.yes || 0) + (r.no || 0) + (r.abstain || 0);
  return c.eligible ?? vote.eligible ?? 0;
}

// The fewest votes that pass (meetings/majority.py `passes`, in integers); null: nothing can.
export function votesNeeded(vote) {
  const { rule } = vote;
  const basis = basisCount(vote);
  if (!rule || basis <= 0) return null;
  const product = rule.numerator * basis;
  return rule.strict ? Math.floor(product / rule.denominator) + 1 : Math.ceil(product / rule.denominator);
}

const widthOf = (n, full) => (el) => { if (el) el.style.width = `${Math.min(100, (100 * n) / full)}%`; };
const leftOf = (n, full) => (el) => { if (el) el.style.left = `${Math.min(100, (100 * n) / full)}%`; };

// One row: a label, a track with the filled share and (optionally) the threshold mark, the count.
function BarRow({ kind, label, n, full, threshold, testid, extra = null, elected }) {
  return html`
    <div class=${`bar-row bar-${kind}${elected ? ' bar-elected' : ''}`}
      data-elected=${elected === undefined ? undefined : String(elected)}>
      <span class="bar-label">${label}${extra}</span>
      <span class="bar-track">
        <span class="bar-fill" ref=${widthOf(n, full)}></span>
        ${threshold != null && html`<span class="bar-threshold" aria-hidden="true" ref=${leftOf(threshold, full)}></span>`}
      </span>
      <span class="bar-count" data-testid=${testid}>${n}</span>
    </div>`;
}

// counts: {yes, no, abstain}; total: the width of a full bar (the eligible voters).
export function ChoiceBars({ counts, total, testid = 'bars', threshold = null }) {
  const full = Math.max(total || 0, threshold || 0, ...CHOICES.map((c) => counts[c] || 0), 1);
  return html`
    <div class="bars" data-testid=${testid}>
      ${CHOICES.map((c) => html`<${BarRow} key=${c} kind=${c} label=${t(`choice.${c}`)}
        n=${counts[c] || 0} full=${full} threshold=${c === 'yes' ? threshold : null}
        testid=${`${testid}-${c}`} />`)}
    </div>`;
}

// An election: a bar per candidate, the elected ones marked.
export function CandidateBars({ vote, testid = 'bars', threshold = null }) {
  const marks = vote.counts?.marks || vote.tally?.marks || vote.options.map(() => 0);
  const elected = vote.counts?.elected || [];
  const full = Math.max(vote.counts?.ballots || 0, vote.eligible || 0, threshold || 0, ...marks, 1);
  const closed = vote.status === 'closed';
  return html`
    <div class="bars bars-candidates" data-testid=${testid}>
      ${vote.options.map((name, i) => {
        const won = elected.includes(i);
        return html`<${BarRow} key=${i} kind="candidate" label=${name} n=${marks[i] || 0} full=${full}
          threshold=${threshold} testid=${`${testid}-option-${i}`} elected=${closed ? won : undefined}
          extra=${won ? html` <span class="elected-mark" data-testid=${`${testid}-elected-${i}`}>${t('vote.elected_mark')}</span>` : null} />`;
      })}
    </div>`;
}

export function Outcome({ passed, vote = null }) {
  if (vote && isElection(vote)) {
    const names = (vote.counts?.elected || []).map((i) => vote.options[i]);
    return html`<p class=${names.length ? 'outcome outcome-passed' : 'outcome outcome-failed'}
      data-testid="vote-outcome" data-passed=${String(names.length > 0)}>
      ${names.length ? t('vote.elected', { names: names.join(', ') }) : t('vote.none_elected')}</p>`;
  }
  return html`<p class=${passed ? 'outcome outcome-passed' : 'outcome outcome-failed'}
    data-testid="vote-outcome" data-passed=${String(!!passed)}>
    ${passed ? t('vote.passed') : t('vote.not_passed')}</p>`;
}

// A closed vote's chart, the count cast, the rule and its threshold, and the outcome.
export function VoteResult({ vote, testid = 'vote-result', barsTestid = null, metaClass = 'muted small', council = false }) {
  const r = vote.result || {};
  const election = isElection(vote);
  const cast = election ? vote.counts?.cast ?? vote.counts?.ballots ?? 0
    : (r.yes || 0) + (r.no || 0) + (r.abstain || 0);
  const needed = votesNeeded(vote);
  const bars = barsTestid || `${testid}-bars`;
  return html`
    <div class="vote-result" data-testid=${testid} data-vote=${vote.id}>
      <p class="vote-question">${vote.question}</p>
      ${election
        ? html`<${CandidateBars} vote=${vote} testid=${bars} threshold=${needed} />`
        : html`<${ChoiceBars} counts=${r} total=${vote.eligible} testid=${bars} threshold=${needed} />`}
      <p class=${`vote-meta ${metaClass}`}>${t('vote.cast_of', { cast, eligible: vote.eligible })}${' · '}${t('vote.rule', { rule: ruleText(vote.rule, council) })}</p>
      ${needed != null && html`<p class=${`vote-threshold ${metaClass}`} data-testid=${`${testid}-threshold`}
        data-needed=${needed}><span class="threshold-key" aria-hidden="true"></span>
        ${t(election ? 'vote.threshold_elect' : 'vote.threshold', { n: needed })}</p>`}
      <${Outcome} passed=${r.passed} vote=${vote} />
    </div>`;
}

// One line for a list of past votes.
export function resultSummary(vote) {
  const r = vote.result || {};
  if (isElection(vote)) {
    const marks = vote.counts?.marks || [];
    return vote.options.map((o, i) => `${o} ${marks[i] ?? 0}`).join(' · ');
  }
  return CHOICES.map((c) => `${t(`choice.${c}`)} ${r[c] ?? 0}`).join(' · ');
}
