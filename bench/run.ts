import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createLogger } from '../server/core/logger';
import { startEmbeddedPostgres, type EmbeddedDb } from '../server/core/embedded-db';
import { machineBusyPct } from './fork';
import { login, startServer, type ServerProcess } from '../scripts/lib/server-process';
import { ApiClient } from '../scripts/replay/http-client';
import { createBenchData } from './setup';
import { GROWTH_DOCTORS } from './sections/growth';
import { bookingThroughput, morningRush } from './sections/booking';
import { screenLatency } from './sections/screens';
import { realDay } from './sections/real-day';
import { growthBench } from './sections/growth';
import { judge, renderTable, type BenchReport } from './report';

/**
 * `npm run bench`: starts PostgreSQL (embedded in a temp folder, or DATABASE_URL) and the server as its own
 * process, then measures from separate load processes: booking throughput against a node-postgres baseline,
 * the morning rush, screen latency at 1,000 and at 5,000 clients, the real-day replay and, last, growth (about 20
 * minutes in all at scale 1). Prints one table and writes bench/results/latest.json.
 *
 * Knobs (environment): BENCH_DURATION_MS (per throughput cell, default 5000), BENCH_SECTIONS (default
 * `booking,rush,screens,screens5000,replay,growth`), BENCH_REPLAY_CSV, BENCH_CPU_PROF=1 (server runs with --cpu-prof into
 * bench/results/prof), DB_POOL_MAX (passed to the server). `growth` fills the database with a year of a network
 * (bench/growth-fill.ts) between two rounds of workloads; BENCH_GROWTH_SCALE (default 1) shrinks the fill.
 */
const root = path.resolve(__dirname, '../..');
const log = (s: string) => process.stdout.write(`${s}\n`);

async function postgresVersion(url: string): Promise<string> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ v: string }>("SELECT 'PostgreSQL ' || current_setting('server_version') AS v")).rows[0].v;
  } finally {
    await c.end();
  }
}

async function main(): Promise<void> {
  const durationMs = Number(process.env.BENCH_DURATION_MS ?? 5000);
  const sections = new Set(
    (process.env.BENCH_SECTIONS ?? 'booking,rush,screens,screens5000,replay,growth').split(',').map((s) => s.trim()),
  );
  const csv = path.resolve(process.env.BENCH_REPLAY_CSV ?? path.join(root, '..', 'shared', 'data', 'noshow-vitoria-2016-04-29.csv'));
  const concurrencies = [1, 16, 64];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-bench-'));
  fs.chmodSync(tmp, 0o755); // the embedded server runs as the unprivileged 'postgres' user
  let db: EmbeddedDb | undefined;
  let server: ServerProcess | undefined;
  try {
    let databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) {
      log('starting embedded PostgreSQL…');
      db = await startEmbeddedPostgres(path.join(tmp, 'pg'), 'clinic_bench', createLogger('error'), { persistent: false });
      databaseUrl = db.url;
    }
    const email = 'bench-admin@clinic.local';
    const password = randomBytes(18).toString('base64url');
    const profDir = path.join(root, 'bench', 'results', 'prof');
    log('starting the server…');
    server = await startServer(
      {
        ...process.env,
        DATABASE_URL: databaseUrl,
        PORT: '0',
        DATA_DIR: tmp,
        LOG_LEVEL: 'warn',
        JWT_SECRET: randomBytes(32).toString('base64url'),
        ADMIN_EMAIL: email,
        ADMIN_PASSWORD: password,
        // The screens sections run 10 (1,000 screens) and 50 (5,000 screens) simulated TVs per screen token (100 tokens).
        SCREEN_MAX_SOCKETS_PER_TOKEN: process.env.SCREEN_MAX_SOCKETS_PER_TOKEN ?? '64',
        // The bench's own throw-away server on this machine; nothing scrapes it.
        METRICS_PUBLIC: process.env.METRICS_PUBLIC ?? 'true',
      },
      { nodeArgs: process.env.BENCH_CPU_PROF === '1' ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [] },
    );
    const url = server.url;
    const serverPid = server.child.pid!;
    const token = await login(url, email, password);
    const api = new ApiClient(url, token);
    log('creating doctors and patients…');
    const data = await createBenchData(api, token, {
      hot: 2 * concurrencies.length + 1,
      spread: 100,
      patients: 1000,
      growth: sections.has('growth') ? GROWTH_DOCTORS : 0,
    });

    const busyBefore = await machineBusyPct(2000);
    if (busyBefore > 20) log(`warning: the machine is ${busyBefore.toFixed(0)} % busy before the run; figures will be low and noisy`);
    const report: BenchReport = {
      at: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        cpu_model: os.cpus()[0]?.model.trim() ?? '?',
        node: process.version,
        postgres: await postgresVersion(databaseUrl),
        database: db ? 'embedded' : 'DATABASE_URL',
        db_pool_max: process.env.DB_POOL_MAX ?? '20 (default)',
        busy_before_pct: busyBefore,
      },
      duration_ms_per_run: durationMs,
      throughput: [],
      targets: [],
    };
    if (sections.has('booking')) {
      log('1. booking throughput: API vs node-postgres baseline');
      report.throughput = await bookingThroughput({ url, token, databaseUrl, serverPid, data, concurrencies, durationMs, log });
    }
    if (sections.has('rush')) {
      log('2. morning rush');
      report.rush = await morningRush({ url, token, data, requests: 1000 });
    }
    if (sections.has('screens')) {
      log('3. screen latency');
      report.screens = await screenLatency({
        url,
        token,
        api,
        serverPid,
        data,
        clients: 1000,
        workers: 4,
        ratePerSecond: 50,
        durationMs: 20_000,
        log,
      });
    }
    if (sections.has('screens5000')) {
      log('3b. screen latency at 5,000 screens');
      report.screens_5000 = await screenLatency({
        url,
        token,
        api,
        serverPid,
        data,
        clients: 5000,
        workers: 8,
        ratePerSecond: 50,
        durationMs: 20_000,
        patientOffset: 20, // the 1,000-screen run booked the first ones today
        log,
      });
    }
    if (sections.has('replay')) {
      if (fs.existsSync(csv)) {
        log(`4. real day: replay of ${path.basename(csv)}`);
        report.real_day = await realDay({ url, email, password, csv, concurrency: 16 });
      } else log(`4. real day: skipped, ${csv} not found (set BENCH_REPLAY_CSV)`);
    }
    if (sections.has('growth')) {
      const scale = Number(process.env.BENCH_GROWTH_SCALE ?? 1);
      log(`5. growth: empty, then filled at scale ${scale}`);
      report.growth = await growthBench({ url, token, databaseUrl, data, scale, durationMs, log });
    }
    report.targets = judge(report);
    const results = path.join(root, 'bench', 'results');
    fs.mkdirSync(results, { recursive: true });
    fs.writeFileSync(path.join(results, 'latest.json'), JSON.stringify(report, null, 2));
    log(`\n${renderTable(report)}\n\nwritten: bench/results/latest.json`);
  } finally {
    if (server) await server.stop();
    if (db) await db.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
