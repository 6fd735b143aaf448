/**
 * The REST client: `/api/v1` with the staff token, JSON in and out. Every failure becomes an {@link ApiError}
 * carrying the API's problem+json `error` code and `message`, which the UI shows next to what caused it.
 */
import { t } from '../../i18n/i18n.js';
import { setServerOffset } from './clinic.js';

const BASE = '/api/v1';
const TIMEOUT_MS = 15000;

/** An API failure: `status` (0 = no answer), `code` (e.g. CAPACITY_FULL), `message`, `details`. */
export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** A random key for Idempotency-Key (crypto.randomUUID needs a secure context; a clinic LAN may be plain HTTP). */
export function newIdempotencyKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return 'console-' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/**
 * @param {{ getToken: () => string|null, onUnauthorized: () => void }} opts  `onUnauthorized` runs when a
 *   request with a token is answered 401 (expired, revoked or deactivated account).
 */
export function createApi({ getToken, onUnauthorized }) {
  async function request(method, path, { body, query } = {}) {
    const url = new URL(BASE + path, location.origin);
    for (const [k, v] of Object.entries(query || {})) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
    const headers = { Accept: 'application/json' };
    const token = getToken();
    if (token) headers.Authorization = 'Bearer ' + token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res;
    try {
      res = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch {
      throw new ApiError(0, 'NETWORK', t('error.network'));
    }
    const date = Date.parse(res.headers.get('Date') || '');
    if (!isNaN(date)) setServerOffset(date - Date.now());
    const data = res.status === 204 ? null : await res.json().catch(() => null);
    if (res.ok) return data;
    if (res.status === 401 && token) onUnauthorized();
    throw new ApiError(
      res.status,
      data?.error || 'HTTP_' + res.status,
      data?.message || data?.detail || t('error.unexpected', { status: res.status }),
      data?.details,
    );
  }
  return {
    get: (path, query) => request('GET', path, { query }),
    post: (path, body, query) => request('POST', path, { body: body ?? {}, query }),
    patch: (path, body) => request('PATCH', path, { body }),
    del: (path) => request('DELETE', path),
  };
}
