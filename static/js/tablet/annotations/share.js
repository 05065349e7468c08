// Sharing my annotations: one, or all mine on this document, with the whole meeting or with
// named participants, and taking them back (private again). The server answers and my other
// devices hear it; the page then reloads the document's annotations.

import { html, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { errorText, put } from '../../api.js';
import { t } from '../../i18n.js';
import { deviceId } from './ids.js';

// `target`: {annotation} for one, {documentId} for all mine on the document.
export function ShareCard({ target, participants, me, onDone, onClose }) {
  const start = target.annotation?.sharing || { meeting: false, users: [] };
  const [meeting, setMeeting] = useState(Boolean(start.meeting));
  const [users, setUsers] = useState(new Set(start.users || []));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const others = participants.filter((p) => p.user_id !== me.user_id);
  const url = target.annotation
    ? `/api/annotations/${encodeURIComponent(target.annotation.id)}/sharing`
    : `/api/documents/${target.documentId}/annotations/sharing`;
  const send = async (sharing) => {
    setBusy(true);
    setError(null);
    try {
      await put(url, { ...sharing, device: deviceId() });
      onDone();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const toggle = (id) => {
    const next = new Set(users);
    if (next.has(id)) next.delete(id); else next.add(id);
    setUsers(next);
  };
  return html`
    <form class="annot-editor annot-share" data-testid="annot-share" onPointerDown=${(e) => e.stopPropagation()}
      onSubmit=${(e) => { e.preventDefault(); send({ meeting, users: [...users] }); }}>
      <p class="annot-editor-title">${t(target.annotation ? 'annot.share_one' : 'annot.share_all')}</p>
      <label class="annot-share-row"><input type="checkbox" data-testid="annot-share-meeting" checked=${meeting}
        onChange=${(e) => setMeeting(e.target.checked)} /> ${t('annot.share_meeting')}</label>
      ${!meeting && others.length > 0 && html`<fieldset class="annot-share-people">
        <legend>${t('annot.share_people')}</legend>
        ${others.map((p) => html`<label class="annot-share-row" key=${p.user_id}>
          <input type="checkbox" data-testid=${`annot-share-user-${p.user_id}`} checked=${users.has(p.user_id)}
            onChange=${() => toggle(p.user_id)} /> ${p.full_name}</label>`)}
      </fieldset>`}
      ${error && html`<p class="error-text small" role="alert">${errorText(error)}</p>`}
      <div class="annot-editor-actions">
        <button type="submit" class="btn btn-primary" data-testid="annot-share-save" disabled=${busy}>${t('annot.share_save')}</button>
        <button type="button" class="btn btn-danger" data-testid="annot-share-revoke" disabled=${busy}
          onClick=${() => send({ meeting: false, users: [] })}>${t('annot.share_revoke')}</button>
        <button type="button" class="btn" data-testid="annot-share-cancel" onClick=${onClose}>${t('annot.cancel')}</button>
      </div>
    </form>`;
}
