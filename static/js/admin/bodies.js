// /admin/bodies and /admin/bodies/{id}: the bodies (cơ quan), each with its name, code, kind,
// members and their positions, default secretary and chair, quorum (the law's, shown as such,
// for People's Committees and Councils), the minutes' default recipients, signing key, the scan
// of its seal, and the retention period of each kind of record.

import { html, useEffect, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { del, get, patch, post, put } from '../api.js';
import { pick, t } from '../i18n.js';
import { navigate } from '../router.js';
import { ErrorBox, Loading } from '../ui/feedback.js';
import { ScanCard } from '../ui/scan-card.js';
import { AdminFrame, Flash, kindName } from './common.js';

const KINDS = ['people_committee', 'people_council', 'other'];
// The vote rule presets (GET /api/vote-presets), named as the console names them.
const PRESETS = ['people_committee', 'people_council', 'people_council_two_thirds', 'company_board'];
// A People's Committee or Council decides with more than half of all members at least: the
// server refuses a lower rule (rule_below_law), so it is not offered.
const LEGAL_KINDS = ['people_committee', 'people_council'];
const presetsFor = (kind) => (LEGAL_KINDS.includes(kind) ? PRESETS.filter((k) => k !== 'company_board') : PRESETS);
const EMPTY = { name: '', code: '', kind: 'people_committee', parent_name: '', place_name: '', signer_title: '' };

function BodyFields({ form, set }) {
  const field = (name, label, hint = '', extra = {}) => html`
    <label class="field"><span>${label}</span>
      <input type="text" value=${form[name]} onInput=${set(name)} placeholder=${hint}
        data-testid=${`body-${name}`} ...${extra} />
      ${name === 'code' && html`<small class="muted">${t('admin.body.code_hint')}</small>`}</label>`;
  return html`
    <div class="admin-grid">
      ${field('name', t('admin.body.name'), t('admin.body.name_hint'), { required: true })}
      ${field('code', t('admin.body.code'), 'BB-UBND')}
      <label class="field"><span>${t('admin.body.kind')}</span>
        <select value=${form.kind} onChange=${set('kind')} data-testid="body-kind">
          ${KINDS.map((k) => html`<option value=${k}>${kindName(k)}</option>`)}
        </select></label>
      ${field('parent_name', t('admin.body.parent'))}
      ${field('place_name', t('admin.body.place'))}
      ${field('signer_title', t('admin.body.signer_title'))}
    </div>`;
}

export function AdminBodiesPage() {
  const [bodies, setBodies] = useState(null);
  const [error, setError] = useState(null);
  const [form, setForm] = useState(null);
  const set = (name) => (e) => setForm({ ...form, [name]: e.target.value });
  useEffect(() => { get('/api/admin/bodies').then((r) => setBodies(r.bodies), setError); }, []);
  const create = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const r = await post('/api/admin/bodies', form);
      navigate(`/admin/bodies/${r.body.id}`);
    } catch (err) {
      setError(err);
    }
  };
  return html`
    <${AdminFrame} tab="bodies">
      <div class="row"><button class="btn btn-primary" type="button" data-testid="body-new"
        onClick=${() => setForm({ ...EMPTY })}>${t('admin.bodies.new')}</button></div>
      <${ErrorBox} error=${error} />
      ${form && html`<form class="card admin-form" onSubmit=${create} data-testid="body-create-form">
        <${BodyFields} form=${form} set=${set} />
        <div class="row"><button class="btn btn-primary" type="submit" data-testid="body-create">
          ${t('admin.body.create')}</button>
          <button class="btn" type="button" onClick=${() => setForm(null)}>${t('common.cancel')}</button></div>
      </form>`}
      ${bodies === null && !error && html`<${Loading} />`}
      ${bodies && bodies.length === 0 && html`<p class="muted">${t('admin.bodies.none')}</p>`}
      ${bodies && bodies.length > 0 && html`<div class="table-wrap"><table class="table" data-testid="bodies-table">
        <thead><tr><th>${t('admin.body.name')}</th><th>${t('admin.body.code')}</th>
          <th>${t('admin.body.kind')}</th><th>${t('admin.quorum.title')}</th>
          <th>${t('admin.body.key')}</th></tr></thead>
        <tbody>${bodies.map((b) => html`<tr key=${b.id} data-testid=${`body-row-${b.id}`}>
          <td><a href=${`/admin/bodies/${b.id}`} data-testid=${`body-open-${b.id}`}>${b.name}</a></td>
          <td>${b.code ? `BB-${b.code}` : ''}</td><td>${kindName(b.kind)}</td>
          <td>${pick(b.quorum_text_vi, b.quorum_text_en)}</td>
          <td>${b.has_signing_key ? t('admin.body.key_yes') : t('admin.body.key_no')}</td>
        </tr>`)}</tbody></table></div>`}
    </${AdminFrame}>`;
}

