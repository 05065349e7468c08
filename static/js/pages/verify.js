// /verify: anyone logged in hands in a PDF and sees, for each signature, who signed and when,
// the certificate chain, the timestamp, revocation, and whether the content was changed
// after signing (red even when the signature's own bytes are intact); and whether the file is
// the archive's signed minutes of a meeting they may read, with its record checked.

import { html, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { upload } from '../api.js';
import { formatDate, formatDateTime, minutesNumber } from '../format.js';
import { pick, t } from '../i18n.js';
import { ErrorBox } from '../ui/feedback.js';
import { AppHeader } from '../ui/header.js';

// The server's summaries come as "Vietnamese / English".
function summaryText(summary) {
  const halves = summary.split(' / ');
  return halves.length === 2 ? pick(halves[0], halves[1]) : summary;
}

function Check({ ok, label }) {
  return html`<li class=${ok ? 'check check-ok' : 'check check-bad'}>
    <span aria-hidden="true">${ok ? '✓' : '✗'}</span> ${label}: ${ok ? t('common.yes') : t('common.no')}</li>`;
}

function Signature({ sig, n }) {
  return html`
    <div class=${sig.ok ? 'signature sig-ok' : 'signature sig-bad'}
      data-testid=${sig.ok ? 'verify-signature-ok' : 'verify-signature-bad'}>
      <p class="sig-verdict">${sig.ok ? '✓' : '✗'} ${t('verify.signature_n', { n })}</p>
      <dl class="facts">
        <dt>${t('archive.signer')}</dt><dd data-testid="verify-signer">${sig.signer}</dd>
        <dt>${t('archive.organization')}</dt><dd>${sig.organization || ''}</dd>
        <dt>${t('archive.signing_time')}</dt><dd>${sig.signing_time
          ? html`<time datetime=${sig.signing_time}>${formatDateTime(sig.signing_time)}</time>` : '—'}</dd>
        <dt>${t('verify.chain')}</dt><dd>${sig.chain.length ? sig.chain.join(' → ') : '—'}</dd>
        <dt>${t('verify.timestamp')}</dt><dd>${sig.timestamp ? formatDateTime(sig.timestamp) : t('verify.none')}</dd>
        <dt>${t('verify.revocation')}</dt><dd>${t(`verify.revocation_${sig.revocation}`)}</dd>
      </dl>
      <ul class="checks">
        <${Check} ok=${sig.intact} label=${t('archive.intact')} />
        <${Check} ok=${!sig.modified_after} label=${t('verify.not_modified')} />
        <${Check} ok=${sig.trusted} label=${t('archive.trusted')} />
        <${Check} ok=${sig.covers_whole_document} label=${t('archive.whole')} />
      </ul>
      <p class="small">${summaryText(sig.summary)}</p>
    </div>`;
}

function Report({ report }) {
  const verdictClass = report.verdict === 'valid' ? 'signature sig-ok' : 'signature sig-bad';
  const a = report.archived;
  return html`
    <section class="card" data-testid="verify-report" data-verdict=${report.verdict}>
      <div class=${verdictClass}><p class="sig-verdict" data-testid="verify-verdict">
        ${report.verdict === 'valid' ? '✓' : '✗'} ${t(`verify.${report.verdict}`)}</p>
        <p class="small">${summaryText(report.summary)}</p></div>
      ${report.signatures.map((sig, i) => html`<${Signature} key=${i} sig=${sig} n=${i + 1} />`)}
      <h2>${t('verify.archive')}</h2>
      ${a ? html`<div data-testid="verify-archived">
          <p>${t('verify.archived', { number: `${minutesNumber(a.number)}/${a.code}`, title: a.title })}</p>
          ${a.disposed
            ? html`<p class="notice notice-warn" data-testid="verify-disposed">${t('disposal.line',
              { date: formatDate(a.disposed.at), name: a.disposed.by, reason: a.disposed.reason })}</p>`
            : html`<ul class="checks"><${Check} ok=${a.record_intact} label=${t('verify.record_ok')} /></ul>`}
          <p><a href=${`/archive/${a.meeting_id}`}>${t('verify.open_meeting')}</a></p></div>`
        : html`<p class="muted" data-testid="verify-not-archived">${t('verify.not_archived')}</p>`}
      <p class="small muted">SHA-256: <code>${report.sha256}</code></p>
    </section>`;
}

export function VerifyPage() {
  const [report, setReport] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  const submit = (e) => {
    e.preventDefault();
    const file = e.target.elements.file.files[0];
    if (!file) return;
    const form = new FormData();
    form.append('file', file);
    setBusy(true);
    setReport(null);
    setError(null);
    upload('/api/verify', form, () => {})
      .then(setReport, setError)
      .finally(() => setBusy(false));
  };

  return html`
    <${AppHeader} title=${t('verify.title')} />
    <main class="page">
      <p><a href="/archive">${t('archive.title')}</a></p>
      <form class="card" onSubmit=${submit} data-testid="verify-form">
        <p>${t('verify.intro')}</p>
        <label class="field"><span>${t('verify.file')}</span>
          <input type="file" name="file" accept="application/pdf,.pdf" data-testid="verify-file" /></label>
        <button class="btn btn-primary" type="submit" disabled=${busy} data-testid="verify-submit">
          ${busy ? t('verify.checking') : t('verify.check')}</button>
      </form>
      <${ErrorBox} error=${error} />
      ${report && html`<${Report} report=${report} />`}
    </main>`;
}
