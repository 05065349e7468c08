// The bar at the top of every page: where I am, the language toggle, who I am (with a link to
// my own signature image), logout.

import { html, useEffect } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { getLang, setLang, t } from '../i18n.js';
import { logOut, useMe } from '../session.js';

export function LangToggle() {
  const other = getLang() === 'vi' ? 'en' : 'vi';
  return html`<button type="button" class="btn btn-ghost btn-lang" data-testid="lang-toggle"
    lang=${other} onClick=${() => setLang(other)}>${t('lang.switch')}</button>`;
}

export function AppHeader({ title, subtitle, children }) {
  const me = useMe();
  useEffect(() => {
    document.title = title ? `${title} · phonghop` : 'phonghop';
  }, [title]);
  return html`
    <header class="app-header">
      <a class="brand" href="/meetings" title=${t('nav.meetings')}>
        <span class="brand-mark" aria-hidden="true">P</span><span class="brand-name">phonghop</span>
      </a>
      <div class="header-title">
        ${title && html`<h1 data-testid="page-title">${title}</h1>`}
        ${subtitle && html`<p class="header-sub">${subtitle}</p>`}
      </div>
      <div class="header-extra">${children}</div>
      <div class="header-tools">
        <${LangToggle} />
        ${me && html`<span class="whoami" data-testid="whoami">${me.user.full_name}</span>`}
        ${me && html`<a class="btn btn-ghost header-signature" href="/me/signature"
          data-testid="my-signature">${t('nav.my_signature')}</a>`}
        <button type="button" class="btn btn-ghost" data-testid="logout"
          onClick=${logOut}>${t('nav.logout')}</button>
      </div>
    </header>`;
}
