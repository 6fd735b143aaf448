import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../server/live/live.events';
import { wallNow } from './protocol';

/**
 * A load process holding many waiting-room screens: `{kind:'connect', url, screens}` connects and subscribes
 * each (websocket transport), then answers `{kind:'ready', connected}`; every `queue:updated` arrival is kept as
 * (doctor, version, wall-clock ms). `{kind:'stop'}` answers `{kind:'arrivals', arrivals}` and exits.
 */
export interface ScreenSpec {
  token: string;
  doctorId: string;
  date: string;
}
export type ScreenCommand = { kind: 'connect'; url: string; screens: ScreenSpec[] } | { kind: 'stop' };
export type ScreenReply =
  { kind: 'ready'; connected: number; failed: number } | { kind: 'arrivals'; arrivals: Array<[string, number, number]> };

const sockets: Socket<ServerToClientEvents, ClientToServerEvents>[] = [];
const arrivals: Array<[string, number, number]> = [];

async function open(url: string, s: ScreenSpec): Promise<void> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(url, {
    transports: ['websocket'],
    auth: { token: s.token },
    forceNew: true,
    reconnection: false,
  });
  sockets.push(socket);
  socket.on('queue:updated', (e) => {
    arrivals.push([e.doctor_id, e.version, wallNow()]);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const res = await socket.timeout(30_000).emitWithAck('queue:subscribe', { doctor_id: s.doctorId, date: s.date });
  if ('error' in res) throw new Error(res.error.code);
}

process.on('message', async (cmd: ScreenCommand) => {
  if (cmd.kind === 'connect') {
    let connected = 0;
    let failed = 0;
    for (let i = 0; i < cmd.screens.length; i += 25) {
      const batch = await Promise.allSettled(cmd.screens.slice(i, i + 25).map((s) => open(cmd.url, s)));
      for (const r of batch) {
        if (r.status === 'fulfilled') connected++;
        else failed++;
      }
    }
    process.send!({ kind: 'ready', connected, failed } satisfies ScreenReply);
  } else {
    process.send!({ kind: 'arrivals', arrivals } satisfies ScreenReply, () => {
      for (const s of sockets) s.close();
      process.exit(0);
    });
  }
});
