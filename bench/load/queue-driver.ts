import { Pool as HttpPool } from 'undici';
import { wallNow } from './protocol';

/**
 * A load process making queue changes at a steady rate: per doctor, check-in, call-next, check-in, call-next…
 * with at most one change in flight per doctor, so the k-th successful change of a doctor is version base + k.
 * It records the wall-clock send time of each (doctor, version) and the REST round trip of each change.
 */
export interface DriverDoctor {
  id: string;
  entries: Array<{ appointmentId: string; patientId: string }>;
}
export interface DriverLoad {
  url: string;
  token: string;
  date: string;
  ratePerSecond: number;
  durationMs: number;
  doctors: DriverDoctor[];
}
export interface DriverResult {
  sends: Array<[string, number, number]>;
  rttMs: number[];
  statuses: Record<string, number>;
  errors: string[];
}

async function run(load: DriverLoad): Promise<DriverResult> {
  const http = new HttpPool(load.url, { connections: 32 });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${load.token}` };
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await http.request({ method, path, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.statusCode, body: (await res.body.json()) as any };
  };
  const state = await Promise.all(
    load.doctors.map(async (d) => {
      const snap = await call('GET', `/api/v1/doctors/${d.id}/queue/public?date=${load.date}`);
      if (snap.status !== 200) throw new Error(`queue/public answered ${snap.status}`);
      return { d, version: Number(snap.body.version), step: 0, busy: false };
    }),
  );
  const sends: DriverResult['sends'] = [];
  const rttMs: number[] = [];
  const statuses: Record<string, number> = {};
  const errors: string[] = [];
  const inFlight = new Set<Promise<void>>();

  const change = async (s: (typeof state)[number]) => {
    s.busy = true;
    const entry = s.d.entries[Math.floor(s.step / 2)];
    const isCheckIn = s.step % 2 === 0;
    const sentAt = wallNow();
    const t0 = performance.now();
    try {
      const res = isCheckIn
        ? await call('POST', '/api/v1/checkins', { appointment_id: entry.appointmentId, patient_id: entry.patientId })
        : await call('POST', `/api/v1/doctors/${s.d.id}/queue/call-next?date=${load.date}`);
      rttMs.push(performance.now() - t0);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status < 300) {
        s.version++;
        sends.push([s.d.id, s.version, sentAt]);
      } else if (errors.length < 5) errors.push(JSON.stringify(res.body).slice(0, 200));
    } catch (err) {
      statuses.network = (statuses.network ?? 0) + 1;
      if (errors.length < 5) errors.push((err as Error).message);
    }
    s.step++;
    s.busy = false;
  };

  const interval = 1000 / load.ratePerSecond;
  const started = performance.now();
  let n = 0;
  let rr = 0;
  while (performance.now() - started < load.durationMs) {
    const due = started + n * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    n++;
    // The next doctor with nothing in flight and changes left; none free means this tick is skipped.
    for (let k = 0; k < state.length; k++) {
      const s = state[(rr + k) % state.length];
      if (!s.busy && Math.floor(s.step / 2) < s.d.entries.length) {
        rr = (rr + k + 1) % state.length;
        const p = change(s).finally(() => inFlight.delete(p));
        inFlight.add(p);
        break;
      }
    }
  }
  await Promise.all(inFlight);
  await http.close();
  return { sends, rttMs, statuses, errors };
}

process.once('message', (load: DriverLoad) => {
  run(load).then(
    (result) => process.send!(result, () => process.exit(0)),
    (err) => {
      process.stderr.write(`queue driver failed: ${(err as Error).stack}\n`);
      process.exit(1);
    },
  );
});
