// What the administrator's pages share: the tabs between users, bodies and the audit log,
// and the guard that shows a non-administrator a plain refusal instead of a broken page.

import { html } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { t } from '../i18n.js';
import { isAdmin, useMe } from '../session.js';
import { AppHeader } from '../ui/header.js';
import { Loading } from '../ui/feedback.js';

const TABS = [
  ['users', '/admin/users'],
  ['bodies', '/admin/bodies'],
  ['audit', '/admin/audit'],
  ['import', '/admin/import'],
];

export function AdminFrame({ tab, title, children }) {
  const me = useMe();
  return html`
    <${AppHeader} title=${title || t('admin.title')} />
    <main class="page">
      <nav class="admin-tabs" aria-label=${t('admin.title')} data-testid="admin-tabs">
        ${TABS.map(([key, href]) => html`
          <a key=${key} href=${href} class=${`admin-tab${key === tab ? ' current' : ''}`}
            aria-current=${key === tab ? 'page' : undefined}
            data-testid=${`admin-tab-${key}`}>${t(`admin.tab.${key}`)}</a>`)}
      </nav>
      ${me === null ? html`<${Loading} />`
        : !isAdmin(me) ? html`<p class="error-box" role="alert">${t('admin.only')}</p>`
        : children}
    </main>`;
}

// The role shown for a user: "Quản trị hệ thống", "Văn thư - Lưu trữ" or plain "Người dùng".
export const roleName = (role) => t(`admin.role.${role || 'none'}`);
export const kindName = (kind) => t(`admin.kind.${kind}`);

// A short-lived message after a change ("Đã lưu."), or a refusal.
export function Flash({ message }) {
  if (!message) return null;
  return html`<p class="notice notice-info" role="status" data-testid="admin-flash">${message}</p>`;
}
