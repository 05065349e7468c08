// What a tablet says about the agenda itself: that it is not published yet (a draft's agenda
// and documents reach members only when the secretary publishes them), that it has just been
// published, and, while the meeting runs, each change the secretary makes to it.

import { html } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { t } from '../i18n.js';
import { STAFF_ROLES } from '../meeting-state.js';

export function AgendaNews({ state, update }) {
  const { meeting, me } = state;
  const waiting = meeting.status === 'draft' && !meeting.published_at && !STAFF_ROLES.includes(me.role);
  const amendments = state.amendments || [];
  const dismiss = (field) => update((s) => ({ ...s, [field]: field === 'amendments' ? [] : null }));
  return html`
    ${waiting && html`<div class="banner banner-info" role="status" data-testid="not-published">
      <p>${t('pub.not_yet')}</p></div>`}
    ${state.justPublished && html`<div class="banner banner-info" role="status" data-testid="just-published">
      <p>${t('pub.published_now')}</p>
      <button type="button" class="btn btn-small" onClick=${() => dismiss('justPublished')}>
        ${t('pub.dismiss')}</button></div>`}
    ${amendments.length > 0 && html`<div class="banner banner-warn amendments" role="status"
      aria-live="polite" data-testid="amendments">
      <div><strong>${t('amend.title')}</strong>
        <ul>${amendments.map((a) => html`<li key=${a.at} data-testid="amendment" data-change=${a.change}>
          ${t(`amend.${a.change}`, { number: a.number ?? '', title: a.title ?? '' })}</li>`)}</ul></div>
      <button type="button" class="btn btn-small" data-testid="amendments-dismiss"
        onClick=${() => dismiss('amendments')}>${t('pub.dismiss')}</button></div>`}`;
}
