import type { RushResult, ThroughputRow } from './sections/booking';
import type { ScreenResult } from './sections/screens';
import type { RealDayResult } from './sections/real-day';
import { EVERY_SITE_REPORT, type GrowthResult } from './sections/growth';

/** Everything one run measured; written to bench/results/latest.json. */
export interface BenchReport {
  at: string;
  machine: {
    cpus: number;
    cpu_model: string;
    node: string;
    postgres: string;
    database: 'embedded' | 'DATABASE_URL';
    db_pool_max: string;
    busy_before_pct: number;
  };
  duration_ms_per_run: number;
  throughput: ThroughputRow[];
  rush?: RushResult;
  screens?: ScreenResult;
  /** The same measurement at 5,000 screens (issue 17). */
  screens_5000?: ScreenResult;
  real_day?: RealDayResult;
  growth?: GrowthResult;
  targets: Array<{ name: string; target: string; actual: string; met: boolean }>;
}

const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '–');

/**
 * The targets of issue 17 (they tighten issue 6's), judged on this run: API / baseline ≥ 0.75 in every booking cell;
 * server CPU ≤ 0.9 ms per booking at concurrency 16; the morning rush (1,000 at once, capacity 10) answered in
 * ≤ 750 ms with exactly 10 × 201; screen latency p99 ≤ 20 ms at 1,000 screens and ≤ 40 ms with ≤ 20 kB of server
 * memory per screen at 5,000; the real day replayed in ≤ 20 s with every check passing.
 */
export function judge(r: BenchReport): BenchReport['targets'] {
  const t: BenchReport['targets'] = [];
  for (const w of ['hot', 'spread'] as const) {
    const rows = r.throughput.filter((x) => x.workload === w);
    if (!rows.length) continue;
    const worst = Math.min(...rows.map((x) => x.ratio));
    t.push({
      name: `API/baseline bookings, ${w}`,
      target: '≥ 0.75 at every concurrency',
      actual: `min ${f(worst, 2)}`,
      met: worst >= 0.75,
    });
    const c16 = rows.find((x) => x.concurrency === 16);
    if (c16)
      t.push({
        name: `server CPU per booking, ${w}, c=16`,
        target: '≤ 0.9 ms',
        actual: `${f(c16.api.server_ms_per_booking, 2)} ms`,
        met: c16.api.server_ms_per_booking <= 0.9,
      });
  }
  if (r.rush)
    t.push({
      name: 'morning rush answered',
      target: '≤ 750 ms, exactly 10 × 201',
      actual: `${f(r.rush.last_answer_ms)} ms, ${r.rush.ok ? 'exact' : 'WRONG COUNTS'}`,
      met: r.rush.ok && r.rush.last_answer_ms <= 750,
    });
  if (r.screens)
    t.push({
      name: 'screen latency p99, 1,000 screens',
      target: '≤ 20 ms',
      actual: `${f(r.screens.event_ms.p99, 1)} ms`,
      met: r.screens.event_ms.p99 <= 20 && r.screens.connected === r.screens.clients,
    });
  if (r.screens_5000) {
    const s = r.screens_5000;
    t.push({
      name: 'screen latency p99, 5,000 screens',
      target: '≤ 40 ms, ≤ 20 kB server memory per screen',
      actual: `${f(s.event_ms.p99, 1)} ms, ${f(s.kb_per_client, 1)} kB`,
      met: s.event_ms.p99 <= 40 && s.kb_per_client <= 20 && s.connected === s.clients,
    });
  }
  if (r.real_day)
    t.push({
      name: 'real day (replay)',
      target: '≤ 20 s, checks pass',
      actual: `${f(r.real_day.wall_s, 1)} s, ${r.real_day.ok ? 'pass' : 'FAIL'}`,
      met: r.real_day.ok && r.real_day.wall_s <= 20,
    });
  if (r.growth) {
    const g = r.growth;
    for (const w of g.workloads) {
      if (w.workload === EVERY_SITE_REPORT) continue;
      const p50 = w.filled.p50_ms / w.empty.p50_ms;
      const p99 = w.filled.p99_ms / w.empty.p99_ms;
      t.push({
        name: `growth: ${w.workload}`,
        target: 'filled p50 ≤ 1.25×, p99 ≤ 1.5× of empty; all answers 2xx',
        actual: `${f(p50, 2)}× / ${f(p99, 2)}×${w.empty.unexpected + w.filled.unexpected ? `, ${w.empty.unexpected + w.filled.unexpected} non-2xx` : ''}`,
        met: p50 <= 1.25 && p99 <= 1.5 && !w.empty.unexpected && !w.filled.unexpected,
      });
      if (w.workload.startsWith('patient search'))
        t.push({
          name: `growth: ${w.workload} p99`,
          target: '≤ 25 ms (filled)',
          actual: `${f(w.filled.p99_ms, 1)} ms`,
          met: w.filled.p99_ms <= 25,
        });
    }
    const empty = g.workloads.find((w) => w.workload === 'booking')?.empty;
    if (empty) {
      const p = g.prune_under_load;
      t.push({
        name: 'growth: booking while retention prunes',
        target: 'p50 ≤ 1.25×, p99 ≤ 1.5× of empty',
        actual: `${f(p.p50_ms / empty.p50_ms, 2)}× / ${f(p.p99_ms / empty.p99_ms, 2)}×, ${p.pruned} queue events pruned in ${p.batches} batches`,
        met: p.p50_ms / empty.p50_ms <= 1.25 && p.p99_ms / empty.p99_ms <= 1.5 && !p.unexpected,
      });
    }
  }
  return t;
}