function QuorumCard({ body, onSave }) {
  const [n, setN] = useState(body.quorum[0]);
  const [d, setD] = useState(body.quorum[1]);
  const [zero, setZero] = useState(false);
  const [preset, setPreset] = useState('');
  const text = pick(body.quorum_text_vi, body.quorum_text_en);
  // With no voting member yet, "cần 0 người có mặt" would read as if nobody need come.
  const now = body.voting_members > 0
    ? t('admin.quorum.now', { text, members: body.voting_members, required: body.quorum_required })
    : text;
  return html`
    <section class="card" data-testid="quorum-card">
      <h2>${t('admin.quorum.title')}</h2>
      ${body.quorum_fixed_by_law
        ? html`<p class="notice notice-info" data-testid="quorum-legal">
            ${t(body.kind === 'people_council' ? 'admin.quorum.legal_council' : 'admin.quorum.legal')}</p>`
        : html`<form class="row" onSubmit=${(e) => { e.preventDefault(); onSave({ quorum: [Number(n), Number(d)], allow_zero_quorum: zero }); }}>
            <label class="field"><span>${t('admin.quorum.numerator')}</span>
              <input type="number" min="0" max=${d} value=${n} onInput=${(e) => setN(e.target.value)} data-testid="quorum-n" /></label>
            <span class="quorum-slash" aria-hidden="true">/</span>
            <label class="field"><span>${t('admin.quorum.denominator')}</span>
              <input type="number" min="1" value=${d} onInput=${(e) => setD(e.target.value)} data-testid="quorum-d" /></label>
            ${Number(n) === 0 && html`<label class="check"><input type="checkbox" checked=${zero}
              onChange=${(e) => setZero(e.target.checked)} data-testid="quorum-zero" /> ${t('admin.quorum.zero')}</label>`}
            <button class="btn btn-primary" type="submit" data-testid="quorum-save">${t('admin.quorum.save')}</button>
          </form>`}
      <p class="muted" data-testid="quorum-now">${now}</p>
      <p class="muted" data-testid="rule-now">${t('admin.rules.title')}: ${pick(body.rules.rule.text_vi, body.rules.rule.text_en)}</p>
      <form class="row" onSubmit=${(e) => { e.preventDefault(); if (preset) onSave({ rules: { preset } }); }}>
        <label class="field"><span>${t('admin.rules.preset')}</span>
          <select value=${preset} onChange=${(e) => setPreset(e.target.value)} data-testid="rule-preset">
            <option value="">${t('admin.rules.pick')}</option>
            ${presetsFor(body.kind).map((k) => html`<option value=${k}>${t(`record.preset.${k}`)}</option>`)}
          </select></label>
        <button class="btn" type="submit" disabled=${!preset} data-testid="rule-save">${t('admin.rules.apply')}</button>
      </form>
    </section>`;
}

function MembersCard({ body, users, positions, onChange }) {
  const [who, setWho] = useState('');
  const [title, setTitle] = useState('');
  const [voting, setVoting] = useState(true);
  const outside = users.filter((u) => u.active && !body.members.some((m) => m.user_id === u.id));
  const add = (e) => {
    e.preventDefault();
    if (!who) return;
    onChange(() => put(`/api/admin/bodies/${body.id}/members/${who}`, { title, voting }));
    setWho('');
    setTitle('');
    setVoting(true);
  };
  return html`
    <section class="card" data-testid="members-card">
      <h2>${t('admin.members.title')}</h2>
      <datalist id="positions">${positions.map((p) => html`<option value=${p} />`)}</datalist>
      ${body.members.length === 0 ? html`<p class="muted">${t('admin.members.none')}</p>` : html`
        <table class="table" data-testid="members-table">
          <thead><tr><th>${t('admin.members.person')}</th><th>${t('admin.members.position')}</th>
            <th>${t('admin.members.voting')}</th><th>${t('admin.members.can_prepare')}</th><th></th></tr></thead>
          <tbody>${body.members.map((m) => html`<tr key=${m.user_id} data-testid=${`member-${m.username}`}>
            <td>${m.full_name}${!m.active && html` <span class="badge badge-off">${t('admin.user.inactive')}</span>`}</td>
            <td>${m.title}${!m.voting && html` <span class="badge">${t('admin.members.non_voting')}</span>`}</td>
            <td><input type="checkbox" checked=${m.voting} aria-label=${t('admin.members.voting')}
              onChange=${(e) => onChange(() => put(`/api/admin/bodies/${body.id}/members/${m.user_id}`, { voting: e.target.checked }))} /></td>
            <td><input type="checkbox" checked=${m.can_prepare} aria-label=${t('admin.members.can_prepare')}
              onChange=${(e) => onChange(() => put(`/api/admin/bodies/${body.id}/members/${m.user_id}`, { can_prepare: e.target.checked }))} /></td>
            <td><button class="btn btn-small btn-quiet" type="button" data-testid=${`member-remove-${m.username}`}
              onClick=${() => onChange(() => del(`/api/admin/bodies/${body.id}/members/${m.user_id}`))}>
              ${t('admin.members.remove')}</button></td>
          </tr>`)}</tbody>
        </table>`}
      <form class="row admin-add-member" onSubmit=${add} data-testid="member-add-form">
        <label class="field"><span>${t('admin.members.person')}</span>
          <select value=${who} onChange=${(e) => setWho(e.target.value)} data-testid="member-user">
            <option value="">${t('admin.members.pick')}</option>
            ${outside.map((u) => html`<option value=${u.id}>${u.full_name} (${u.username})</option>`)}
          </select></label>
        <label class="field"><span>${t('admin.members.position')}</span>
          <input type="text" list="positions" value=${title} onInput=${(e) => setTitle(e.target.value)}
            data-testid="member-title" /></label>
        <label class="check"><input type="checkbox" checked=${voting}
          onChange=${(e) => setVoting(e.target.checked)} data-testid="member-voting" /> ${t('admin.members.voting')}</label>
        <button class="btn btn-primary" type="submit" data-testid="member-add" disabled=${!who}>
          ${t('admin.members.add')}</button>
      </form>
    </section>`;
}

