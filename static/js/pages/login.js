// /login: username and password; then on to `next` or to my meetings.

import { html, useState } from '/static/vendor/htm-preact-standalone-3.1.1.mjs';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { navigate } from '../router.js';
import { reopen } from '../offline/store.js';
import { forgetMe } from '../session.js';
import { ErrorBox } from '../ui/feedback.js';
import { LangToggle } from '../ui/header.js';

// Only an address inside this app: never send someone to another site after login.
function safeNext(raw) {
  return raw && raw.startsWith('/') && !raw.startsWith('//') && !raw.startsWith('/api/')
    ? raw : '/meetings';
}

export function LoginPage({ query }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);

  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('POST', '/api/login', { username: username.trim(), password },
        { authRedirect: false });
      forgetMe();
      reopen(); // the device may keep meetings again (offline/store.js)
      navigate(safeNext(query.get('next')), { replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return html`
    <main class="login-page">
      <div class="login-lang"><${LangToggle} /></div>
      <form class="card login-card" onSubmit=${submit} data-testid="login-form">
        <div class="login-brand"><span class="brand-mark" aria-hidden="true">P</span>
          <div><p class="brand-name">phonghop</p><p class="muted small">${t('app.name')}</p></div>
        </div>
        <h1>${t('login.title')}</h1>
        <p class="muted">${t('login.intro')}</p>
        <label class="field">
          <span>${t('login.username')}</span>
          <input name="username" autocomplete="username" autocapitalize="none" required
            data-testid="login-username" value=${username}
            onInput=${(e) => setUsername(e.target.value)} />
        </label>
        <label class="field">
          <span>${t('login.password')}</span>
          <input name="password" type="password" autocomplete="current-password" required
            data-testid="login-password" value=${password}
            onInput=${(e) => setPassword(e.target.value)} />
        </label>
        <${ErrorBox} error=${error} testid="login-error" />
        <button class="btn btn-primary btn-block" type="submit" disabled=${busy}
          data-testid="login-submit">${busy ? t('login.busy') : t('login.submit')}</button>
      </form>
    </main>`;
}
