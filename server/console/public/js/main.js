/**
 * Front-desk console entry: login, or the shell for the logged-in account. Loaded as an ES module after
 * /socket.io/socket.io.js (the server's own Socket.IO client build).
 */
import { html, render, useEffect, useMemo, useRef, useState } from './lib/ui.js';
import { t } from '../i18n/i18n.js';
import { createApi } from './lib/api.js';
import { clearSession, loadSession } from './lib/session.js';
import { Login } from './views/login.js';
import { Shell } from './views/shell.js';

function App() {
  const [session, setSession] = useState(loadSession);
  const [notice, setNotice] = useState('');
  const sessionRef = useRef(session);
  sessionRef.current = session;

  const logout = (message) => {
    clearSession();
    setNotice(message || '');
    setSession(null);
  };
  const api = useMemo(
    () =>
      createApi({
        getToken: () => sessionRef.current && sessionRef.current.token,
        onUnauthorized: () => logout(t('login.expired')),
      }),
    [],
  );

  // A shift-long token expires on its own: go back to the login form then, not at the next failed click.
  useEffect(() => {
    if (!session) return undefined;
    const timer = setTimeout(() => logout(t('login.expired')), Math.max(0, session.expiresAt - Date.now()));
    return () => clearTimeout(timer);
  }, [session]);

  if (!session)
    return html`<${Login}
      api=${api}
      notice=${notice}
      onLogin=${(s) => {
        setNotice('');
        setSession(s);
      }}
    />`;
  return html`<${Shell} key=${session.token} session=${session} api=${api} onLogout=${logout} />`;
}

render(html`<${App} />`, document.getElementById('app'));
