import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

/**
 * Where a webhook may go (SSRF defence). Only `http:` and `https:` URLs without credentials; the host is resolved
 * and every address it resolves to must be a public unicast address — loopback, private (RFC 1918), carrier-grade
 * NAT, link-local (cloud metadata at 169.254.169.254), unique-local, multicast, unspecified, reserved and
 * documentation ranges, and IPv6 forms embedding IPv4 (mapped, NAT64, 6to4, Teredo) are refused — unless
 * `WEBHOOK_ALLOW_PRIVATE=true`. The request then connects to the very address that was checked (the URL's host
 * goes in `Host` and TLS SNI/certificate checks), so a DNS answer that changes between check and connect
 * (DNS rebinding) cannot move it; the connected socket's `remoteAddress` is checked once more. Redirects are not
 * followed (a 3xx is a failed attempt).
 */

/** Raised when a destination is refused; `reason` is safe to show to an admin. */
export class DestinationRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Resolves a host name to its addresses (injectable for tests). */
export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/** True when `address` is a public unicast address (IPv4-mapped IPv6 is judged as the IPv4 it carries). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

/** A checked destination: the URL and the one address the request will connect to. */
export interface Destination {
  url: URL;
  /** The host as written in the URL, without IPv6 brackets. */
  hostname: string;
  address: string;
  family: 4 | 6;
}

/**
 * Checks a webhook URL and resolves it to the address to connect to.
 * @throws DestinationRefused for another scheme, credentials in the URL, a name that does not resolve, or (unless
 *   `allowPrivate`) any address that is not public.
 */
export async function checkDestination(raw: string, allowPrivate: boolean, resolve: Resolver = systemResolver): Promise<Destination> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DestinationRefused('not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new DestinationRefused('only http and https URLs are allowed');
  if (url.username || url.password) throw new DestinationRefused('credentials in the URL are not allowed');
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: Array<{ address: string; family: number }>;
  if (isIP(hostname)) addresses = [{ address: hostname, family: isIP(hostname) }];
  else {
    try {
      addresses = await resolve(hostname);
    } catch {
      throw new DestinationRefused(`the host ${hostname} does not resolve`);
    }
  }
  if (!addresses.length) throw new DestinationRefused(`the host ${hostname} does not resolve`);
  if (!allowPrivate) {
    const bad = addresses.find((a) => !isPublicAddress(a.address));
    if (bad)
      throw new DestinationRefused(
        `the host resolves to a non-public address (${bad.address}); set WEBHOOK_ALLOW_PRIVATE=true to allow it`,
      );
  }
  const chosen = addresses[0];
  return { url, hostname, address: chosen.address, family: chosen.family === 6 ? 6 : 4 };
}

/** What one POST answered. */
export interface PostResult {
  status: number;
}

/**
 * POSTs `body` to a checked destination, connecting to `dest.address` only (a fresh connection, no pooling), and
 * resolves with the response status once the response has ended. The whole attempt — connect to last byte — is
 * bounded by `timeoutMs`. At most 64 kB of the response body is read (and discarded).
 * @throws on a network error, a timeout, or a socket connected elsewhere than the checked address.
 */
export function postTo(
  dest: Destination,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  allowPrivate: boolean,
): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const secure = dest.url.protocol === 'https:';
    const options: https.RequestOptions = {
      method: 'POST',
      host: dest.address,
      family: dest.family,
      port: dest.url.port || (secure ? 443 : 80),
      path: `${dest.url.pathname}${dest.url.search}`,
      headers: { ...headers, host: dest.url.host, 'content-length': String(Buffer.byteLength(body)) },
      agent: false,
      ...(secure && !isIP(dest.hostname) ? { servername: dest.hostname } : {}),
    };
    const req = (secure ? https : http).request(options, (res) => {
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > 65_536) res.destroy();
      });
      res.on('end', () => finish(null, { status: res.statusCode ?? 0 }));
      res.on('close', () => finish(null, { status: res.statusCode ?? 0 }));
      res.on('error', (err) => finish(err));
    });
    let done = false;
    const timer = setTimeout(() => req.destroy(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    const finish = (err: Error | null, result?: PostResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(result!);
    };
    req.on('socket', (socket) => {
      const check = () => {
        const remote = socket.remoteAddress;
        if (remote && remote !== dest.address && !(ipaddr.isValid(remote) && ipaddr.process(remote).toString() === dest.address)) {
          req.destroy(new DestinationRefused(`connected to ${remote}, not the checked ${dest.address}`));
        } else if (remote && !allowPrivate && !isPublicAddress(remote)) {
          req.destroy(new DestinationRefused(`connected to a non-public address (${remote})`));
        }
      };
      socket.once('connect', check);
    });
    req.on('error', (err) => finish(err));
    req.end(body);
  });
}
