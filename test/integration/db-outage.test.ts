import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { createLogger } from '../../server/core/logger';
import { createSequelize } from '../../server/core/db';
import { migrateUp } from '../../server/core/migrator';
import { startEmbeddedPostgres, type EmbeddedDb } from '../../server/core/embedded-db';
import { startTestApp, type Agent, type TestApp } from '../support/app';
import { buildDoctor, buildPatient, dayFromToday } from '../support/factories';
import { connectClient, subscribe } from '../support/socket';
import { connect, sleep } from '../support/server-process';

interface Outcome {
  kind: 'list' | 'create';
  code?: string;
  status: number;
  ms: number;
  retryAfter?: string;
  contentType?: string;
  phase: Phase;
}
type Phase = 'up' | 'stopping' | 'down' | 'restarting' | 'recovering';

describe('database outage', () => {
  const logger = createLogger('error');
  let dir: string;
  let db: EmbeddedDb;
  let t: TestApp;
  let admin: Agent;

  before(async function () {
    this.timeout(60_000);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-outage-pg-'));
    fs.chmodSync(dir, 0o755); // postgres runs as an unprivileged user
    db = await startEmbeddedPostgres(path.join(dir, 'data'), 'clinic_outage', logger, { persistent: true });
    const sequelize = createSequelize({ url: db.url, poolMax: 2, acquireTimeoutMs: 10_000, models: [], logger });
    await migrateUp(sequelize, logger);
    await sequelize.close();
    t = await startTestApp({ DATABASE_URL: db.url });
    admin = await t.as('admin');
  });

  after(async function () {
    this.timeout(30_000);
    await t?.stop().catch(() => {});
    await db?.stop().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when PostgreSQL stops under load, then /ready and the API answer 503 + Retry-After within 5 s, and after it restarts the service recovers by itself with no half-written rows', async function () {
    this.timeout(60_000);
    let phase: Phase = 'up';
    let running = true;
    const outcomes: Outcome[] = [];
    const sent = new Map<string, Record<string, unknown>>();

    const worker = async (n: number) => {
      for (let i = 0; running; i++) {
        const started = Date.now();
        const at = phase;
        const create = (i + n) % 2 === 0;
        const body = buildDoctor();
        if (create) sent.set(body.code, body);
        const res = create ? await admin.post('/api/v1/doctors').send(body) : await admin.get('/api/v1/doctors').query({ limit: 5 });
        outcomes.push({
          kind: create ? 'create' : 'list',
          code: create ? body.code : undefined,
          status: res.status,
          ms: Date.now() - started,
          retryAfter: res.headers['retry-after'],
          contentType: res.headers['content-type'],
          phase: at,
        });
        await sleep(20);
      }
    };
    // Bookings too: one doctor-day, a fresh patient each time; afterwards its counts must agree.
    const desk = await t.as('reception');
    const today = dayFromToday(0);
    const doctor = (
      await admin
        .post('/api/v1/doctors')
        .send(buildDoctor({ default_daily_capacity: 500, working_days: [1, 2, 3, 4, 5, 6, 7] }))
        .expect(201)
    ).body;
    const patients: string[] = [];
    for (let i = 0; i < 150; i++) patients.push((await desk.post('/api/v1/patients').send(buildPatient()).expect(201)).body.id);
    const booked: string[] = [];
    const bookingWorker = async () => {
      for (let i = 0; running && i < patients.length; i++) {
        const res = await desk.post('/api/v1/appointments').send({ patient_id: patients[i], doctor_id: doctor.id, date: today });
        if (res.status === 201) booked.push(res.body.id);
        outcomes.push({
          kind: 'create',
          status: res.status,
          ms: 0,
          retryAfter: res.headers['retry-after'],
          contentType: res.headers['content-type'],
          phase,
        });
        await sleep(30);
      }
    };
    // A waiting-room screen subscribed before the outage.
    const screen = await connectClient(t.baseUrl, await t.screenToken([doctor.id]));
    const before = await subscribe(screen, doctor.id);
    const workers = [...[0, 1, 2, 3].map(worker), bookingWorker()];

    await sleep(400);
    phase = 'stopping';
    await db.stop();
    // stop() resolves when the launcher exits; the postmaster may need a moment longer to close its port.
    while (
      await connect(db.port).then(
        (s) => {
          s.destroy();
          return true;
        },
        () => false,
      )
    )
      await sleep(50);
    phase = 'down';
    const readyDown = await t.http.get('/ready');
    expect(readyDown.status).to.equal(503);
    expect(readyDown.headers['retry-after']).to.match(/^\d+$/);
    // The screen stays connected; asking for the queue answers (not hangs) that the service is unavailable,
    // so the page keeps its last state and marks it not live.
    const askedAt = Date.now();
    const ack = await new Promise<{ error?: { code: string } }>((resolve) =>
      screen.emit('queue:subscribe', { doctor_id: doctor.id }, resolve as never),
    );
    expect(Date.now() - askedAt).to.be.below(5_000);
    expect(ack.error?.code).to.equal('SERVICE_UNAVAILABLE');
    expect(screen.connected).to.equal(true);
    await sleep(1_500);

    phase = 'restarting';
    db = await startEmbeddedPostgres(path.join(dir, 'data'), 'clinic_outage', logger, { persistent: true, port: db.port });
    phase = 'recovering';
    const back = Date.now();
    let recoveredAfterMs = -1;
    while (Date.now() - back < 15_000) {
      if ((await t.http.get('/ready')).status === 200) {
        recoveredAfterMs = Date.now() - back;
        break;
      }
      await sleep(100);
    }
    expect(recoveredAfterMs, 'the app never became ready again without a restart').to.be.at.least(0);
    await sleep(500);
    running = false;
    await Promise.all(workers);

    // The screen resyncs on the same connection.
    const after = await subscribe(screen, doctor.id);
    expect(after.snapshot.version).to.be.at.least(before.snapshot.version);
    screen.close();

    // No booking is half-written: every 201 is stored, and the day's count equals its active appointments.
    const [day] = await t.app.sequelize.query<{ booked_count: number; active: number; answered: number }>(
      `SELECT c.booked_count,
              (SELECT count(*)::int FROM appointments a WHERE a.doctor_id = c.doctor_id AND a.date = c.date AND a.status <> 'cancelled') AS active,
              (SELECT count(*)::int FROM appointments a WHERE a.id IN (:ids)) AS answered
         FROM doctor_day_capacity c WHERE c.doctor_id = :doctor AND c.date = :today`,
      {
        replacements: { doctor: doctor.id, today, ids: booked.length ? booked : ['00000000-0000-0000-0000-000000000000'] },
        type: QueryTypes.SELECT,
      },
    );
    expect(day.booked_count).to.equal(day.active);
    expect(day.answered).to.equal(booked.length);
    expect(booked.length).to.be.greaterThan(0);

    // After recovery, plain requests work on the same app instance.
    const fresh = buildDoctor();
    const created = await admin.post('/api/v1/doctors').send(fresh).expect(201);
    sent.set(fresh.code, fresh);
    await admin.get(`/api/v1/doctors/${created.body.id}`).expect(200);

    const during = outcomes.filter((o) => o.phase === 'down');
    const unavailable = outcomes.filter((o) => o.status === 503);
    expect(during.length, 'requests ran while the database was down').to.be.greaterThan(5);
    expect(unavailable.length, 'some requests met the outage').to.be.greaterThan(5);
    for (const o of outcomes) {
      expect(o.ms, `${o.kind} took ${o.ms} ms (status ${o.status})`).to.be.below(5_000);
      expect([200, 201, 503], `${o.kind} answered ${o.status}`).to.include(o.status);
      if (o.status === 503) {
        expect(o.retryAfter, 'Retry-After on 503').to.match(/^\d+$/);
        expect(o.contentType).to.match(/application\/problem\+json/);
      }
    }
    // Once the stop has completed, every request is a 503 until the restart.
    expect(during.filter((o) => o.status !== 503).map((o) => `${o.kind} ${o.status} ${o.ms}ms`)).to.deep.equal([]);
    expect(
      outcomes.some((o) => o.phase === 'recovering' && o.status < 300),
      'requests succeed again after recovery',
    ).to.equal(true);

    // Every 201 is stored, and every stored row is whole (exactly what was sent); a 503 may or may not
    // have committed (the answer can be lost after COMMIT), but never half.
    const rows = await t.app.sequelize.query<{
      code: string;
      name: string;
      specialty: string;
      default_daily_capacity: number;
      working_days: number[];
      is_active: boolean;
    }>('SELECT code, name, specialty, default_daily_capacity, working_days, is_active FROM doctors WHERE code IN (:codes)', {
      replacements: { codes: [...sent.keys()] },
      type: QueryTypes.SELECT,
    });
    const stored = new Map(rows.map((r) => [r.code, r]));
    for (const o of outcomes.filter((x) => x.kind === 'create' && x.status === 201 && x.code))
      expect(stored.has(o.code!), `201 for ${o.code} but no row`).to.equal(true);
    for (const row of rows) {
      const body = sent.get(row.code)!;
      expect(row).to.deep.include({ name: body.name, specialty: body.specialty, default_daily_capacity: 10, is_active: true });
      expect(row.working_days).to.deep.equal([1, 2, 3, 4, 5]);
    }
  });
});
