import type { Actor } from '../core/actor';
import type { Logger } from '../core/logger';
import { actorRoom, disconnectAccount, type LiveServer, type LiveSocket } from '../live/live.server';
import type { ActorResolver } from './authenticate';

/** The cap on one screen token's live connections, and how to count them (on every instance). */
export interface ScreenSocketCap {
  /** Most sockets one screen token may hold at once (`SCREEN_MAX_SOCKETS_PER_TOKEN`). */
  maxSocketsPerScreen: number;
  /** Sockets the account has now, on every instance (`fetchSockets()` on its account room). */
  countSockets(actor: Actor): Promise<number>;
}

/** The error a refused handshake carries; clients see `err.message` and `err.data.code` in `connect_error`. */
function refused(message: string, code = 'UNAUTHORIZED'): Error & { data: { code: string } } {
  return Object.assign(new Error(message), { data: { code } });
}

/**
 * Socket.IO `io.use` middleware: a connection must present `auth: {token}` (a staff JWT or a screen
 * token, checked by the same resolver as HTTP); otherwise it is refused with `data.code = 'UNAUTHORIZED'`
 * (`SERVICE_UNAVAILABLE` when the database cannot answer). A screen token already holding
 * `cap.maxSocketsPerScreen` sockets (on any instance) is refused with `data.code = 'TOO_MANY_CONNECTIONS'`: a TV
 * needs one, and a leaked token must not open hundreds. Accepted sockets carry `socket.data.actor`.
 * Register it as the last `io.use` middleware (see the reservation below).
 */
export function socketAuth(resolve: ActorResolver, logger: Logger, cap?: ScreenSocketCap) {
  /**
   * Handshakes of a screen admitted on this instance but not yet in its account room, so that a burst of
   * concurrent handshakes cannot all see the same count. Socket.IO connects the socket (and
   * registerActorRooms joins the room) on the next tick after the last middleware's `next()`; the reservation
   * is released on the tick after that, so a concurrent count sees the socket either reserved or in the room.
   */
  const admitting = new Map<string, number>();
  const release = (room: string) => {
    const n = (admitting.get(room) ?? 1) - 1;
    if (n > 0) admitting.set(room, n);
    else admitting.delete(room);
  };

  async function admitScreen(actor: Actor, next: (err?: Error) => void): Promise<void> {
    if (!cap) return next();
    const room = actorRoom(actor);
    admitting.set(room, (admitting.get(room) ?? 0) + 1);
    let connected = 0;
    try {
      connected = await cap.countSockets(actor);
    } catch (err) {
      // A resource guard, not an authentication check: when the adapter cannot count, let the screen in.
      logger.warn('could not count the sockets of a screen token; admitting it', { error: (err as Error)?.message });
    }
    if (connected + admitting.get(room)! > cap.maxSocketsPerScreen) {
      release(room);
      return next(refused(`This screen token already has ${cap.maxSocketsPerScreen} connections; close one first`, 'TOO_MANY_CONNECTIONS'));
    }
    next();
    process.nextTick(() => release(room));
  }

  return (socket: LiveSocket, next: (err?: Error) => void): void => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || !token) return next(refused('Authentication required: connect with auth: {token}'));
    resolve(token).then(
      (actor) => {
        if (!actor) return next(refused('The token is invalid, expired or revoked'));
        if (actor.type === 'api_key') return next(refused('API keys use the REST API only'));
        socket.data.actor = actor;
        if (actor.type === 'screen') return admitScreen(actor, next);
        next();
      },
      (err: unknown) => {
        logger.warn('socket authentication failed', { error: (err as Error)?.message });
        next(refused('Authentication is unavailable; retry shortly', 'SERVICE_UNAVAILABLE'));
      },
    );
  };
}

/**
 * Puts each accepted socket in its account's room ({@link actorRoom}), so revoking a screen token or
 * deactivating a user can close that account's live connections at once ({@link closeAccountSockets}).
 */
export function registerActorRooms(io: LiveServer): void {
  io.on('connection', (socket) => {
    void socket.join(actorRoom(socket.data.actor));
  });
}

/**
 * Closes every live socket of an account on every instance; the account's next handshake is authenticated
 * afresh (a revoked token or a deactivated user is refused). Never throws: a failure is logged.
 */
export async function closeAccountSockets(io: LiveServer, logger: Logger, actor: { type: string; id: string }): Promise<void> {
  try {
    await disconnectAccount(io, actor);
  } catch (err) {
    logger.warn('could not close the sockets of an account', { actor_type: actor.type, actor_id: actor.id, error: (err as Error).message });
  }
}
