// /archive/{id}: a sealed meeting as the archive keeps it: the signature checked now
// against the server's trust roots, the record's integrity, items, votes and attendance.

import { html, useEffect, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { get } from '../api.js';
import { formatDateTime, isoVietnam, minutesNumber } from '../format.js';
import { pick, t } from '../i18n.js';
import { roleLabel } from '../ui/badges.js';
import { ErrorBox, Loading } from '../ui/feedback.js';
import { AppHeader } from '../ui/header.js';
import { VoteResult } from '../ui/vote-result.js';

const signatureOk = (s) => s.valid && s.intact && s.trusted;

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
        <dt>${t('archive.signing_time')}</dt><dd data-testid="signature-time">${isoVietnam(sig.signing_time)}</dd>
      </dl>
      <ul class="checks">
        <${Check} ok=${sig.intact} label=${t('archive.intact')} />
        <${Check} ok=${sig.trusted} label=${t('archive.trusted')} />
        <${Check} ok=${sig.covers_whole_document} label=${t('archive.whole')} />
      </ul>
      ${sig.summary && html`<p class="small muted">${summaryText(sig.summary)}</p>`}
    </div>`;
}

export function ArchiveDetailPage({ id }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => { get(`/api/archive/${id}`).then(setData, setError); }, [id]);

  const m = data?.meeting;
  return html`
    <${AppHeader} title=${m ? m.title : t('archive.title')}
      subtitle=${data && `${m.body} · ${t('archive.number', { number: minutesNumber(data.minutes.number) })}`} />
    <main class="page">
      <p><a href="/archive">${t('archive.back')}</a></p>
      <${ErrorBox} error=${error} />
      ${!data && !error && html`<${Loading} />`}
      ${data && html`
        <div class="archive-grid">
          <section class="card" data-testid="archive-signature">
            <h2>${t('archive.signature')}</h2>
            <p class="muted">${t('archive.held', { when: formatDateTime(m.starts_at), place: m.place || '' })}</p>
            ${data.signatures.length === 0
              ? html`<p class="signature sig-bad" data-testid="signature-bad">${t('archive.no_signature')}</p>`
              : data.signatures.map((s, i) => html`<${Signature} key=${i} sig=${s} />`)}
            <p class=${data.record_intact ? 'check check-ok' : 'check check-bad'} data-testid="record-intact"
              data-intact=${String(data.record_intact)}>
              ${data.record_intact ? `✓ ${t('archive.record_ok')}` : `✗ ${t('archive.record_bad')}`}</p>
            <dl class="facts small">
              <dt>${t('archive.digest')}</dt><dd class="mono">${data.minutes.sha256}</dd>
            </dl>
            <a class="btn btn-primary" href=${`/api/meetings/${id}/minutes.pdf`} target="_blank" rel="noopener"
              data-testid="archive-download">${t('archive.download')}</a>
          </section>
          <section class="card">
            <h2>${t('archive.items')}</h2>
            <ol class="archive-items">${data.items.map((i) => html`<li key=${i.id}>
              <strong>${i.title}</strong>
              ${i.presenter && html`<span class="muted small"> · ${i.presenter}</span>`}
              <p>${i.conclusion || html`<span class="muted">${t('archive.no_conclusion')}</span>`}</p></li>`)}</ol>
          </section>
          <section class="card">
            <h2>${t('archive.votes')}</h2>
            ${data.votes.length === 0 && html`<p class="muted">${t('archive.no_votes')}</p>`}
            ${data.votes.filter((v) => v.result).map((v) => html`<${VoteResult} key=${v.id} vote=${v}
              testid=${`archive-vote-${v.id}`} />`)}
          </section>
          <section class="card">
            <h2>${t('archive.participants')}</h2>
            <ul class="people">${data.participants.map((p) => html`
              <li key=${p.user_id} class="person">
                <div class="grow"><strong>${p.full_name}</strong>
                  <span class="muted small"> · ${roleLabel(p.role)}</span></div>
                <span class=${p.checked_in ? 'badge badge-ok' : 'badge'}>
                  ${p.checked_in ? t('archive.attended') : t('archive.absent')}</span>
              </li>`)}</ul>
          </section>
        </div>`}
    </main>`;
}
