import { Client } from 'pg';
import { addDays } from '../../server/core/clinic-time';
import { percentile } from '../../scripts/replay/http-client';
import { statement, valuesFor } from '../../server/core/sql';
import { PRUNE_QUEUE_EVENTS_SQL } from '../../server/queue/queue.repository';
import { inBatches } from '../../server/retention/retention.job';
import { runLoad } from '../fork';
import { fillNetwork, networkAt, type FilledNetwork } from '../growth-fill';
import type { BenchData } from '../setup';
import type { ApiRequest, BookingLoad, BookingPlan, LoadResult } from '../load/protocol';

/** One workload measured on the empty and on the filled database. */
export interface GrowthRow {
  workload: string;
  empty: { p50_ms: number; p99_ms: number; count: number; unexpected: number };
  filled: { p50_ms: number; p99_ms: number; count: number; unexpected: number };
}

export interface GrowthResult {
  scale: number;
  fill_s: number;
  rows_filled: Record<string, number>;
  workloads: GrowthRow[];
  /** Booking on the filled database while the retention prune of queue events runs beside it. */
  prune_under_load: { p50_ms: number; p99_ms: number; count: number; unexpected: number; pruned: number; batches: number };
}

type Measured = GrowthRow['empty'];

const days = (today: string, from: number, n: number) => Array.from({ length: n }, (_, i) => addDays(today, from + i));
const measured = (r: LoadResult, ok: (s: string) => boolean): Measured => ({
  p50_ms: percentile(r.latencies, 50),
  p99_ms: percentile(r.latencies, 99),
  count: r.count,
  unexpected: Object.entries(r.statuses)
    .filter(([s]) => !ok(s))
    .reduce((n, [, c]) => n + c, 0),
});

/** Doctors the bench creates for this section alone: 100 to book, 6 for the two rounds' queues, 1 to warm up on. */
export const GROWTH_DOCTORS = 107;

/**
 * The day report of every site: filled, today holds the whole network's doctors (150 at scale 1, against the
 * bench's 100), so it answers for more rows by design. Printed, not judged against the empty round.
 */
export const EVERY_SITE_REPORT = 'day report, every site (more doctors when filled: not judged)';

/**
 * The growth section (`BENCH_SECTIONS=growth`): booking, check-in, call-next, patient search (phone suffix, name
 * prefix, misspelt name) and the day report on the database as the bench set it up (empty but for its own doctors
 * and patients); then growth-fill.ts at `scale` (1 = 3 sites, 150 doctors, 400,000 patients, 1,500,000 past
 * appointments with audit and queue events, 50,000 idempotency keys), ANALYZE, and the same workloads again, each
 * on doctor-days of its own; then booking again while the retention prune of queue events (the job's own SQL and
 * batching) runs beside it. Every workload goes through the load processes of the booking section.
 */