function KeyCard({ body, onChange }) {
  const [file, setFile] = useState(null);
  const [passphrase, setPassphrase] = useState('');
  const install = async (e) => {
    e.preventDefault();
    if (!file) return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    let binary = '';
    bytes.forEach((b) => { binary += String.fromCharCode(b); });
    onChange(() => post(`/api/admin/bodies/${body.id}/key`, { pkcs12: btoa(binary), passphrase }),
      (r) => t('admin.key.done', { signer: r.key.signer }));
  };
  return html`
    <section class="card" data-testid="key-card">
      <h2>${t('admin.body.key')}</h2>
      <p data-testid="key-state">${body.has_signing_key ? t('admin.body.key_yes') : t('admin.body.key_no')}</p>
      <p class="muted">${t('admin.key.generate_hint')}</p>
      <button class="btn" type="button" data-testid="key-generate"
        onClick=${() => onChange(() => post(`/api/admin/bodies/${body.id}/key`, { generate: true }),
          (r) => t('admin.key.done', { signer: r.key.signer }))}>${t('admin.key.generate')}</button>
      <form class="row" onSubmit=${install}>
        <label class="field"><span>${t('admin.key.file')}</span>
          <input type="file" accept=".p12,.pfx" onChange=${(e) => setFile(e.target.files[0] || null)} /></label>
        <label class="field"><span>${t('admin.key.passphrase')}</span>
          <input type="password" value=${passphrase} onInput=${(e) => setPassphrase(e.target.value)} autocomplete="off" /></label>
        <button class="btn" type="submit" disabled=${!file}>${t('admin.key.install')}</button>
      </form>
    </section>`;
}

// The body's retention period for each kind of record: permanent (the default) or a number
// of years (PATCH /api/admin/bodies/{id} with `retention`).
function RetentionCard({ body, onSave }) {
  const [rows, setRows] = useState(() => Object.fromEntries(body.retention.map((p) => [p.kind,
    { permanent: p.permanent, years: p.years ?? '' }])));
  const set = (kind, change) => setRows({ ...rows, [kind]: { ...rows[kind], ...change } });
  const save = (e) => {
    e.preventDefault();
    onSave({ retention: Object.fromEntries(Object.entries(rows).map(([kind, r]) => [kind,
      r.permanent ? null : Number(r.years)])) }, () => t('retention.saved'));
  };
  return html`
    <section class="card" data-testid="retention-card">
      <h2>${t('retention.title')}</h2>
      <p class="muted small">${t('retention.hint')}</p>
      <form onSubmit=${save}>
        <table class="table retention-table">
          <thead><tr><th>${t('retention.kind')}</th><th>${t('retention.period')}</th></tr></thead>
          <tbody>${body.retention.map((p) => html`<tr key=${p.kind} data-testid=${`retention-${p.kind}`}>
            <td>${pick(p.label_vi, p.label_en)}</td>
            <td class="retention-choice">
              <select value=${rows[p.kind].permanent ? 'permanent' : 'years'}
                aria-label=${pick(p.label_vi, p.label_en)} data-testid=${`retention-mode-${p.kind}`}
                onChange=${(e) => set(p.kind, { permanent: e.target.value === 'permanent' })}>
                <option value="permanent">${t('retention.permanent')}</option>
                <option value="years">${t('retention.years_option')}</option>
              </select>
              ${!rows[p.kind].permanent && html`<label class="retention-years">
                <input type="number" min="1" max="100" required value=${rows[p.kind].years}
                  onInput=${(e) => set(p.kind, { years: e.target.value })}
                  data-testid=${`retention-years-${p.kind}`} /> ${t('retention.years')}</label>`}
            </td></tr>`)}</tbody>
        </table>
        <button class="btn btn-primary" type="submit" data-testid="retention-save">${t('retention.save')}</button>
      </form>
    </section>`;
}

