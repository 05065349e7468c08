// /archive/{id}: a meeting whose minutes are signed, as the archive keeps it: the signature
// checked now against the server's trust roots, the record's integrity, items, votes (each
// under its item), attendance as the minutes print it, the downloads, the documents as
// presented, the speakers and the record entry by entry (./archive-meeting.js), and its
// retention period; once that
// has passed, an archivist of the body may dispose of it (with a reason), and the page then
// shows the tombstone left.

import { html, useEffect, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { get, post } from '../api.js';
import { formatDate, formatDateTime, minutesNumber } from '../format.js';
import { pick, t } from '../i18n.js';
import { isAway } from '../meeting-state.js';
import { LateBadge, roleLabel } from '../ui/badges.js';
import { ConfirmDialog } from '../ui/confirm.js';
import { ErrorBox, Loading } from '../ui/feedback.js';
import { AppHeader } from '../ui/header.js';
import { VoteResult } from '../ui/vote-result.js';
import { Downloads, Presentations, RecordCard, Speakers } from './archive-meeting.js';

const signatureOk = (s) => s.valid && s.intact && s.trusted;

function voteItem(data, vote) {
  const item = data.items.find((i) => i.id === vote.item_id);
  return item ? t('record.vote_under_item', { n: item.number, title: item.title }) : '';
}

// The verifier's summary comes as "Vietnamese / English".
function summaryText(summary) {
  const halves = summary.split(' / ');
  return halves.length === 2 ? pick(halves[0], halves[1]) : summary;
}

function Check({ ok, label }) {
  return html`<li class=${ok ? 'check check-ok' : 'check check-bad'}>
    <span aria-hidden="true">${ok ? '✓' : '✗'}</span> ${label}: ${ok ? t('common.yes') : t('common.no')}</li>`;
}

function Signature({ sig }) {
  const ok = signatureOk(sig);
  return html`
    <div class=${ok ? 'signature sig-ok' : 'signature sig-bad'} data-testid=${ok ? 'signature-ok' : 'signature-bad'}>
      <p class="sig-verdict">${ok ? `✓ ${t('archive.sig_valid')}` : `✗ ${t('archive.sig_invalid')}`}</p>
      <dl class="facts">
        <dt>${t('archive.signer')}</dt><dd data-testid="signature-signer">${sig.signer}</dd>
        <dt>${t('archive.organization')}</dt><dd>${sig.organization || ''}</dd>
        <dt>${t('archive.signing_time')}</dt><dd><time data-testid="signature-time"
          datetime=${sig.signing_time}>${formatDateTime(sig.signing_time)}</time></dd>
      </dl>
      <ul class="checks">
        <${Check} ok=${sig.intact} label=${t('archive.intact')} />
        <${Check} ok=${sig.trusted} label=${t('archive.trusted')} />
        <${Check} ok=${sig.covers_whole_document} label=${t('archive.whole')} />
      </ul>
      ${sig.summary && html`<p class="small muted">${summaryText(sig.summary)}</p>`}
    </div>`;
}

// A document's page found by the archive's search (/archive/{id}?document=&v=&page=): the
// page as it was presented in that version, with the pages around it a click away.
function FoundPage({ data, query }) {
  const documentId = Number(query.get('document'));
  const version = Number(query.get('v')) || '';
  const [page, setPage] = useState(Number(query.get('page')) || 1);
  const doc = data.items.flatMap((i) => i.documents).find((d) => d.id === documentId);
  const last = doc ? doc.page_count : page;
  return html`<section class="card found-page" data-testid="found-page" data-page=${page}>
    <h2>${t('search.viewer')}: ${doc ? doc.title : ''}
      <span class="muted small"> · ${version ? `${t('search.version', { v: version })} · ` : ''}${t('search.page', { page })}</span></h2>
    <p class="found-nav">
      <button class="btn" type="button" disabled=${page <= 1} onClick=${() => setPage(page - 1)}
        data-testid="found-prev">${t('search.prev_page')}</button>
      <button class="btn" type="button" disabled=${page >= last} onClick=${() => setPage(page + 1)}
        data-testid="found-next">${t('search.next_page')}</button>
      <a class="btn" href=${`/archive/${data.meeting.id}`} data-testid="found-close">${t('search.close_viewer')}</a>
    </p>
    <img class="found-image" alt=${t('search.page', { page })} data-testid="found-image"
      src=${`/api/documents/${documentId}/pages/${page}?w=1280${version ? `&v=${version}` : ''}`} />
  </section>`;
}

export const periodText = (years) => (years == null ? t('retention.permanent')
  : t('retention.n_years', { n: years }));

// "Đã tiêu hủy ngày … theo quyết định của …; lý do …", with what the meeting was and the
// digests that still recognise a copy of its minutes or record.
export function disposalLine(d) {
  return t('disposal.line', { date: formatDate(d.disposed_at), name: d.disposed_by.full_name,
    reason: d.reason });
}

function Tombstone({ d }) {
  return html`<section class="card tombstone" data-testid="tombstone">
    <h2>${t('disposal.title')}</h2>
    <p class="notice notice-warn" data-testid="tombstone-line">${disposalLine(d)}</p>
    <dl class="facts">
      <dt>${t('disposal.what')}</dt><dd data-testid="tombstone-title">${d.title}</dd>
      <dt>${t('search.body')}</dt><dd>${d.body}</dd>
      <dt>${t('disposal.minutes')}</dt><dd>${minutesNumber(d.minutes_number)}/${d.minutes_code}</dd>
      <dt>${t('disposal.meeting_date')}</dt><dd>${formatDate(d.starts_at)}</dd>
      <dt>${t('archive.signing_time')}</dt><dd>${formatDateTime(d.sealed_at)}</dd>
      <dt>${t('disposal.period')}</dt><dd>${periodText(d.retention_years)}</dd>
      <dt>${t('disposal.disposed_at')}</dt><dd>${formatDateTime(d.disposed_at)}</dd>
      <dt>${t('disposal.record_digest')}</dt><dd class="mono" data-testid="tombstone-record">${d.record_digest}</dd>
      <dt>${t('disposal.minutes_digest')}</dt><dd class="mono" data-testid="tombstone-minutes">${d.minutes_sha256}</dd>
    </dl>
  </section>`;
}

function Retention({ data, onDisposed }) {
  const r = data.retention;
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const dispose = async () => {
    if (!reason.trim()) {
      setError({ message: t('disposal.reason_missing') });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const answer = await post(`/api/archive/${data.meeting.id}/disposal`, { reason });
      setAsking(false);
      onDisposed(answer.disposal);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const line = r.permanent ? t('retention.never')
    : r.expired ? t('retention.expired', { date: formatDate(r.expires_on) })
      : t('retention.until', { period: periodText(r.years), date: formatDate(r.expires_on) });
  return html`<section class="card" data-testid="archive-retention">
    <h2>${t('retention.on_page')}: <span data-testid="retention-period">${pick(r.text_vi, r.text_en)}</span></h2>
    <p class="muted">${line}</p>
    ${data.may_dispose && html`<button class="btn btn-danger" type="button" data-testid="dispose"
      onClick=${() => { setAsking(true); setError(null); }}>${t('disposal.button')}</button>`}
    ${asking && html`<${ConfirmDialog} title=${t('disposal.confirm_title')} danger busy=${busy}
      confirmLabel=${t('disposal.ok')} onConfirm=${dispose} onCancel=${() => setAsking(false)}>
      <p>${t('disposal.confirm_text', { title: data.meeting.title })}</p>
      <label class="field"><span>${t('disposal.reason')}</span>
        <textarea rows="3" maxlength="1000" value=${reason} onInput=${(e) => { setReason(e.target.value); setError(null); }}
          data-testid="dispose-reason"></textarea></label>
      <${ErrorBox} error=${error} />
    </${ConfirmDialog}>`}
  </section>`;
}

export function ArchiveDetailPage({ id, query }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => { get(`/api/archive/${id}`).then(setData, setError); }, [id]);

  if (data?.disposal) {
    const d = data.disposal;
    return html`
      <${AppHeader} title=${d.title} subtitle=${`${d.body} · ${t('archive.number', { number: minutesNumber(d.minutes_number) })}`} />
      <main class="page">
        <p><a href="/archive">${t('archive.back')}</a></p>
        <${Tombstone} d=${d} />
      </main>`;
  }
  const m = data?.meeting;
  return html`
    <${AppHeader} title=${m ? m.title : t('archive.title')}
      subtitle=${data && `${m.body} · ${t('archive.number', { number: minutesNumber(data.minutes.number) })}`} />
    <main class="page">
      <p><a href="/archive">${t('archive.back')}</a> · <a href="/verify" data-testid="verify-link">${t('verify.link')}</a></p>
      <${ErrorBox} error=${error} />
      ${!data && !error && html`<${Loading} />`}
      ${data && query.get('document') && html`<${FoundPage} data=${data} query=${query} />`}
      ${data && html`
        <div class="archive-grid">
          <section class="card" data-testid="archive-signature">
            <h2>${t('archive.signature')}</h2>
            <p class="muted">${t('archive.held', { when: formatDateTime(m.started_at || m.starts_at), place: m.place || '' })}</p>
            ${data.signatures.length === 0
              ? html`<p class="signature sig-bad" data-testid="signature-bad">${t('archive.no_signature')}</p>`
              : data.signatures.map((s, i) => html`<${Signature} key=${i} sig=${s} />`)}
            <p class=${data.record_intact ? 'check check-ok' : 'check check-bad'} data-testid="record-intact"
              data-intact=${String(data.record_intact)}>
              ${data.record_intact ? `✓ ${t('archive.record_ok')}` : `✗ ${t('archive.record_bad')}`}</p>
            <dl class="facts small">
              <dt>${t('archive.digest')}</dt><dd class="mono">${data.minutes.sha256}</dd>
            </dl>
          </section>
          <${Downloads} data=${data} />
          <${Retention} data=${data} onDisposed=${(d) => setData({ disposal: d })} />
          <section class="card">
            <h2>${t('archive.items')}</h2>
            <ol class="archive-items">${data.items.map((i) => html`<li key=${i.id}
              class=${i.parent_id ? 'archive-subitem' : ''}>
              <strong>${i.number}. ${i.title}</strong>
              ${i.presenter && html`<span class="muted small"> · ${i.presenter}</span>`}
              ${i.documents.length > 0 && html`<ul class="small archive-docs">${i.documents.map((d) => html`
                <li key=${d.id} data-testid=${`archive-doc-${d.id}`}>${d.title} <${LateBadge} doc=${d} />
                  ${d.withdrawn_at && html`<span class="badge">${t('prep.withdrawn')}</span>`}</li>`)}</ul>`}
              <p>${i.conclusion || html`<span class="muted">${t('archive.no_conclusion')}</span>`}</p></li>`)}</ol>
          </section>
          <section class="card">
            <h2>${t('archive.votes')}</h2>
            ${data.votes.length === 0 && html`<p class="muted">${t('archive.no_votes')}</p>`}
            ${data.votes.filter((v) => v.result).map((v) => html`<div key=${v.id}>
              <p class="small muted" data-testid=${`archive-vote-item-${v.id}`}>${voteItem(data, v)}</p>
              <${VoteResult} vote=${v} testid=${`archive-vote-${v.id}`}
                council=${m.body_kind === 'people_council'} /></div>`)}
          </section>
          <section class="card">
            <h2>${t('archive.participants')}</h2>
            <ul class="people">${data.participants.map((p) => html`
              <li key=${p.user_id} class="person" data-testid=${`archive-person-${p.user_id}`}
                data-attendance=${p.recorded_attendance}>
                <div class="grow"><strong>${p.full_name}</strong>
                  <span class="muted small"> · ${roleLabel(p.role)}</span>
                  ${isAway({ attendance: p.recorded_attendance }) && p.absence_reason && html`<p class="small">
                    ${t(p.recorded_attendance === 'excused' ? 'att.reason_line' : 'record.note_line',
                      { reason: p.absence_reason })}</p>`}
                  ${p.proxy_name && html`<p class="small">${t('record.proxy_to', { name: p.proxy_name })}</p>`}</div>
                <span class=${`badge att-${p.recorded_attendance || 'none'}`}>${p.recorded_attendance
                  ? t(`att.state.${p.recorded_attendance}`) : t('record.did_not_attend')}</span>
              </li>`)}</ul>
          </section>
          <${Presentations} data=${data} />
          <${Speakers} data=${data} />
          <${RecordCard} data=${data} />
        </div>`}
    </main>`;
}
