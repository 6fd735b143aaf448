import { Client } from 'pg';
import type { Logger } from '../core/logger';

/** Channel a committed queue change notifies (`pg_notify` in the change's transaction: delivered on commit). */
export const OUTBOX_CHANNEL = 'queue_outbox';
/** Session advisory-lock key held by the one instance that publishes the outbox. */
const LEADER_LOCK_KEY = 724_311_003;

/**
 * Leadership of the outbox relay across instances. Exactly one instance at a time holds a session-level
 * advisory lock on its own connection and publishes; it LISTENs on {@link OUTBOX_CHANNEL}, so a change
 * committed on any instance wakes it at once. One publisher means a room's versions go out in order even
 * with several instances. When the leader dies its session ends, the lock is released, and another instance
 * takes over at its next try (every `retryMs`). A lost connection (database outage) is retried with backoff.
 */
export class RelayLeader {
  private client: Client | null = null;
  private leader = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private backoffMs = 200;

  constructor(
    private readonly databaseUrl: string,
    private readonly logger: Logger,
    private readonly retryMs: number,
    /** Called on every notification and on becoming leader. */
    private readonly onWake: () => void,
  ) {}

  /** True while this instance holds the lock. */
  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  private schedule(ms: number, fn: () => void): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(fn, ms);
    this.timer.unref();
  }

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: this.databaseUrl,
      connectionTimeoutMillis: 5000,
      application_name: 'clinic-relay-leader',
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    client.on('notification', () => {
      if (this.leader) this.onWake();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      if (this.stopped) {
        await client.end();
        return;
      }
      this.client = client;
      this.backoffMs = 200;
      await this.tryLead();
    } catch (err) {
      this.logger.warn('relay leader: cannot connect; retrying', { error: (err as Error).message, in_ms: this.backoffMs });
      client.removeAllListeners('end');
      await client.end().catch(() => {});
      this.schedule(this.backoffMs, () => void this.connect());
      this.backoffMs = Math.min(this.backoffMs * 2, 5000);
    }
  }

  private async tryLead(): Promise<void> {
    if (!this.client || this.stopped) return;
    try {
      const res = await this.client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [LEADER_LOCK_KEY]);
      if (res.rows[0].ok && !this.leader) {
        this.leader = true;
        this.logger.info('relay leader: this instance publishes the queue outbox');
        this.onWake();
      }
    } catch (err) {
      this.logger.warn('relay leader: lock attempt failed', { error: (err as Error).message });
    }
    if (!this.leader) this.schedule(this.retryMs, () => void this.tryLead());
  }

  private lost(client: Client, err?: Error): void {
    if (client !== this.client) return;
    this.client = null;
    if (this.leader) this.logger.warn('relay leader: connection lost; leadership released', { error: err?.message });
    this.leader = false;
    client.removeAllListeners('end');
    client.end().catch(() => {});
    this.schedule(this.backoffMs, () => void this.connect());
  }

  /** Releases leadership (the session ends) and stops retrying. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const c = this.client;
    this.client = null;
    this.leader = false;
    if (c) {
      c.removeAllListeners('end');
      await c.end().catch(() => {});
    }
  }
}
