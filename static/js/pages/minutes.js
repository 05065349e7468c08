// /m/{id}/minutes: the secretary writes each item's conclusion, the general conclusion and
// the recipients; previews the draft PDF; then signs and seals it once the meeting ended.
// Other participants see the signed minutes once sealed.

import { html, useEffect, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { get, post, put } from '../api.js';
import { isoVietnam, minutesNumber } from '../format.js';
import { t } from '../i18n.js';
import { StatusBadge } from '../ui/badges.js';
import { ConfirmDialog } from '../ui/confirm.js';
import { ErrorBox, Loading, Notice } from '../ui/feedback.js';
import { AppHeader } from '../ui/header.js';

function SealedInfo({ minutes, meetingId }) {
  return html`
    <section class="card sealed-card" data-testid="sealed-info">
      <h2><span class="seal-mark" aria-hidden="true">✓</span> ${t('minutes.sealed')}</h2>
      <dl class="facts">
        <dt>${t('minutes.number')}</dt><dd data-testid="minutes-number">${minutesNumber(minutes.number)}</dd>
        <dt>${t('minutes.signer')}</dt><dd data-testid="minutes-signer">${minutes.signer || ''}</dd>
        <dt>${t('minutes.sealed_at')}</dt><dd data-testid="minutes-sealed-at">${isoVietnam(minutes.sealed_at)}</dd>
        <dt>${t('archive.digest')}</dt><dd class="mono small">${minutes.signed_sha256}</dd>
      </dl>
      <a class="btn btn-primary" href=${`/api/meetings/${meetingId}/minutes.pdf`} target="_blank"
        rel="noopener" data-testid="signed-minutes-link">${t('minutes.download')}</a>
    </section>`;
}

function toForm(m) {
  return {
    general: m.general_conclusion || '',
    recipients: (m.recipients || []).join('\n'),
    items: Object.fromEntries(m.items.map((i) => [i.id, i.conclusion || ''])),
  };
}

function Editor({ meetingId, minutes, setMinutes }) {
  const [form, setForm] = useState(() => toForm(minutes));
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState(null);
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  const [preview, setPreview] = useState(null);
  const [confirming, setConfirming] = useState(false);
  const edit = (change) => { setForm({ ...form, ...change }); setDirty(true); setSaved(false); };

  async function save() {
    const body = {
      general_conclusion: form.general,
      recipients: form.recipients.split('\n').map((r) => r.trim()).filter(Boolean),
      items: minutes.items.map((i) => ({ id: i.id, conclusion: form.items[i.id] || '' })),
    };
    const fresh = await put(`/api/meetings/${meetingId}/minutes`, body);
    setMinutes(fresh);
    setDirty(false);
    setSaved(true);
    return fresh;
  }

  async function run(name, fn) {
    setBusy(name);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  const onSave = (e) => { e.preventDefault(); run('save', save); };
  const onPreview = () => run('preview', async () => {
    await save();
    setPreview(`/api/meetings/${meetingId}/minutes/preview.pdf?at=${Date.now()}`);
  });
  const onSeal = () => run('seal', async () => {
    if (dirty) await save();
    setMinutes(await post(`/api/meetings/${meetingId}/minutes/seal`));
  }).finally(() => setConfirming(false));

  return html`
    <form class="minutes-form" onSubmit=${onSave} data-testid="minutes-form">
      <section class="card">
        <h2>${t('minutes.items')}</h2>
        ${minutes.items.map((i, n) => html`
          <label class="field" key=${i.id}><span>${n + 1}. ${i.title}</span>
            <textarea rows="3" value=${form.items[i.id]} data-testid=${`conclusion-${i.id}`}
              onInput=${(e) => edit({ items: { ...form.items, [i.id]: e.target.value } })}></textarea>
          </label>`)}
        <label class="field"><span>${t('minutes.general')}</span>
          <textarea rows="4" value=${form.general} data-testid="general-conclusion"
            onInput=${(e) => edit({ general: e.target.value })}></textarea></label>
        <label class="field"><span>${t('minutes.recipients')}</span>
          <textarea rows="4" value=${form.recipients} data-testid="recipients"
            onInput=${(e) => edit({ recipients: e.target.value })}></textarea></label>
      </section>
      <div class="sticky-actions">
        <button type="submit" class="btn btn-primary" disabled=${busy !== null}
          data-testid="minutes-save">${busy === 'save' ? t('common.saving') : t('minutes.save')}</button>
        <button type="button" class="btn" disabled=${busy !== null} onClick=${onPreview}
          data-testid="minutes-preview">${busy === 'preview' ? t('common.working') : t('minutes.preview')}</button>
        <button type="button" class="btn btn-seal" disabled=${busy !== null}
          onClick=${() => setConfirming(true)} data-testid="minutes-seal">${t('minutes.seal')}</button>
        ${dirty && html`<span class="muted small">${t('minutes.unsaved')}</span>`}
        ${saved && !dirty && html`<span class="ok-text small" data-testid="minutes-saved">${t('common.saved')}</span>`}
      </div>
      ${minutes.status !== 'ended' && html`<p class="muted small">${t('minutes.seal_needs_end')}</p>`}
      <${ErrorBox} error=${error} testid="minutes-error" />
      ${preview && html`
        <section class="card preview-card">
          <div class="row"><h2 class="grow">${t('minutes.preview_title')}</h2>
            <a href=${preview} target="_blank" rel="noopener">${t('minutes.preview_tab')}</a></div>
          <iframe class="preview-frame" src=${preview} title=${t('minutes.preview_title')}
            data-testid="preview-frame"></iframe>
        </section>`}
      ${confirming && html`
        <${ConfirmDialog} title=${t('minutes.seal_confirm_title')} confirmLabel=${t('minutes.seal')}
          busy=${busy === 'seal'} onConfirm=${onSeal} onCancel=${() => setConfirming(false)}>
          <p>${t('minutes.seal_confirm')}</p>
        </${ConfirmDialog}>`}
    </form>`;
}

function ReadOnly({ minutes }) {
  return html`
    <section class="card">
      <${Notice} kind="info">${t('minutes.read_only')}</${Notice}>
      <h2>${t('minutes.items')}</h2>
      <ol>${minutes.items.map((i) => html`<li key=${i.id}><strong>${i.title}</strong>
        <p>${i.conclusion || t('archive.no_conclusion')}</p></li>`)}</ol>
      ${minutes.general_conclusion && html`<h2>${t('minutes.general')}</h2><p>${minutes.general_conclusion}</p>`}
      ${!minutes.sealed_at && html`<p class="muted">${t('minutes.not_yet')}</p>`}
    </section>`;
}

export function MinutesPage({ id }) {
  const [minutes, setMinutes] = useState(null);
  const [snap, setSnap] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    Promise.all([get(`/api/meetings/${id}/minutes`), get(`/api/meetings/${id}`)])
      .then(([m, s]) => { setMinutes(m); setSnap(s); }, setError);
  }, [id]);

  const secretary = snap?.me.role === 'secretary';
  return html`
    <${AppHeader} title=${t('minutes.title')} subtitle=${snap?.meeting.title}>
      ${minutes && html`<${StatusBadge} status=${minutes.status} />`}
    </${AppHeader}>
    <main class="page narrow">
      <p class="row"><a href="/meetings">${t('nav.back_meetings')}</a>
        ${minutes?.status !== 'sealed' && html`<a href=${`/m/${id}`}>${t('minutes.back_tablet')}</a>`}</p>
      <${ErrorBox} error=${error} />
      ${!minutes && !error && html`<${Loading} />`}
      ${minutes?.sealed_at && html`<${SealedInfo} minutes=${minutes} meetingId=${id} />`}
      ${minutes && !minutes.sealed_at && (secretary
        ? html`<${Editor} meetingId=${id} minutes=${minutes} setMinutes=${setMinutes} />`
        : html`<${ReadOnly} minutes=${minutes} />`)}
    </main>`;
}
