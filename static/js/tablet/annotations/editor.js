// Writing a sticky note or a text box, or looking at one stroke or highlight: a small card
// over the page (outside the zoomed frame, so it is always readable), with the author's name
// when it is someone else's shared annotation (read only then); Save, Share, Delete, Cancel.

import { html, useEffect, useRef, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { t } from '../../i18n.js';

export const MAX_TEXT = 20000;

// `draft`: {kind, annotation?} (no annotation: a new one).
export function AnnotationEditor({ draft, mine, onSave, onDelete, onClose, onShare }) {
  const a = draft.annotation;
  const [text, setText] = useState(a ? a.data.text : '');
  const box = useRef(null);
  useEffect(() => { box.current?.focus({ preventScroll: true }); }, []);
  const save = (e) => {
    e.preventDefault();
    if (!text.trim()) { if (a) onDelete(); else onClose(); return; }
    onSave(text.slice(0, MAX_TEXT));
  };
  const textual = draft.kind === 'note' || draft.kind === 'text';
  const title = t(`annot.kind.${draft.kind}`);
  return html`
    <form class="annot-editor" data-testid="annot-editor" data-kind=${draft.kind} onSubmit=${save}
      onPointerDown=${(e) => e.stopPropagation()}>
      <p class="annot-editor-title">${title}${a && !mine
        ? html` · <span data-testid="annot-author">${a.owner?.name}</span>` : ''}</p>
      ${textual && html`<textarea ref=${box} data-testid="annot-editor-text" rows="4" maxlength=${MAX_TEXT} readonly=${!mine}
        aria-label=${title} placeholder=${t(draft.kind === 'note' ? 'annot.note_placeholder' : 'annot.text_placeholder')}
        value=${text} onInput=${(e) => setText(e.target.value)}></textarea>`}
      <div class="annot-editor-actions">
        ${mine && textual && html`<button type="submit" class="btn btn-primary" data-testid="annot-editor-save">${t('annot.save')}</button>`}
        ${mine && a && html`<button type="button" class="btn" data-testid="annot-editor-share"
          onClick=${() => onShare(a)}>${t(a.sharing?.meeting || a.sharing?.users?.length ? 'annot.shared' : 'annot.share')}</button>`}
        ${mine && a && html`<button type="button" class="btn btn-danger" data-testid="annot-editor-delete"
          onClick=${onDelete}>${t('annot.delete')}</button>`}
        <button type="button" class="btn" data-testid="annot-editor-cancel" onClick=${onClose}>
          ${t(mine ? 'annot.cancel' : 'annot.close')}</button>
      </div>
    </form>`;
}
