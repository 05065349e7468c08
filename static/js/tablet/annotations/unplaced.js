// My annotations that a new version of the document could not place: listed with the page
// of the old version they were made on (its image beside them), never lost. Each can be
// deleted once read.

import { html } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { pick, t } from '../../i18n.js';

const what = (a) => a.data?.text || a.data?.target?.quote?.exact || t(`annot.kind.${a.kind}`);

export function UnplacedList({ doc, unplaced, onDelete, onClose }) {
  return html`
    <section class="annot-editor annot-unplaced" data-testid="annot-unplaced" onPointerDown=${(e) => e.stopPropagation()}>
      <p class="annot-editor-title">${t('annot.unplaced_title', { count: unplaced.length })}</p>
      <p class="small muted">${t('annot.unplaced_help')}</p>
      <ul class="annot-unplaced-list">
        ${unplaced.map((a) => html`<li key=${a.id} data-testid="annot-unplaced-item" data-id=${a.id}>
          <img src=${`/api/documents/${doc.id}/pages/${a.origin?.page || a.page}?version=${a.origin?.version || a.version}&w=160`}
            alt=${t('annot.unplaced_page', { version: a.origin?.version || a.version, page: a.origin?.page || a.page })}
            width="80" loading="lazy" />
          <span class="annot-unplaced-text">
            <span class="small muted">${t('annot.unplaced_page', { version: a.origin?.version || a.version, page: a.origin?.page || a.page })}</span>
            <span>${what(a)}</span>
            ${a.placement_reason && html`<span class="small muted" data-testid="annot-unplaced-reason"
              data-reason=${a.placement_reason.code}>${pick(a.placement_reason.vi, a.placement_reason.en)}</span>`}
          </span>
          <button type="button" class="btn btn-quiet" data-testid="annot-unplaced-delete"
            onClick=${() => onDelete(a)}>${t('annot.delete')}</button>
        </li>`)}
      </ul>
      <div class="annot-editor-actions">
        <button type="button" class="btn" data-testid="annot-unplaced-close" onClick=${onClose}>${t('annot.close')}</button>
      </div>
    </section>`;
}
