// /admin/import: the administrator brings archival packages (docs/archive-package.md) exported
// by another phonghop into this one's archive. The server checks the whole package before it
// writes anything (POST /api/archive/import); the page shows the progress of the upload, then
// the meetings it added, each a link to its archive page, or the refusal, saying what is wrong.

import { html, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { upload } from '../api.js';
import { t } from '../i18n.js';
import { ErrorBox } from '../ui/feedback.js';
import { AdminFrame } from './common.js';

export function AdminImportPage() {
  const [done, setDone] = useState(null);
  const [error, setError] = useState(null);
  const [sent, setSent] = useState(null);

  const submit = (e) => {
    e.preventDefault();
    const file = e.target.elements.file.files[0];
    if (!file) return;
    const form = new FormData();
    form.append('file', file);
    setDone(null);
    setError(null);
    setSent(0);
    upload('/api/archive/import', form, (fraction) => setSent(fraction))
      .then((r) => setDone({ name: file.name, ids: r.meeting_ids || [] }), setError)
      .finally(() => setSent(null));
  };

  return html`
    <${AdminFrame} tab="import" title=${t('import.title')}>
      <form class="card" onSubmit=${submit} data-testid="import-form">
        <h2>${t('import.title')}</h2>
        <p>${t('import.intro')}</p>
        <label class="field"><span>${t('import.file')}</span>
          <input type="file" name="file" accept=".zip,application/zip" data-testid="import-file" /></label>
        <button class="btn btn-primary" type="submit" disabled=${sent !== null} data-testid="import-submit">
          ${sent === null ? t('import.submit') : t('import.sending', { percent: Math.round(sent * 100) })}</button>
      </form>
      <${ErrorBox} error=${error} testid="import-error" />
      ${done && html`<section class="card" data-testid="import-done" role="status">
        <p>${t('import.done', { name: done.name, count: done.ids.length })}</p>
        <ul>${done.ids.map((id) => html`<li key=${id}>
          <a href=${`/archive/${id}`} data-testid=${`import-open-${id}`}>${t('import.open', { id })}</a></li>`)}</ul>
      </section>`}
    </${AdminFrame}>`;
}
