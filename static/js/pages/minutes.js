// /m/{id}/minutes: the secretary writes each item's conclusion and what each speaker said on
// it (saved turn by turn, as in the console), the general conclusion and the recipients ("Nơi nhận": one list, which the minutes end with "Lưu: VT, hồ sơ." once);
// previews the draft PDF; then signs and issues it once the meeting ended. Other participants
// see the signed minutes once issued.

import { html, useEffect, useRef, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { get, post, put } from '../api.js';
import { formatDateTime, minutesNumber } from '../format.js';
import { t } from '../i18n.js';
import { StatusBadge } from '../ui/badges.js';
import { ConfirmDialog } from '../ui/confirm.js';
import { ErrorBox, Loading, Notice } from '../ui/feedback.js';
import { AppHeader } from '../ui/header.js';
import { StatementBox } from '../ui/statement-box.js';

function SealedInfo({ minutes, meetingId }) {
  return html`
    <section class="card sealed-card" data-testid="sealed-info">
      <h2><span class="seal-mark" aria-hidden="true">✓</span> ${t('minutes.sealed')}</h2>
      <dl class="facts">
        <dt>${t('minutes.number')}</dt><dd data-testid="minutes-number">${minutesNumber(minutes.number)}</dd>
        <dt>${t('minutes.signer')}</dt><dd data-testid="minutes-signer">${minutes.signer || ''}</dd>
        <dt>${t('minutes.sealed_at')}</dt><dd data-testid="minutes-sealed-at">
          <time datetime=${minutes.sealed_at}>${formatDateTime(minutes.sealed_at)}</time></dd>
        <dt>${t('archive.digest')}</dt><dd class="mono small">${minutes.signed_sha256}</dd>
      </dl>
      <a class="btn btn-primary" href=${`/api/meetings/${meetingId}/minutes.pdf`} target="_blank"
        rel="noopener" data-testid="signed-minutes-link">${t('minutes.download')}</a>
    </section>`;
}

function toForm(m) {
  return {
    general: m.general_conclusion || '',
    recipients: m.recipients && m.recipients.length ? [...m.recipients] : [''],
    items: Object.fromEntries(m.items.map((i) => [i.id, i.conclusion || ''])),
  };
}

// "Nơi nhận" as one list: an entry per line, and the filing line the minutes end with.
function Recipients({ list, filing, onChange }) {
  const set = (i, value) => onChange(list.map((r, j) => (j === i ? value : r)));
  const remove = (i) => onChange(list.length > 1 ? list.filter((_, j) => j !== i) : ['']);
  return html`
    <fieldset class="field recipients" data-testid="recipients">
      <legend>${t('minutes.recipients')}</legend>
      <ol class="recipient-list">
        ${list.map((r, i) => html`<li key=${i} class="row">
          <span aria-hidden="true">-</span>
          <input type="text" class="grow" maxlength="300" value=${r}
            aria-label=${t('record.recipient_n', { n: i + 1 })}
            placeholder=${i === 0 ? t('record.recipient_placeholder') : ''}
            data-testid=${`recipient-${i}`} onInput=${(e) => set(i, e.target.value)} />
          <button type="button" class="btn btn-small" data-testid=${`recipient-remove-${i}`}
            aria-label=${t('record.recipient_remove', { n: i + 1 })}
            onClick=${() => remove(i)}>${t('common.remove')}</button></li>`)}
        <li class="row filing" data-testid="recipient-filing">
          <span aria-hidden="true">-</span><span class="grow">${filing}</span>
          <span class="muted small">${t('record.filing_fixed')}</span></li>
      </ol>
      <button type="button" class="btn btn-small" data-testid="recipient-add"
        onClick=${() => onChange([...list, ''])}>${t('record.recipient_add')}</button>
    </fieldset>`;
}

// The minutes with one turn's statement as saved.
function withStatement(minutes, turn) {
  return {
    ...minutes,
    items: minutes.items.map((i) => ({
      ...i, turns: (i.turns || []).map((x) => (x.id === turn.id ? { ...x, statement: turn.statement } : x)),
    })),
  };
}

function ItemStatements({ item, pending, onSaved }) {
  const turns = item.turns || [];
  if (turns.length === 0) return null;
  return html`
    <div class="statements" data-testid=${`item-statements-${item.id}`}>
      <p class="statements-title">${t('statement.item_turns')}</p>
      ${turns.map((turn) => html`<${StatementBox} key=${turn.id} turn=${turn} pending=${pending}
        onSaved=${onSaved} />`)}
    </div>`;
}

function Editor({ meetingId, minutes, setMinutes }) {
  const [form, setForm] = useState(() => toForm(minutes));
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState(null);
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  const [preview, setPreview] = useState(null);
  const [confirming, setConfirming] = useState(false);
  // Statements being saved (each box saves on its own when it loses focus): the preview and
  // the signing wait for them, so that the PDF has what was just typed.
  const pending = useRef(new Set()).current;
  const settled = () => Promise.allSettled([...pending]);
  const onStatement = (turn) => setMinutes((m) => withStatement(m, turn));
  const edit = (change) => { setForm({ ...form, ...change }); setDirty(true); setSaved(false); };

  async function save() {
    const body = {
      general_conclusion: form.general,
      recipients: form.recipients.map((r) => r.trim()).filter(Boolean),
      items: minutes.items.map((i) => ({ id: i.id, conclusion: form.items[i.id] || '' })),
    };
    const fresh = await put(`/api/meetings/${meetingId}/minutes`, body);
    setMinutes(fresh);
    // Show the list as the minutes will print it (a typed "Lưu: …" line is not kept).
    setForm((f) => ({ ...f, recipients: toForm(fresh).recipients }));
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
    await settled();
    await save();
    setPreview(`/api/meetings/${meetingId}/minutes/preview.pdf?at=${Date.now()}`);
  });
  const onSeal = () => run('seal', async () => {
    await settled();
    if (dirty) await save();
    setMinutes(await post(`/api/meetings/${meetingId}/minutes/seal`));
  }).finally(() => setConfirming(false));

  return html`
    <form class="minutes-form" onSubmit=${onSave} data-testid="minutes-form">
      <section class="card">
        <h2>${t('statement.items')}</h2>
        ${minutes.items.map((i, n) => html`
          <div class="minutes-item" key=${i.id} data-testid=${`minutes-item-${i.id}`}>
            <h3 class="minutes-item-title">${n + 1}. ${i.title}</h3>
            <${ItemStatements} item=${i} pending=${pending} onSaved=${onStatement} />
            <label class="field"><span>${t('statement.conclusion')}</span>
              <textarea rows="3" value=${form.items[i.id]} data-testid=${`conclusion-${i.id}`}
                aria-label=${t('statement.conclusion_of', { title: `${n + 1}. ${i.title}` })}
                onInput=${(e) => edit({ items: { ...form.items, [i.id]: e.target.value } })}></textarea>
            </label>
          </div>`)}
        <label class="field"><span>${t('minutes.general')}</span>
          <textarea rows="4" value=${form.general} data-testid="general-conclusion"
            onInput=${(e) => edit({ general: e.target.value })}></textarea></label>
        <${Recipients} list=${form.recipients} filing=${minutes.filing}
          onChange=${(recipients) => edit({ recipients })} />
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
        ${(i.turns || []).some((x) => x.statement) && html`<ul class="plain-list">
          ${i.turns.filter((x) => x.statement).map((x) => html`<li key=${x.id} class="prewrap">
            ${x.full_name}: ${x.statement}</li>`)}</ul>`}
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
