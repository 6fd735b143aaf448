import { expect } from 'chai';
import { Client } from 'pg';
import { startTestApp, type TestApp } from '../support/app';
import { buildDoctor, buildPatient, dayFromToday } from '../support/factories';
import { testDatabaseUrl } from '../support/hooks';
import { inBatches } from '../../server/retention/retention.job';

describe('retention: queue events and finished webhook deliveries pruned in batches, records kept', function () {
  this.timeout(60_000);
  let t: TestApp;
  let doctorId: string;
  const q = async <T = Record<string, unknown>>(sql: string, replacements: Record<string, unknown> = {}) =>
    (await t.app.sequelize.query(sql, { replacements }))[0] as T[];
  const count = async (sql: string, replacements: Record<string, unknown> = {}) => (await q<{ n: number }>(sql, replacements))[0].n;

  before(async () => {
    t = await startTestApp({ QUEUE_EVENT_RETENTION_DAYS: '7', WEBHOOK_DELIVERY_RETENTION_DAYS: '30', RETENTION_BATCH_SIZE: '100' });
    const admin = await t.as('admin');
    doctorId = (
      await admin
        .post('/api/v1/doctors')
        .send(buildDoctor({ working_days: [1, 2, 3, 4, 5, 6, 7] }))
        .expect(201)
    ).body.id;
  });
  after(async () => {
    await t.stop();
  });

  /** `n` queue events of `doctorId` on clinic day `date`, versions from `from`; published unless told. */
  const events = (date: string, n: number, from: number, published = true) =>
    q(
      `INSERT INTO queue_events (doctor_id, date, version, type, entry, payload, published_at)
       SELECT :doctorId, :date, v, 'checked_in', '{}', '{}', ${published ? `now()` : 'NULL'} FROM generate_series(:from::int, :to::int) v`,
      { doctorId, date, from, to: from + n - 1 },
    );
  const left = (date: string) =>
    count('SELECT count(*)::int AS n FROM queue_events WHERE doctor_id = :doctorId AND date = :date', { doctorId, date });

  it('when queue events are older than the retention, then they are deleted in bounded batches; recent, today and unpublished ones stay', async () => {
    const old = dayFromToday(-30);
    const edge = dayFromToday(-8);
    const recent = dayFromToday(-7);
    const today = dayFromToday(0);
    await events(old, 250, 1);
    await events(edge, 40, 1);
    await events(edge, 5, 41, false); // never published: the relay still owes them to the screens
    await events(recent, 30, 1);
    await events(today, 20, 1);
    const auditBefore = await count('SELECT count(*)::int AS n FROM appointment_events');

    // One batch deletes at most the batch size, oldest ids first, and says where the next starts.
    const one = await t.app.ctx.repos.queue.pruneEvents({ before: dayFromToday(-7), after: '0', batch: 100 });
    expect(one.n).to.equal(100);
    expect(await left(old)).to.equal(150);

    const run = await t.app.ctx.retention.runOnce();
    expect(run).to.not.equal(null);
    expect(run!.queue_events).to.be.at.least(150 + 40);
    expect(run!.batches).to.be.at.least(2); // 190 rows of this test alone in batches of 100
    expect(await left(old)).to.equal(0);
    expect(await left(edge)).to.equal(5);
    expect(
      await count(`SELECT count(*)::int AS n FROM queue_events WHERE doctor_id = :doctorId AND published_at IS NULL`, { doctorId }),
    ).to.equal(5);
    expect(await left(recent)).to.equal(30);
    expect(await left(today)).to.equal(20);
    // Appointment audit events are records: never pruned.
    expect(await count('SELECT count(*)::int AS n FROM appointment_events')).to.equal(auditBefore);
    // Replay of today still answers every version.
    const desk = await t.as('reception');
    const replay = await desk.get(`/api/v1/doctors/${doctorId}/queue/events`).query({ date: today, since_version: 0 }).expect(200);
    expect(replay.body.events.length).to.equal(20);
  });

  it('when webhook deliveries are finished and old, then they go with their attempts and events; pending and recent ones stay', async () => {
    const [ep] = await q<{ id: string }>(
      `INSERT INTO webhook_endpoints (url, events, secret) VALUES ('https://hooks.example.org/r', ARRAY['appointment.booked'], 'whsec_x') RETURNING id`,
    );
    const delivery = async (ageDays: number, status: 'pending' | 'delivered' | 'failed') => {
      const [ev] = await q<{ id: string }>(
        `INSERT INTO webhook_events (type, data, created_at) VALUES ('appointment.booked', '{}', now() - make_interval(days => :ageDays)) RETURNING id`,
        { ageDays },
      );
      const [d] = await q<{ id: string }>(
        `INSERT INTO webhook_deliveries (event_id, endpoint_id, status, attempts, created_at, updated_at)
         VALUES (:ev, :ep, :status, 1, now() - make_interval(days => :ageDays), now() - make_interval(days => :ageDays)) RETURNING id`,
        { ev: ev.id, ep: ep.id, status, ageDays },
      );
      await q(`INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms) VALUES (:d, 1, now(), 5)`, { d: d.id });
      return { event: ev.id, delivery: d.id };
    };
    const oldDelivered = await delivery(40, 'delivered');
    const oldFailed = await delivery(40, 'failed');
    const oldPending = await delivery(40, 'pending');
    const recent = await delivery(5, 'delivered');

    const run = await t.app.ctx.retention.runOnce();
    expect(run!.webhook_deliveries).to.be.at.least(2);
    const alive = async (table: string, id: string) =>
      (await count(`SELECT count(*)::int AS n FROM ${table} WHERE id = :id`, { id })) === 1;
    for (const gone of [oldDelivered, oldFailed]) {
      expect(await alive('webhook_deliveries', gone.delivery)).to.equal(false);
      expect(await alive('webhook_events', gone.event)).to.equal(false);
      expect(await count('SELECT count(*)::int AS n FROM webhook_attempts WHERE delivery_id = :id', { id: gone.delivery })).to.equal(0);
    }
    for (const kept of [oldPending, recent]) {
      expect(await alive('webhook_deliveries', kept.delivery)).to.equal(true);
      expect(await alive('webhook_events', kept.event)).to.equal(true);
    }
  });

  it('when another instance holds the retention lock, then this one skips the run and deletes nothing', async () => {
    await events(dayFromToday(-20), 10, 1);
    const other = new Client({ connectionString: testDatabaseUrl() });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock(724311021)');
      expect(await t.app.ctx.retention.runOnce()).to.equal(null);
      expect(await left(dayFromToday(-20))).to.equal(10);
      await other.query('COMMIT');
      expect((await t.app.ctx.retention.runOnce())!.queue_events).to.be.at.least(10);
      expect(await left(dayFromToday(-20))).to.equal(0);
    } finally {
      await other.end();
    }
  });

  it('when a prune runs while the desk books and checks in, then every change commits and nothing else is touched', async () => {
    await events(dayFromToday(-15), 600, 1);
    const desk = await t.as('reception');
    const patients = [];
    for (let i = 0; i < 6; i++) patients.push((await desk.post('/api/v1/patients').send(buildPatient()).expect(201)).body.id);
    const [run, ...answers] = await Promise.all([
      t.app.ctx.retention.runOnce(),
      ...patients.map((p) => desk.post('/api/v1/appointments').send({ patient_id: p, doctor_id: doctorId, date: dayFromToday(0) })),
    ]);
    expect(answers.map((a) => a.status)).to.deep.equal(patients.map(() => 201));
    expect(run!.queue_events).to.be.at.least(600);
    expect(await left(dayFromToday(-15))).to.equal(0);
  });

  it('when batches are run, then each is bounded and the loop ends on a short batch or at the limit', async () => {
    const sizes: number[] = [];
    let rows = 1050;
    const r = await inBatches(
      0,
      async (after) => {
        const n = Math.min(100, rows);
        rows -= n;
        sizes.push(n);
        return { n, after: after + n };
      },
      { batchSize: 100, maxBatches: 50, pauseMs: 0 },
    );
    expect(r).to.deep.equal({ rows: 1050, batches: 11 });
    expect(Math.max(...sizes)).to.equal(100);
    const capped = await inBatches(0, async () => ({ n: 100, after: 0 }), { batchSize: 100, maxBatches: 3, pauseMs: 0 });
    expect(capped).to.deep.equal({ rows: 300, batches: 3 });
  });
});
