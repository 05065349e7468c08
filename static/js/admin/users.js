// /admin/users: find people, create accounts, edit name, title and contact, change the
// system role, deactivate (their logins and tablets end at once), reset a password.

import { html, useEffect, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { get, patch, post } from '../api.js';
import { t } from '../i18n.js';
import { ErrorBox } from '../ui/feedback.js';
import { ConfirmDialog } from '../ui/confirm.js';
import { AdminFrame, Flash, roleName } from './common.js';

const EMPTY = { username: '', full_name: '', title: '', email: '', phone: '', password: '', global_role: '' };
const ROLES = ['', 'admin', 'archivist'];

function UserForm({ initial, creating, onSubmit, onCancel }) {
  const [form, setForm] = useState(initial);
  const set = (name) => (e) => setForm({ ...form, [name]: e.target.value });
  const field = (name, label, type = 'text', extra = {}) => html`
    <label class="field"><span>${label}</span>
      <input type=${type} value=${form[name]} onInput=${set(name)}
        data-testid=${`user-${name}`} ...${extra} /></label>`;
  const submit = (e) => {
    e.preventDefault();
    onSubmit({ ...form, global_role: form.global_role || null });
  };
  return html`
    <form class="card admin-form" onSubmit=${submit} data-testid=${creating ? 'user-create-form' : 'user-edit-form'}>
      <div class="admin-grid">
        ${creating && field('username', t('admin.user.username'), 'text', { required: true, autocomplete: 'off' })}
        ${field('full_name', t('admin.user.full_name'), 'text', { required: true })}
        ${field('title', t('admin.user.title'))}
        ${field('email', t('admin.user.email'), 'email')}
        ${field('phone', t('admin.user.phone'), 'tel')}
        ${creating && field('password', t('admin.user.password'), 'password', { required: true, minlength: 8, autocomplete: 'new-password' })}
        <label class="field"><span>${t('admin.user.role')}</span>
          <select value=${form.global_role || ''} onChange=${set('global_role')} data-testid="user-role">
            ${ROLES.map((r) => html`<option value=${r}>${roleName(r)}</option>`)}
          </select></label>
      </div>
      <div class="row">
        <button class="btn btn-primary" type="submit" data-testid="user-save">
          ${creating ? t('admin.user.create') : t('common.save')}</button>
        <button class="btn" type="button" onClick=${onCancel}>${t('common.cancel')}</button>
      </div>
    </form>`;
}

export function AdminUsersPage({ query }) {
  const [q, setQ] = useState(query.get('q') || '');
  const [users, setUsers] = useState(null);
  const [error, setError] = useState(null);
  const [flash, setFlash] = useState('');
  const [editing, setEditing] = useState(null); // 'new' or a user id

  const load = (text = q) => get(`/api/admin/users${text.trim() ? `?q=${encodeURIComponent(text.trim())}` : ''}`)
    .then((r) => setUsers(r.users), setError);
  useEffect(() => { load(); }, []);

  const run = async (work, message) => {
    setError(null);
    try {
      const result = await work();
      setFlash(message(result));
      setEditing(null);
      await load();
    } catch (err) {
      setError(err);
    }
  };
  const create = (form) => run(() => post('/api/admin/users', form),
    (r) => t('admin.user.created', { name: r.user.full_name }));
  const save = (id) => (form) => run(() => patch(`/api/admin/users/${id}`, {
    full_name: form.full_name, title: form.title, email: form.email, phone: form.phone,
    global_role: form.global_role,
  }), (r) => t('admin.user.saved', { name: r.user.full_name }));
  const [confirming, setConfirming] = useState(null); // the user about to be deactivated
  const deactivate = (u) => {
    setConfirming(null);
    run(() => post(`/api/admin/users/${u.id}/deactivate`),
      (r) => t('admin.user.deactivated', { name: u.full_name, n: r.logins_ended }));
  };
  const reactivate = (u) => run(() => post(`/api/admin/users/${u.id}/reactivate`),
    () => t('admin.user.reactivated', { name: u.full_name }));
  const [wiping, setWiping] = useState(null); // the user whose devices are about to be wiped
  const wipe = (u) => {
    setWiping(null);
    run(() => post(`/api/users/${u.id}/wipe-devices`),
      (r) => t('admin.user.wiped', { name: u.full_name, n: r.logins_ended }));
  };
  const [resetting, setResetting] = useState(null); // the user whose password is about to go
  const reset = (u) => {
    setResetting(null);
    run(() => post(`/api/admin/users/${u.id}/password`),
      (r) => t('admin.user.reset_done', { name: u.full_name, password: r.password }));
  };

  return html`
    <${AdminFrame} tab="users">
      <form class="card search-form" role="search" onSubmit=${(e) => { e.preventDefault(); load(); }}>
        <label class="field grow"><span>${t('admin.users.search')}</span>
          <input type="search" value=${q} onInput=${(e) => setQ(e.target.value)} data-testid="users-q" /></label>
        <button class="btn" type="submit" data-testid="users-search">${t('common.search')}</button>
        <button class="btn btn-primary" type="button" data-testid="user-new"
          onClick=${() => setEditing('new')}>${t('admin.users.new')}</button>
      </form>
      <${Flash} message=${flash} />
      <${ErrorBox} error=${error} />
      ${confirming && html`<${ConfirmDialog} title=${t('admin.user.deactivate')} danger=${true}
        confirmLabel=${t('admin.user.deactivate')} onConfirm=${() => deactivate(confirming)}
        onCancel=${() => setConfirming(null)}>
        <p>${t('admin.user.deactivate_confirm', { name: confirming.full_name })}</p></${ConfirmDialog}>`}
      ${wiping && html`<${ConfirmDialog} title=${t('admin.user.wipe')} danger=${true}
        confirmLabel=${t('admin.user.wipe')} onConfirm=${() => wipe(wiping)}
        onCancel=${() => setWiping(null)}>
        <p>${t('admin.user.wipe_confirm', { name: wiping.full_name })}</p></${ConfirmDialog}>`}
      ${resetting && html`<${ConfirmDialog} title=${t('admin.user.reset')} danger=${true}
        confirmLabel=${t('admin.user.reset')} onConfirm=${() => reset(resetting)}
        onCancel=${() => setResetting(null)}>
        <p>${t('admin.user.reset_confirm', { name: resetting.full_name })}</p></${ConfirmDialog}>`}
      ${editing === 'new' && html`<${UserForm} initial=${EMPTY} creating=${true}
        onSubmit=${create} onCancel=${() => setEditing(null)} />`}
      ${users && html`
        <p class="muted">${users.length ? t('admin.users.count', { n: users.length }) : t('admin.users.none')}</p>
        <div class="table-wrap"><table class="table admin-users" data-testid="users-table">
          <thead><tr><th>${t('admin.user.full_name')}</th><th>${t('admin.user.username')}</th>
            <th>${t('admin.user.title')}</th><th>${t('admin.user.email')}</th>
            <th>${t('admin.user.role')}</th><th>${t('admin.user.status')}</th><th></th></tr></thead>
          <tbody>${users.map((u) => html`
            <tr key=${u.id} data-testid=${`user-row-${u.username}`} class=${u.active ? '' : 'inactive'}>
              <td>${u.full_name}</td><td>${u.username}</td><td>${u.title}</td>
              <td>${u.email}${u.phone && html`<br /><span class="muted">${u.phone}</span>`}</td>
              <td>${roleName(u.global_role)}</td>
              <td><span class=${`badge ${u.active ? 'badge-ok' : 'badge-off'}`}>
                ${u.active ? t('admin.user.active') : t('admin.user.inactive')}</span></td>
              <td class="admin-actions">
                <button class="btn btn-small" type="button" data-testid=${`user-edit-${u.username}`}
                  onClick=${() => setEditing(u.id)}>${t('admin.user.edit')}</button>
                <button class="btn btn-small" type="button" data-testid=${`user-reset-${u.username}`}
                  onClick=${() => setResetting(u)}>${t('admin.user.reset')}</button>
                <button class="btn btn-small" type="button" data-testid=${`user-wipe-${u.username}`}
                  onClick=${() => setWiping(u)}>${t('admin.user.wipe')}</button>
                ${u.active
                  ? html`<button class="btn btn-small btn-danger" type="button" data-testid=${`user-deactivate-${u.username}`}
                      onClick=${() => setConfirming(u)}>${t('admin.user.deactivate')}</button>`
                  : html`<button class="btn btn-small" type="button" data-testid=${`user-reactivate-${u.username}`}
                      onClick=${() => reactivate(u)}>${t('admin.user.reactivate')}</button>`}
              </td>
            </tr>
            ${editing === u.id && html`<tr key=${`edit-${u.id}`}><td colspan="7">
              <${UserForm} initial=${{ ...EMPTY, ...u, global_role: u.global_role || '' }}
                creating=${false} onSubmit=${save(u.id)} onCancel=${() => setEditing(null)} />
            </td></tr>`}`)}
          </tbody>
        </table></div>`}
    </${AdminFrame}>`;
}