/** The one table of a run, as Markdown (it reads on a terminal and pastes into the README). */
export function renderTable(r: BenchReport): string {
  const out: string[] = [];
  out.push(
    `Machine: ${r.machine.cpus} × ${r.machine.cpu_model}; Node ${r.machine.node}; ${r.machine.postgres} (${r.machine.database}); DB_POOL_MAX ${r.machine.db_pool_max}; machine busy before the run: ${f(r.machine.busy_before_pct)} % (other work on the machine skews every figure)`,
    '',
  );
  if (r.throughput.length) {
    out.push(`Booking throughput (${r.duration_ms_per_run / 1000} s per cell)`, '');
    out.push(
      '| workload | concurrency | API bookings/s | API p50 / p99 ms | baseline (pg) bookings/s | baseline p50 / p99 ms | API / baseline | CPU ms per API booking: server + PostgreSQL | PostgreSQL CPU ms per baseline booking | machine busy API / baseline |',
    );
    out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const x of r.throughput) {
      out.push(
        `| ${x.workload === 'hot' ? 'one hot doctor-day' : '100 doctors'} | ${x.concurrency} | ${f(x.api.per_s)} | ${f(x.api.p50_ms, 1)} / ${f(x.api.p99_ms, 1)} | ${f(x.baseline.per_s)} | ${f(x.baseline.p50_ms, 1)} / ${f(x.baseline.p99_ms, 1)} | ${f(x.ratio, 2)} | ${f(x.api.server_ms_per_booking, 2)} + ${f(x.api.postgres_ms_per_booking, 2)} | ${f(x.baseline.postgres_ms_per_booking, 2)} | ${f(x.api.machine_busy_pct)} % / ${f(x.baseline.machine_busy_pct)} % |`,
      );
    }
    out.push('');
  }
  if (r.rush)
    out.push(
      `Morning rush: ${r.rush.requests} bookings at once, capacity ${r.rush.capacity} → ${r.rush.created} × 201, ${r.rush.conflicts} × 409, ${r.rush.server_errors} × 5xx/network${Object.keys(r.rush.other).length ? ` ${JSON.stringify(r.rush.other)}` : ''}; last answer after ${f(r.rush.last_answer_ms)} ms (answer latency p50 ${f(r.rush.p50_ms)} ms, p99 ${f(r.rush.p99_ms)} ms)`,
      '',
    );
  for (const s of [r.screens, r.screens_5000]) {
    if (!s) continue;
    out.push(
      `Screen latency: ${s.connected}/${s.clients} Socket.IO clients in ${s.rooms} rooms, ${s.changes} changes at ${s.changes_per_s}/s, ${s.deliveries}/${s.expected_deliveries} events delivered`,
    );
    out.push(
      `  REST send → queue:updated at each screen: p50 ${f(s.event_ms.p50, 1)} ms, p95 ${f(s.event_ms.p95, 1)} ms, p99 ${f(s.event_ms.p99, 1)} ms (max ${f(s.event_ms.max, 1)})`,
    );
    out.push(
      `  REST round trip alone:                    p50 ${f(s.rest_ms.p50, 1)} ms, p95 ${f(s.rest_ms.p95, 1)} ms, p99 ${f(s.rest_ms.p99, 1)} ms`,
    );
    out.push(`  server RSS ${f(s.rss_before_mb)} → ${f(s.rss_after_mb)} MB: ${f(s.kb_per_client, 1)} kB per connected client`, '');
  }
  if (r.real_day) {
    const d = r.real_day;
    out.push(
      `Real day: replay of ${d.csv} at full speed: ${f(d.wall_s, 1)} s, ${d.ok ? 'all checks pass' : `FAILED: ${d.failed_checks.join('; ')}`}; booking p50 ${f(d.booking_p50_ms, 1)} ms / p99 ${f(d.booking_p99_ms, 1)} ms, check-in p50 ${f(d.checkin_p50_ms, 1)} ms`,
      '',
    );
  }
  if (r.growth) {
    const g = r.growth;
    const filled = Object.entries(g.rows_filled)
      .filter(([k]) => !k.startsWith('temp'))
      .map(([k, n]) => `${k} ${n.toLocaleString('en')}`)
      .join(', ');
    out.push(`Growth (scale ${g.scale}): filled in ${f(g.fill_s)} s with ${filled}`, '');
    out.push('| workload | empty p50 / p99 ms | filled p50 / p99 ms | filled / empty p50 | filled / empty p99 | requests empty / filled |');
    out.push('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const w of g.workloads)
      out.push(
        `| ${w.workload} | ${f(w.empty.p50_ms, 1)} / ${f(w.empty.p99_ms, 1)} | ${f(w.filled.p50_ms, 1)} / ${f(w.filled.p99_ms, 1)} | ${f(w.filled.p50_ms / w.empty.p50_ms, 2)} | ${f(w.filled.p99_ms / w.empty.p99_ms, 2)} | ${w.empty.count} / ${w.filled.count} |`,
      );
    const p = g.prune_under_load;
    const e = g.workloads.find((w) => w.workload === 'booking')?.empty;
    if (e)
      out.push(
        `| booking while retention prunes | ${f(e.p50_ms, 1)} / ${f(e.p99_ms, 1)} | ${f(p.p50_ms, 1)} / ${f(p.p99_ms, 1)} | ${f(p.p50_ms / e.p50_ms, 2)} | ${f(p.p99_ms / e.p99_ms, 2)} | – / ${p.count} |`,
      );
    out.push('');
  }
  out.push('| target | goal | this run | met |', '| --- | --- | --- | --- |');
  for (const t of r.targets) out.push(`| ${t.name} | ${t.target} | ${t.actual} | ${t.met ? 'yes' : 'NO'} |`);
  return out.join('\n');
}
