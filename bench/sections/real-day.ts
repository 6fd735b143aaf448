import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fork } from 'node:child_process';
import type { ReplayReport } from '../../scripts/replay/replay';

export interface RealDayResult {
  csv: string;
  ok: boolean;
  wall_s: number;
  booking_p50_ms: number;
  booking_p99_ms: number;
  checkin_p50_ms: number;
  failed_checks: string[];
}

/** Runs the replay's own main (a separate process) at full speed against the bench's server. */
export async function realDay(o: {
  url: string;
  email: string;
  password: string;
  csv: string;
  concurrency: number;
}): Promise<RealDayResult> {
  const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-replay-')), 'report.json');
  const main = path.resolve(__dirname, '../../scripts/replay/main.js');
  const child = fork(main, [o.csv, '--url', o.url, '--concurrency', String(o.concurrency), '--json', json], {
    env: { ...process.env, REPLAY_EMAIL: o.email, REPLAY_PASSWORD: o.password },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let out = '';
  child.stdout!.on('data', (c) => {
    out += c;
  });
  child.stderr!.on('data', (c) => {
    out += c;
  });
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  if (!fs.existsSync(json)) throw new Error(`replay exited with ${code} and no report:\n${out.slice(-2000)}`);
  const r = JSON.parse(fs.readFileSync(json, 'utf8')) as ReplayReport;
  fs.rmSync(path.dirname(json), { recursive: true, force: true });
  return {
    csv: path.basename(o.csv),
    ok: r.ok,
    wall_s: r.wall_ms / 1000,
    booking_p50_ms: r.latency_ms.booking?.p50 ?? Number.NaN,
    booking_p99_ms: r.latency_ms.booking?.p99 ?? Number.NaN,
    checkin_p50_ms: r.latency_ms.checkin?.p50 ?? Number.NaN,
    failed_checks: r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.actual} (expected ${c.expected})`),
  };
}
