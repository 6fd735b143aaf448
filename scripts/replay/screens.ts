import { io as connect, type Socket } from 'socket.io-client';
import type {
  Ack,
  ClientToServerEvents,
  PublicQueueSnapshot,
  QueueSubscribeResult,
  ServerToClientEvents,
} from '../../server/live/live.events';

/**
 * One waiting-room screen per doctor, as a TV would run it: connects with its screen token, subscribes,
 * applies `queue:updated` by version, and remembers every version it saw so gaps can be counted.
 */
export class Screen {
  private socket!: Socket<ServerToClientEvents, ClientToServerEvents>;
  /** Versions applied, in arrival order. */
  readonly seen: number[] = [];
  /** Events that arrived with version > last + 1. */
  gaps = 0;
  duplicates = 0;
  /** Times the connection dropped and came back (each followed by a resubscribe). */
  reconnects = 0;
  snapshot: PublicQueueSnapshot | null = null;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    readonly doctorId: string,
    readonly date: string,
  ) {}

  async open(): Promise<void> {
    this.socket = connect(this.baseUrl, { transports: ['websocket'], auth: { token: this.token }, forceNew: true });
    this.socket.on('queue:updated', (e) => {
      const last = this.snapshot?.version ?? 0;
      if (e.version <= last) {
        this.duplicates++;
        return;
      }
      if (e.version > last + 1) this.gaps++;
      this.seen.push(e.version);
      this.snapshot = e.snapshot;
    });
    await new Promise<void>((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', reject);
    });
    this.socket.io.on('reconnect', () => {
      this.reconnects++;
      void this.subscribe();
    });
    await this.subscribe();
  }

  private async subscribe(): Promise<void> {
    const res = await new Promise<Ack<QueueSubscribeResult>>((resolve) =>
      this.socket.emit('queue:subscribe', { doctor_id: this.doctorId, date: this.date }, resolve),
    );
    if ('error' in res) throw new Error(`screen for ${this.doctorId} could not subscribe: ${res.error.code}`);
    if (!this.snapshot || res.data.snapshot.version > this.snapshot.version) this.snapshot = res.data.snapshot;
  }

  /** True when every version from the first one after subscribing up to `final` arrived, in order, once. */
  sawEveryVersion(final: number): boolean {
    return this.seen.length === final && this.seen.every((v, i) => v === i + 1);
  }

  close(): void {
    this.socket?.close();
  }
}
