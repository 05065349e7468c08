// A confirmation dialog for what cannot be undone (ending a meeting, sealing minutes).

import { html, useEffect, useRef } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { t } from '../i18n.js';

export function ConfirmDialog({ title, children, confirmLabel, danger = false, busy = false,
  onConfirm, onCancel }) {
  const okRef = useRef(null);
  useEffect(() => {
    okRef.current?.focus();
    const onKey = (e) => { if (e.key === 'Escape' && !busy) onCancel(); };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [busy]);
  return html`
    <div class="overlay" data-testid="confirm-dialog">
      <div class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title">
        <h2 id="confirm-title">${title}</h2>
        <div class="dialog-body">${children}</div>
        <div class="dialog-actions">
          <button type="button" class="btn" data-testid="confirm-cancel" disabled=${busy}
            onClick=${onCancel}>${t('common.cancel')}</button>
          <button type="button" ref=${okRef} class=${danger ? 'btn btn-danger' : 'btn btn-primary'}
            data-testid="confirm-ok" disabled=${busy} onClick=${onConfirm}>
            ${busy ? t('common.working') : confirmLabel}</button>
        </div>
      </div>
    </div>`;
}
