/** The login form: `POST /auth/login`; the answer is kept in this tab's sessionStorage. */
import { html, useState, useEffect, useRef } from '../lib/ui.js';
import { t } from '../../i18n/i18n.js';
import { useAction, ErrorText } from '../components/common.js';
import { saveLogin } from '../lib/session.js';

/** @param {{ api: object, onLogin: (session: object) => void, notice?: string }} props */
export function Login({ api, onLogin, notice }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  const first = useRef(null);
  useEffect(() => {
    first.current?.focus();
  }, []);

  const submit = (e) => {
    e.preventDefault();
    action.run(async () => {
      const login = await api.post('/auth/login', { email: email.trim(), password });
      onLogin(saveLogin(login));
    });
  };

  return html`<main class="login">
    <form class="login__box" onSubmit=${submit} aria-labelledby="login-title" data-testid="login-form">
      <h1 id="login-title">${t('app.title')}</h1>
      <p class="muted">${t('login.intro')}</p>
      ${notice && html`<p class="notice" role="status" data-testid="login-notice">${notice}</p>`}
      <div class="field">
        <label for="login-email">${t('login.email')}</label>
        <input
          id="login-email"
          ref=${first}
          type="email"
          autocomplete="username"
          required
          value=${email}
          onInput=${(e) => setEmail(e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="login-password">${t('login.password')}</label>
        <input
          id="login-password"
          type="password"
          autocomplete="current-password"
          required
          value=${password}
          onInput=${(e) => setPassword(e.currentTarget.value)}
        />
      </div>
      <button type="submit" class="btn btn--primary" disabled=${action.busy} data-testid="login-submit">
        ${action.busy ? t('login.busy') : t('login.submit')}
      </button>
      <${ErrorText} error=${action.error} testid="login-error" />
    </form>
  </main>`;
}
