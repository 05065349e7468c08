// /admin/audit: who did what and when — logins (and failed ones), role changes, deactivations,
// keys, vote rules, quorums and retention periods, sealed minutes, disposals — filtered by
// action, person and dates. The filters live in the address, so a filtered view can be
// bookmarked and Back returns to it.

import { html, useEffect, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { get } from '../api.js';
import { formatDateTime } from '../format.js';
import { STRINGS, t } from '../i18n.js';
import { navigate } from '../router.js';
import { roleLabel } from '../ui/badges.js';
import { ErrorBox, Loading } from '../ui/feedback.js';
import { AdminFrame, roleName } from './common.js';

const FAMILIES = ['login', 'user', 'body', 'meeting', 'minutes', 'archive'];
const FILTERS = ['action', 'actor', 'since', 'until'];

function address(filters, before) {
  const params = new URLSearchParams();
  FILTERS.forEach((name) => { if (filters[name]) params.set(name, filters[name]); });
  if (before) params.set('before', before);
  const s = params.toString();
  return s ? `?${s}` : '';
}

const periodText = (years) => (years == null ? t('retention.permanent') : t('retention.n_years', { n: years }));

const actionName = (code) => (STRINGS[`audit.${code}`] ? t(`audit.${code}`) : code);

// The details a person reads: the role before and after, the fields changed, the quorum.
function detailsText(e) {
  const d = e.details || {};
  switch (e.action) {
    case 'user.role': return `${roleName(d.before)} → ${roleName(d.after)}`;
    case 'meeting.role': return `${roleLabel(d.before)} → ${roleLabel(d.after)}`;
    case 'body.quorum':
      return `${(d.before || []).join('/')} → ${(d.after || []).join('/')}${d.zero ? ` (${t('audit.zero_quorum')})` : ''}`;
    case 'body.kind': return `${t(`admin.kind.${d.before}`)} → ${t(`admin.kind.${d.after}`)}`;
    case 'body.member_added':
    case 'body.member_edited': return `${d.user}: ${d.title || ''}${d.voting === false ? ` (${t('admin.members.non_voting')})` : ''}`;
    case 'body.member_removed': return String(d.user || '');
    case 'body.key_generated':
    case 'body.key_installed':
    case 'minutes.sealed': return String(d.signer || d.title || '');
    case 'user.deactivated': return t('admin.user.deactivated', { name: e.target, n: d.logins_ended ?? 0 });
    case 'login.failed': return d.client || '';
    case 'body.retention': return Object.keys(d.after || {}).map((k) => `${t(`retention.kind.${k}`)}: ${periodText(d.before?.[k])} → ${periodText(d.after[k])}`).join('; ');
    case 'body.seal_set':
    case 'user.signature_set': return `${t('scan.audit_size', { w: d.width_mm, h: d.height_mm })}, SHA-256 ${String(d.sha256 || '').slice(0, 12)}…`;
    case 'body.seal_removed':
    case 'user.signature_removed': return `SHA-256 ${String(d.sha256 || '').slice(0, 12)}…`;
    case 'archive.disposed': return `${d.reason || ''}${d.minutes_sha256 ? ` (SHA-256 ${d.minutes_sha256.slice(0, 12)}…)` : ''}`;
    default: return d.fields ? d.fields.join(', ') : '';
  }
}

export function AdminAuditPage({ query }) {
  const initial = Object.fromEntries(FILTERS.map((name) => [name, query.get(name) || '']));
  const [form, setForm] = useState(initial);
  const [entries, setEntries] = useState(null);
  const [people, setPeople] = useState([]);
  const [error, setError] = useState(null);
  const set = (name) => (e) => setForm({ ...form, [name]: e.target.value });

  const load = (before = null) => get(`/api/admin/audit${address(initial, before)}`).then(
    (r) => setEntries((old) => (before && old ? [...old, ...r.entries] : r.entries)), setError);
  useEffect(() => {
    load();
    get('/api/admin/users').then((r) => setPeople(r.users), () => {});
  }, []);
  const submit = (e) => {
    e.preventDefault();
    const to = `/admin/audit${address(form)}`;
    if (to === location.pathname + location.search) load();
    else navigate(to);
  };
  const last = entries && entries.length ? entries[entries.length - 1].id : null;

  return html`
    <${AdminFrame} tab="audit">
      <form class="card search-form" onSubmit=${submit} role="search" data-testid="audit-form">
        <label class="field"><span>${t('admin.audit.action')}</span>
          <select value=${form.action} onChange=${set('action')} data-testid="audit-action">
            <option value="">${t('admin.audit.all')}</option>
            ${FAMILIES.map((f) => html`<option value=${f}>${t(`admin.audit.family.${f}`)}</option>`)}
            ${FAMILIES.map((f) => Object.keys(STRINGS).filter((k) => k.startsWith(`audit.${f}.`))
              .map((k) => html`<option value=${k.slice(6)}>— ${t(k)}</option>`))}
          </select></label>
        <label class="field"><span>${t('admin.audit.actor')}</span>
          <select value=${form.actor} onChange=${set('actor')} data-testid="audit-actor">
            <option value="">${t('admin.audit.anyone')}</option>
            ${people.map((u) => html`<option value=${u.id}>${u.full_name} (${u.username})</option>`)}
          </select></label>
        <label class="field"><span>${t('admin.audit.since')}</span>
          <input type="date" value=${form.since} onInput=${set('since')} data-testid="audit-since" /></label>
        <label class="field"><span>${t('admin.audit.until')}</span>
          <input type="date" value=${form.until} onInput=${set('until')} data-testid="audit-until" /></label>
        <button class="btn btn-primary" type="submit" data-testid="audit-filter">${t('admin.audit.filter')}</button>
      </form>
      <${ErrorBox} error=${error} />
      ${entries === null && !error && html`<${Loading} />`}
      ${entries && entries.length === 0 && html`<p class="muted" data-testid="audit-none">${t('admin.audit.none')}</p>`}
      ${entries && entries.length > 0 && html`
        <div class="table-wrap"><table class="table" data-testid="audit-table">
          <thead><tr><th>${t('admin.audit.at')}</th><th>${t('admin.audit.actor')}</th>
            <th>${t('admin.audit.action')}</th><th>${t('admin.audit.target')}</th>
            <th>${t('admin.audit.details')}</th></tr></thead>
          <tbody>${entries.map((e) => html`<tr key=${e.id} data-testid="audit-row" data-action=${e.action}>
            <td>${formatDateTime(e.at)}</td>
            <td>${e.actor ? e.actor.full_name : html`<span class="muted">${t('admin.audit.system')}</span>`}</td>
            <td>${actionName(e.action)}</td><td>${e.target}</td><td>${detailsText(e)}</td>
          </tr>`)}</tbody>
        </table></div>
        ${entries.length % 100 === 0 && html`<button class="btn" type="button"
          onClick=${() => load(last)}>${t('admin.audit.more')}</button>`}`}
    </${AdminFrame}>`;
}
