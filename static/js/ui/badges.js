// Small labels: a meeting's status, the live connection, a person's role, a document that
// reached the members after the deadline.

import { html } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { t } from '../i18n.js';

export function StatusBadge({ status }) {
  return html`<span class=${`badge status-${status}`} data-testid="meeting-status"
    data-status=${status}>${t(`status.${status}`)}</span>`;
}

export function ConnBadge({ state }) {
  const shown = state === 'live' ? 'live' : state === 'closed' || state === 'offline'
    ? 'offline' : 'reconnecting';
  const label = state === 'connecting' ? t('conn.connecting') : t(`conn.${shown}`);
  return html`<span class=${`conn conn-${shown}`} data-testid="conn-state" data-state=${state}
    role="status" aria-live="polite"><span class="conn-dot" aria-hidden="true"></span>${label}</span>`;
}

export const roleLabel = (role) => (role ? t(`role.${role}`) : '');

export function LateBadge({ doc }) {
  return doc.late
    ? html`<span class="badge badge-warn badge-late" data-testid=${`late-${doc.id}`}>${t('prep.late')}</span>`
    : null;
}
