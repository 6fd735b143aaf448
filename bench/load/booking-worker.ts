import { Pool as HttpPool } from 'undici';
import { Pool as PgPool } from 'pg';
import { bookDirect } from '../baseline';
import { bookingAt, type BookingLoad, type BookingPlan, type LoadResult } from './protocol';

/**
 * A load process (forked by the bench): receives one {@link BookingLoad}, runs it, sends back a
 * {@link LoadResult} and exits. `api` books over HTTP (undici, keep-alive, one connection per virtual desk); `requests` sends any API requests;
 * `pg` runs the same locked transaction with node-postgres; `burst` sends `count` bookings at once.
 */
async function run(load: BookingLoad): Promise<LoadResult> {
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  const errors: string[] = [];
  const note = (status: number | string, ms: number, err?: string) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
    latencies.push(ms);
    if (err && errors.length < 5) errors.push(err);
  };
  let next = 0;
  const started = performance.now();

  if (load.kind === 'burst') {
    const pool = new HttpPool(load.url, { connections: load.count, pipelining: 1 });
    await Promise.all(
      Array.from({ length: load.count }, async (_, i) => {
        const t0 = performance.now();
        try {
          const res = await pool.request({
            path: '/api/v1/appointments',
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${load.token}` },
            body: JSON.stringify(toBody(load.plan, i)),
          });
          const text = await res.body.text();
          note(res.statusCode, performance.now() - t0, res.statusCode >= 500 ? text.slice(0, 200) : undefined);
        } catch (err) {
          note('network', performance.now() - t0, (err as Error).message);
        }
      }),
    );
    const elapsedMs = performance.now() - started;
    await pool.close();
    return { count: load.count, elapsedMs, statuses, latencies, errors };
  }

  if (load.kind === 'requests') {
    const pool = new HttpPool(load.url, { connections: load.concurrency, pipelining: 1 });
    const until = load.durationMs === undefined ? undefined : started + load.durationMs;
    const desk = async () => {
      for (;;) {
        const i = next++;
        if (until === undefined ? i >= load.requests.length : performance.now() >= until) break;
        const rq = load.requests[i % load.requests.length];
        const t0 = performance.now();
        try {
          const res = await pool.request({
            path: rq.path,
            method: rq.method,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${load.token}` },
            body: rq.body === undefined ? undefined : JSON.stringify(rq.body),
          });
          const text = await res.body.text();
          note(
            res.statusCode,
            performance.now() - t0,
            res.statusCode >= 300 ? `${rq.method} ${rq.path}: ${text.slice(0, 200)}` : undefined,
          );
        } catch (err) {
          note('network', performance.now() - t0, (err as Error).message);
        }
      }
    };
    await Promise.all(Array.from({ length: load.concurrency }, desk));
    const elapsedMs = performance.now() - started;
    await pool.close();
    return { count: latencies.length, elapsedMs, statuses, latencies, errors };
  }

  const deadline = started + load.durationMs;
  if (load.kind === 'api') {
    const pool = new HttpPool(load.url, { connections: load.concurrency, pipelining: 1 });
    const desk = async () => {
      while (performance.now() < deadline) {
        const i = next++;
        const t0 = performance.now();
        try {
          const res = await pool.request({
            path: '/api/v1/appointments',
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${load.token}` },
            body: JSON.stringify(toBody(load.plan, i)),
          });
          const text = await res.body.text();
          note(res.statusCode, performance.now() - t0, res.statusCode !== 201 ? text.slice(0, 200) : undefined);
        } catch (err) {
          note('network', performance.now() - t0, (err as Error).message);
        }
      }
    };
    await Promise.all(Array.from({ length: load.concurrency }, desk));
    const elapsedMs = performance.now() - started;
    await pool.close();
    return { count: next, elapsedMs, statuses, latencies, errors };
  }

  const pool = new PgPool({ connectionString: load.databaseUrl, max: load.concurrency });
  const desk = async () => {
    while (performance.now() < deadline) {
      const i = next++;
      const t0 = performance.now();
      const client = await pool.connect();
      try {
        const r = await bookDirect(client, { ...bookingAt(load.plan, i), actorId: load.actorId });
        note(r.status, performance.now() - t0, r.status !== 201 ? 'not booked' : undefined);
      } catch (err) {
        note('error', performance.now() - t0, (err as Error).message);
      } finally {
        client.release();
      }
    }
  };
  await Promise.all(Array.from({ length: load.concurrency }, desk));
  const elapsedMs = performance.now() - started;
  await pool.end();
  return { count: next, elapsedMs, statuses, latencies, errors };
}

function toBody(plan: BookingPlan, i: number) {
  const b = bookingAt(plan, i);
  return { patient_id: b.patientId, doctor_id: b.doctorId, date: b.date };
}

process.once('message', (load: BookingLoad) => {
  run(load).then(
    (result) => process.send!(result, () => process.exit(0)),
    (err) => {
      process.stderr.write(`load failed: ${(err as Error).stack}\n`);
      process.exit(1);
    },
  );
});
