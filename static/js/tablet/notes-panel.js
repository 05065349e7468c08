// My private notes on the page I am looking at: add, edit, delete. Every change goes through
// the notes outbox (notes-outbox.js): shown at once, marked as waiting until the server has it,
// sent when the connection allows. Notes saved on another of my devices arrive as note.saved /
// note.deleted (meeting-state.js).

import { html, useEffect, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { get } from '../api.js';
import { both, t } from '../i18n.js';
import { ErrorBox } from '../ui/feedback.js';
import { withWaiting } from './notes-outbox.js';

const sameNote = (a, b) => Boolean(a && b) && (a.id != null ? a.id === b.id : a.local === b.local);

export function NotesPanel({ state, update, doc, page, onPage, outbox, liveCount }) {
  const [text, setText] = useState('');
  const [editing, setEditing] = useState(null); // the note being edited, or null for a new one
  const [error, setError] = useState(null);
  const [unloaded, setUnloaded] = useState(false); // my saved notes could not be fetched (offline)
  const loaded = doc ? state.notes[doc.id] : null;

  // Fetched when the document opens, and again when the connection returns if that failed. A
  // change the outbox got acknowledged meanwhile may be missing from the answer: fetched again.
  useEffect(() => {
    if (!doc || state.notes[doc.id]) return undefined;
    let current = true;
    const load = () => {
      const at = outbox.acked();
      get(`/api/documents/${doc.id}/notes`).then((r) => {
        if (!current) return;
        if (outbox.acked() !== at) { load(); return; }
        setUnloaded(false);
        update((s) => ({ ...s, notes: { ...s.notes, [doc.id]: r.notes } }));
      }, (err) => {
        if (!current) return;
        if (err.status) setError(err);
        else setUnloaded(true);
      });
    };
    load();
    return () => { current = false; };
  }, [doc?.id, liveCount]);
  useEffect(() => { setEditing(null); setText(''); setError(null); }, [doc?.id, page]);

  if (!doc) {
    return html`<section class="panel notes-panel" data-testid="notes-panel">
      <h2 class="pane-title">${t('notes.title')}</h2>
      <p class="muted">${t('notes.no_document')}</p></section>`;
  }

  const { shown: notes, deletions } = withWaiting(loaded, outbox.items, doc.id);
  const here = notes.filter((n) => n.page === page);
  const otherPages = [...new Set(notes.filter((n) => n.page !== page).map((n) => n.page))]
    .sort((a, b) => a - b);

  function save(event) {
    event.preventDefault();
    if (!text.trim()) {
      const { vi, en } = both('notes.empty');
      setError({ error: 'empty', message_vi: vi, message_en: en });
      return;
    }
    setError(null);
    if (editing) outbox.edit({ ...editing, document_id: doc.id }, page, text.trim());
    else outbox.add(doc.id, page, text.trim());
    setText('');
    setEditing(null);
  }

  function remove(note) {
    setError(null);
    outbox.remove({ ...note, document_id: doc.id });
    if (sameNote(editing, note)) { setEditing(null); setText(''); }
  }

  return html`
    <section class="panel notes-panel" data-testid="notes-panel">
      <h2 class="pane-title">${t('notes.title')}</h2>
      <p class="muted small">${`${t('notes.where', { page, title: doc.title || doc.filename })} · ${t('notes.hint')}`}</p>
      ${unloaded && html`<p class="muted small" data-testid="notes-unloaded">${t('notes.unloaded')}</p>`}
      ${(loaded || unloaded) && here.length === 0 && html`<p class="muted small">${t('notes.none')}</p>`}
      <ul class="notes">
        ${here.map((n) => html`
          <li key=${n.id ?? n.local} class=${`note${sameNote(editing, n) ? ' editing' : ''}${n.waiting ? ' note-waiting' : ''}`}
            data-testid="note" data-waiting=${n.waiting ? 'true' : 'false'}>
            <p class="note-text">${n.text}</p>
            ${n.waiting && html`<span class="badge badge-warn" data-testid="note-waiting">${t('notes.waiting')}</span>`}
            <div class="note-actions">
              <button type="button" class="btn btn-quiet" data-testid="note-edit"
                onClick=${() => { setEditing(n); setText(n.text); }}>${t('common.edit')}</button>
              <button type="button" class="btn btn-quiet" data-testid="note-delete"
                onClick=${() => remove(n)}>${t('common.delete')}</button>
            </div>
          </li>`)}
      </ul>
      <form onSubmit=${save} class="note-form">
        <textarea rows="3" value=${text} placeholder=${t('notes.placeholder')}
          aria-label=${t('notes.placeholder')} data-testid="note-text"
          onInput=${(e) => setText(e.target.value)}></textarea>
        <div class="row">
          <button class="btn btn-primary" type="submit" data-testid="note-save">
            ${editing ? t('notes.update') : t('notes.save')}</button>
          ${editing && html`<button type="button" class="btn btn-quiet"
            onClick=${() => { setEditing(null); setText(''); }}>${t('common.cancel')}</button>`}
        </div>
      </form>
      ${deletions > 0 && html`<p class="muted small" data-testid="notes-deletions-waiting">
        ${t('notes.deletions_waiting', { n: deletions })}</p>`}
      <${ErrorBox} error=${error || outbox.refused} testid="note-error" />
      ${otherPages.length > 0 && html`
        <p class="small other-pages">${t('notes.other_pages')}
          ${otherPages.map((p) => html`<button type="button" class="chip" key=${p}
            onClick=${() => onPage(p)}>${p}</button>`)}</p>`}
    </section>`;
}
