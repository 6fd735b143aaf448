import type http from 'node:http';
import type net from 'node:net';
import type { RequestHandler } from 'express';
import type { Logger } from './logger';

/** A function run during graceful shutdown (e.g. drain the outbox relay). */
export type ShutdownHook = () => void | Promise<void>;

/** Tracks connections and in-flight responses of one HTTP server so that it can be closed gracefully. */
export interface HttpDrainer {
  /** Express middleware: counts the request as in flight; once draining, answers with `Connection: close`. */
  middleware: RequestHandler;
  /**
   * Stops accepting connections at once, closes idle keep-alive connections, lets in-flight requests
   * finish, and destroys whatever is still open after `timeoutMs`. Resolves when every connection is gone.
   * @returns how many connections had to be destroyed (0 = everything finished in time).
   */
  drain(timeoutMs: number): Promise<number>;
}

/** Builds the {@link HttpDrainer} for `server`; call before `listen`. */
export function createHttpDrainer(server: http.Server, logger: Logger): HttpDrainer {
  const sockets = new Set<net.Socket>();
  const upgraded = new Set<net.Socket>();
  const inFlight = new Set<http.ServerResponse>();
  let draining = false;
  let onIdle: (() => void) | undefined;
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      upgraded.delete(socket);
    });
  });
  // WebSockets are closed by Engine.IO (close frame after its buffer drains); never cut them short here.
  server.on('upgrade', (_req, socket: net.Socket) => {
    upgraded.add(socket);
  });

  return {
    middleware: (_req, res, next) => {
      if (draining) res.setHeader('Connection', 'close');
      inFlight.add(res);
      res.once('close', () => {
        inFlight.delete(res);
        if (inFlight.size === 0) onIdle?.();
      });
      next();
    },
    async drain(timeoutMs) {
      draining = true;
      // Keep-alive connections of in-flight requests are closed after their response, not reused.
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections(); // used keep-alive connections with no request in progress

      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      const requestsDone =
        inFlight.size === 0
          ? Promise.resolve('done' as const)
          : new Promise<'done'>((resolve) => {
              onIdle = () => resolve('done');
            });
      let outcome = await Promise.race([requestsDone, timedOut]);
      if (outcome === 'done') {
        // Node counts a connection that never sent a byte (a browser's or proxy's pre-connect) as active,
        // so closeIdleConnections() leaves it open; with no request left in progress, close it now.
        for (const socket of sockets) {
          if (!upgraded.has(socket) && !(socket as net.Socket & { _httpMessage?: unknown })._httpMessage) socket.destroy();
        }
        outcome = await Promise.race([closed.then(() => 'done' as const), timedOut]);
      }
      clearTimeout(timer);
      if (outcome === 'done') return 0;
      const left = sockets.size;
      logger.warn('shutdown timeout: closing connections still open', {
        connections: left,
        in_flight_requests: inFlight.size,
        timeout_ms: timeoutMs,
      });
      for (const socket of sockets) socket.destroy();
      await closed;
      return left;
    },
  };
}

/**
 * Runs the hooks in registration order, each bounded by `timeoutMs`; a failing or slow hook is logged
 * and does not stop the others or the shutdown.
 */
export async function runShutdownHooks(hooks: ShutdownHook[], timeoutMs: number, logger: Logger): Promise<void> {
  for (const hook of hooks) {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(hook),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`shutdown hook took longer than ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (err) {
      logger.error('shutdown hook failed', { error: err instanceof Error ? err.message : String(err) });
    } finally {
      clearTimeout(timer);
    }
  }
}
