import type { Logger } from '../core/logger';
import { doctorDayRoom, type QueueHeartbeatEvent, type ServerToClientEvents } from '../live/live.events';
import type { LiveServer } from '../live/live.server';
import type { QueueRepository } from './queue.repository';
import { RelayLeader } from './relay-leader';

const BATCH = 500;

export interface QueuePublisherOptions {
  repo: QueueRepository;
  /** For the relay leader's own connection (LISTEN + session advisory lock). */
  databaseUrl: string;
  io: LiveServer;
  logger: Logger;
  /** Relay interval (ms): how soon an event whose after-commit publish was lost (crash) still goes out. */
  relayIntervalMs: number;
  /** Heartbeat interval (ms). */
  heartbeatIntervalMs: number;
  /** Tests only: ignore after-commit pokes, as if the process died between commit and emit. */
  suppressAfterCommit?: boolean;
  /** Called with the backlog size and the oldest unpublished event's age (s) after each relay run. */
  onBacklog?: (backlog: number, lagSeconds: number) => void;
}

/** Publishes the queue outbox (`queue_events`) to Socket.IO rooms; see {@link createQueuePublisher}. */
export interface QueuePublisher {
  /** After a commit: publish pending events now (coalesced; never blocks the caller). */
  poke(): void;
  /** Claims and emits every pending event once, in id (= per-room version) order. Returns how many. */
  runOnce(): Promise<number>;
  start(): void;
  /** Stops the timers and drains what is pending. */
  stop(): Promise<void>;
}

/**
 * `io.to(room).emit(event, payload)` that resolves once the adapter has published it. With the Postgres
 * adapter a broadcast is a NOTIFY on one of several pooled connections, delivered locally only after it
 * completes; fire-and-forget emits could therefore overtake each other (v10 before v9). Awaiting each one
 * keeps a room's versions in order on every instance. (Calls the adapter's `broadcast(packet, opts)`, the
 * same call Socket.IO's BroadcastOperator.emit makes; with the in-memory adapter it is synchronous.)
 */
async function broadcastInOrder<E extends keyof ServerToClientEvents>(
  io: LiveServer,
  room: string,
  event: E,
  payload: Parameters<ServerToClientEvents[E]>[0],
): Promise<void> {
  const adapter = io.of('/').adapter as unknown as { broadcast(packet: unknown, opts: unknown): void | Promise<void> };
  await adapter.broadcast(
    { type: 2 /* socket.io-parser PacketType.EVENT */, data: [event, payload] },
    { rooms: new Set([room]), except: new Set(), flags: {} },
  );
}

/**
 * The outbox relay. Every queue change writes its `queue:updated` payload to `queue_events` and calls
 * `pg_notify('queue_outbox')` in its own transaction. One instance — the {@link RelayLeader} — publishes:
 * woken by the notification (or, on itself, by the after-commit poke), it reads unpublished rows
 * (`published_at IS NULL`) and emits them in id order, which is each room's version order, marking each
 * published once sent (at-least-once; screens drop versions they already hold).
 * It also runs every `relayIntervalMs`, so a crash between commit and emit loses nothing. With several
 * instances, emits reach every instance's sockets through the Socket.IO adapter (SOCKET_ADAPTER=postgres).
 * Each instance sends `queue:heartbeat {version}` to its own active rooms every `heartbeatIntervalMs`.
 */
export function createQueuePublisher(o: QueuePublisherOptions): QueuePublisher {
  let running: Promise<number> | null = null;
  let again = false;
  let stopped = false;
  const timers: NodeJS.Timeout[] = [];
  const leader = new RelayLeader(o.databaseUrl, o.logger, o.relayIntervalMs, () => void runOnce());

  /**
   * Sends pending events in id order and marks each published only after the adapter accepted it; the
   * first failed send ends the run (later events wait, so a room never skips a version) and the next run
   * resends from there. Delivery is therefore at least once: a crash between send and mark resends an
   * event, which screens ignore (its version is not above the one they hold).
   */
  async function relay(): Promise<number> {
    let total = 0;
    for (;;) {
      const events = await o.repo.pendingEvents(BATCH);
      const sent: string[] = [];
      let failure: unknown = null;
      for (const { id, payload: e, request_id, waited_ms } of events) {
        try {
          await broadcastInOrder(o.io, doctorDayRoom(e.doctor_id, e.date), 'queue:updated', e);
        } catch (err) {
          failure = err;
          break;
        }
        sent.push(id);
        // The request that caused the change, so one id follows it from HTTP to the screens.
        o.logger.info('queue:updated emitted', {
          request_id,
          doctor_id: e.doctor_id,
          date: e.date,
          version: e.version,
          type: e.type,
          outbox_wait_ms: Math.round(Number(waited_ms)),
        });
      }
      if (sent.length) await o.repo.markPublished(sent);
      total += sent.length;
      if (failure) throw failure;
      if (events.length < BATCH) break;
    }
    if (o.onBacklog) {
      const b = await o.repo.backlog();
      o.onBacklog(b.count, b.lagSeconds);
    }
    return total;
  }

  function runOnce(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let n = 0;
      do {
        again = false;
        try {
          n += await relay();
        } catch (err) {
          o.logger.warn('outbox relay failed; the next run retries', { error: (err as Error).message });
          again = false; // no tight retry loop on pokes: the next timer run (RELAY_INTERVAL_MS) tries again
        }
      } while (again && !stopped);
      return n;
    })().finally(() => {
      running = null;
    });
    return running;
  }

  async function heartbeat(): Promise<void> {
    const rooms = [...o.io.of('/').adapter.rooms.keys()].filter((r) => r.startsWith('queue:'));
    if (!rooms.length) return;
    const keys = rooms.map((r) => {
      const [, doctor_id = '', date = ''] = r.split(':');
      return { doctor_id, date };
    });
    const rows = await o.repo.versions(keys);
    for (const r of rows) {
      const e: QueueHeartbeatEvent = { doctor_id: r.doctor_id, date: r.date, version: Number(r.version) };
      o.io.local.to(doctorDayRoom(r.doctor_id, r.date)).emit('queue:heartbeat', e);
    }
  }

  return {
    poke() {
      if (!o.suppressAfterCommit && !stopped && leader.isLeader) void runOnce();
    },
    runOnce,
    start() {
      leader.start();
      timers.push(
        setInterval(() => {
          if (leader.isLeader) void runOnce();
        }, o.relayIntervalMs).unref(),
      );
      timers.push(
        setInterval(() => {
          heartbeat().catch((err) => o.logger.warn('queue heartbeat failed', { error: (err as Error).message }));
        }, o.heartbeatIntervalMs).unref(),
      );
    },
    async stop() {
      stopped = true; // first: no poke or loop starts another run while this one drains
      for (const t of timers) clearInterval(t);
      if (running) await running;
      if (leader.isLeader) await relay().catch(() => 0);
      await leader.stop();
    },
  };
}
