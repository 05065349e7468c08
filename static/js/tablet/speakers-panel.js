// The speakers' list on a tablet: ask for the floor (or raise a point of order) and withdraw;
// the queue and who speaks now, with the timer. The secretary and the chair also give the
// floor, end the turn, reorder and take requests off. The timer is the start time and the
// limit sent once by the server; this tablet counts down on its own clock (corrected by the
// server's clock), so the room gets no message per second. Beside the list, the secretary
// records what each speaker said on the current item (a statement per turn, for the minutes).

import { html, useEffect, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { del, get, post, put } from '../api.js';
import { t } from '../i18n.js';
import { STAFF_ROLES, VOTER_ROLES } from '../meeting-state.js';
import { ErrorBox } from '../ui/feedback.js';
import { StatementBox } from '../ui/statement-box.js';

// Seconds left in the turn (negative once over time), re-rendered four times a second.
export function useRemaining(current, offset = 0) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!current) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [current?.id, current?.started_at]);
  if (!current?.started_at) return null;
  const elapsed = (now + offset - Date.parse(current.started_at)) / 1000;
  return Math.round(current.limit_seconds - elapsed);
}

export function clock(seconds) {
  const sign = seconds < 0 ? '+' : '';
  const s = Math.abs(seconds);
  return `${sign}${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function SpeakerTimer({ speakers, testid = 'speaker-timer', className = 'speaker-timer' }) {
  const current = speakers?.current;
  const left = useRemaining(current, speakers?.offset || 0);
  if (!current || left === null) return null;
  const over = left < 0;
  return html`<span class=${`${className}${over ? ' over' : ''}`} data-testid=${testid}
    data-limit=${current.limit_seconds} data-over=${over ? 'true' : 'false'}
    aria-label=${over ? t('speakers.over_time') : t('speakers.time_left')}>${clock(left)}</span>`;
}

function kindLabel(kind) {
  return kind === 'point_of_order' ? t('speakers.point_of_order') : t('speakers.speech');
}

// The staff order the whole queue; changes carry only its head, so past the head the
// console loads the rest over HTTP (folding a burst of changes into one load).
function useWholeQueue(staff, sp, meetingId) {
  const [whole, setWhole] = useState(null);
  const needed = staff && (sp.waiting || 0) > sp.queue.length;
  useEffect(() => {
    if (!needed) {
      setWhole(null);
      return undefined;
    }
    const timer = setTimeout(() => get(`/api/meetings/${meetingId}/speakers`)
      .then((r) => setWhole(r.queue), () => {}), 300);
    return () => clearTimeout(timer);
  }, [needed, sp]);
  return needed && whole ? whole : sp.queue;
}

// The turns taken on the item now current, with their statements: from the staff's live
// list while it speaks of that item; loaded over HTTP when the current item moved on and no
// change has brought its turns yet.
function useItemTurns(secretary, sp, meetingId, itemId) {
  const [loaded, setLoaded] = useState(null);
  const live = sp.turns_item_id === itemId && Array.isArray(sp.turns);
  const needed = secretary && itemId != null && !live;
  useEffect(() => {
    if (!needed) {
      setLoaded(null);
      return undefined;
    }
    const timer = setTimeout(() => get(`/api/meetings/${meetingId}/speakers`)
      .then((r) => setLoaded(r), () => {}), 300);
    return () => clearTimeout(timer);
  }, [needed, itemId]);
  if (!secretary || itemId == null) return [];
  if (live) return sp.turns;
  return loaded?.turns_item_id === itemId ? loaded.turns : [];
}

function Statements({ turns }) {
  if (turns.length === 0) return null;
  return html`
    <section class="statements" data-testid="statements">
      <h3 class="statements-title">${t('statement.title')}</h3>
      <p class="small muted">${t('statement.hint')}</p>
      ${turns.map((turn) => html`<${StatementBox} key=${turn.id} turn=${turn} />`)}
    </section>`;
}

// `outbox`: the requests to speak this tablet has not yet had acknowledged (speaker-outbox.js).
export function SpeakersPanel({ state, outbox }) {
  const [busy, setBusy] = useState(null);
  const [error, setError] = useState(null);
  const sp = state.speakers || { queue: [], current: null, default_seconds: 180, waiting: 0 };
  const { me, meeting } = state;
  const staff = STAFF_ROLES.includes(me.role);
  const running = meeting.status === 'running';
  const queue = useWholeQueue(staff, sp, meeting.id);
  const turns = useItemTurns(me.role === 'secretary', sp, meeting.id, state.presentation?.item_id ?? null);
  if (!running && !sp.current && queue.length === 0) return null;
  const mine = sp.mine || [];
  const place = (q) => {
    const at = queue.findIndex((x) => x.id === q.id);
    return at >= 0 ? t('speakers.waiting', { n: at + 1 }) : t('speakers.waiting_far', { n: sp.waiting });
  };
  const speakingNow = sp.current && sp.current.user_id === me.user_id;

  const run = async (name, fn) => {
    setBusy(name);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  const ask = (kind) => run(`ask-${kind}`, () => outbox.ask(kind));
  const unsent = (kind) => outbox.waiting.some((c) => c.kind === kind);
  const withdraw = (id) => run(`withdraw-${id}`, () => del(`/api/speakers/${id}`));
  const floor = (id) => run(`floor-${id}`, () => post(`/api/speakers/${id}/floor`));
  const end = (id) => run(`end-${id}`, () => post(`/api/speakers/${id}/end`));
  const move = (index, by) => {
    const ids = queue.map((q) => q.id);
    const [id] = ids.splice(index, 1);
    ids.splice(index + by, 0, id);
    return run(`move-${id}`, () => put(`/api/meetings/${meeting.id}/speakers/order`, { order: ids }));
  };

  return html`
    <section class="panel speakers-panel" data-testid="speakers-panel" aria-live="polite">
      <h2 class="pane-title">${t('speakers.title')}</h2>
      ${sp.current ? html`
        <div class="speaker-now" data-testid="speaker-current" data-user=${sp.current.user_id}>
          <p class="small muted">${t('speakers.now')}</p>
          <p class="speaker-name">${sp.current.full_name}</p>
          <${SpeakerTimer} speakers=${sp} />
          ${(staff || speakingNow) && running && html`
            <button type="button" class="btn btn-small" data-testid="speaker-end"
              disabled=${busy !== null} onClick=${() => end(sp.current.id)}>
              ${speakingNow && !staff ? t('speakers.end_mine') : t('speakers.end')}</button>`}
        </div>` : html`<p class="muted small" data-testid="speaker-none">${t('speakers.nobody')}</p>`}
      ${queue.length > 0 ? html`
        <ol class="speaker-queue" data-testid="speaker-queue">
          ${queue.map((q, i) => html`
            <li key=${q.id} class=${`speaker-row${q.kind === 'point_of_order' ? ' order' : ''}`}
              data-testid=${`speaker-row-${q.id}`} data-user=${q.user_id}>
              <span class="grow">${q.full_name}${q.kind === 'point_of_order'
                ? html` <span class="badge badge-warn">${kindLabel(q.kind)}</span>` : ''}</span>
              ${staff && running && html`
                <button type="button" class="btn btn-small btn-quiet" title=${t('speakers.up')}
                  aria-label=${t('speakers.up')} disabled=${busy !== null || i === 0}
                  data-testid=${`speaker-up-${q.id}`} onClick=${() => move(i, -1)}>↑</button>
                <button type="button" class="btn btn-small btn-primary" data-testid=${`speaker-floor-${q.id}`}
                  disabled=${busy !== null} onClick=${() => floor(q.id)}>${t('speakers.give_floor')}</button>`}
              ${(staff || q.user_id === me.user_id) && running && html`
                <button type="button" class="btn btn-small btn-quiet" data-testid=${`speaker-withdraw-${q.id}`}
                  title=${t('speakers.withdraw')} aria-label=${t('speakers.withdraw')}
                  disabled=${busy !== null} onClick=${() => withdraw(q.id)}>✕</button>`}
            </li>`)}
        </ol>
        ${(sp.waiting || 0) > queue.length && html`<p class="muted small" data-testid="speaker-more">
          ${t('speakers.more', { n: sp.waiting - queue.length })}</p>`}` : html`<p class="muted small">${t('speakers.queue_empty')}</p>`}
      ${running && VOTER_ROLES.includes(me.role) && html`
        <div class="row wrap">
          ${!mine.some((q) => q.kind === 'speech') && !unsent('speech') && !speakingNow && html`
            <button type="button" class="btn btn-primary" data-testid="speak-request"
              disabled=${busy !== null} onClick=${() => ask('speech')}>✋ ${t('speakers.request')}</button>`}
          ${!mine.some((q) => q.kind === 'point_of_order') && !unsent('point_of_order') && html`
            <button type="button" class="btn" data-testid="speak-order"
              disabled=${busy !== null} onClick=${() => ask('point_of_order')}>${t('speakers.request_order')}</button>`}
          ${mine.map((q) => html`<span key=${q.id} class="badge badge-ok" data-testid="speak-waiting">
            ${place(q)}</span>`)}
          ${outbox.waiting.map((c) => html`<span key=${c.key} class="badge badge-warn" data-testid="speak-unsent"
            data-kind=${c.kind} title=${t('speakers.unsent_hint')}>${t('speakers.unsent', { kind: kindLabel(c.kind) })}</span>`)}
        </div>`}
      ${running && me.role === 'guest' && html`<p class="muted small" data-testid="speak-guest">${t('speakers.guest')}</p>`}
      ${staff && html`<p class="muted small">${t('speakers.default', { s: clock(sp.default_seconds) })}</p>`}
      <${Statements} turns=${turns} />
      <${ErrorBox} error=${error || outbox.refused} testid="speakers-error" />
    </section>`;
}
