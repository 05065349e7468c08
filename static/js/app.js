// The app: one page shell for every address; this module picks the page for the path.

import { html, render, useEffect, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { t, useLang } from './i18n.js';
import { currentLocation, navigate, onNavigate } from './router.js';
import { LoginPage } from './pages/login.js';
import { MeetingsPage } from './pages/meetings.js';
import { PreparePage } from './pages/prepare.js';
import { TabletPage } from './tablet/page.js';
import { ScreenPage } from './pages/screen.js';
import { MinutesPage } from './pages/minutes.js';
import { ArchivePage } from './pages/archive.js';
import { ArchiveDetailPage } from './pages/archive-detail.js';
import { VerifyPage } from './pages/verify.js';
import { SignaturePage } from './pages/signature.js';
import { OpinionPage, OpinionsPage } from './pages/opinions.js';
import { AdminUsersPage } from './admin/users.js';
import { AdminBodiesPage, AdminBodyPage } from './admin/bodies.js';
import { AdminAuditPage } from './admin/audit.js';
import { AdminImportPage } from './admin/imports.js';
import { startOffline } from './offline/install.js';

const ROUTES = [
  [/^\/login$/, LoginPage],
  [/^\/meetings$/, MeetingsPage],
  [/^\/m\/(\d+)$/, TabletPage],
  [/^\/m\/(\d+)\/screen$/, ScreenPage],
  [/^\/m\/(\d+)\/prepare$/, PreparePage],
  [/^\/m\/(\d+)\/minutes$/, MinutesPage],
  [/^\/archive$/, ArchivePage],
  [/^\/archive\/(\d+)$/, ArchiveDetailPage],
  [/^\/verify$/, VerifyPage],
  [/^\/me\/signature$/, SignaturePage],
  [/^\/opinions$/, OpinionsPage],
  [/^\/opinions\/(\d+)$/, OpinionPage],
  [/^\/admin\/users$/, AdminUsersPage],
  [/^\/admin\/bodies$/, AdminBodiesPage],
  [/^\/admin\/bodies\/(\d+)$/, AdminBodyPage],
  [/^\/admin\/audit$/, AdminAuditPage],
  [/^\/admin\/import$/, AdminImportPage],
];

function NotFound() {
  return html`<main class="page narrow"><p>${t('nav.not_found')}</p>
    <p><a href="/meetings">${t('nav.meetings')}</a></p></main>`;
}

function App() {
  useLang(); // a language switch re-renders every page
  const [loc, setLoc] = useState(currentLocation());
  useEffect(() => onNavigate(setLoc), []);
  useEffect(() => {
    if (loc.path === '/') navigate('/meetings', { replace: true });
    if (loc.path === '/admin') navigate('/admin/users', { replace: true });
  }, [loc.path]);
  for (const [pattern, Page] of ROUTES) {
    const match = loc.path.match(pattern);
    if (match) {
      const id = match[1] ? Number(match[1]) : null;
      // A new key per address: a page never carries state over from another meeting.
      return html`<${Page} key=${loc.path + loc.query} id=${id} query=${loc.query} />`;
    }
  }
  return loc.path === '/' || loc.path === '/admin' ? null : html`<${NotFound} />`;
}

startOffline(); // the service worker, and the meetings kept past their expiry deleted

const root = document.getElementById('app');
root.textContent = ''; // the shell's "loading" line
render(html`<${App} />`, root);
