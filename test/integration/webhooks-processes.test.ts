import { expect } from 'chai';
import { Client } from 'pg';
import type { ServerProcess } from '../../scripts/lib/server-process';
import { buildDoctor, buildPatient, dayFromToday } from '../support/factories';
import { testDatabaseUrl } from '../support/hooks';
import { adminToken, api, startServerOnTestDb } from '../support/processes';
import { eventually, startReceiver, type Receiver } from '../support/receiver';

/** Settings of every server process here: receivers on 127.0.0.1, quick relay and retries, 2 s attempts (lease 7 s). */
const ENV = {
  WEBHOOK_ALLOW_PRIVATE: 'true',
  WEBHOOK_RELAY_INTERVAL_MS: '100',
  WEBHOOK_RETRY_BASE_MS: '200',
  WEBHOOK_RETRY_MAX_MS: '1000',
  WEBHOOK_TIMEOUT_MS: '2000',
};

describe('webhooks and reminders across processes: kill -9, two instances, restarts', function () {
  this.timeout(120_000);
  const servers: ServerProcess[] = [];
  let receiver: Receiver;
  let token: string;
  let db: Client;
  const start = async (env: Record<string, string> = {}) => {
    const s = await startServerOnTestDb({ ...ENV, ...env });
    servers.push(s);
    return s;
  };
  before(async () => {
    receiver = await startReceiver();
    token = await adminToken();
    db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop('SIGKILL')));
    await db.query('UPDATE webhook_endpoints SET deleted_at = now() WHERE deleted_at IS NULL');
    await db.end();
    await receiver.close();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop('SIGKILL')));
    await db.query('UPDATE webhook_endpoints SET deleted_at = now() WHERE deleted_at IS NULL');
    receiver.received.length = 0;
    receiver.respond(204);
  });
  const subscribe = async (url: string, events: string[], extra: Record<string, unknown> = {}) => {
    const res = await api(url, token, 'POST', '/api/v1/webhooks', { url: receiver.url, events, ...extra });
    expect(res.status).to.equal(201);
    return res.body.id as string;
  };
  const bookMany = async (urls: string[], n: number, date: string) => {
    const doctor = (
      await api(urls[0], token, 'POST', '/api/v1/doctors', buildDoctor({ default_daily_capacity: n, working_days: [1, 2, 3, 4, 5, 6, 7] }))
    ).body;
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const url = urls[i % urls.length];
      const p = (await api(url, token, 'POST', '/api/v1/patients', buildPatient())).body;
      const res = await api(url, token, 'POST', '/api/v1/appointments', { patient_id: p.id, doctor_id: doctor.id, date });
      expect(res.status).to.equal(201);
      ids.push(res.body.id);
    }
    return ids;
  };
  /** Event ids (webhook-id) acknowledged per appointment id. */
  const acksByAppointment = () => {
    const m = new Map<string, string[]>();
    for (const r of receiver.acknowledged()) {
      const id = JSON.parse(r.body).data.appointment_id as string;
      m.set(id, [...(m.get(id) ?? []), r.headers['webhook-id']]);
    }
    return m;
  };

  it('when the instance is killed with SIGKILL while deliveries are in flight, then after a restart every event is delivered (none lost)', async () => {
    const a = await start();
    const endpoint = await subscribe(a.url, ['appointment.booked']);
    receiver.respond(204, 300); // slow receiver: attempts are in flight when the kill comes
    const ids = await bookMany([a.url], 20, dayFromToday(2));
    await eventually(() => receiver.received.length >= 2, 20_000, 'some deliveries before the kill');
    await a.stop('SIGKILL');
    servers.splice(servers.indexOf(a), 1);
    const before = receiver.acknowledged().length;
    expect(before, 'the kill came before everything was sent').to.be.below(20);
    await start();
    await eventually(() => ids.every((id) => acksByAppointment().has(id)), 40_000, 'every booking delivered after the restart');
    await eventually(
      async () => {
        const r = await db.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = $1 AND status <> 'delivered'`, [
          endpoint,
        ]);
        return r.rows[0].n === 0;
      },
      // A delivery acknowledged just before the kill is marked only when its lease (timeout + 5 s = 7 s) runs out
      // and it is sent again; on a loaded machine that is the lease plus a restart, so the bound is well past it.
      30_000,
      'every delivery marked delivered',
    );
    const dup = [...acksByAppointment().values()].filter((v) => v.length > 1).length;
    console.log(`      kill -9: ${before}/20 acknowledged before the kill; ${dup} sent again after it (at least once); all 20 delivered`);
    for (const v of acksByAppointment().values()) expect(new Set(v).size, 'one webhook-id per event').to.equal(1);
  });

  it('when two instances relay the same outbox, then each event is delivered once', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    await subscribe(a.url, ['appointment.booked']);
    const ids = await bookMany([a.url, b.url], 30, dayFromToday(3));
    await eventually(() => ids.every((id) => acksByAppointment().has(id)), 30_000, 'all 30 delivered');
    await new Promise((r) => setTimeout(r, 1000));
    const counts = ids.map((id) => acksByAppointment().get(id)!.length);
    expect(
      counts.every((c) => c === 1),
      `deliveries per event: ${counts}`,
    ).to.equal(true);
  });

  it('when the reminder job runs on several instances and one is killed and restarted, then each reminder is sent once', async () => {
    // 720 h: every booked appointment in the next 30 days is due now (no time known: 09:00 UTC on its day).
    const env = { REMINDER_LEAD_HOURS: '720', REMINDER_INTERVAL_MS: '200' };
    const a = await start(env);
    await subscribe(a.url, ['appointment.reminder']);
    const [appointment] = await bookMany([a.url], 1, dayFromToday(4));
    const mine = () => receiver.acknowledged().filter((r) => JSON.parse(r.body).data.appointment_id === appointment);
    await eventually(() => mine().length === 1, 20_000, 'the reminder').catch((err: Error) => {
      throw new Error(`${err.message}\n${a.output().slice(-3000)}`);
    });
    await a.stop('SIGKILL');
    servers.splice(servers.indexOf(a), 1);
    await Promise.all([start(env), start(env)]);
    await new Promise((r) => setTimeout(r, 3000)); // some 15 runs of each instance
    expect(mine()).to.have.length(1);
    expect(JSON.parse(mine()[0].body).data).to.include({ lead_hours: 720, appointment_id: appointment });
    const { rows } = await db.query('SELECT count(*)::int AS n FROM appointment_reminders WHERE appointment_id = $1', [appointment]);
    expect(rows[0].n).to.equal(1);
  });
});
