// My private notes on the page I am looking at: add, edit, delete. Notes saved on another
// of my devices arrive as note.saved / note.deleted (meeting-state.js).

import { html, useEffect, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { del, get, post, put } from '../api.js';
import { both, t } from '../i18n.js';
import { applyPublication } from '../meeting-state.js';
import { ErrorBox } from '../ui/feedback.js';

export function NotesPanel({ state, update, doc, page, onPage }) {
  const [text, setText] = useState('');
  const [editing, setEditing] = useState(null); // the note being edited, or null for a new one
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const notes = doc ? state.notes[doc.id] : null;

  useEffect(() => {
    if (!doc || state.notes[doc.id]) return;
    get(`/api/documents/${doc.id}/notes`).then(
      (r) => update((s) => ({ ...s, notes: { ...s.notes, [doc.id]: r.notes } })),
      setError,
    );
  }, [doc?.id]);
  useEffect(() => { setEditing(null); setText(''); setError(null); }, [doc?.id, page]);

  if (!doc) {
    return html`<section class="panel notes-panel" data-testid="notes-panel">
      <h2 class="pane-title">${t('notes.title')}</h2>
      <p class="muted">${t('notes.no_document')}</p></section>`;
  }

  const here = (notes || []).filter((n) => n.page === page);
  const otherPages = [...new Set((notes || []).filter((n) => n.page !== page).map((n) => n.page))]
    .sort((a, b) => a - b);

  async function save(event) {
    event.preventDefault();
    if (!text.trim()) {
      const { vi, en } = both('notes.empty');
      setError({ error: 'empty', message_vi: vi, message_en: en });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body = { page, text: text.trim() };
      const { note } = editing
        ? await put(`/api/notes/${editing.id}`, { ...body, document_id: doc.id })
        : await post(`/api/documents/${doc.id}/notes`, body);
      update((s) => applyPublication(s, { type: 'note.saved', data: note }));
      setText('');
      setEditing(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function remove(note) {
    setError(null);
    try {
      await del(`/api/notes/${note.id}`);
      update((s) => applyPublication(s, { type: 'note.deleted', data: { id: note.id, document_id: doc.id } }));
      if (editing?.id === note.id) { setEditing(null); setText(''); }
    } catch (err) {
      setError(err);
    }
  }

  return html`
    <section class="panel notes-panel" data-testid="notes-panel">
      <h2 class="pane-title">${t('notes.title')}</h2>
      <p class="muted small">${`${t('notes.where', { page, title: doc.title || doc.filename })} · ${t('notes.hint')}`}</p>
      ${notes && here.length === 0 && html`<p class="muted small">${t('notes.none')}</p>`}
      <ul class="notes">
        ${here.map((n) => html`
          <li key=${n.id} class=${`note${editing?.id === n.id ? ' editing' : ''}`} data-testid="note">
            <p class="note-text">${n.text}</p>
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
          <button class="btn btn-primary" type="submit" disabled=${busy} data-testid="note-save">
            ${busy ? t('common.saving') : editing ? t('notes.update') : t('notes.save')}</button>
          ${editing && html`<button type="button" class="btn btn-quiet"
            onClick=${() => { setEditing(null); setText(''); }}>${t('common.cancel')}</button>`}
        </div>
      </form>
      <${ErrorBox} error=${error} testid="note-error" />
      ${otherPages.length > 0 && html`
        <p class="small other-pages">${t('notes.other_pages')}
          ${otherPages.map((p) => html`<button type="button" class="chip" key=${p}
            onClick=${() => onPage(p)}>${p}</button>`)}</p>`}
    </section>`;
}
