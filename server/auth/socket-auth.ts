import type { Server as IoServer, Socket } from 'socket.io';
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

/** The room every socket of one account joins on connect: `user:{id}` or `screen:{id}`. */
export function actorRoom(actor: Pick<Actor, 'type' | 'id'>): string {
  return `${actor.type}:${actor.id}`;
}

/**
 * Puts each accepted socket in its account's room ({@link actorRoom}), so revoking a screen token or
 * deactivating a user can close that account's live connections at once ({@link disconnectActor}).
 */
export function registerActorRooms(io: IoServer): void {
  io.on('connection', (socket) => {
    const actor = socket.data.actor as Actor | undefined;
    if (actor) void socket.join(actorRoom(actor));
  });
}

/**
 * Closes every live socket of an account, on every instance (through the Socket.IO adapter). A closed
 * screen reconnects and must authenticate again — a revoked token or a deactivated user is then refused.
 * Never throws: a failure is logged (the account's next handshake is refused anyway).
 */
export async function disconnectActor(ctx: Pick<AppContext, 'io' | 'logger'>, actor: Pick<Actor, 'type' | 'id'>): Promise<void> {
  try {
    await Promise.resolve(ctx.io.in(actorRoom(actor)).disconnectSockets(true));
  } catch (err) {
    ctx.logger.warn('could not close the sockets of an account', { actor_type: actor.type, actor_id: actor.id, error: (err as Error).message });
  }
}