export function AdminBodyPage({ id }) {
  const [body, setBody] = useState(null);
  const [users, setUsers] = useState([]);
  const [positions, setPositions] = useState([]);
  const [form, setForm] = useState(null);
  const [error, setError] = useState(null);
  const [flash, setFlash] = useState('');
  const show = (b) => {
    setBody(b);
    setForm({ name: b.name, code: b.code ? `BB-${b.code}` : '', kind: b.kind, parent_name: b.parent_name,
      place_name: b.place_name, signer_title: b.signer_title,
      default_secretary_id: b.default_secretary_id ?? '', default_chair_id: b.default_chair_id ?? '',
      recipients: b.recipients.join('\n') });
  };
  useEffect(() => {
    get(`/api/admin/bodies/${id}`).then((r) => show(r.body), setError);
    get('/api/admin/users').then((r) => setUsers(r.users), setError);
    get('/api/admin/bodies').then((r) => setPositions(r.positions), () => {});
  }, [id]);
  const change = async (work, message = () => t('admin.body.saved')) => {
    setError(null);
    setFlash('');
    try {
      const r = await work();
      setFlash(message(r));
      if (r.body) show(r.body);
      else get(`/api/admin/bodies/${id}`).then((b) => show(b.body), setError);
    } catch (err) {
      setError(err);
    }
  };
  const set = (name) => (e) => setForm({ ...form, [name]: e.target.value });
  const save = (e) => {
    e.preventDefault();
    const idOrNull = (v) => (v === '' ? null : Number(v));
    change(() => patch(`/api/admin/bodies/${id}`, { ...form,
      default_secretary_id: idOrNull(form.default_secretary_id),
      default_chair_id: idOrNull(form.default_chair_id),
      recipients: form.recipients.split('\n') }));
  };
  if (!body || !form) {
    return html`<${AdminFrame} tab="bodies"><${ErrorBox} error=${error} />${!error && html`<${Loading} />`}</${AdminFrame}>`;
  }
  const members = body.members;
  return html`
    <${AdminFrame} tab="bodies" title=${body.name}>
      <p><a href="/admin/bodies">${t('admin.body.back')}</a></p>
      <${Flash} message=${flash} />
      <${ErrorBox} error=${error} />
      <div class="admin-columns">
        <form class="card admin-form" onSubmit=${save} data-testid="body-form">
          <h2>${t('admin.body.details')}</h2>
          <${BodyFields} form=${form} set=${set} />
          <h3>${t('admin.defaults.title')}</h3>
          <div class="admin-grid">
            ${['default_secretary_id', 'default_chair_id'].map((name) => html`
              <label class="field"><span>${t(name === 'default_chair_id' ? 'admin.defaults.chair' : 'admin.defaults.secretary')}</span>
                <select value=${form[name]} onChange=${set(name)} data-testid=${`body-${name}`}>
                  <option value="">${t('admin.defaults.none')}</option>
                  ${members.map((m) => html`<option value=${m.user_id}>${m.full_name} — ${m.title}</option>`)}
                </select></label>`)}
          </div>
          <label class="field"><span>${t('admin.recipients.title')}</span>
            <textarea rows="4" value=${form.recipients} onInput=${set('recipients')} data-testid="body-recipients"></textarea>
            <small class="muted">${t('admin.recipients.hint', { default: body.default_recipients.join('; ') })}</small></label>
          <button class="btn btn-primary" type="submit" data-testid="body-save">${t('common.save')}</button>
        </form>
        <div>
          <${QuorumCard} key=${body.quorum.join('/') + body.kind} body=${body}
            onSave=${(data) => change(() => patch(`/api/admin/bodies/${id}`, data))} />
          <${KeyCard} body=${body} onChange=${change} />
          <${ScanCard} kind="seal" url=${`/api/admin/bodies/${id}/seal-image`} testid="seal-card" />
          <${RetentionCard} key=${JSON.stringify(body.retention)} body=${body}
            onSave=${(data, message) => change(() => patch(`/api/admin/bodies/${id}`, data), message)} />
        </div>
      </div>
      <${MembersCard} body=${body} users=${users} positions=${positions} onChange=${change} />
    </${AdminFrame}>`;
}
