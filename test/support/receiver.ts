import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a {@link Receiver} got. */
export interface Received {
  headers: Record<string, string>;
  body: string;
  /** The status it was answered with. */
  status: number;
  at: number;
}

/** A webhook receiver on 127.0.0.1: records every request and answers `status()` (default 204). */
export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** Requests answered 2xx, one per webhook-id at most counted by the caller. */
  acknowledged(): Received[];
  /** What to answer from now on; `delayMs` waits before answering. */
  respond(status: number, delayMs?: number): void;
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 (a free port, or `port`). */
export async function startReceiver(port = 0): Promise<Receiver> {
  let status = 204;
  let delay = 0;
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const answer = status;
      const entry: Received = { headers: req.headers as Record<string, string>, body, status: answer, at: Date.now() };
      setTimeout(() => {
        received.push(entry);
        res.statusCode = answer;
        res.end();
      }, delay);
    });
  });
  server.keepAliveTimeout = 100;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}/hook`,
    port: bound,
    received,
    acknowledged: () => received.filter((r) => r.status >= 200 && r.status < 300),
    respond(s, d = 0) {
      status = s;
      delay = d;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls `check` every 25 ms until it holds or `ms` pass. */
export async function eventually(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
