import type { Logger } from '../core/logger';
import { actorRoom, disconnectAccount, type LiveServer, type LiveSocket } from '../live/live.server';
import type { ActorResolver } from './authenticate';

/** The error a refused handshake carries; clients see `err.message` and `err.data.code` in `connect_error`. */
function refused(message: string, code = 'UNAUTHORIZED'): Error & { data: { code: string } } {
  return Object.assign(new Error(message), { data: { code } });
}

/**
 * Socket.IO `io.use` middleware: a connection must present `auth: {token}` (a staff JWT or a screen
 * token, checked by the same resolver as HTTP); otherwise it is refused with `data.code = 'UNAUTHORIZED'`
 * (`SERVICE_UNAVAILABLE` when the database cannot answer). Accepted sockets carry `socket.data.actor`.
 */
export function socketAuth(resolve: ActorResolver, logger: Logger) {
  return (socket: LiveSocket, next: (err?: Error) => void): void => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || !token) return next(refused('Authentication required: connect with auth: {token}'));
    resolve(token).then(
      (actor) => {
        if (!actor) return next(refused('The token is invalid, expired or revoked'));
        if (actor.type === 'api_key') return next(refused('API keys use the REST API only'));
        socket.data.actor = actor;
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
