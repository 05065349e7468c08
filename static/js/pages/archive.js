// /archive: archivists search the sealed meetings' minutes, conclusions, agenda and documents
// (with or without diacritics, any order), filter them, and open the page a hit is on; the
// listing (no words) also shows the meetings disposed of after their retention period.

import { html, useEffect, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { get } from '../api.js';
import { formatDate, formatDateTime, minutesNumber } from '../format.js';
import { t } from '../i18n.js';
import { navigate } from '../router.js';
import { ErrorBox, Loading } from '../ui/feedback.js';
import { AppHeader } from '../ui/header.js';
import { disposalLine } from './archive-detail.js';

// The search lives in the address (same names as GET /api/archive), so Back returns to it.
const FIELDS = ['q', 'body', 'from', 'to', 'number', 'signer', 'participant', 'vote', 'access'];
const FILTERS = FIELDS.slice(1);

function searchAddress(form) {
  const params = new URLSearchParams();
  for (const name of FIELDS) {
    const value = (form[name] || '').trim();
    if (value) params.set(name, value);
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

// Where a hit opens: a document's page in the meeting's archive page, a page of the signed
// minutes in the PDF, anything else the meeting's archive page.
export function hitAddress(meetingId, hit) {
  if (hit.kind === 'document') {
    return `/archive/${meetingId}?document=${hit.document_id}&v=${hit.version}&page=${hit.page}`;
  }
  if (hit.kind === 'minutes') return `/api/meetings/${meetingId}/minutes.pdf#page=${hit.page}`;
  return `/archive/${meetingId}`;
}

function Snippet({ parts }) {
  return html`<p class="snippet" data-testid="hit-snippet">${parts.map((p, i) => (p.hit
    ? html`<mark key=${i}>${p.text}</mark>` : p.text))}</p>`;
}

function Hit({ meetingId, hit }) {
  // a member's answer to a written opinion form: the form, its question, then whose answer
  const where = [t(`search.kind.${hit.kind === 'opinion_answer' ? 'opinion' : hit.kind}`)];
  if (hit.kind !== 'meeting' && hit.kind !== 'minutes') where.push(hit.title);
  if (hit.kind === 'opinion_answer') where.push(t('search.answer_by', { name: hit.author }));
  if (hit.kind === 'document') where.push(t('search.version', { v: hit.version }));
  const external = hit.kind === 'minutes';
  return html`<li class="archive-hit" data-testid="archive-hit" data-kind=${hit.kind} data-page=${hit.page ?? ''}>
    <a href=${hitAddress(meetingId, hit)} target=${external ? '_blank' : undefined}
      rel=${external ? 'noopener' : undefined} data-testid="hit-open">
      <span class="hit-where">${where.join(' · ')}</span>
      ${hit.page && html` <span class="badge" data-testid="hit-page">${t('search.page', { page: hit.page })}</span>`}
    </a>
    <${Snippet} parts=${hit.snippet} />
  </li>`;
}

function Ranked({ results }) {
  return html`<ol class="ranked" data-testid="archive-results">${results.map((m) => html`
    <li key=${m.id} class="card ranked-meeting" data-testid=${`archive-row-${m.id}`}>
      <h2 class="ranked-title"><a href=${`/archive/${m.id}`} data-testid=${`archive-open-${m.id}`}>${m.title}</a></h2>
      <p class="muted small">${[t('archive.number', { number: minutesNumber(m.minutes_number) }),
        m.body, formatDate(m.starts_at)].join(' · ')}</p>
      <ul class="hits">${m.hits.map((h, i) => html`<${Hit} key=${i} meetingId=${m.id} hit=${h} />`)}</ul>
      ${m.hit_count > m.hits.length && html`<p class="muted small">${t('search.more_hits', { n: m.hit_count - m.hits.length })}</p>`}
    </li>`)}</ol>`;
}

function Listed({ results }) {
  return html`<div class="table-wrap"><table class="table" data-testid="archive-results">
    <thead><tr><th>${t('archive.col_number')}</th><th>${t('archive.col_title')}</th>
      <th>${t('archive.col_body')}</th><th>${t('archive.col_date')}</th>
      <th>${t('archive.col_sealed')}</th></tr></thead>
    <tbody>${results.map((m) => html`
      <tr key=${m.id} data-testid=${`archive-row-${m.id}`}>
        <td>${minutesNumber(m.minutes_number)}</td>
        <td><a href=${`/archive/${m.id}`} data-testid=${`archive-open-${m.id}`}>${m.title}</a></td>
        <td>${m.body}</td><td>${formatDate(m.starts_at)}</td>
        <td>${formatDateTime(m.sealed_at)}</td>
      </tr>`)}</tbody>
  </table></div>`;
}

// Meetings disposed of after their retention period: only their tombstone is left.
function Disposed({ rows }) {
  return html`<section data-testid="archive-disposed">
    <h2>${t('disposal.title')}</h2>
    <div class="table-wrap"><table class="table">
      <thead><tr><th>${t('archive.col_number')}</th><th>${t('archive.col_title')}</th>
        <th>${t('archive.col_body')}</th><th>${t('archive.col_date')}</th>
        <th>${t('disposal.col_disposed')}</th></tr></thead>
      <tbody>${rows.map((d) => html`
        <tr key=${d.meeting_id} data-testid=${`disposed-row-${d.meeting_id}`}>
          <td>${minutesNumber(d.minutes_number)}</td>
          <td><a href=${`/archive/${d.meeting_id}`}>${d.title}</a></td>
          <td>${d.body}</td><td>${formatDate(d.starts_at)}</td>
          <td class="small">${disposalLine(d)}</td>
        </tr>`)}</tbody>
    </table></div>
  </section>`;
}

export function ArchivePage({ query }) {
  const initial = Object.fromEntries(FIELDS.map((name) => [name, query.get(name) || '']));
  const [form, setForm] = useState(initial);
  const [answer, setAnswer] = useState(null);
  const [bodies, setBodies] = useState([]);
  const [error, setError] = useState(null);
  const [showFilters, setShowFilters] = useState(FILTERS.some((name) => initial[name]));
  const set = (name) => (e) => setForm({ ...form, [name]: e.target.value });

  const load = (fields) => {
    setError(null);
    get(`/api/archive${searchAddress(fields)}`).then((r) => {
      setAnswer(r);
      setBodies(r.bodies || []);
    }, setError);
  };
  useEffect(() => load(initial), []);

  const submit = (e) => {
    e.preventDefault();
    const address = `/archive${searchAddress(form)}`;
    if (address === location.pathname + location.search) load(form);
    else navigate(address);
  };
  const field = (name, label, attrs = {}) => html`<label class="field"><span>${label}</span>
    <input value=${form[name]} onInput=${set(name)} data-testid=${`archive-${name}`} ...${attrs} /></label>`;
  const choice = (name, label, options) => html`<label class="field"><span>${label}</span>
    <select value=${form[name]} onChange=${set(name)} data-testid=${`archive-${name}`}>
      ${options.map(([value, text]) => html`<option key=${value} value=${value}>${text}</option>`)}
    </select></label>`;
  const results = answer?.meetings;
  const ranked = answer && answer.words.length > 0;

  return html`
    <${AppHeader} title=${t('archive.title')} />
    <main class="page">
      <p><a href="/meetings">${t('nav.back_meetings')}</a></p>
      <form class="card search-form" onSubmit=${submit} role="search" data-testid="archive-form">
        <label class="field grow"><span>${t('search.query')}</span>
          <input type="search" value=${form.q} onInput=${set('q')} data-testid="archive-q"
            placeholder=${t('search.query_hint')} /></label>
        <label class="field"><span>${t('archive.from')}</span>
          <input type="date" value=${form.from} onInput=${set('from')} data-testid="archive-from" /></label>
        <label class="field"><span>${t('archive.to')}</span>
          <input type="date" value=${form.to} onInput=${set('to')} data-testid="archive-to" /></label>
        <button class="btn btn-primary" type="submit" data-testid="archive-search">${t('common.search')}</button>
        <button class="btn" type="button" aria-expanded=${String(showFilters)}
          onClick=${() => setShowFilters(!showFilters)} data-testid="archive-more">${t('search.filters')}</button>
        ${showFilters && html`<div class="search-filters" data-testid="archive-filters">
          ${choice('body', t('search.body'), [['', t('search.any_body')],
            ...bodies.map((b) => [String(b.id), b.name])])}
          ${field('number', t('search.number'), { placeholder: t('search.number_hint') })}
          ${field('signer', t('search.signer'))}
          ${field('participant', t('search.participant'))}
          ${choice('vote', t('search.vote'), [['', t('search.vote_any')], ['passed', t('search.vote_passed')],
            ['failed', t('search.vote_failed')], ['none', t('search.vote_none')]])}
          ${choice('access', t('search.access'), [['', t('search.access_any')],
            ['normal', t('search.access_normal')], ['confidential', t('search.access_confidential')]])}
          <button class="btn" type="button" data-testid="archive-clear"
            onClick=${() => setForm({ ...form, ...Object.fromEntries(FILTERS.map((n) => [n, ''])) })}>
            ${t('search.clear')}</button>
        </div>`}
      </form>
      <${ErrorBox} error=${error} />
      ${answer === null && !error && html`<${Loading} />`}
      ${results && html`
        <p class="muted" data-testid="archive-count">${results.length === 0 ? t('archive.none')
          : ranked ? t('search.found', { n: results.length }) : t('archive.found', { n: results.length })}</p>
        ${answer.broad && html`<p class="notice notice-warn small" data-testid="archive-broad">${t('search.broad')}</p>`}
        ${results.length > 0 && (ranked ? html`<${Ranked} results=${results} />` : html`<${Listed} results=${results} />`)}
        ${answer.disposals?.length > 0 && html`<${Disposed} rows=${answer.disposals} />`}`}
    </main>`;
}
