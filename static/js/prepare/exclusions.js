// Who takes no part in which agenda item (conflict of interest): the list per item, a form
// to exclude someone with the reason, and readmitting them.

import { html, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { api, put } from '../api.js';
import { t } from '../i18n.js';
import { ErrorBox } from '../ui/feedback.js';

export function Exclusions({ snap, reload }) {
  const id = snap.meeting.id;
  const [form, setForm] = useState({ item: '', person: '', reason: '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const open = ['draft', 'running'].includes(snap.meeting.status);
  const candidates = snap.participants.filter((p) => p.role !== 'secretary');
  const listed = snap.items.filter((i) => (i.exclusions || []).length > 0);
  const set = (name) => (e) => setForm({ ...form, [name]: e.target.value });

  async function act(fn) {
    setBusy(true);
    setError(null);
    try {
      await fn();
      await reload();
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  }
  async function exclude(event) {
    event.preventDefault();
    const done = await act(() => put(
      `/api/meetings/${id}/items/${form.item}/exclusions/${form.person}`, { reason: form.reason.trim() },
    ));
    if (done) setForm({ item: form.item, person: '', reason: '' });
  }
  const readmit = (itemId, userId) => act(() => api('DELETE',
    `/api/meetings/${id}/items/${itemId}/exclusions/${userId}`));

  return html`
    <section class="card" data-testid="exclusions">
      <h2>${t('excl.title')}</h2>
      <p class="muted small">${t('excl.hint')}</p>
      ${listed.length === 0 && html`<p class="muted" data-testid="exclusions-none">${t('excl.none')}</p>`}
      <ul class="rows">
        ${listed.map((item) => (item.exclusions || []).map((x) => html`
          <li class="row-item" key=${`${item.id}-${x.user_id}`} data-testid=${`exclusion-${item.id}-${x.user_id}`}>
            <span class="grow"><strong>${item.number}. ${item.title}</strong><br />
              <span class="small">${t('excl.line', { name: x.full_name, reason: x.reason })}</span></span>
            ${open && html`<button type="button" class="btn btn-quiet" disabled=${busy}
              data-testid=${`readmit-${item.id}-${x.user_id}`}
              onClick=${() => readmit(item.id, x.user_id)}>${t('excl.readmit')}</button>`}
          </li>`))}
      </ul>
      ${open && html`<form class="form-grid" onSubmit=${exclude} data-testid="exclude-form">
        <label class="field"><span>${t('excl.item')}</span>
          <select required value=${form.item} onChange=${set('item')} data-testid="exclude-item">
            <option value="">${t('excl.choose')}</option>
            ${snap.items.map((i) => html`<option value=${i.id}>${i.number}. ${i.title}</option>`)}
          </select></label>
        <label class="field"><span>${t('excl.person')}</span>
          <select required value=${form.person} onChange=${set('person')} data-testid="exclude-person">
            <option value="">${t('excl.choose')}</option>
            ${candidates.map((p) => html`<option value=${p.user_id}>${p.full_name}</option>`)}
          </select></label>
        <label class="field span-2"><span>${t('excl.reason')}</span>
          <input required maxlength="300" value=${form.reason} onInput=${set('reason')}
            data-testid="exclude-reason" /></label>
        <div class="span-2"><button class="btn btn-primary" type="submit" disabled=${busy}
          data-testid="exclude-submit">${t('excl.add')}</button></div>
      </form>`}
      <${ErrorBox} error=${error} testid="exclusions-error" />
    </section>`;
}
