// Copying the meeting for the next of a series: a new draft of the same body and kind, with
// the same participants and roles and the agenda's skeleton, at the time the secretary
// chooses; then the new meeting's preparation page opens.

import { html, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { post } from '../api.js';
import { localInputToIso } from '../format.js';
import { t } from '../i18n.js';
import { navigate } from '../router.js';
import { ErrorBox } from '../ui/feedback.js';

export function CopyMeeting({ snap, me }) {
  const meeting = snap.meeting;
  const [form, setForm] = useState({ title: meeting.title, starts: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  if (snap.me.role !== 'secretary' && me?.user.global_role !== 'admin') return null;
  const set = (name) => (e) => setForm({ ...form, [name]: e.target.value });

  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { meeting: copy } = await post(`/api/meetings/${meeting.id}/copy`, {
        title: form.title.trim(), starts_at: localInputToIso(form.starts),
      });
      navigate(`/m/${copy.id}/prepare`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return html`
    <form class="card form-grid" onSubmit=${submit} data-testid="copy-meeting">
      <h2 class="span-2">${t('prep.copy')}</h2>
      <p class="span-2 small muted">${t('prep.copy_hint')}</p>
      <label class="field span-2"><span>${t('prep.copy_title')}</span>
        <input required value=${form.title} onInput=${set('title')} data-testid="copy-title" /></label>
      <label class="field span-2"><span>${t('meetings.field_start')}</span>
        <input type="datetime-local" required value=${form.starts} onInput=${set('starts')}
          data-testid="copy-starts" /></label>
      <div class="span-2"><${ErrorBox} error=${error} testid="copy-error" />
        <button class="btn" type="submit" disabled=${busy} data-testid="copy-submit">
          ${busy ? t('common.working') : t('prep.copy_submit')}</button></div>
    </form>`;
}
