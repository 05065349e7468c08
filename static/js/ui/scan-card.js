// A card to upload, preview and remove one scan shown in the signature of the minutes: a
// person's own handwritten signature (/api/me/signature-image) or a body's seal (the
// administrator's, /api/admin/bodies/{id}/seal-image). The server checks the file (a
// transparent PNG; a seal 20 to 60 mm across) and says what to fix; nothing is drawn for
// anyone who has not uploaded one.

import { html, useEffect, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { del, get, put } from '../api.js';
import { getLang, t } from '../i18n.js';
import { ConfirmDialog } from './confirm.js';
import { ErrorBox, Loading } from './feedback.js';

function readAsDataUrl(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

// 36,1 mm in Vietnamese (decimal comma), 36.1 mm in English.
const mm = (v) => {
  const text = String(Math.round(v * 10) / 10);
  return getLang() === 'vi' ? text.replace('.', ',') : text;
};

// kind: 'seal' or 'signature' (the strings scan.<kind>.*); url: the resource.
export function ScanCard({ kind, url, testid }) {
  const [image, setImage] = useState(undefined);
  const [file, setFile] = useState(null);
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState(null);
  const [flash, setFlash] = useState('');
  const [round, setRound] = useState(0); // a new file input after each change
  useEffect(() => { get(url).then((r) => setImage(r.image), setError); }, [url]);
  const run = async (work, message) => {
    setBusy(true);
    setError(null);
    setFlash('');
    try {
      const r = await work();
      setImage(r.image);
      setFile(null);
      setRound(round + 1);
      setFlash(message);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      setAsking(false);
    }
  };
  const upload = (e) => {
    e.preventDefault();
    if (file) run(async () => put(url, { png: await readAsDataUrl(file) }), t(`scan.${kind}.saved`));
  };
  return html`
    <section class="card scan-card" data-testid=${testid}>
      <h2>${t(`scan.${kind}.title`)}</h2>
      <p class="muted small">${t(`scan.${kind}.hint`)}</p>
      ${image === undefined && !error && html`<${Loading} />`}
      ${image === null && html`<p data-testid="scan-none">${t(`scan.${kind}.none`)}</p>`}
      ${image && html`<figure class="scan-preview">
        <img src=${image.data_url} alt=${t(`scan.${kind}.title`)} data-testid="scan-image"
          style=${kind === 'seal' ? `width: ${image.width_mm}mm` : ''} />
        <figcaption class="small muted" data-testid="scan-size">${t('scan.size', {
          w: mm(image.width_mm), h: mm(image.height_mm), px: `${image.width_px}×${image.height_px}`,
        })} ${image.dpi_from_file ? '' : t('scan.assumed_dpi')}</figcaption>
      </figure>`}
      ${flash && html`<p class="notice notice-info" role="status" data-testid="scan-flash">${flash}</p>`}
      <${ErrorBox} error=${error} testid="scan-error" />
      <form class="row scan-form" key=${round} onSubmit=${upload}>
        <label class="field"><span>${t(image ? 'scan.replace' : 'scan.choose')}</span>
          <input type="file" accept="image/png" data-testid="scan-file"
            onChange=${(e) => setFile(e.target.files[0] || null)} /></label>
        <button class="btn btn-primary" type="submit" disabled=${!file || busy}
          data-testid="scan-upload">${t('scan.upload')}</button>
        ${image && html`<button class="btn btn-danger" type="button" disabled=${busy}
          data-testid="scan-remove" onClick=${() => setAsking(true)}>${t('scan.remove')}</button>`}
      </form>
      ${asking && html`<${ConfirmDialog} title=${t(`scan.${kind}.remove_title`)}
        confirmLabel=${t('scan.remove')} danger=${true} busy=${busy}
        onCancel=${() => setAsking(false)}
        onConfirm=${() => run(() => del(url), t(`scan.${kind}.removed`))}>
        <p>${t('scan.remove_text')}</p></${ConfirmDialog}>`}
    </section>`;
}
