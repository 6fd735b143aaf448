import { expect } from 'chai';
import { startTestApp, type Agent, type TestApp } from '../support/app';
import { buildPatient, dayFromToday } from '../support/factories';
import { newDoctor, newPatients } from '../support/booking';
import { collect, connectClient, subscribe, waitFor } from '../support/socket';

describe('check-in queue', () => {
  let t: TestApp;
  let admin: Agent;
  let desk: Agent;
  const today = dayFromToday(0);
  before(async () => {
    t = await startTestApp();
    admin = await t.as('admin');
    desk = await t.as('reception');
  });
  after(async () => {
    await t.stop();
  });

  /** A doctor with `n` patients booked today; returns the doctor and the appointments (by slot). */
  async function bookedDay(n: number, capacity = Math.max(n, 10)) {
    const doc = await newDoctor(admin, capacity);
    const patients = await newPatients(desk, n);
    const appts = [];
    for (const p of patients)
      appts.push((await desk.post('/api/v1/appointments').send({ patient_id: p, doctor_id: doc.id, date: today }).expect(201)).body);
    return { doc, appts };
  }
  const checkIn = (a: { id: string; patient_id: string }) =>
    desk.post('/api/v1/checkins').send({ appointment_id: a.id, patient_id: a.patient_id });

  it('when 20 patients check in at once, then positions are 1..20, each once, in commit order', async () => {
    const { doc, appts } = await bookedDay(20);
    const answers = await Promise.all(appts.map(checkIn));
    expect(answers.map((a) => a.status)).to.deep.equal(Array(20).fill(201));
    expect(answers.map((a) => a.body.queue_position).sort((x, y) => x - y)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
    const [rows] = (await t.app.sequelize.query(
      'SELECT position, checked_in_at FROM queue_entries WHERE doctor_id = :d ORDER BY checked_in_at, position',
      { replacements: { d: doc.id } },
    )) as [Array<{ position: number }>, unknown];
    expect(rows.map((r) => r.position)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
    const first = answers.find((a) => a.body.queue_position === 1)!.body;
    expect(first.token).to.match(new RegExp(`^${doc.code}-\\d{3}$`));
    const [[counter]] = (await t.app.sequelize.query('SELECT version, next_position FROM queue_counters WHERE doctor_id = :d', {
      replacements: { d: doc.id },
    })) as [Array<{ version: string; next_position: number }>, unknown];
    expect(counter).to.deep.equal({ version: '20', next_position: 21 });
    const appt = await desk.get(`/api/v1/appointments/${appts[0].id}`).expect(200);
    expect(appt.body.status).to.equal('checked_in');
  });

  it('when a check-in is repeated, mismatched, cancelled or on another day, then 409 or 422 with its code', async () => {
    const { doc, appts } = await bookedDay(3);
    await checkIn(appts[0]).expect(201);
    expect((await checkIn(appts[0]).expect(409)).body.error).to.equal('ALREADY_CHECKED_IN');
    expect(
      (await desk.post('/api/v1/checkins').send({ appointment_id: appts[1].id, patient_id: appts[2].patient_id }).expect(422)).body.error,
    ).to.equal('PATIENT_MISMATCH');
    await desk.post(`/api/v1/appointments/${appts[1].id}/cancel`).send({}).expect(200);
    expect((await checkIn(appts[1]).expect(409)).body.error).to.equal('APPOINTMENT_CANCELLED');
    const [p] = await newPatients(desk, 1);
    const tomorrow = (
      await desk
        .post('/api/v1/appointments')
        .send({ patient_id: p, doctor_id: doc.id, date: dayFromToday(1) })
        .expect(201)
    ).body;
    expect((await checkIn(tomorrow).expect(422)).body.error).to.equal('NOT_APPOINTMENT_DAY');
    await desk.post('/api/v1/checkins').send({ appointment_id: '6f1c1d5e-0000-4000-8000-000000000000', patient_id: p }).expect(404);
  });

  it('when two clerks press call-next at once, then two different patients are called; an empty queue is 409', async () => {
    const { doc, appts } = await bookedDay(2);
    for (const a of appts) await checkIn(a).expect(201);
    const [x, y] = await Promise.all([0, 1].map(() => desk.post(`/api/v1/doctors/${doc.id}/queue/call-next`).query({ date: today })));
    expect([x.status, y.status]).to.deep.equal([200, 200]);
    expect(x.body.queue_entry_id).not.to.equal(y.body.queue_entry_id);
    expect([x.body.position, y.body.position].sort()).to.deep.equal([1, 2]);
    const empty = await desk.post(`/api/v1/doctors/${doc.id}/queue/call-next`).expect(409);
    expect(empty.body.error).to.equal('QUEUE_EMPTY');
  });

  it('when a patient is served, skipped, recalled and requeued, then entry and appointment follow', async () => {
    const { doc, appts } = await bookedDay(3);
    const entries = [];
    for (const a of appts) entries.push((await checkIn(a).expect(201)).body);
    const called = (await desk.post(`/api/v1/doctors/${doc.id}/queue/call-next`).expect(200)).body;
    expect(called).to.include({ queue_entry_id: entries[0].queue_entry_id, status: 'called' });
    await desk.post(`/api/v1/queue-entries/${called.queue_entry_id}/recall`).send({}).expect(200);
    await desk.post(`/api/v1/queue-entries/${called.queue_entry_id}/serve`).send({}).expect(200);
    expect((await desk.get(`/api/v1/appointments/${appts[0].id}`)).body.status).to.equal('completed');
    expect((await desk.post(`/api/v1/queue-entries/${called.queue_entry_id}/serve`).send({}).expect(409)).body.error).to.equal(
      'INVALID_TRANSITION',
    );
    await desk.post(`/api/v1/queue-entries/${entries[1].queue_entry_id}/skip`).send({}).expect(200);
    expect((await desk.get(`/api/v1/appointments/${appts[1].id}`)).body.status).to.equal('no_show');
    const requeued = await desk.post(`/api/v1/queue-entries/${entries[1].queue_entry_id}/requeue`).send({}).expect(200);
    expect(requeued.body).to.include({ status: 'waiting', position: 4 });
    expect((await desk.get(`/api/v1/appointments/${appts[1].id}`)).body.status).to.equal('checked_in');
    const view = (await desk.get(`/api/v1/doctors/${doc.id}/queue`).expect(200)).body;
    expect(view.waiting.map((e: { position: number }) => e.position)).to.deep.equal([3, 4]);
    expect(view.waiting[0].patient.first_name).to.be.a('string');
    expect(view).to.include({ served_count: 1, version: 8, now_serving: null });
    const events = (await desk.get(`/api/v1/doctors/${doc.id}/queue/events`).query({ since_version: 5 }).expect(200)).body;
    expect(events.events.map((e: { version: number; type: string }) => `${e.version}:${e.type}`)).to.deep.equal([
      '6:served',
      '7:skipped',
      '8:requeued',
    ]);
    await desk.post('/api/v1/queue-entries/6f1c1d5e-0000-4000-8000-000000000000/serve').send({}).expect(404);
  });

  it('when a walk-in arrives, then it is booked today and checked in at once; a full day refuses it', async () => {
    const doc = await newDoctor(admin, 1);
    const [p, q] = await newPatients(desk, 2);
    const res = await desk.post('/api/v1/walk-ins').send({ patient_id: p, doctor_id: doc.id }).expect(201);
    expect(res.body).to.include({ queue_position: 1, date: today, doctor_id: doc.id });
    expect(res.body.appointment).to.include({ slot: 1, status: 'checked_in', is_walk_in: true });
    expect((await desk.post('/api/v1/walk-ins').send({ patient_id: q, doctor_id: doc.id }).expect(409)).body.error).to.equal(
      'CAPACITY_FULL',
    );
    const [[c]] = (await t.app.sequelize.query('SELECT version FROM queue_counters WHERE doctor_id = :d', {
      replacements: { d: doc.id },
    })) as [Array<{ version: string }>, unknown];
    expect(c.version).to.equal('1');
  });

  it('when a walk-in is retried with the same Idempotency-Key, then the first answer is replayed and one patient is booked', async () => {
    const doc = await newDoctor(admin, 5);
    const [p] = await newPatients(desk, 1);
    const key = `walkin-${doc.id}`;
    const [a, b] = await Promise.all(
      [0, 1].map(() => desk.post('/api/v1/walk-ins').set('Idempotency-Key', key).send({ patient_id: p, doctor_id: doc.id })),
    );
    expect([a.status, b.status]).to.deep.equal([201, 201]);
    expect(b.body).to.deep.equal(a.body);
    expect([a.headers['idempotent-replayed'], b.headers['idempotent-replayed']].filter(Boolean)).to.deep.equal(['true']);
    const again = await desk.post('/api/v1/walk-ins').send({ patient_id: p, doctor_id: doc.id, idempotency_key: key }).expect(201);
    expect(again.body).to.deep.equal(a.body);
    const [[n]] = (await t.app.sequelize.query(
      'SELECT count(*)::int AS appts, (SELECT count(*)::int FROM queue_entries WHERE doctor_id = :d) AS entries FROM appointments WHERE doctor_id = :d',
      { replacements: { d: doc.id } },
    )) as [Array<{ appts: number; entries: number }>, unknown];
    expect(n).to.deep.equal({ appts: 1, entries: 1 });
    const [q] = await newPatients(desk, 1);
    const reused = await desk.post('/api/v1/walk-ins').set('Idempotency-Key', key).send({ patient_id: q, doctor_id: doc.id }).expect(422);
    expect(reused.body.error).to.equal('IDEMPOTENCY_KEY_REUSED');
  });

  it('when a checked-in patient is marked a no-show, then their queue entry is skipped with them (and requeue brings both back)', async () => {
    const { doc, appts } = await bookedDay(2);
    const first = (await checkIn(appts[0]).expect(201)).body;
    await checkIn(appts[1]).expect(201);
    const marked = await desk.post(`/api/v1/appointments/${appts[0].id}/no-show`).send({ reason: 'left the waiting room' }).expect(200);
    expect(marked.body).to.include({ id: appts[0].id, status: 'no_show' });
    const view = (await desk.get(`/api/v1/doctors/${doc.id}/queue`).expect(200)).body;
    expect(view.waiting.map((e: { position: number }) => e.position)).to.deep.equal([2]);
    const events = (await desk.get(`/api/v1/doctors/${doc.id}/queue/events`).query({ since_version: 2 }).expect(200)).body.events;
    expect(
      events.map((e: { version: number; type: string; entry: { token: string } }) => `${e.version}:${e.type}:${e.entry.token}`),
    ).to.deep.equal([`3:skipped:${doc.code}-001`]);
    const history = (await desk.get(`/api/v1/appointments/${appts[0].id}/history`).expect(200)).body.events;
    expect(history.at(-1)).to.include({ from_status: 'checked_in', to_status: 'no_show', reason: 'left the waiting room' });
    const back = await desk.post(`/api/v1/queue-entries/${first.queue_entry_id}/requeue`).send({}).expect(200);
    expect(back.body.appointment).to.include({ status: 'checked_in' });
    // a booked (not yet arrived) patient is a plain no-show: no queue event
    const [p] = await newPatients(desk, 1);
    const later = (await desk.post('/api/v1/appointments').send({ patient_id: p, doctor_id: doc.id, date: today }).expect(201)).body;
    await desk.post(`/api/v1/appointments/${later.id}/no-show`).send({}).expect(200);
    expect((await desk.get(`/api/v1/doctors/${doc.id}/queue`).expect(200)).body.version).to.equal(4);
  });
});

describe('live queue over Socket.IO', () => {
  let t: TestApp;
  let admin: Agent;
  let desk: Agent;
  const today = dayFromToday(0);
  before(async () => {
    t = await startTestApp({ HEARTBEAT_INTERVAL_MS: '300', RELAY_INTERVAL_MS: '200' });
    admin = await t.as('admin');
    desk = await t.as('reception');
  });
  after(async () => {
    await t.stop();
  });

  async function dayWith(n: number) {
    const doc = await newDoctor(admin, Math.max(n, 10));
    const patients = [];
    const appts = [];
    for (let i = 0; i < n; i++) {
      const body = buildPatient({ age: 77 });
      const p = (await desk.post('/api/v1/patients').send(body).expect(201)).body;
      patients.push(p);
      appts.push((await desk.post('/api/v1/appointments').send({ patient_id: p.id, doctor_id: doc.id, date: today }).expect(201)).body);
    }
    return { doc, patients, appts };
  }
  const checkIn = (a: { id: string; patient_id: string }) =>
    desk.post('/api/v1/checkins').send({ appointment_id: a.id, patient_id: a.patient_id }).expect(201);

  it('when a screen subscribes, then it gets every event of its room in version order and none of another room', async () => {
    const a = await dayWith(4);
    const b = await dayWith(1);
    const client = await connectClient(t.baseUrl, await t.screenToken([a.doc.id]));
    try {
      const sub = await subscribe(client, a.doc.id);
      expect(sub.snapshot).to.include({ version: 0, doctor_id: a.doc.id, date: today, doctor_code: a.doc.code });
      expect(sub.clinic_timezone).to.equal('UTC');
      const events = collect(client);
      for (const appt of a.appts) await checkIn(appt);
      await checkIn(b.appts[0]);
      await desk.post(`/api/v1/doctors/${a.doc.id}/queue/call-next`).expect(200);
      await waitFor(() => events.length >= 5, 3000, '5 events');
      await new Promise((r) => setTimeout(r, 100));
      expect(events.map((e) => e.version)).to.deep.equal([1, 2, 3, 4, 5]);
      expect(events.every((e) => e.doctor_id === a.doc.id)).to.equal(true);
      const last = events[4];
      expect(last.type).to.equal('called');
      expect(last.snapshot.now_serving?.token).to.equal(`${a.doc.code}-001`);
      expect(last.snapshot.waiting.map((w) => w.position)).to.deep.equal([2, 3, 4]);
    } finally {
      client.close();
    }
  });

  it('when a screen was disconnected during 10 changes, then after resync it equals GET /queue', async () => {
    const { doc, appts } = await dayWith(10);
    const client = await connectClient(t.baseUrl, await t.screenToken([doc.id]));
    await subscribe(client, doc.id);
    client.close();
    for (const a of appts.slice(0, 8)) await checkIn(a);
    await desk.post(`/api/v1/doctors/${doc.id}/queue/call-next`).expect(200);
    await desk.post(`/api/v1/doctors/${doc.id}/queue/call-next`).expect(200);
    const again = await connectClient(t.baseUrl, await t.screenToken([doc.id]));
    try {
      const { snapshot } = await subscribe(again, doc.id);
      const staff = (await desk.get(`/api/v1/doctors/${doc.id}/queue`).expect(200)).body;
      expect(snapshot.version).to.equal(10).and.to.equal(staff.version);
      expect(snapshot.waiting.map((w) => w.token)).to.deep.equal(staff.waiting.map((w: { token: string }) => w.token));
      expect(snapshot.now_serving?.token).to.equal(staff.now_serving.token);
      const pub = (await desk.get(`/api/v1/doctors/${doc.id}/queue/public`).expect(200)).body;
      expect(pub).to.deep.equal(snapshot);
    } finally {
      again.close();
    }
  });

  it('when the after-commit publish is lost, then the relay still delivers the event', async () => {
    await t.stop();
    // an app that drops every after-commit publish, as if it died right after commit
    const t2 = await startTestApp({ RELAY_INTERVAL_MS: '150' }, { suppressAfterCommitPublish: true });
    try {
      const adm = await t2.as('admin');
      const rec = await t2.as('reception');
      const doc = await newDoctor(adm);
      const [p] = await newPatients(rec, 1);
      const appt = (await rec.post('/api/v1/appointments').send({ patient_id: p, doctor_id: doc.id, date: today }).expect(201)).body;
      const client = await connectClient(t2.baseUrl, await t2.screenToken([doc.id]));
      try {
        await subscribe(client, doc.id);
        const events = collect(client);
        await rec.post('/api/v1/checkins').send({ appointment_id: appt.id, patient_id: p }).expect(201);
        await waitFor(() => events.length === 1, 3000, 'relayed event');
        expect(events[0]).to.include({ version: 1, type: 'checked_in' });
      } finally {
        client.close();
      }
    } finally {
      await t2.stop();
      t = await startTestApp({ HEARTBEAT_INTERVAL_MS: '300', RELAY_INTERVAL_MS: '200' });
      admin = await t.as('admin');
      desk = await t.as('reception');
    }
  });

  it('when a send to the adapter fails, then the event stays unpublished and goes out on the next run, in order', async () => {
    const { doc, appts } = await dayWith(2);
    const client = await connectClient(t.baseUrl, await t.screenToken([doc.id]));
    const adapter = t.app.io.of('/').adapter as unknown as { broadcast: (...a: unknown[]) => unknown };
    const real = adapter.broadcast;
    let failures = 0;
    try {
      await subscribe(client, doc.id);
      const events = collect(client);
      adapter.broadcast = function (this: unknown, ...args: unknown[]) {
        const event = (args[0] as { data?: unknown[] }).data?.[0];
        if (event === 'queue:updated' && failures < 5) {
          failures++;
          throw new Error('adapter down');
        }
        return real.apply(this, args);
      };
      await checkIn(appts[0]);
      await checkIn(appts[1]);
      await waitFor(() => failures >= 1, 3000, 'a failed send');
      const [[row]] = (await t.app.sequelize.query(
        'SELECT count(*)::int AS n FROM queue_events WHERE doctor_id = :d AND published_at IS NULL',
        { replacements: { d: doc.id } },
      )) as [Array<{ n: number }>, unknown];
      expect(row.n, 'not marked published while unsent').to.be.greaterThan(0);
      await waitFor(() => events.length >= 2, 5000, 'both events after the adapter recovers');
      expect(events.map((e) => e.version)).to.deep.equal([1, 2]);
      const [[after]] = (await t.app.sequelize.query(
        'SELECT count(*)::int AS n FROM queue_events WHERE doctor_id = :d AND published_at IS NULL',
        { replacements: { d: doc.id } },
      )) as [Array<{ n: number }>, unknown];
      expect(after.n).to.equal(0);
    } finally {
      adapter.broadcast = real;
      client.close();
    }
  });

  it('when every kind of queue event goes out, then no public payload carries a name, phone, age or patient id', async () => {
    const { doc, patients, appts } = await dayWith(2);
    const client = await connectClient(t.baseUrl, await t.screenToken([doc.id]));
    try {
      const sub = await subscribe(client, doc.id);
      const events = collect(client);
      const heartbeats: unknown[] = [];
      client.on('queue:heartbeat', (h) => heartbeats.push(h));
      const e1 = (await checkIn(appts[0])).body;
      const e2 = (await checkIn(appts[1])).body;
      await desk.post(`/api/v1/doctors/${doc.id}/queue/call-next`).expect(200);
      await desk.post(`/api/v1/queue-entries/${e1.queue_entry_id}/recall`).send({}).expect(200);
      await desk.post(`/api/v1/queue-entries/${e1.queue_entry_id}/serve`).send({}).expect(200);
      await desk.post(`/api/v1/queue-entries/${e2.queue_entry_id}/skip`).send({}).expect(200);
      await desk.post(`/api/v1/queue-entries/${e2.queue_entry_id}/requeue`).send({}).expect(200);
      await waitFor(() => events.length === 7 && heartbeats.length > 0, 3000, '7 events and a heartbeat');
      expect(events.map((e) => e.type)).to.deep.equal(['checked_in', 'checked_in', 'called', 'recalled', 'served', 'skipped', 'requeued']);
      const pub = (await desk.get(`/api/v1/doctors/${doc.id}/queue/public`).expect(200)).body;
      const stored = (await desk.get(`/api/v1/doctors/${doc.id}/queue/events`).expect(200)).body;
      const everything = JSON.stringify([sub, events, heartbeats, pub, stored]);
      for (const p of patients) {
        for (const secret of [p.first_name, p.last_name, p.phone, p.phone.slice(3), p.id]) expect(everything).not.to.include(secret);
      }
      expect(everything).not.to.match(/"(age|first_name|last_name|phone|patient_id|patient)"/);
    } finally {
      client.close();
    }
  });

  it('when a screen token asks for another doctor, or a bad payload comes, then the ack is an error', async () => {
    const a = await newDoctor(admin);
    const b = await newDoctor(admin);
    const client = await connectClient(t.baseUrl, await t.screenToken([a.id]));
    try {
      const err = await subscribe(client, b.id).catch((e) => e);
      expect(err.code).to.equal('FORBIDDEN');
      const bad = await subscribe(client, 'nope').catch((e) => e);
      expect(bad.code).to.equal('VALIDATION_ERROR');
    } finally {
      client.close();
    }
  });
});

describe('request id end to end', () => {
  it('when a check-in is made with X-Request-Id, then the emitted queue event is logged with that id', async () => {
    const t = await startTestApp();
    try {
      const admin = await t.as('admin');
      const desk = await t.as('reception');
      const doc = await newDoctor(admin);
      const [p] = await newPatients(desk, 1);
      const appt = (
        await desk
          .post('/api/v1/appointments')
          .send({ patient_id: p, doctor_id: doc.id, date: dayFromToday(0) })
          .expect(201)
      ).body;
      await desk
        .post('/api/v1/checkins')
        .set('X-Request-Id', 'desk-3-checkin-42')
        .send({ appointment_id: appt.id, patient_id: p })
        .expect(201);
      await waitFor(
        () => t.logs.lines.some((l) => l.includes('queue:updated emitted') && l.includes('desk-3-checkin-42')),
        3000,
        'the emit log line',
      );
      const line = JSON.parse(t.logs.lines.find((l) => l.includes('queue:updated emitted') && l.includes('desk-3-checkin-42'))!);
      expect(line).to.include({ doctor_id: doc.id, version: 1, type: 'checked_in' });
    } finally {
      await t.stop();
    }
  });
});
