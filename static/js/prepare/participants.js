// Who takes part and in which role: the list, role changes, and inviting people found by name.

import { html, useEffect, useRef, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { del, get, post } from '../api.js';
import { t } from '../i18n.js';
import { roleLabel } from '../ui/badges.js';
import { ConfirmDialog } from '../ui/confirm.js';
import { ErrorBox, Notice } from '../ui/feedback.js';

const ROLES = ['member', 'chair', 'guest', 'secretary'];

function RoleSelect({ value, onChange, testid }) {
  return html`<select value=${value} onChange=${(e) => onChange(e.target.value)}
    data-testid=${testid} aria-label=${t('prepare.role')}>
    ${ROLES.map((r) => html`<option value=${r}>${roleLabel(r)}</option>`)}
  </select>`;
}

export function Participants({ snap, reload }) {
  const id = snap.meeting.id;
  const [error, setError] = useState(null);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState(null);
  const [roles, setRoles] = useState({});
  const [unlocked, setUnlocked] = useState(null);
  const timer = useRef(null);
  const inMeeting = new Map(snap.participants.map((p) => [p.user_id, p]));

  useEffect(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      get(`/api/users?q=${encodeURIComponent(query.trim())}`)
        .then((r) => setFound(r.users), setError);
    }, 250);
    return () => clearTimeout(timer.current);
  }, [query]);

  async function act(fn) {
    setError(null);
    try {
      await fn();
      await reload();
    } catch (err) {
      setError(err);
    }
  }
  const setRole = (userId, role) => act(() => post(`/api/meetings/${id}/participants`,
    { user_id: userId, role }));
  const remove = (userId) => act(() => del(`/api/meetings/${id}/participants/${userId}`));
  // Someone throttled after wrong passwords (429 at login) can log in again at once.
  const unlock = (p) => act(async () => {
    setUnlocked(null);
    await post(`/api/users/${p.user_id}/unlock`, {});
    setUnlocked(p.full_name);
  });

  // A tablet lost or handed on: its logins end and each device deletes what it kept.
  const [wiping, setWiping] = useState(null);
  const [wiped, setWiped] = useState(null);
  const wipe = (p) => act(async () => {
    setWiping(null);
    setWiped(null);
    await post(`/api/users/${p.user_id}/wipe-devices`, {});
    setWiped(p.full_name);
  });

  return html`
    <section class="card" data-testid="participants">
      ${wiping && html`<${ConfirmDialog} title=${t('prep.wipe')} danger=${true}
        confirmLabel=${t('prep.wipe')} onConfirm=${() => wipe(wiping)}
        onCancel=${() => setWiping(null)}>
        <p>${t('prep.wipe_confirm', { name: wiping.full_name })}</p></${ConfirmDialog}>`}
      <h2>${t('prepare.participants', { n: snap.participants.length })}</h2>
      <ul class="rows">
        ${snap.participants.map((p) => html`
          <li class="row-item" key=${p.user_id} data-testid=${`participant-${p.username}`}>
            <span class="grow"><strong>${p.full_name}</strong>
              <span class="muted small"> · ${p.username}</span></span>
            ${p.user_id === snap.me.user_id
              ? html`<span class="badge">${roleLabel(p.role)}</span>`
              : html`<${RoleSelect} value=${p.role} onChange=${(r) => setRole(p.user_id, r)}
                  testid=${`role-${p.username}`} />`}
            ${p.user_id !== snap.me.user_id && html`
              <button type="button" class="btn btn-quiet" onClick=${() => unlock(p)}
                title=${t('prep.unlock_hint')}
                aria-label=${t('prep.unlock_person', { name: p.full_name })}
                data-testid=${`unlock-${p.username}`}>${t('prep.unlock')}</button>`}
            ${p.user_id !== snap.me.user_id && html`
              <button type="button" class="btn btn-quiet" onClick=${() => setWiping(p)}
                aria-label=${t('prep.wipe_person', { name: p.full_name })}
                data-testid=${`wipe-${p.username}`}>${t('prep.wipe')}</button>`}
            ${p.user_id !== snap.me.user_id && html`
              <button type="button" class="btn btn-quiet" onClick=${() => remove(p.user_id)}
                aria-label=${t('prepare.remove_person', { name: p.full_name })}
                data-testid=${`remove-${p.username}`}>${t('common.remove')}</button>`}
          </li>`)}
      </ul>
      ${unlocked && html`<${Notice} testid="unlocked">${t('prep.unlocked', { name: unlocked })}<//>`}
      ${wiped && html`<${Notice} testid="wiped">${t('prep.wiped', { name: wiped })}<//>`}
      <${ErrorBox} error=${error} />
      <h3>${t('prepare.add_people')}</h3>
      <input type="search" class="input-wide" placeholder=${t('prepare.search_people')}
        aria-label=${t('prepare.search_people')} value=${query}
        onInput=${(e) => setQuery(e.target.value)} data-testid="people-search" />
      ${found && found.length === 0 && html`<p class="muted">${t('prepare.no_people')}</p>`}
      ${found && html`<ul class="rows">
        ${found.filter((u) => !inMeeting.has(u.id)).slice(0, 12).map((u) => html`
          <li class="row-item" key=${u.id} data-testid=${`candidate-${u.username}`}>
            <span class="grow"><strong>${u.full_name}</strong>
              <span class="muted small"> · ${u.username}</span></span>
            <${RoleSelect} value=${roles[u.id] || 'member'}
              onChange=${(r) => setRoles({ ...roles, [u.id]: r })} testid=${`new-role-${u.username}`} />
            <button type="button" class="btn" data-testid=${`invite-${u.username}`}
              onClick=${() => setRole(u.id, roles[u.id] || 'member')}>${t('prepare.invite')}</button>
          </li>`)}
      </ul>`}
    </section>`;
}
