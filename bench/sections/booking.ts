import { addDays } from '../../server/core/clinic-time';
import { percentile } from '../../scripts/replay/http-client';
import { cpuAccount, runLoad } from '../fork';
import type { BenchData } from '../setup';
import type { BookingLoad, BookingPlan, LoadResult } from '../load/protocol';

export interface ThroughputRow {
  workload: 'hot' | 'spread';
  concurrency: number;
  /** CPU per booking (ms): the server process, all PostgreSQL processes; and how busy the machine was (%, all cores). */
  api: {
    per_s: number;
    p50_ms: number;
    p99_ms: number;
    non201: number;
    server_cpu_pct: number;
    server_ms_per_booking: number;
    postgres_ms_per_booking: number;
    machine_busy_pct: number;
  };
  baseline: { per_s: number; p50_ms: number; p99_ms: number; non201: number; postgres_ms_per_booking: number; machine_busy_pct: number };
  ratio: number;
}

export interface RushResult {
  requests: number;
  capacity: number;
  created: number;
  conflicts: number;
  server_errors: number;
  other: Record<string, number>;
  last_answer_ms: number;
  p50_ms: number;
  p99_ms: number;
  ok: boolean;
}

const days = (today: string, from: number, n: number) => Array.from({ length: n }, (_, i) => addDays(today, from + i));
const non201 = (r: LoadResult) =>
  Object.entries(r.statuses)
    .filter(([s]) => s !== '201')
    .reduce((n, [, c]) => n + c, 0);

/**
 * Booking throughput: for each workload and concurrency, the API (HTTP, from a load process) and then the
 * node-postgres baseline (another load process), each for `durationMs` on doctor-days of its own.
 */
export async function bookingThroughput(o: {
  url: string;
  token: string;
  databaseUrl: string;
  serverPid: number;
  data: BenchData;
  concurrencies: number[];
  durationMs: number;
  log: (s: string) => void;
}): Promise<ThroughputRow[]> {
  const { data } = o;
  const rows: ThroughputRow[] = [];
  let hot = 0;
  let spread = 0;
  const planFor = (workload: 'hot' | 'spread'): BookingPlan => {
    const patientIds = data.patientIds.slice(0, 500);
    if (workload === 'hot') return { doctorIds: [data.hotDoctorIds[hot++]], dates: days(data.today, 1, 90), patientIds, perDay: 500 };
    const k = spread++;
    return { doctorIds: data.spreadDoctorIds, dates: days(data.today, 1 + 12 * k, 12), patientIds, perDay: 500 };
  };
  const api = async (plan: BookingPlan, concurrency: number, durationMs: number) => {
    const cpu = cpuAccount(o.serverPid);
    const r = await runLoad<LoadResult>('booking-worker', {
      kind: 'api',
      url: o.url,
      token: o.token,
      concurrency,
      durationMs,
      plan,
    } satisfies BookingLoad);
    return { r, cpu: cpu() };
  };
  const pg = async (plan: BookingPlan, concurrency: number, durationMs: number) => {
    const cpu = cpuAccount(o.serverPid);
    const r = await runLoad<LoadResult>('booking-worker', {
      kind: 'pg',
      databaseUrl: o.databaseUrl,
      actorId: data.adminId,
      concurrency,
      durationMs,
      plan,
    } satisfies BookingLoad);
    return { r, cpu: cpu() };
  };

  // Warm up both paths (JIT, connection pools, plan caches) on a doctor of their own.
  const warm = {
    doctorIds: [data.hotDoctorIds[data.hotDoctorIds.length - 1]],
    dates: days(data.today, 1, 90),
    patientIds: data.patientIds.slice(0, 500),
    perDay: 500,
  };
  await api({ ...warm, dates: warm.dates.slice(0, 45) }, 16, 1500);
  await pg({ ...warm, dates: warm.dates.slice(45) }, 16, 1500);

  for (const workload of ['hot', 'spread'] as const) {
    for (const concurrency of o.concurrencies) {
      const a = await api(planFor(workload), concurrency, o.durationMs);
      const { r: b, cpu: bCpu } = await pg(planFor(workload), concurrency, o.durationMs);
      const apiPerS = (a.r.statuses['201'] ?? 0) / (a.r.elapsedMs / 1000);
      const basePerS = (b.statuses['201'] ?? 0) / (b.elapsedMs / 1000);
      const row: ThroughputRow = {
        workload,
        concurrency,
        api: {
          per_s: apiPerS,
          p50_ms: percentile(a.r.latencies, 50),
          p99_ms: percentile(a.r.latencies, 99),
          non201: non201(a.r),
          server_cpu_pct: (a.cpu.server_ms / a.r.elapsedMs) * 100,
          server_ms_per_booking: a.cpu.server_ms / a.r.count,
          postgres_ms_per_booking: a.cpu.postgres_ms / a.r.count,
          machine_busy_pct: a.cpu.machine_busy_pct,
        },
        baseline: {
          per_s: basePerS,
          p50_ms: percentile(b.latencies, 50),
          p99_ms: percentile(b.latencies, 99),
          non201: non201(b),
          postgres_ms_per_booking: bCpu.postgres_ms / b.count,
          machine_busy_pct: bCpu.machine_busy_pct,
        },
        ratio: apiPerS / basePerS,
      };
      if (row.api.non201 || row.baseline.non201)
        o.log(
          `  ${workload} c=${concurrency}: not booked: api ${JSON.stringify(a.r.statuses)} ${a.r.errors[0] ?? ''} baseline ${JSON.stringify(b.statuses)} ${b.errors[0] ?? ''}`,
        );
      o.log(
        `  ${workload.padEnd(6)} c=${String(concurrency).padEnd(3)} api ${apiPerS.toFixed(0).padStart(5)}/s  baseline ${basePerS.toFixed(0).padStart(5)}/s  ratio ${row.ratio.toFixed(2)}`,
      );
      rows.push(row);
    }
  }
  return rows;
}

/** The morning rush: `requests` bookings at once on one doctor-day of capacity 10, each on its own connection. */
export async function morningRush(o: { url: string; token: string; data: BenchData; requests: number }): Promise<RushResult> {
  const plan: BookingPlan = {
    doctorIds: [o.data.rushDoctorId],
    dates: [addDays(o.data.today, 1)],
    patientIds: o.data.patientIds.slice(0, o.requests),
    perDay: o.requests,
  };
  const r = await runLoad<LoadResult>('booking-worker', {
    kind: 'burst',
    url: o.url,
    token: o.token,
    plan,
    count: o.requests,
  } satisfies BookingLoad);
  const created = r.statuses['201'] ?? 0;
  const conflicts = r.statuses['409'] ?? 0;
  const serverErrors = Object.entries(r.statuses)
    .filter(([s]) => !/^\d+$/.test(s) || Number(s) >= 500)
    .reduce((n, [, c]) => n + c, 0);
  const other = Object.fromEntries(Object.entries(r.statuses).filter(([s]) => s !== '201' && s !== '409'));
  return {
    requests: o.requests,
    capacity: 10,
    created,
    conflicts,
    server_errors: serverErrors,
    other,
    last_answer_ms: r.elapsedMs,
    p50_ms: percentile(r.latencies, 50),
    p99_ms: percentile(r.latencies, 99),
    ok: created === 10 && conflicts === o.requests - 10 && serverErrors === 0,
  };
}
