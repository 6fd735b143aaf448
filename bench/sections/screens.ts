import type { ChildProcess } from 'node:child_process';
import { type ApiClient, percentile, pool } from '../../scripts/replay/http-client';
import { forkLoad, nextMessage, rssKb, runLoad } from '../fork';
import type { BenchData } from '../setup';
import type { ScreenCommand, ScreenReply, ScreenSpec } from '../load/screen-clients';
import type { DriverLoad, DriverResult } from '../load/queue-driver';

export interface ScreenResult {
  clients: number;
  connected: number;
  rooms: number;
  changes_per_s: number;
  changes: number;
  deliveries: number;
  expected_deliveries: number;
  event_ms: { p50: number; p95: number; p99: number; max: number };
  rest_ms: { p50: number; p95: number; p99: number };
  rss_before_mb: number;
  rss_after_mb: number;
  kb_per_client: number;
  driver_statuses: Record<string, number>;
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Screen latency: `clients` Socket.IO screens over `workers` load processes, subscribed round-robin to the
 * spread doctors' today rooms; another process checks in and calls next at `ratePerSecond`. Latency is
 * REST send (driver) → `queue:updated` arrival (each screen), matched by doctor and version.
 */
export async function screenLatency(o: {
  url: string;
  token: string;
  api: ApiClient;
  serverPid: number;
  data: BenchData;
  clients: number;
  workers: number;
  ratePerSecond: number;
  durationMs: number;
  /** Patients to skip in `data.patientIds` (a second run on the same day must book others). */
  patientOffset?: number;
  log: (s: string) => void;
}): Promise<ScreenResult> {
  const doctors = o.data.spreadDoctorIds;
  const date = o.data.today;
  const changesPerDoctor = Math.ceil((o.ratePerSecond * o.durationMs) / 1000 / doctors.length / 2) + 1;
  // Today's appointments to check in, and one screen token per doctor.
  const offset = o.patientOffset ?? 0;
  const bookings = doctors.flatMap((d) => o.data.patientIds.slice(offset, offset + changesPerDoctor).map((p) => ({ d, p })));
  const entries = new Map<string, Array<{ appointmentId: string; patientId: string }>>(doctors.map((d) => [d, []]));
  await pool(bookings, 16, async ({ d, p }) => {
    const r = await o.api.call('setup', 'POST', '/api/v1/appointments', { patient_id: p, doctor_id: d, date });
    if (r.status !== 201) throw new Error(`booking for the screen test answered ${r.status}: ${JSON.stringify(r.body)}`);
    entries.get(d)!.push({ appointmentId: r.body.id, patientId: p });
  });
  const tokens = await pool(doctors, 16, async (d) => {
    const r = await o.api.call('setup', 'POST', '/api/v1/display-tokens', { label: `Bench ${d.slice(0, 8)}`, doctor_ids: [d] });
    if (r.status !== 201) throw new Error(`display token answered ${r.status}`);
    return r.body.token as string;
  });

  await settle(1000);
  const rssBefore = rssKb(o.serverPid);
  const specs: ScreenSpec[] = Array.from({ length: o.clients }, (_, i) => ({
    token: tokens[i % doctors.length],
    doctorId: doctors[i % doctors.length],
    date,
  }));
  const workers: ChildProcess[] = Array.from({ length: o.workers }, () => forkLoad('screen-clients'));
  const ready = await Promise.all(
    workers.map((w, k) => {
      const reply = nextMessage<ScreenReply>(w);
      w.send({ kind: 'connect', url: o.url, screens: specs.filter((_, i) => i % o.workers === k) } satisfies ScreenCommand);
      return reply;
    }),
  );
  const connected = ready.reduce((n, r) => n + (r.kind === 'ready' ? r.connected : 0), 0);
  await settle(1000);
  const rssAfter = rssKb(o.serverPid);
  o.log(`  ${connected}/${o.clients} screens subscribed; server RSS ${(rssBefore / 1024).toFixed(0)} → ${(rssAfter / 1024).toFixed(0)} MB`);

  const driven = await runLoad<DriverResult>('queue-driver', {
    url: o.url,
    token: o.token,
    date,
    ratePerSecond: o.ratePerSecond,
    durationMs: o.durationMs,
    doctors: doctors.map((id) => ({ id, entries: entries.get(id)! })),
  } satisfies DriverLoad);
  await settle(1000);
  const arrivals = await Promise.all(
    workers.map((w) => {
      const reply = nextMessage<ScreenReply>(w);
      w.send({ kind: 'stop' } satisfies ScreenCommand);
      return reply;
    }),
  );

  const sentAt = new Map(driven.sends.map(([d, v, t]) => [`${d}:${v}`, t]));
  const subscribers = new Map<string, number>();
  for (const s of specs) subscribers.set(s.doctorId, (subscribers.get(s.doctorId) ?? 0) + 1);
  const lat: number[] = [];
  for (const a of arrivals) {
    if (a.kind !== 'arrivals') continue;
    for (const [d, v, t] of a.arrivals) {
      const s = sentAt.get(`${d}:${v}`);
      if (s !== undefined) lat.push(t - s);
    }
  }
  const expected = driven.sends.reduce((n, [d]) => n + (subscribers.get(d) ?? 0), 0);
  if (driven.errors.length) o.log(`  queue driver errors: ${driven.errors.join(' | ')}`);
  return {
    clients: o.clients,
    connected,
    rooms: doctors.length,
    changes_per_s: o.ratePerSecond,
    changes: driven.sends.length,
    deliveries: lat.length,
    expected_deliveries: expected,
    event_ms: { p50: percentile(lat, 50), p95: percentile(lat, 95), p99: percentile(lat, 99), max: percentile(lat, 100) },
    rest_ms: { p50: percentile(driven.rttMs, 50), p95: percentile(driven.rttMs, 95), p99: percentile(driven.rttMs, 99) },
    rss_before_mb: rssBefore / 1024,
    rss_after_mb: rssAfter / 1024,
    kb_per_client: (rssAfter - rssBefore) / Math.max(1, connected),
    driver_statuses: driven.statuses,
  };
}
