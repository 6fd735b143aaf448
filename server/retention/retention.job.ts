import { setTimeout as sleep } from 'node:timers/promises';
import type { Transaction } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import type { Logger } from '../core/logger';
import type { Transactor } from '../core/transaction';
import { addDays } from '../core/clinic-time';
import { createSql } from '../core/sql';
import type { QueueRepository } from '../queue/queue.repository';
import type { WebhookRepository } from '../webhooks/webhooks.repository';

/** Transaction-scoped advisory lock: one retention run at a time across every instance (as the reminders do). */
const RETENTION_LOCK_KEY = 724_311_021;

/** Takes the retention lock inside `t` if free. @returns false when another instance prunes now. */
export function createRetentionLock(sequelize: Sequelize) {
  const sql = createSql(sequelize);
  return async (t: Transaction): Promise<boolean> => {
    const [row] = await sql.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($key) AS ok', { key: RETENTION_LOCK_KEY }, t);
    return row.ok;
  };
}

/** What the retention job needs (QUEUE_EVENT_RETENTION_DAYS, WEBHOOK_DELIVERY_RETENTION_DAYS, …). */
export interface RetentionJobDeps {
  tx: Transactor;
  tryLock: (t: Transaction) => Promise<boolean>;
  queue: Pick<QueueRepository, 'pruneEvents'>;
  webhooks: Pick<WebhookRepository, 'pruneDeliveries' | 'pruneEvents'>;
  logger: Logger;
  /** Today in the clinic's zone, `YYYY-MM-DD`. */
  today: () => string;
  /** Queue events of clinic days more than this many days back are deleted (≥ 1). */
  queueEventDays: number;
  /** Finished webhook deliveries last changed more than this many days ago are deleted, then their events. */
  webhookDeliveryDays: number;
  intervalMs: number;
  /** Rows per DELETE (each its own short transaction). */
  batchSize: number;
  /** Pause between batches (ms), so the hot path gets the disk and the CPU in between. Default 20. */
  pauseMs?: number;
  /** Batches per table per run at most, so a run ends (the next goes on). Default 2000. */
  maxBatches?: number;
}

/** Rows one run deleted, per table. */
export interface RetentionRun {
  queue_events: number;
  webhook_deliveries: number;
  webhook_events: number;
  batches: number;
  ms: number;
}

/**
 * Deletes in batches until a batch comes back short (or `maxBatches`): `next(after)` deletes one batch and says how
 * many rows and where the next one starts. @returns rows deleted and batches run.
 */
export async function inBatches<K>(
  first: K,
  next: (after: K) => Promise<{ n: number; after: K }>,
  o: { batchSize: number; maxBatches: number; pauseMs: number; stopped?: () => boolean },
): Promise<{ rows: number; batches: number }> {
  let after = first;
  let rows = 0;
  let batches = 0;
  while (batches < o.maxBatches && !o.stopped?.()) {
    const r = await next(after);
    batches++;
    rows += r.n;
    after = r.after;
    if (r.n < o.batchSize) break;
    if (o.pauseMs > 0) await sleep(o.pauseMs);
  }
  return { rows, batches };
}

/**
 * Retention of what is replay or delivery bookkeeping, not a record: queue events (`queue_events`, the screens'
 * replay, kept QUEUE_EVENT_RETENTION_DAYS clinic days; never an unpublished one) and finished webhook deliveries
 * with their attempts, then their events (WEBHOOK_DELIVERY_RETENTION_DAYS). Appointment audit events are records
 * and are never deleted here (README "Growth" says how to archive them).
 *
 * Every `intervalMs` each instance tries one run; the run holds a transaction-scoped advisory lock (other instances
 * skip that tick, as the reminder job does) on a connection of its own that does nothing else, while each batch of
 * `batchSize` rows is its own DELETE — a short transaction that locks only the rows it deletes — with a pause
 * between batches. So a prune never blocks a booking or a queue change for longer than one batch's delete.
 */
export function createRetentionJob(d: RetentionJobDeps) {
  const opts = { batchSize: d.batchSize, maxBatches: d.maxBatches ?? 2000, pauseMs: d.pauseMs ?? 20, stopped: () => stopped };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<RetentionRun | null> | null = null;
  let stopped = false;

  /** One run at `now`. @returns what it deleted, or null when another instance holds the lock. */
  async function run(now: Date): Promise<RetentionRun | null> {
    const started = Date.now();
    const queueBefore = addDays(d.today(), -d.queueEventDays);
    const webhookBefore = new Date(now.getTime() - d.webhookDeliveryDays * 86_400_000);
    return d.tx(async (t) => {
      if (!(await d.tryLock(t))) return null;
      const q = await inBatches<string>(
        '0',
        async (after) => {
          const r = await d.queue.pruneEvents({ before: queueBefore, after, batch: d.batchSize });
          return { n: r.n, after: r.last ?? after };
        },
        opts,
      );
      const del = await inBatches<null>(
        null,
        async () => ({ n: await d.webhooks.pruneDeliveries({ before: webhookBefore, batch: d.batchSize }), after: null }),
        opts,
      );
      const ev = await inBatches<null>(
        null,
        async () => ({ n: await d.webhooks.pruneEvents({ before: webhookBefore, batch: d.batchSize }), after: null }),
        opts,
      );
      const result = {
        queue_events: q.rows,
        webhook_deliveries: del.rows,
        webhook_events: ev.rows,
        batches: q.batches + del.batches + ev.batches,
        ms: Date.now() - started,
      };
      if (result.queue_events || result.webhook_deliveries || result.webhook_events) d.logger.info('retention: old rows deleted', result);
      return result;
    });
  }

  /** One run now (or at `now`, for tests); runs never overlap within an instance. */
  function runOnce(now: Date = new Date()): Promise<RetentionRun | null> {
    running ??= run(now).finally(() => {
      running = null;
    });
    return running;
  }

  return {
    runOnce,
    start() {
      stopped = false;
      timer = setInterval(() => {
        if (running) return;
        runOnce().catch((err: unknown) => d.logger.warn('retention run failed; the next run retries', { error: (err as Error).message }));
      }, d.intervalMs);
      timer.unref();
    },
    /** Stops the timer; a run in progress ends after its current batch. */
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      if (running) await running.catch(() => null);
    },
  };
}
export type RetentionJob = ReturnType<typeof createRetentionJob>;
