// The meeting's details: title, kind of session, start time and place (fixed once the
// meeting starts). The kind and the time set the deadline for the documents.

import { html, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { patch } from '../api.js';
import { isoToLocalInput, localInputToIso } from '../format.js';
import { t } from '../i18n.js';
import { ErrorBox } from '../ui/feedback.js';

export const KINDS = ['regular', 'special', 'urgent'];

function DetailsForm({ snap, reload }) {
  const m = snap.meeting;
  const editable = m.status === 'draft';
  const [form, setForm] = useState({
    title: m.title, place: m.place || '', starts: isoToLocalInput(m.starts_at), kind: m.kind,
  });
  const [state, setState] = useState({ busy: false, error: null, saved: false });
  const set = (name) => (e) => setForm({ ...form, [name]: e.target.value });

  async function save(event) {
    event.preventDefault();
    setState({ busy: true, error: null, saved: false });
    try {
      await patch(`/api/meetings/${m.id}`, {
        title: form.title.trim(), place: form.place.trim(), starts_at: localInputToIso(form.starts),
        kind: form.kind,
      });
      setState({ busy: false, error: null, saved: true });
      reload();
    } catch (error) {
      setState({ busy: false, error, saved: false });
    }
  }

  return html`
    <form class="card form-grid" onSubmit=${save} data-testid="details-form">
      <h2 class="span-2">${t('prepare.details')}</h2>
      ${!editable && html`<p class="span-2 muted">${t('prepare.locked')}</p>`}
      <label class="field span-2"><span>${t('meetings.field_title')}</span>
        <input required disabled=${!editable} value=${form.title} onInput=${set('title')} /></label>
      <label class="field span-2"><span>${t('kind.label')}</span>
        <select disabled=${!editable} value=${form.kind} onChange=${set('kind')} data-testid="meeting-kind">
          ${KINDS.map((k) => html`<option value=${k}>${t(`kind.${k}`)}</option>`)}
        </select></label>
      <label class="field"><span>${t('meetings.field_start')}</span>
        <input type="datetime-local" required disabled=${!editable} value=${form.starts}
          onInput=${set('starts')} /></label>
      <label class="field"><span>${t('meetings.field_place')}</span>
        <input disabled=${!editable} value=${form.place} onInput=${set('place')} /></label>
      ${editable && html`<div class="span-2 row">
        <button class="btn btn-primary" type="submit" disabled=${state.busy}>
          ${state.busy ? t('common.saving') : t('prepare.save_details')}</button>
        ${state.saved && html`<span class="ok-text">${t('common.saved')}</span>`}
      </div>`}
      <div class="span-2"><${ErrorBox} error=${state.error} /></div>
    </form>`;
}

// Keyed by the status: once the meeting starts, the form shows the saved values, read-only.
export function Details({ snap, reload }) {
  return html`<${DetailsForm} key=${snap.meeting.status} snap=${snap} reload=${reload} />`;
}
