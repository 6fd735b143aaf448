import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from './live.events';

/** The app's Socket.IO server, typed with the live protocol's maps end to end. */
export type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
/** One connected client of {@link LiveServer}. */
export type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** The room every socket of one account joins on connect: `user:{id}` or `screen:{id}`. */
export function actorRoom(actor: { type: string; id: string }): string {
  return `${actor.type}:${actor.id}`;
}

/**
 * Tells every Socket.IO client on this instance to reconnect elsewhere: emits `server:shutdown
 * {reconnect: true}` in every namespace, then closes the Engine.IO transports. Clients see a transport close (not a server
 * disconnect), so socket.io-client reconnects by itself — through the load balancer, to another instance.
 * (`socket.disconnect(true)` would send a DISCONNECT packet, which disables the client's auto-reconnect.)
 * Engine.IO flushes each client's write buffer before closing it, so the notice is delivered first.
 */
export function sendSocketsElsewhere(io: LiveServer): void {
  // Every namespace; `local`: with the PostgreSQL adapter a plain emit would reach every instance's clients.
  for (const nsp of io._nsps.values()) nsp.local.emit('server:shutdown', { reconnect: true });
  io.engine.close();
}

/**
 * Closes every live socket of an account, on every instance (through the Socket.IO adapter). A closed
 * screen reconnects and must authenticate again — a revoked token or a deactivated user is then refused.
 * @throws whatever the adapter throws; callers that must not fail use {@link closeAccountSockets}.
 */
export async function disconnectAccount(io: LiveServer, actor: { type: string; id: string }): Promise<void> {
  await Promise.resolve(io.in(actorRoom(actor)).disconnectSockets(true));
}
