import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

/**
 * The security headers of every HTTP answer this server gives — Express's, Socket.IO's long-polling and client
 * bundle, and the `101` of a WebSocket upgrade: helmet's defaults, computed once, with a CSP without
 * `upgrade-insecure-requests` (a clinic LAN may serve plain HTTP, with TLS, if any, at a proxy). Swagger UI
 * loads its own scripts and inline styles from 'self', which that CSP allows. Routes may override one (the
 * waiting-room page sets its own, stricter CSP).
 */
export function securityHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  // helmet only sets and removes headers, synchronously; record what it does to one answer.
  const recorder = {
    setHeader: (name: string, value: unknown) => {
      headers[name] = String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name];
    },
  };
  helmet({ contentSecurityPolicy: false })({} as IncomingMessage, recorder as unknown as ServerResponse, () => {});
  headers['Content-Security-Policy'] = Object.entries(helmet.contentSecurityPolicy.getDefaultDirectives())
    .filter(([k]) => k !== 'upgrade-insecure-requests')
    .map(([k, v]) => `${k} ${[...(v as Iterable<string>)].join(' ')}`)
    .join(';');
  return headers;
}

/** Sets `headers` on an answer (an `http.ServerResponse`, or Engine.IO's stand-in for a WebSocket upgrade). */
export function applyHeaders(res: Pick<ServerResponse, 'setHeader'>, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
}

/** `scheme://host[:port]` of a URL, default port dropped; null when it is not one. */
function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

/**
 * Whether a browser request with this `Origin` may reach the live API (Socket.IO polling and WebSocket
 * upgrades, which CORS does not cover: a page on any site may open a WebSocket to any host). Allowed: no
 * `Origin` at all (non-browser clients — TVs' players, scripts — send none), an origin listed in
 * `CORS_ORIGINS`, or the same origin as the request (its host and port equal the `Host` header). Refused:
 * every other origin, and the opaque origin `null` (sandboxed frames, `file:` pages). (RFC 6455 §10.2: servers
 * should check `Origin`.)
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  const given = originOf(origin);
  if (!given) return false;
  if (allowed.some((o) => originOf(o) === given)) return true;
  if (!host) return false;
  return originOf(`${new URL(given).protocol}//${host}`) === given;
}
