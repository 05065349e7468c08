// /archive: archivists find sealed meetings by words of the title and by date.

import { html, useEffect, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { get } from '../api.js';
import { formatDate, formatDateTime, minutesNumber } from '../format.js';
import { t } from '../i18n.js';
import { navigate } from '../router.js';
import { ErrorBox, Loading } from '../ui/feedback.js';
import { AppHeader } from '../ui/header.js';

function searchAddress({ q, from, to }) {
  const params = new URLSearchParams();
  if (q.trim()) params.set('q', q.trim());
  if (from) params.set('from', from);
  if (to) params.set('to', to);
  const s = params.toString();
  return s ? `?${s}` : '';
}

export function ArchivePage({ query }) {
  // The search lives in the address, so Back returns to the same results.
  const initial = { q: query.get('q') || '', from: query.get('from') || '', to: query.get('to') || '' };
  const [form, setForm] = useState(initial);
  const [results, setResults] = useState(null);
  const [error, setError] = useState(null);
  const set = (name) => (e) => setForm({ ...form, [name]: e.target.value });

  useEffect(() => {
    setResults(null);
    setError(null);
    get(`/api/archive${searchAddress(initial)}`).then((r) => setResults(r.meetings), setError);
  }, []);

  const submit = (e) => {
    e.preventDefault();
    const address = `/archive${searchAddress(form)}`;
    if (address === location.pathname + location.search) {
      get(`/api/archive${searchAddress(form)}`).then((r) => setResults(r.meetings), setError);
    } else {
      navigate(address);
    }
  };

  return html`
    <${AppHeader} title=${t('archive.title')} />
    <main class="page">
      <p><a href="/meetings">${t('nav.back_meetings')}</a></p>
      <form class="card search-form" onSubmit=${submit} role="search" data-testid="archive-form">
        <label class="field grow"><span>${t('archive.query')}</span>
          <input type="search" value=${form.q} onInput=${set('q')} data-testid="archive-q" /></label>
        <label class="field"><span>${t('archive.from')}</span>
          <input type="date" value=${form.from} onInput=${set('from')} data-testid="archive-from" /></label>
        <label class="field"><span>${t('archive.to')}</span>
          <input type="date" value=${form.to} onInput=${set('to')} data-testid="archive-to" /></label>
        <button class="btn btn-primary" type="submit" data-testid="archive-search">${t('common.search')}</button>
      </form>
      <${ErrorBox} error=${error} />
      ${results === null && !error && html`<${Loading} />`}
      ${results && html`
        <p class="muted" data-testid="archive-count">${results.length ? t('archive.found', { n: results.length }) : t('archive.none')}</p>
        ${results.length > 0 && html`
          <div class="table-wrap"><table class="table" data-testid="archive-results">
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
          </table></div>`}`}
    </main>`;
}