export async function growthBench(o: {
  url: string;
  token: string;
  databaseUrl: string;
  data: BenchData;
  scale: number;
  durationMs: number;
  log: (s: string) => void;
}): Promise<GrowthResult> {
  const { data } = o;
  const db = new Client({ connectionString: o.databaseUrl });
  await db.connect();
  const requests = (requests: ApiRequest[], concurrency: number, durationMs?: number) =>
    runLoad<LoadResult>('booking-worker', {
      kind: 'requests',
      url: o.url,
      token: o.token,
      concurrency,
      requests,
      durationMs,
    } satisfies BookingLoad);
  const booking = (plan: BookingPlan, durationMs = o.durationMs) =>
    runLoad<LoadResult>('booking-worker', {
      kind: 'api',
      url: o.url,
      token: o.token,
      concurrency: 16,
      durationMs,
      plan,
    } satisfies BookingLoad);
  const patientIds = data.patientIds.slice(0, 500);
  // Doctors of this section's own (the booking section books the others on the same days).
  const spread = data.growthDoctorIds.slice(0, 100);
  const queueDoctors = data.growthDoctorIds.slice(100, 106);
  const warmDoctor = data.growthDoctorIds[106];
  if (!warmDoctor) throw new Error(`the growth section needs ${GROWTH_DOCTORS} doctors of its own (createBenchData growth)`);
  const ok2xx = (s: string) => s === '200' || s === '201';
  const { rows: phones } = await db.query<{ phone: string }>('SELECT phone FROM patients WHERE id = ANY($1::uuid[])', [patientIds]);
  const {
    rows: [{ id: mainSiteId }],
  } = await db.query<{ id: string }>('SELECT id FROM sites WHERE is_default');

  /** One round of every workload; `k` picks doctor-days nobody used before (0: empty, 1: filled). */
  async function round(k: number): Promise<Record<string, Measured>> {
    const out: Record<string, Measured> = {};
    const put = (w: string, r: LoadResult, ok: (s: string) => boolean) => {
      out[w] = measured(r, ok);
      if (out[w].unexpected) o.log(`    ${w}: ${out[w].unexpected} unexpected answers ${JSON.stringify(r.statuses)} ${r.errors[0] ?? ''}`);
    };
    put(
      'booking',
      await booking({ doctorIds: spread, dates: days(data.today, 1 + 40 * k, 12), patientIds, perDay: 500 }),
      (s) => s === '201',
    );
    // Today's queue on 3 doctors of this round: 100 bookings each (set-up), then check every one in, then call them.
    const doctors = queueDoctors.slice(3 * k, 3 * k + 3);
    const perDoctor = 100;
    const setup = await requests(
      doctors.flatMap((d) =>
        patientIds
          .slice(0, perDoctor)
          .map((p) => ({ method: 'POST' as const, path: '/api/v1/appointments', body: { doctor_id: d, patient_id: p, date: data.today } })),
      ),
      16,
    );
    if ((setup.statuses['201'] ?? 0) !== doctors.length * perDoctor)
      o.log(`  set-up bookings: ${JSON.stringify(setup.statuses)} ${setup.errors[0] ?? ''}`);
    const { rows: booked } = await db.query<{ id: string; patient_id: string }>(
      `SELECT id, patient_id FROM appointments WHERE doctor_id = ANY($1::uuid[]) AND date = $2 AND status = 'booked' ORDER BY slot, doctor_id`,
      [doctors, data.today],
    );
    put(
      'check-in',
      await requests(
        booked.map((b) => ({ method: 'POST', path: '/api/v1/checkins', body: { appointment_id: b.id, patient_id: b.patient_id } })),
        16,
      ),
      ok2xx,
    );
    put(
      'call-next',
      await requests(
        Array.from({ length: perDoctor }, () =>
          doctors.map((d) => ({ method: 'POST' as const, path: `/api/v1/doctors/${d}/queue/call-next` })),
        ).flat(),
        doctors.length,
      ),
      ok2xx,
    );
    const search = (q: (i: number) => string) =>
      requests(
        Array.from({ length: 50 }, (_, i) => ({ method: 'GET' as const, path: `/api/v1/patients?${q(i)}` })),
        4,
        o.durationMs,
      );
    put('patient search: phone suffix', await search((i) => `phone_suffix=${phones[i % phones.length].phone.slice(-6)}`), ok2xx);
    const prefixes = ['Priy', 'Ana', 'Moh', 'Sun', 'Bench', 'Kav', 'Ra', 'Shar'];
    put('patient search: name prefix', await search((i) => `name=${encodeURIComponent(prefixes[i % prefixes.length])}`), ok2xx);
    const misspelt = ['Shrama', 'Priyaa', 'Venkatramanan', 'Benhc', 'Mohamed', 'Kumaar'];
    put('patient search: misspelt name', await search((i) => `name=${encodeURIComponent(misspelt[i % misspelt.length])}`), ok2xx);
    // The bench's own site: the same doctors and rows in both rounds, so the ratio shows what a year of other data costs.
    put(
      'day report',
      await requests([{ method: 'GET', path: `/api/v1/reports/day?date=${data.today}&site_id=${mainSiteId}` }], 4, o.durationMs),
      ok2xx,
    );
    put(EVERY_SITE_REPORT, await requests([{ method: 'GET', path: `/api/v1/reports/day?date=${data.today}` }], 4, o.durationMs), ok2xx);
    return out;
  }

  try {
    // Warm up (JIT, pools, plan caches) on a doctor of its own, as the booking section does.
    await booking({ doctorIds: [warmDoctor], dates: days(data.today, 60, 20), patientIds, perDay: 500 }, 1500);
    o.log('  empty database:');
    const empty = await round(0);
    o.log(`  filling at scale ${o.scale}…`);
    const net: FilledNetwork = await fillNetwork(db, { size: networkAt(o.scale), today: data.today, actorId: data.adminId, log: o.log });
    // The fill's webhook endpoint only makes delivery rows for retention to prune; live, it would make every filled-round
    // booking also write and try to deliver a webhook, which the empty round does not: retire it (its rows stay).
    await db.query(`UPDATE webhook_endpoints SET deleted_at = now() WHERE description = 'growth fill' AND deleted_at IS NULL`);
    o.log(`  filled in ${net.seconds.toFixed(0)} s; filled database:`);
    const filled = await round(1);

    o.log('  prune under load:');
    let stop = false;
    const before = addDays(data.today, -7);
    const prune1 = statement(PRUNE_QUEUE_EVENTS_SQL);
    const prune = inBatches<string>(
      '0',
      async (after) => {
        const r = await db.query<{ n: number; last: string | null }>(prune1.text, valuesFor(prune1, { after, before, batch: 5000 }));
        return { n: r.rows[0].n, after: r.rows[0].last ?? after };
      },
      { batchSize: 5000, maxBatches: 100_000, pauseMs: 20, stopped: () => stop },
    );
    const underLoad = await booking({ doctorIds: spread, dates: days(data.today, 80, 10), patientIds, perDay: 500 });
    stop = true;
    const pruned = await prune;
    if (underLoad.statuses['201'] !== underLoad.count)
      o.log(`    booking while pruning: unexpected answers ${JSON.stringify(underLoad.statuses)} ${underLoad.errors[0] ?? ''}`);
    const workloads = Object.keys(empty).map((w) => ({ workload: w, empty: empty[w], filled: filled[w] }));
    return {
      scale: o.scale,
      fill_s: net.seconds,
      rows_filled: net.rows,
      workloads,
      prune_under_load: { ...measured(underLoad, (s) => s === '201'), pruned: pruned.rows, batches: pruned.batches },
    };
  } finally {
    await db.end();
  }
}
