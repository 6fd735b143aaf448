import type { Socket } from 'socket.io';
import type { AppContext } from '../core/context';
import type { Actor } from '../core/actor';
import { resolveActor } from './authenticate';

declare module 'socket.io' {
  interface SocketData {
    /** Set by {@link socketAuth} on every accepted connection. */
    actor: Actor;
  }
}

/** The error a refused handshake carries; clients see `err.message` and `err.data.code` in `connect_error`. */
function refused(message: string): Error & { data: { code: string } } {
  return Object.assign(new Error(message), { data: { code: 'UNAUTHORIZED' } });
}

/**
 * Socket.IO `io.use` middleware: a connection must present `auth: {token}` (a staff JWT or a screen
 * token, checked exactly as over HTTP); otherwise it is refused with `data.code = 'UNAUTHORIZED'`.
 * Accepted sockets carry `socket.data.actor`. What they may join is up to each feature's handlers.
 */
export function socketAuth(ctx: AppContext) {
  return (socket: Socket, next: (err?: Error) => void): void => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || !token) return next(refused('Authentication required: connect with auth: {token}'));
    resolveActor(ctx.config.jwtSecret!, token).then(
      (actor) => {
        if (!actor) return next(refused('The token is invalid, expired or revoked'));
        socket.data.actor = actor;
        next();
      },
      (err: unknown) => {
        ctx.logger.warn('socket authentication failed', { error: (err as Error)?.message });
        next(Object.assign(new Error('Authentication is unavailable; retry shortly'), { data: { code: 'SERVICE_UNAVAILABLE' } }));
      },
    );
  };
}
