// What a page says while it waits, or when the server refused something.

import { html } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { errorText } from '../api.js';
import { t } from '../i18n.js';

export function ErrorBox({ error, testid = 'error' }) {
  if (!error) return null;
  return html`<p class="error-box" role="alert" data-testid=${testid}
    data-error=${error.error || ''}>${errorText(error)}</p>`;
}

export function Loading() {
  return html`<p class="loading" role="status">${t('common.loading')}</p>`;
}

export function Notice({ kind = 'info', children, testid }) {
  return html`<div class=${`notice notice-${kind}`} data-testid=${testid}>${children}</div>`;
}
