import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Sequelize } from 'sequelize-typescript';

/**
 * The app's Prometheus instruments, all on one registry owned by the app (never prom-client's global
 * default registry: tests run several apps in one process, and each must count only its own work).
 * The composition root hands each feature the instruments it increments (as narrow interfaces of its own).
 */
export interface Metrics {
  registry: Registry;
  /** `http_request_duration_seconds{method, route, status}` — route is the Express pattern, never the raw path. */
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** `clinic_bookings_total{outcome}` (outcomes: appointments/booking.http.ts). */
  bookings: Counter<'outcome'>;
  /** `clinic_checkins_total`. */
  checkins: Counter<string>;
  /** `clinic_queue_calls_total{action}`. */
  queueCalls: Counter<'action'>;
  /** `clinic_connected_screens` — display sockets connected to this instance. */
  connectedScreens: Gauge<string>;
  /** `clinic_outbox_backlog` — outbox rows not yet published (set by the relay). */
  outboxBacklog: Gauge<string>;
  /** `clinic_outbox_lag_seconds` — age of the oldest unpublished outbox row, 0 when none (set by the relay). */
  outboxLagSeconds: Gauge<string>;
  /** `clinic_waiting_patients{site}` — patients waiting in today's queues, read at scrape time from {@link Metrics.readWaitingFrom}. */
  waitingPatients: Gauge<'site'>;
  /** `clinic_wait_seconds` — check-in → call, observed at each call-next. No labels (never a patient's). */
  waitSeconds: Histogram<string>;
  /**
   * Sets where `clinic_waiting_patients` reads its counts at scrape time (one cheap query, given by the composition
   * root). A failing read keeps the last values, so a database outage never fails the scrape.
   */
  readWaitingFrom(source: WaitingSource): void;
  /**
   * Sets where the credential-cache gauges read at scrape time: `clinic_credential_cache_lookups{result="hit"|"miss"}`
   * (since start), `clinic_credential_cache_invalidations`, `clinic_credential_cache_entries` and
   * `clinic_credential_cache_listening` (1 while the cache is in use).
   */
  readCredentialCacheFrom(source: () => { hits: number; misses: number; invalidations: number; size: number; listening: boolean }): void;
}

/** Waiting patients per site label value, as `clinic_waiting_patients` exposes them. */
export type WaitingSource = () => Promise<Array<{ site: string; waiting: number }>>;

/** The parts of sequelize-pool's `Pool` we read; all are plain counts of connections or waiters. */
interface PoolCounts {
  size: number;
  available: number;
  using: number;
  waiting: number;
}

/** The pool behind a Sequelize instance, if it has been created (it is, lazily, by the dialect's connection manager). */
function poolOf(sequelize: Sequelize): PoolCounts | undefined {
  const pool = (sequelize.connectionManager as unknown as { pool?: PoolCounts & { write?: PoolCounts } }).pool;
  // With read replication sequelize keeps {read, write}; we do not replicate, but read the writer if it ever does.
  return pool && typeof pool.size === 'number' ? pool : pool?.write;
}

/**
 * Builds a fresh registry with the default process metrics (prefix-free: `process_*`, `nodejs_*`), the
 * HTTP histogram, the pool gauges (read from `sequelize` at scrape time) and the domain instruments.
 * Pure: no timers beyond prom-client's event-loop-lag monitor, which is unref'd.
 */
export function createMetrics(sequelize: Sequelize): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const poolGauge = (name: string, help: string, key: keyof PoolCounts) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(poolOf(sequelize)?.[key] ?? 0);
      },
    });
  poolGauge('db_pool_size', 'Connections open in the database pool (idle + in use)', 'size');
  poolGauge('db_pool_available', 'Idle connections in the database pool', 'available');
  poolGauge('db_pool_using', 'Connections handed out by the database pool', 'using');
  poolGauge('db_pool_waiting', 'Queries waiting for a pooled connection', 'waiting');

  let waitingSource: WaitingSource | undefined;
  const waitingPatients = new Gauge({
    name: 'clinic_waiting_patients',
    help: "Patients waiting (checked in, not yet called) in today's queues, by site",
    labelNames: ['site'] as const,
    registers: [registry],
    async collect() {
      if (!waitingSource) return;
      try {
        const rows = await waitingSource();
        this.reset();
        for (const r of rows) this.set({ site: r.site }, r.waiting);
      } catch {
        // keep the last values: /metrics must answer while the database is away
      }
    },
  });

  let cacheSource: Parameters<Metrics['readCredentialCacheFrom']>[0] | undefined;
  new Gauge({
    name: 'clinic_credential_cache_lookups',
    help: 'Credential look-ups of authentication since start, served from the cache (hit) or the database (miss)',
    labelNames: ['result'] as const,
    registers: [registry],
    collect() {
      const st = cacheSource?.();
      this.set({ result: 'hit' }, st?.hits ?? 0);
      this.set({ result: 'miss' }, st?.misses ?? 0);
    },
  });
  const cacheGauge = (name: string, help: string, read: (st: ReturnType<NonNullable<typeof cacheSource>>) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const st = cacheSource?.();
        this.set(st ? read(st) : 0);
      },
    });
  cacheGauge('clinic_credential_cache_invalidations', 'Credential change notifications applied since start', (st) => st.invalidations);
  cacheGauge('clinic_credential_cache_entries', 'Credential look-ups held in the cache', (st) => st.size);
  cacheGauge('clinic_credential_cache_listening', '1 while the credential cache listens for changes (and is used)', (st) =>
    st.listening ? 1 : 0,
  );

  return {
    registry,
    readCredentialCacheFrom(source) {
      cacheSource = source;
    },
    waitingPatients,
    waitSeconds: new Histogram({
      name: 'clinic_wait_seconds',
      help: 'Seconds from check-in to being called, observed at each call-next',
      buckets: [60, 300, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200, 10800],
      registers: [registry],
    }),
    readWaitingFrom(source) {
      waitingSource = source;
    },
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration in seconds, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    bookings: new Counter({
      name: 'clinic_bookings_total',
      help: 'Booking attempts by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    checkins: new Counter({ name: 'clinic_checkins_total', help: 'Patients checked in', registers: [registry] }),
    queueCalls: new Counter({
      name: 'clinic_queue_calls_total',
      help: 'Queue actions by action',
      labelNames: ['action'] as const,
      registers: [registry],
    }),
    connectedScreens: new Gauge({
      name: 'clinic_connected_screens',
      help: 'Display screens connected to this instance',
      registers: [registry],
    }),
    outboxBacklog: new Gauge({ name: 'clinic_outbox_backlog', help: 'Outbox events not yet published', registers: [registry] }),
    outboxLagSeconds: new Gauge({
      name: 'clinic_outbox_lag_seconds',
      help: 'Age in seconds of the oldest unpublished outbox event (0 when none)',
      registers: [registry],
    }),
  };
}
