// An item's documents as the secretary arranges them: their order (up and down), moving one
// to another item, a new version, removing one (before the start it is gone; after, it is
// withdrawn and stays for the record, shown greyed), the late marker and the pages rendered.

import { html, useLayoutEffect, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { del, patch, put } from '../api.js';
import { t } from '../i18n.js';
import { LateBadge } from '../ui/badges.js';
import { ConfirmDialog } from '../ui/confirm.js';
import { ErrorBox } from '../ui/feedback.js';
import { ReplaceVersion } from './upload.js';

function DocProgress({ progress }) {
  if (!progress) return null;
  const done = progress.ready >= progress.total;
  return html`<span class="doc-progress muted" data-testid="doc-progress" data-ready=${progress.ready}
    data-total=${progress.total}> · ${done ? t('docs.rendered', progress) : html`
    <progress max=${progress.total} value=${progress.ready}></progress> ${t('docs.rendering', progress)}`}</span>`;
}

const titleOf = (d) => d.title || d.filename;

export function Documents({ snap, item, live, uploads, reload, editable }) {
  const meetingId = snap.meeting.id;
  const draft = snap.meeting.status === 'draft';
  const [error, setError] = useState(null);
  const [removing, setRemoving] = useState(null);
  const [busy, setBusy] = useState(false);
  const docs = item.documents;
  const withdrawn = (snap.withdrawn_documents || []).filter((d) => d.item_id === item.id);

  async function act(fn) {
    setError(null);
    setBusy(true);
    try {
      await fn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      await reload();
    }
  }
  const [moved, setMoved] = useState(null);
  const reorder = (index, delta) => act(async () => {
    const order = docs.map((d) => d.id);
    const [id] = order.splice(index, 1);
    order.splice(index + delta, 0, id);
    await put(`/api/meetings/${meetingId}/items/${item.id}/document-order`, { documents: order });
    setMoved({ id, delta, order: order.join() });
  });
  // The list is drawn anew after a move (its buttons disabled meanwhile): keep the keyboard on
  // the document that moved, on its other arrow once it reaches the end, as the agenda does.
  useLayoutEffect(() => {
    if (!moved || busy || docs.map((d) => d.id).join() !== moved.order) return;
    const at = docs.findIndex((d) => d.id === moved.id);
    const end = moved.delta < 0 ? at === 0 : at === docs.length - 1;
    const up = (moved.delta < 0) !== end;
    document.querySelector(`[data-testid="doc-${up ? 'up' : 'down'}-${moved.id}"]`)?.focus();
    setMoved(null);
  }, [docs, busy, moved]);
  const moveTo = (doc, itemId) => act(() => patch(`/api/documents/${doc.id}`, { item_id: itemId }));
  const remove = () => act(async () => {
    await del(`/api/documents/${removing.id}`);
    setRemoving(null);
  });
  const others = snap.items.filter((i) => i.id !== item.id);

  return html`
    <div class="item-docs">
      <h4>${t('prepare.documents')}</h4>
      ${docs.length + withdrawn.length === 0 && html`<p class="muted small">${t('prepare.no_documents')}</p>`}
      <ul class="doc-list">
        ${docs.map((d, index) => html`<li key=${d.id} class="doc-row" data-testid=${`doc-${d.id}`}>
          <span class="doc-name">
            <a href=${`/api/documents/${d.id}/file`} target="_blank" rel="noopener">${titleOf(d)}</a>
            <span class="muted small"> · ${t('common.pages', { n: d.page_count })}</span>
            <${LateBadge} doc=${d} />
            <${DocProgress} progress=${live?.docProgress?.[d.id]} />
          </span>
          ${editable && html`<span class="doc-tools">
            <button type="button" class="btn btn-small btn-quiet" disabled=${busy || index === 0}
              aria-label=${t('prep.doc_up_label', { title: titleOf(d) })} data-testid=${`doc-up-${d.id}`}
              onClick=${() => reorder(index, -1)}>↑</button>
            <button type="button" class="btn btn-small btn-quiet" disabled=${busy || index === docs.length - 1}
              aria-label=${t('prep.doc_down_label', { title: titleOf(d) })} data-testid=${`doc-down-${d.id}`}
              onClick=${() => reorder(index, 1)}>↓</button>
            ${others.length > 0 && html`<select class="doc-move" data-testid=${`doc-move-${d.id}`}
              aria-label=${t('prep.doc_move_label', { title: titleOf(d) })} disabled=${busy}
              onChange=${(e) => e.target.value && moveTo(d, Number(e.target.value))}>
              <option value="">${t('prep.doc_move_to')}…</option>
              ${others.map((i) => html`<option value=${i.id}>${i.number}. ${i.title}</option>`)}
            </select>`}
            <${ReplaceVersion} doc=${d} live=${live} uploads=${uploads} reload=${reload} />
            <button type="button" class="btn btn-small btn-danger" data-testid=${`doc-remove-${d.id}`}
              disabled=${busy} onClick=${() => setRemoving(d)}>
              ${draft ? t('prep.doc_remove') : t('prep.doc_withdraw')}</button>
          </span>`}
        </li>`)}
        ${withdrawn.map((d) => html`<li key=${d.id} class="doc-row doc-withdrawn"
          data-testid=${`withdrawn-${d.id}`}>
          <span class="doc-name"><s>${titleOf(d)}</s>
            <span class="badge">${t('prep.withdrawn')}</span></span></li>`)}
      </ul>
      <${ErrorBox} error=${error} testid="doc-error" />
      ${removing && html`<${ConfirmDialog} danger busy=${busy}
        title=${t(draft ? 'prep.doc_remove_title' : 'prep.doc_withdraw_title', { title: titleOf(removing) })}
        confirmLabel=${draft ? t('prep.doc_remove') : t('prep.doc_withdraw')}
        onConfirm=${remove} onCancel=${() => setRemoving(null)}>
        <p>${t(draft ? 'prep.doc_remove_body' : 'prep.doc_withdraw_body')}</p>
      </${ConfirmDialog}>`}
    </div>`;
}
