// Search across all the meeting's documents, from the agenda pane: hits grouped by document,
// each with its page and the words around it. Choosing one opens the document at that page
// with the hits boxed, as the search within a document does.

import { html, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { errorText, get } from '../api.js';
import { t } from '../i18n.js';
import { findDocument } from '../meeting-state.js';

// Hits come sorted by document, then page: keep that order, one group per document.
function byDocument(hits) {
  const groups = new Map();
  for (const hit of hits) {
    if (!groups.has(hit.document_id)) groups.set(hit.document_id, []);
    groups.get(hit.document_id).push(hit);
  }
  return [...groups.entries()];
}

function Snippet({ snippet }) {
  if (!snippet || !snippet.match) return null;
  const before = snippet.before ? `… ${snippet.before} ` : '';
  const after = snippet.after ? ` ${snippet.after} …` : '';
  return html`<span class="snippet">${before}<mark>${snippet.match}</mark>${after}</span>`;
}

export function MeetingSearch({ state, onChoose }) {
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  const clear = () => { setHits(null); setError(null); onChoose(null); };
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    if (!query.trim()) { clear(); return; }
    setBusy(true);
    try {
      const data = await get(`/api/meetings/${state.meeting.id}/search?q=${encodeURIComponent(query)}`);
      setHits(data.hits);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const groups = hits ? byDocument(hits) : [];

  return html`
    <section class="meeting-search" data-testid="meeting-search">
      <form class="meeting-search-form" role="search" onSubmit=${submit}>
        <input type="search" value=${query} placeholder=${t('docs.meeting_search_placeholder')}
          aria-label=${t('docs.meeting_search_placeholder')} data-testid="meeting-search-input"
          onInput=${(e) => setQuery(e.target.value)} />
        <button type="submit" class="btn" disabled=${busy}
          data-testid="meeting-search-go">${t('docs.search')}</button>
      </form>
      ${error && html`<p class="error-text small" role="alert">${errorText(error)}</p>`}
      ${hits && html`
        <p class="small muted meeting-search-count" data-testid="meeting-search-count" role="status">
          ${hits.length ? t('docs.meeting_hits', { pages: hits.length, documents: groups.length })
            : t('docs.no_hits')}
          <button type="button" class="btn btn-quiet btn-small" data-testid="meeting-search-clear"
            onClick=${clear}>${t('docs.clear_search')}</button></p>
        <ol class="search-groups">
          ${groups.map(([documentId, docHits]) => {
            const found = findDocument(state, documentId);
            const title = found ? `${found.item.number}. ${found.doc.title || found.doc.filename}`
              : docHits[0].title;
            return html`
              <li key=${documentId} class="search-group" data-testid="search-group"
                data-document=${documentId}>
                <p class="search-doc">${title}</p>
                <ul class="search-hits">
                  ${docHits.map((hit) => html`
                    <li key=${hit.page}>
                      <button type="button" class="search-hit" data-testid="search-hit"
                        data-document=${documentId} data-page=${hit.page}
                        onClick=${() => onChoose({ document_id: documentId, page: hit.page, hits: docHits })}>
                        <span class="search-hit-page">${t('docs.page_n', { page: hit.page })}</span>
                        <${Snippet} snippet=${hit.snippet} />
                      </button>
                    </li>`)}
                </ul>
              </li>`;
          })}
        </ol>`}
    </section>`;
}
