// The agenda beside the viewer: items and sub-items ("1.1") with their documents, the
// presented item marked, the document on my screen highlighted, late documents marked.

import { html } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { t } from '../i18n.js';
import { LateBadge } from '../ui/badges.js';

export function AgendaList({ items, presentation, shownDocumentId, onOpen }) {
  return html`
    <nav class="agenda" aria-label=${t('tablet.agenda')} data-testid="agenda">
      <h2 class="pane-title">${t('tablet.agenda')}</h2>
      <ol class="agenda-items">
        ${items.map((item) => {
          const presented = item.id === presentation?.item_id;
          return html`
            <li key=${item.id} class=${`agenda-item${presented ? ' presented' : ''}${item.parent_id ? ' agenda-subitem' : ''}`}
              data-testid=${`agenda-item-${item.id}`} data-presented=${String(presented)}>
              <div class="agenda-item-head">
                <span class="item-no">${item.number}</span>
                <div>
                  <p class="item-title">${item.title}</p>
                  ${item.presenter && html`<p class="item-presenter">${item.presenter}</p>`}
                  ${presented && html`<span class="badge badge-live">${t('tablet.presenting_now')}</span>`}
                </div>
              </div>
              ${item.documents.length === 0
                ? html`<p class="muted small agenda-nodoc" data-testid=${`agenda-nodoc-${item.id}`}>
                    ${item.withdrawn ? t('withdrawn.agenda') : t('tablet.no_documents')}</p>`
                : html`<ul class="agenda-docs">
                  ${item.documents.map((d) => html`
                    <li key=${d.id}>
                      <button type="button" data-testid=${`open-doc-${d.id}`}
                        class=${`doc-link${d.id === shownDocumentId ? ' viewing' : ''}`}
                        aria-current=${d.id === shownDocumentId ? 'true' : undefined}
                        onClick=${() => onOpen(d.id)}>
                        <span class="doc-icon" aria-hidden="true">PDF</span>
                        <span class="doc-title">${d.title || d.filename}</span>
                        <span class="muted small">${t('common.pages', { n: d.page_count })}</span>
                        <${LateBadge} doc=${d} />
                      </button>
                    </li>`)}
                </ul>`}
            </li>`;
        })}
      </ol>
    </nav>`;
}
