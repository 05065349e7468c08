// How a sealed meeting went, on its archive page (/archive/{id}, issue 15 §2): every version of
// every document with when the room's screen first showed it, who spoke on each item and what
// they said, the meeting record entry by entry with its hash chain's verdict, and the downloads.
// Times come from the server in both languages (meetings/clock.py): `pick` chooses.

import { html } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { pick, t } from '../i18n.js';

const when = (moment) => (moment ? pick(moment.vi, moment.en) : '');
const itemTitle = (i) => t('record.vote_under_item', { n: i.number, title: i.title });

function Version({ doc, v }) {
  return html`<li data-testid=${`presented-${doc.id}-${v.number}`} data-presented=${String(v.presented)}>
    <strong>${t('archive.version_n', { n: v.number })}</strong>
    <span class="muted small"> · ${t('archive.pages_n', { n: v.page_count })}</span>
    ${v.first_presented
      ? html`<div class="small">${t('archive.first_presented')} <time
          data-testid="presented-first" datetime=${v.first_presented.at}>${when(v.first_presented)}</time>
          ${v.presented > 1 && html`<span class="muted"> · ${t('archive.presented_times', { n: v.presented })}</span>`}</div>`
      : html`<div class="small muted" data-testid="presented-never">${t('archive.not_presented')}</div>`}
    ${v.download
      ? html`<a class="small" href=${v.download} target="_blank" rel="noopener"
          data-testid="presented-download">${t('archive.download_version', { n: v.number })}</a>`
      : html`<div class="small muted" data-testid="presented-no-download">${t('archive.no_download')}</div>`}
  </li>`;
}

export function Presentations({ data }) {
  return html`<section class="card" data-testid="archive-presentations">
    <h2>${t('archive.presentations')}</h2>
    <p class="small muted">${t('archive.presentations_hint')}</p>
    ${data.presentations.length === 0 && html`<p class="muted">${t('archive.no_documents')}</p>`}
    ${data.presentations.map((item) => html`<div key=${item.item_id} class="archive-block">
      <h3 class="small">${itemTitle(item)}</h3>
      ${item.documents.map((doc) => html`<div key=${doc.id} data-testid=${`presented-doc-${doc.id}`}>
        <p><strong>${doc.title}</strong>
          ${doc.withdrawn && html` <span class="badge">${t('prep.withdrawn')}</span>`}</p>
        <ul class="archive-versions">${doc.versions.map((v) => html`<${Version} key=${v.number} doc=${doc} v=${v} />`)}</ul>
      </div>`)}
    </div>`)}
  </section>`;
}

function Turn({ turn }) {
  const span = turn.ended
    ? t('archive.turn_from_to', { from: when(turn.started), to: when(turn.ended) })
    : t('archive.turn_from', { from: when(turn.started) });
  return html`<li class="archive-turn" data-testid="archive-turn">
    <strong>${turn.full_name}</strong>
    ${turn.kind === 'point_of_order' && html` <span class="badge">${t('archive.point_of_order')}</span>`}
    <div class="small muted">${span}${turn.spoken_seconds != null
      ? ` · ${t('archive.spoken_seconds', { n: turn.spoken_seconds })}` : ''}</div>
    ${turn.statement
      ? html`<p class="archive-statement">${turn.statement}</p>`
      : html`<p class="small muted">${t('archive.no_statement')}</p>`}
  </li>`;
}

export function Speakers({ data }) {
  return html`<section class="card" data-testid="archive-speakers">
    <h2>${t('archive.speakers')}</h2>
    ${data.speakers.length === 0 && html`<p class="muted">${t('archive.no_speakers')}</p>`}
    ${data.speakers.map((item) => html`<div key=${item.item_id} class="archive-block">
      <h3 class="small">${itemTitle(item)}</h3>
      <ol class="archive-turns">${item.turns.map((turn, i) => html`<${Turn} key=${i} turn=${turn} />`)}</ol>
    </div>`)}
  </section>`;
}

const kindLabel = (kind) => {
  const label = t(`record.kind.${kind}`);
  return label === `record.kind.${kind}` ? t('record.kind.other', { kind }) : label;
};

export function RecordCard({ data }) {
  const r = data.record;
  const verdict = r.intact ? t('archive.chain_ok')
    : t(`archive.chain_bad.${r.problem}`, { seq: r.seq });
  return html`<section class="card archive-record archive-wide" data-testid="archive-record">
    <h2>${t('archive.record')}</h2>
    <p class=${r.intact ? 'check check-ok' : 'check check-bad'} data-testid="chain-verdict"
      data-intact=${String(r.intact)} data-problem=${r.problem || ''} data-seq=${r.seq ?? ''}>
      <span aria-hidden="true">${r.intact ? '✓' : '✗'}</span> ${verdict}</p>
    <p class=${r.digest_matches ? 'check check-ok' : 'check check-bad'} data-testid="digest-match"
      data-match=${String(r.digest_matches)}>
      <span aria-hidden="true">${r.digest_matches ? '✓' : '✗'}</span> ${r.digest_matches
        ? t('archive.digest_match') : t('archive.digest_mismatch')}</p>
    <dl class="facts small">
      <dt>${t('archive.digest_printed')}</dt><dd class="mono">${r.printed_digest || '—'}</dd>
      <dt>${t('archive.digest_chain')}</dt><dd class="mono">${r.chain_digest || '—'}</dd>
    </dl>
    <a class="btn" href=${data.downloads.record} download data-testid="record-download">${t('archive.download_record')}</a>
    <details open=${!r.intact}>
      <summary>${t('archive.entries', { n: r.entries.length })}</summary>
      <div class="table-wrap"><table class="table archive-entries">
        <thead><tr><th>${t('archive.col_seq')}</th><th>${t('archive.col_time')}</th>
          <th>${t('archive.col_kind')}</th><th>${t('archive.col_who')}</th></tr></thead>
        <tbody>${r.entries.map((e) => html`<tr key=${e.seq} data-testid=${`record-entry-${e.seq}`}
          data-kind=${e.kind} class=${e.broken ? 'entry-broken' : ''}>
          <td>${e.seq}</td>
          <td><time datetime=${e.at.at}>${when(e.at)}</time></td>
          <td>${kindLabel(e.kind)}${e.broken && html` <span class="badge badge-off"
            data-testid="entry-broken">${t('archive.entry_broken')}</span>`}</td>
          <td>${e.who || html`<span class="muted">${t('archive.by_system')}</span>`}</td>
        </tr>`)}</tbody>
      </table></div>
    </details>
  </section>`;
}

export function Downloads({ data }) {
  const d = data.downloads;
  return html`<section class="card" data-testid="archive-downloads">
    <h2>${t('archive.downloads')}</h2>
    <ul class="archive-downloads">
      <li><a href=${d.minutes} target="_blank" rel="noopener" data-testid="archive-download">${t('archive.download')}</a></li>
      <li><a href=${d.record} download data-testid="downloads-record">${t('archive.download_record')}</a></li>
      <li><a href=${d.package} download data-testid="archive-package">${t('verify.package')}</a></li>
    </ul>
    <p class="small muted">${t('archive.download_versions_hint')}</p>
  </section>`;
}
