// /me/signature ("Chữ ký của tôi"): each person uploads, sees or removes the scan of their own
// handwritten signature, shown in the minutes they sign. Nobody sets another's.

import { html } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { t } from '../i18n.js';
import { AppHeader } from '../ui/header.js';
import { ScanCard } from '../ui/scan-card.js';

export function SignaturePage() {
  return html`
    <${AppHeader} title=${t('scan.signature.page')} />
    <main class="page narrow">
      <p><a href="/meetings">${t('nav.meetings')}</a></p>
      <${ScanCard} kind="signature" url="/api/me/signature-image" testid="signature-card" />
    </main>`;
}
