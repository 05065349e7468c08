// The agenda as the secretary builds it: items and sub-items ("1.1" under item 1), each with
// its presenter, planned duration and documents; added, edited, deleted, and reordered by
// drag and drop or from the keyboard (the ⠿ button: Alt + arrows; or the Up, Down, sub-item
// buttons). Every move sends the whole order (agenda-order.js). While the meeting runs the
// same changes are possible; the server announces each to every tablet and records it.

import { html, useEffect, useLayoutEffect, useRef, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { api, del, get, patch, post, put } from '../api.js';
import { t } from '../i18n.js';
import { ConfirmDialog } from '../ui/confirm.js';
import { ErrorBox, Notice } from '../ui/feedback.js';
import { dropOn, indent, move, outdent, payload, treeOf } from './agenda-order.js';
import { Documents } from './documents.js';
import { Formats, Upload, useUploads } from './upload.js';

function Policy({ meetingId, live }) {
  const [policy, setPolicy] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => { get(`/api/meetings/${meetingId}/document-policy`).then(setPolicy, setError); }, [meetingId]);
  useEffect(() => { if (live) setPolicy(live); }, [live]);
  if (!policy) return html`<${ErrorBox} error=${error} />`;
  const save = (change) => {
    setError(null);
    api('PUT', `/api/meetings/${meetingId}/document-policy`, { ...policy, ...change })
      .then(setPolicy, setError);
  };
  return html`<div class="doc-policy" data-testid="doc-policy">
    <label class="toggle"><input type="checkbox" checked=${policy.confidential}
      data-testid="policy-confidential" onChange=${(e) => save({ confidential: e.target.checked })} />
      ${t('prep.policy_confidential')}</label>
    <label class="toggle"><input type="checkbox" checked=${policy.downloads} disabled=${policy.confidential}
      data-testid="policy-downloads" onChange=${(e) => save({ downloads: e.target.checked })} />
      ${t('uploads.policy_downloads')}</label>
    <label class="field policy-originals"><span>${t('uploads.policy_originals')}</span>
      <select data-testid="policy-originals" value=${policy.originals || 'staff'}
        disabled=${policy.confidential || !policy.downloads} aria-describedby="policy-originals-hint"
        onChange=${(e) => save({ originals: e.target.value })}>
        ${['staff', 'participants', 'nobody'].map((v) => html`<option value=${v}>
          ${t(`uploads.originals_${v}`)}</option>`)}
      </select></label>
    <p class="small muted" id="policy-originals-hint">${t('uploads.originals_hint')}</p>
    <${ErrorBox} error=${error} />
  </div>`;
}

