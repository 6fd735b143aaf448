import { io as connect, type Socket } from 'socket.io-client';
import type {
  Ack,
  ClientToServerEvents,
  QueueSubscribeResult,
  QueueUpdatedEvent,
  ServerToClientEvents,
} from '../../server/live/live.events';

export type QueueClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Connects a Socket.IO client (WebSocket only) with `auth: {token}` and waits until it is connected. */
export async function connectClient(baseUrl: string, token?: string): Promise<QueueClient> {
  const socket: QueueClient = connect(baseUrl, {
    transports: ['websocket'],
    auth: token ? { token } : {},
    reconnection: false,
    forceNew: true,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
  return socket;
}

/** Emits `queue:subscribe` and resolves with the ack's data. @throws when the ack is an error. */
export async function subscribe(socket: QueueClient, doctor_id: string, date?: string): Promise<QueueSubscribeResult> {
  const res = await new Promise<Ack<QueueSubscribeResult>>((resolve) => socket.emit('queue:subscribe', { doctor_id, date }, resolve));
  if ('error' in res) throw Object.assign(new Error(res.error.message), { code: res.error.code });
  return res.data;
}

/** Records every `queue:updated` a socket receives, in arrival order. */
export function collect(socket: QueueClient): QueueUpdatedEvent[] {
  const events: QueueUpdatedEvent[] = [];
  socket.on('queue:updated', (e) => events.push(e));
  return events;
}

/** Polls `check` every 10 ms until it returns true or `ms` pass. */
export async function waitFor(check: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
