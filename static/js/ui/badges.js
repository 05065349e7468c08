// Small labels: a meeting's status, the live connection, a person's role, a document that
// reached the members after the deadline.

import { html } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { formatTime } from '../format.js';
import { t } from '../i18n.js';

export function StatusBadge({ status }) {
  return html`<span class=${`badge status-${status}`} data-testid="meeting-status"
    data-status=${status}>${t(`status.${status}`)}</span>`;
}

// The connection as the person needs it: live, reconnecting or offline, since when it was lost
// (`since`, ms), and how many things done here still wait to be sent (`waiting`).
export function ConnBadge({ state, since = null, waiting = 0 }) {
  const shown = state === 'live' ? 'live' : state === 'closed' || state === 'offline'
    ? 'offline' : 'reconnecting';
  const label = state === 'connecting' ? t('conn.connecting') : t(`conn.${shown}`);
  const at = since && shown !== 'live' ? formatTime(new Date(since).toISOString()) : null;
  return html`<span class=${`conn conn-${shown}`} data-testid="conn-state" data-state=${state}
    data-waiting=${waiting} role="status" aria-live="polite"><span class="conn-dot" aria-hidden="true"></span>${label}${
    at && html`<span class="conn-since" data-testid="conn-since"> · ${t('conn.since', { time: at })}</span>`}${
    waiting > 0 && html`<span class="conn-waiting" data-testid="conn-waiting"> · ${t('conn.waiting', { n: waiting })}</span>`}</span>`;
}

export const roleLabel = (role) => (role ? t(`role.${role}`) : '');

export function LateBadge({ doc }) {
  return doc.late
    ? html`<span class="badge badge-warn badge-late" data-testid=${`late-${doc.id}`}>${t('prep.late')}</span>`
    : null;
}