// Adding an item (optionally under another) or editing one.
function ItemForm({ snap, item, parentId = null, onDone, onCancel }) {
  const meetingId = snap.meeting.id;
  const editing = Boolean(item);
  const [form, setForm] = useState({
    title: item?.title || '', presenter: item?.presenter || '',
    minutes: item?.planned_minutes ? String(item.planned_minutes) : '',
    parent: parentId ? String(parentId) : '',
  });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const titleRef = useRef(null);
  const set = (name) => (e) => setForm({ ...form, [name]: e.target.value });
  useEffect(() => { setForm((f) => ({ ...f, parent: parentId ? String(parentId) : '' })); }, [parentId]);
  useEffect(() => { if (editing || parentId) titleRef.current?.focus(); }, [parentId]);
  const prefix = editing ? `edit-${item.id}` : 'item';

  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body = {
      title: form.title.trim(), presenter: form.presenter.trim(),
      planned_minutes: form.minutes ? Number(form.minutes) : 0,
    };
    try {
      const { item: saved } = editing
        ? await patch(`/api/meetings/${meetingId}/items/${item.id}`, body)
        : await post(`/api/meetings/${meetingId}/items`,
          { ...body, parent_id: form.parent ? Number(form.parent) : null });
      if (!editing) setForm({ title: '', presenter: '', minutes: '', parent: '' });
      await onDone(saved);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const mains = snap.items.filter((i) => !i.parent_id);
  return html`
    <form class=${`form-grid ${editing ? 'edit-item' : 'add-item'}`} onSubmit=${submit}
      data-testid=${editing ? `edit-item-${item.id}` : 'add-item'}>
      ${!editing && html`<h3 class="span-2">${t('prepare.add_item')}</h3>`}
      <label class="field span-2"><span>${t('prepare.item_title')}</span>
        <input required ref=${titleRef} value=${form.title} onInput=${set('title')}
          data-testid=${`${prefix}-title`} /></label>
      <label class="field"><span>${t('prepare.presenter')}</span>
        <input value=${form.presenter} onInput=${set('presenter')} data-testid=${`${prefix}-presenter`} /></label>
      <label class="field"><span>${t('prepare.planned')}</span>
        <input type="number" min="0" max="1440" inputmode="numeric" value=${form.minutes}
          onInput=${set('minutes')} data-testid=${`${prefix}-minutes`} /></label>
      ${!editing && mains.length > 0 && html`<label class="field span-2"><span>${t('prep.parent')}</span>
        <select value=${form.parent} onChange=${set('parent')} data-testid="item-parent">
          <option value="">${t('prep.parent_none')}</option>
          ${mains.map((i) => html`<option value=${i.id}>${i.number}. ${i.title}</option>`)}
        </select></label>`}
      <div class="span-2"><${ErrorBox} error=${error} />
        <div class="row">
          <button class="btn btn-primary" type="submit" disabled=${busy}
            data-testid=${`${prefix}-submit`}>${editing ? t('prep.save_item') : t('prepare.add_item')}</button>
          ${onCancel && html`<button class="btn" type="button" onClick=${onCancel}>${t('common.cancel')}</button>`}
        </div></div>
    </form>`;
}

const KEYS = { ArrowUp: (tree, id) => move(tree, id, -1), ArrowDown: (tree, id) => move(tree, id, 1),
  ArrowRight: indent, ArrowLeft: outdent };

function ItemRow({ item, node, ctx }) {
  const { snap, tree, live, uploads, reload, editable, arrange, drag, setDrag, setAdding, onDelete } = ctx;
  const [editing, setEditing] = useState(false);
  const sub = Boolean(item.parent_id);
  const label = { number: item.number, title: item.title };
  const children = node ? node.children.map((id) => snap.items.find((i) => i.id === id)).filter(Boolean) : [];
  const onKeyDown = (e) => {
    const change = e.altKey && KEYS[e.key];
    if (!change) return;
    e.preventDefault();
    arrange(change(tree, item.id), item.id);
  };
  const dragProps = editable ? {
    draggable: true,
    onDragStart: (e) => {
      e.stopPropagation();
      e.dataTransfer.effectAllowed = 'move';
      e.dataTransfer.setData('text/plain', String(item.id));
      setDrag({ id: item.id, over: null });
    },
    onDragEnd: () => setDrag(null),
    onDragOver: (e) => {
      if (!drag || drag.id === item.id) return;
      e.preventDefault();
      e.stopPropagation();
      if (drag.over !== item.id) setDrag({ ...drag, over: item.id });
    },
    onDrop: (e) => {
      e.preventDefault();
      e.stopPropagation();
      const id = drag?.id;
      setDrag(null);
      if (id) arrange(dropOn(tree, id, item.id), id);
    },
  } : {};
  const over = drag && drag.over === item.id && drag.id !== item.id;
  return html`
    <li class=${`agenda-node${sub ? ' sub' : ''}`} data-testid=${`item-${item.id}`}
      data-number=${item.number}>
      <div class=${`item-head${over ? ' drop-target' : ''}${drag?.id === item.id ? ' dragging' : ''}`}
        data-testid=${`item-head-${item.id}`} ...${dragProps}>
        ${editable && html`<button type="button" class="handle" data-handle=${item.id}
          data-testid=${`handle-${item.id}`} aria-label=${t('prep.handle', label)}
          title=${t('prep.keyboard_hint')} onKeyDown=${onKeyDown}>⠿</button>`}
        <span class="item-no" data-testid=${`number-${item.id}`}>${item.number}</span>
        <div class="grow">
          <h3 class="item-name">${item.title}</h3>
          <p class="muted small">${item.presenter}
            ${item.planned_minutes ? `${item.presenter ? ' · ' : ''}${t('common.minutes_short', { n: item.planned_minutes })}` : ''}</p>
        </div>
      </div>
      ${editable && html`<div class="item-tools">
        <button type="button" class="btn btn-small btn-quiet" data-testid=${`up-${item.id}`}
          aria-label=${t('prep.move_up_label', label)} title=${t('prep.move_up')}
          disabled=${!move(tree, item.id, -1)}
          onClick=${() => arrange(move(tree, item.id, -1), item.id)}>↑</button>
        <button type="button" class="btn btn-small btn-quiet" data-testid=${`down-${item.id}`}
          aria-label=${t('prep.move_down_label', label)} title=${t('prep.move_down')}
          disabled=${!move(tree, item.id, 1)}
          onClick=${() => arrange(move(tree, item.id, 1), item.id)}>↓</button>
        ${sub
          ? html`<button type="button" class="btn btn-small btn-quiet" data-testid=${`outdent-${item.id}`}
            aria-label=${t('prep.outdent_label', label)} title=${t('prep.outdent')}
            onClick=${() => arrange(outdent(tree, item.id), item.id)}>←</button>`
          : html`<button type="button" class="btn btn-small btn-quiet" data-testid=${`indent-${item.id}`}
            aria-label=${t('prep.indent_label', label)} title=${t('prep.indent')}
            disabled=${!indent(tree, item.id)}
            onClick=${() => arrange(indent(tree, item.id), item.id)}>→</button>
            <button type="button" class="btn btn-small btn-quiet" data-testid=${`add-sub-${item.id}`}
              onClick=${() => setAdding(item.id)}>+ ${t('prep.add_sub')}</button>`}
        <button type="button" class="btn btn-small btn-quiet" data-testid=${`edit-${item.id}`}
          aria-label=${t('prep.edit_label', label)} aria-expanded=${String(editing)}
          onClick=${() => setEditing(!editing)}>${t('prep.edit_item')}</button>
        <button type="button" class="btn btn-small btn-danger" data-testid=${`delete-${item.id}`}
          aria-label=${t('prep.delete_label', label)} onClick=${() => onDelete(item)}>
          ${t('prep.delete_item')}</button>
      </div>`}
      ${editing && html`<${ItemForm} snap=${snap} item=${item} onCancel=${() => setEditing(false)}
        onDone=${async () => { setEditing(false); await reload(); }} />`}
      <${Documents} snap=${snap} item=${item} live=${live} uploads=${uploads} reload=${reload}
        editable=${editable} />
      ${editable && html`<${Upload} meetingId=${snap.meeting.id} item=${item} live=${live}
        uploads=${uploads} reload=${reload} />`}
      ${children.length > 0 && html`<ol class="agenda-sub">
        ${children.map((c) => html`<${ItemRow} key=${c.id} item=${c} node=${null} ctx=${ctx} />`)}
      </ol>`}
    </li>`;
}

export function Agenda({ snap, reload, live, me }) {
  const meeting = snap.meeting;
  const mine = snap.me.role === 'secretary' || me?.user.global_role === 'admin';
  const editable = mine && ['draft', 'running'].includes(meeting.status);
  const [error, setError] = useState(null);
  const [announce, setAnnounce] = useState('');
  const [focusId, setFocusId] = useState(null);
  const [drag, setDrag] = useState(null);
  const [adding, setAdding] = useState(null);
  const [deleting, setDeleting] = useState(null);
  const [busy, setBusy] = useState(false);
  const tree = treeOf(snap.items);
  const addRef = useRef(null);

  // After a move the list is drawn anew: keep the keyboard on the item that moved. A layout effect
  // runs before the browser takes the next key, so a quick second Alt+arrow is not lost to a blur.
  useLayoutEffect(() => {
    if (focusId) document.querySelector(`[data-handle="${focusId}"]`)?.focus();
  }, [snap, focusId]);
  useEffect(() => { if (adding) addRef.current?.scrollIntoView({ block: 'center' }); }, [adding]);

  async function arrange(next, movedId) {
    if (!next) return;
    setError(null);
    try {
      const { items } = await put(`/api/meetings/${meeting.id}/agenda`, { items: payload(next) });
      const moved = items.find((i) => i.id === movedId);
      if (moved) setAnnounce(t('prep.moved', { title: moved.title, number: moved.number }));
      setFocusId(movedId);
    } catch (err) {
      setError(err);
    }
    await reload();
  }

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      await del(`/api/meetings/${meeting.id}/items/${deleting.id}`);
    } catch (err) {
      setError(err);
    }
    setBusy(false);
    setDeleting(null);
    await reload();
  }

  const uploads = useUploads(meeting.id, live, editable);
  const ctx = { snap, tree, live, uploads, reload, editable, arrange, drag, setDrag, setAdding,
    onDelete: setDeleting };
  return html`
    <section class="card" data-testid="agenda">
      <h2>${t('prepare.agenda')}</h2>
      <${Policy} meetingId=${meeting.id} live=${live?.documentPolicy} />
      ${meeting.status === 'running' && html`<${Notice} kind="warn" testid="agenda-running">
        ${t('prep.agenda_running')}</${Notice}>`}
      ${editable && snap.items.length > 1 && html`<p class="small muted" id="agenda-keys">${t('prep.keyboard_hint')}</p>`}
      ${editable && html`<${Formats} />`}
      <p class="sr-only" aria-live="polite" data-testid="agenda-announce">${announce}</p>
      <${ErrorBox} error=${error} testid="agenda-error" />
      ${snap.items.length === 0 && html`<p class="muted">${t('prepare.no_items')}</p>`}
      <ol class="agenda-tree">
        ${tree.map((node) => html`<${ItemRow} key=${node.id} node=${node} ctx=${ctx}
          item=${snap.items.find((i) => i.id === node.id)} />`)}
      </ol>
      ${editable && html`<div ref=${addRef}><${ItemForm} snap=${snap} parentId=${adding}
        onDone=${async () => { setAdding(null); await reload(); }} /></div>`}
      ${deleting && html`<${ConfirmDialog} danger busy=${busy}
        title=${t('prep.delete_title', { number: deleting.number })}
        confirmLabel=${t('prep.delete_item')} onConfirm=${remove} onCancel=${() => setDeleting(null)}>
        <p>${t('prep.delete_body', { title: deleting.title })}</p>
        ${meeting.status === 'draft' && deleting.documents.length > 0 && html`<p>
          ${t('prep.delete_docs', { n: deleting.documents.length })}</p>`}
        ${meeting.status === 'running' && html`<p>${t('prep.delete_running')}</p>`}
      </${ConfirmDialog}>`}
    </section>`;
}
