import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { SingleBar, Presets } from 'cli-progress';
import { loadDay } from './dataset';
import { runReplay, type ReplayReport } from './replay';
import { login, startServer, type ServerProcess } from '../lib/server-process';

/**
 * `npm run replay -- <csv> [--url http://host:port] [--speed N] [--concurrency N] [--rows N]`
 *
 * Without --url it starts the server itself (embedded PostgreSQL under .data/replay) and an admin account;
 * with --url it logs in as REPLAY_EMAIL / REPLAY_PASSWORD (an admin), or uses REPLAY_TOKEN.
 * Exits 0 when every check passes, 1 otherwise.
 */
interface Args {
  file: string;
  url?: string;
  speed: number;
  concurrency: number;
  rows?: number;
  json?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { file: '', speed: 0, concurrency: 16 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--url') args.url = value().replace(/\/$/, '');
    else if (a === '--speed') args.speed = Number(value());
    else if (a === '--concurrency') args.concurrency = Number(value());
    else if (a === '--rows') args.rows = Number(value());
    else if (a === '--json') args.json = value();
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else args.file = a;
  }
  if (!args.file) throw new Error('usage: npm run replay -- <csv> [--url URL] [--speed N] [--concurrency N] [--rows N] [--json FILE]');
  if (!(args.concurrency >= 1)) throw new Error('--concurrency must be at least 1');
  if (!(args.speed >= 0)) throw new Error('--speed must be 0 (as fast as possible) or more');
  return args;
}

function printReport(r: ReplayReport): void {
  const rows = r.checks.map(
    (c) => `  ${c.ok ? 'ok  ' : 'FAIL'}  ${c.name.padEnd(34)} ${String(c.actual).padStart(7)}  (expected ${c.expected})`,
  );
  const lat = Object.entries(r.latency_ms)
    .filter(([k]) => k !== 'setup' && k !== 'verify')
    .map(
      ([k, v]) =>
        `  ${k.padEnd(12)} n=${String(v.count).padStart(5)}  p50 ${v.p50.toFixed(1).padStart(7)} ms  p99 ${v.p99.toFixed(1).padStart(7)} ms`,
    );
  process.stdout.write(
    `\nReplay checks\n${rows.join('\n')}\n\nLatency (request sent → answer read)\n${lat.join('\n')}\n\n` +
      `  answers by status: ${JSON.stringify(r.statuses)}\n  wall time: ${(r.wall_ms / 1000).toFixed(1)} s\n  result: ${r.ok ? 'PASS' : 'FAIL'}\n`,
  );
  if (r.server_errors.length) process.stdout.write(`  first server errors: ${JSON.stringify(r.server_errors.slice(0, 3))}\n`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const day = loadDay(args.file, args.rows);
  let server: ServerProcess | undefined;
  let url = args.url;
  let token = process.env.REPLAY_TOKEN;
  try {
    if (!url) {
      const dataDir = path.resolve('.data', 'replay');
      fs.mkdirSync(dataDir, { recursive: true });
      const credFile = path.join(dataDir, 'replay-admin.json');
      if (!fs.existsSync(credFile))
        fs.writeFileSync(
          credFile,
          JSON.stringify({ email: 'replay-admin@clinic.local', password: randomBytes(18).toString('base64url') }),
          { mode: 0o600 },
        );
      const cred = JSON.parse(fs.readFileSync(credFile, 'utf8')) as { email: string; password: string };
      process.stdout.write('starting the server (embedded PostgreSQL under .data/replay)…\n');
      server = await startServer({
        DATA_DIR: dataDir,
        PORT: '0',
        LOG_LEVEL: 'warn',
        ADMIN_EMAIL: cred.email,
        ADMIN_PASSWORD: cred.password,
      });
      url = server.url;
      token = await login(url, cred.email, cred.password);
    } else if (!token) {
      const email = process.env.REPLAY_EMAIL;
      const password = process.env.REPLAY_PASSWORD;
      if (!email || !password) throw new Error('with --url, set REPLAY_TOKEN, or REPLAY_EMAIL and REPLAY_PASSWORD of an admin account');
      token = await login(url, email, password);
    }
    const tty = Boolean(process.stdout.isTTY);
    let bar: SingleBar | undefined;
    let lastPhase = '';
    let lastTenth = -1;
    process.stdout.write(
      `replaying ${day.rows.length} appointments of ${day.date} against ${url} (concurrency ${args.concurrency}${args.speed ? `, speed ×${args.speed}` : ''})\n`,
    );
    const report = await runReplay({
      baseUrl: url,
      token,
      day,
      concurrency: args.concurrency,
      speed: args.speed,
      progress: (phase, done, total) => {
        if (phase !== lastPhase) {
          bar?.stop();
          lastPhase = phase;
          lastTenth = -1;
          if (tty) {
            bar = new SingleBar({ format: `${phase.padEnd(10)} [{bar}] {value}/{total}` }, Presets.shades_classic);
            bar.start(total, done);
          }
        }
        if (tty) bar?.update(done);
        else if (Math.floor((done / Math.max(1, total)) * 10) > lastTenth) {
          lastTenth = Math.floor((done / Math.max(1, total)) * 10);
          process.stdout.write(`${phase}: ${done}/${total}\n`);
        }
      },
    });
    bar?.stop();
    printReport(report);
    if (args.json) fs.writeFileSync(args.json, JSON.stringify(report, null, 2));
    process.exitCode = report.ok ? 0 : 1;
  } finally {
    await server?.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`replay failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
