/**
 * The staff session of this browser tab: the access token and the account, in sessionStorage only (never
 * localStorage or a cookie), so closing the tab or logging out forgets it and another tab logs in on its own.
 */
const KEY = 'clinic-console.session';

/**
 * @typedef {{ id: string, email: string, role: 'admin'|'reception'|'doctor', doctor_id: string|null }} User
 * @typedef {{ token: string, user: User, expiresAt: number }} Session
 */

/** The saved session, or null when there is none or it has expired. @returns {Session|null} */
export function loadSession() {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) || 'null');
    if (!s || typeof s.token !== 'string' || !s.user || !(s.expiresAt > Date.now())) return null;
    return s;
  } catch {
    return null;
  }
}

/** Saves the answer of `POST /auth/login` ({access_token, expires_in, user}). @returns {Session} */
export function saveLogin(login) {
  const session = { token: login.access_token, user: login.user, expiresAt: Date.now() + login.expires_in * 1000 };
  sessionStorage.setItem(KEY, JSON.stringify(session));
  return session;
}

/** Forgets the session (logout, expiry, a refused token). */
export function clearSession() {
  sessionStorage.removeItem(KEY);
}
