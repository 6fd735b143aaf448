import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { startTestApp, type Agent, type TestApp } from '../support/app';
import { dayFromToday } from '../support/factories';
import { dayInvariant, newDoctor, newPatients } from '../support/booking';
import { waitingRank, type Priority } from '../../server/queue/waiting-order';

/**
 * The desk's hard days in the queue (issue 14): priority with the PRIORITY_STREAK rule, PATCH of an entry's
 * priority, transfers between two live queues (and opposite transfers at once), completion without the queue and
 * its race with call-next. Every outcome is checked against the database.
 */
describe('queue: priority, transfer and completion', function () {
  this.timeout(60_000);
  let t: TestApp;
  let admin: Agent;
  let desk: Agent;
  const today = dayFromToday(0);
  before(async () => {
    t = await startTestApp({ PRIORITY_STREAK: '2' });
    admin = await t.as('admin');
    desk = await t.as('reception');
  });
  after(async () => {
    await t.stop();
  });

  const q = <T extends object>(sql: string, replacements: Record<string, unknown> = {}) =>
    t.app.sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT });

  /** A doctor with `n` patients booked today. */
  async function bookedDay(n: number, capacity = Math.max(n, 10)) {
    const doc = await newDoctor(admin, capacity);
    const appts: Array<{ id: string; patient_id: string; slot: number }> = [];
    for (const p of await newPatients(desk, n))
      appts.push((await desk.post('/api/v1/appointments').send({ patient_id: p, doctor_id: doc.id, date: today }).expect(201)).body);
    return { doc, appts };
  }
  const checkIn = (a: { id: string; patient_id: string }, priority?: Priority) =>
    desk.post('/api/v1/checkins').send({ appointment_id: a.id, patient_id: a.patient_id, ...(priority ? { priority } : {}) });
  const callNext = (doctorId: string) => desk.post(`/api/v1/doctors/${doctorId}/queue/call-next`).query({ date: today });
  const publicView = async (doctorId: string) =>
    (await desk.get(`/api/v1/doctors/${doctorId}/queue/public`).query({ date: today }).expect(200)).body;
  const version = async (doctorId: string) =>
    Number(
      (
        await q<{ version: string }>('SELECT version FROM queue_counters WHERE doctor_id = :d AND date = :date', {
          d: doctorId,
          date: today,
        })
      )[0]?.version ?? 0,
    );
  /** Per doctor-day: positions unique, outbox versions 1..version with no gap, at most one entry per appointment. */
  async function queueInvariant(doctorId: string) {
    const [row] = await q<{ entries: number; positions: number; events: number; max_version: number; version: number }>(
      `SELECT (SELECT count(*) FROM queue_entries WHERE doctor_id = :d AND date = :date)::int AS entries,
              (SELECT count(DISTINCT position) FROM queue_entries WHERE doctor_id = :d AND date = :date)::int AS positions,
              (SELECT count(*) FROM queue_events WHERE doctor_id = :d AND date = :date)::int AS events,
              (SELECT coalesce(max(version), 0) FROM queue_events WHERE doctor_id = :d AND date = :date)::int AS max_version,
              (SELECT coalesce(max(version), 0) FROM queue_counters WHERE doctor_id = :d AND date = :date)::int AS version`,
      { d: doctorId, date: today },
    );
    expect(row.positions, 'positions unique').to.equal(row.entries);
    expect(row.events, 'one event per version').to.equal(row.version);
    expect(row.max_version).to.equal(row.version);
  }

  it('when normal, priority and emergency patients wait, then call-next follows the rule (emergency, 2 priority, 1 normal, …) exactly as the screen predicted, and the screen never says why', async () => {
    const { doc, appts } = await bookedDay(9);
    const classes: Priority[] = ['normal', 'priority', 'normal', 'priority', 'priority', 'emergency', 'normal', 'priority', 'normal'];
    // PRIORITY_STREAK 2: the emergency, two priority, one normal, the other two priority, then the normals.
    const CALL_ORDER: Priority[] = ['emergency', 'priority', 'priority', 'normal', 'priority', 'priority', 'normal', 'normal', 'normal'];
    for (let i = 0; i < appts.length; i++) await checkIn(appts[i], classes[i]).expect(201);
    const tokenOf = new Map<string, Priority>();
    const staff = (await desk.get(`/api/v1/doctors/${doc.id}/queue`).query({ date: today }).expect(200)).body;
    for (const e of staff.waiting) tokenOf.set(e.token, e.priority);
    expect(staff.waiting.map((e: { priority: string }) => e.priority)).to.deep.equal(CALL_ORDER);

    const screen = await publicView(doc.id);
    const predicted = screen.waiting.map((e: { token: string }) => e.token);
    const text = JSON.stringify(screen);
    expect(text).not.to.match(/priority|emergency/);
    expect(screen.waiting.map((e: { estimated_wait_minutes: number }) => e.estimated_wait_minutes)).to.deep.equal(
      [...screen.waiting.keys()].map((i) => i * 10),
    );

    // The SQL ranks agree with the TypeScript closed form at this state.
    const ranks = await t.app.ctx.repos.queue.rankedWaiting(doc.id, today);
    const counts = { emergency: 1, priority: 4, normal: 4 };
    for (const r of ranks) expect(r.ahead).to.equal(waitingRank({ priority: r.priority, index: r.i, counts, streak: 0, limit: 2 }));

    const called: string[] = [];
    for (let i = 0; i < appts.length; i++) {
      const c = (await callNext(doc.id).expect(200)).body;
      called.push(c.token);
      // Every step: what the screen shows next is what gets called next.
      const next = (await publicView(doc.id)).waiting.map((e: { token: string }) => e.token);
      expect(next).to.deep.equal(predicted.slice(i + 1));
    }
    expect(called).to.deep.equal(predicted);
    expect(called.map((c) => tokenOf.get(c))).to.deep.equal(CALL_ORDER);
    await callNext(doc.id).expect(409);
    await queueInvariant(doc.id);
  });

  it('when staff change a waiting patient to emergency, then they go first, one version, audited; a served entry or a bad value is refused', async () => {
    const { doc, appts } = await bookedDay(3);
    const entries = [];
    for (const a of appts) entries.push((await checkIn(a).expect(201)).body);
    const before = await version(doc.id);
    const res = await desk.patch(`/api/v1/queue-entries/${entries[2].queue_entry_id}`).send({ priority: 'emergency' }).expect(200);
    expect(res.body).to.include({ priority: 'emergency', token: entries[2].token, status: 'waiting' });
    expect(await version(doc.id)).to.equal(before + 1);
    const [ev] = await q<{ type: string; payload: { snapshot: { waiting: Array<{ token: string }> } } }>(
      'SELECT type, payload FROM queue_events WHERE doctor_id = :d AND date = :date ORDER BY version DESC LIMIT 1',
      { d: doc.id, date: today },
    );
    expect(ev.type).to.equal('reordered');
    expect(ev.payload.snapshot.waiting[0].token).to.equal(entries[2].token);
    expect(JSON.stringify(ev.payload)).not.to.match(/emergency|priority/);
    const history = (await desk.get(`/api/v1/appointments/${appts[2].id}/history`).expect(200)).body;
    expect(JSON.stringify(history)).to.contain('priority changed');

    expect((await callNext(doc.id).expect(200)).body.token).to.equal(entries[2].token);
    await desk.post(`/api/v1/queue-entries/${entries[2].queue_entry_id}/serve`).send({}).expect(200);
    const refused = await desk.patch(`/api/v1/queue-entries/${entries[2].queue_entry_id}`).send({ priority: 'normal' }).expect(409);
    expect(refused.body.error).to.equal('INVALID_TRANSITION');
    await desk.patch(`/api/v1/queue-entries/${entries[0].queue_entry_id}`).send({ priority: 'urgent' }).expect(400);
    await desk.patch('/api/v1/queue-entries/6f1c1d5e-0000-4000-8000-000000000000').send({ priority: 'normal' }).expect(404);
    await queueInvariant(doc.id);
  });

  it('when a waiting patient is transferred, then they leave one live queue and join the other atomically (booked as a walk-in; keep_place orders them by their first time)', async () => {
    const a = await bookedDay(2);
    const b = await bookedDay(2);
    const first = (await checkIn(a.appts[0], 'priority').expect(201)).body; // checked in before B's two patients
    for (const x of b.appts) await checkIn(x).expect(201);
    const second = (await checkIn(a.appts[1]).expect(201)).body;
    const [va, vb] = [await version(a.doc.id), await version(b.doc.id)];

    const moved = await desk
      .post(`/api/v1/queue-entries/${first.queue_entry_id}/transfer`)
      .send({ doctor_id: b.doc.id, keep_place: true })
      .expect(201);
    expect(moved.body).to.include({ booked: true, doctor_id: b.doc.id, date: today });
    expect(moved.body.transferred_from).to.deep.equal({
      queue_entry_id: first.queue_entry_id,
      appointment_id: a.appts[0].id,
      doctor_id: a.doc.id,
      date: today,
    });
    expect([await version(a.doc.id), await version(b.doc.id)]).to.deep.equal([va + 1, vb + 1]);
    // B's screen: the transferred patient first (checked in earliest, priority kept); A's screen: gone.
    const bView = await publicView(b.doc.id);
    expect(bView.waiting.map((e: { token: string }) => e.token)[0]).to.equal(moved.body.token);
    expect((await publicView(a.doc.id)).waiting.map((e: { token: string }) => e.token)).to.deep.equal([second.token]);
    const [old] = await q<{ status: string; transferred_to: string; appt: string }>(
      'SELECT e.status, e.transferred_to, a.status AS appt FROM queue_entries e JOIN appointments a ON a.id = e.appointment_id WHERE e.id = :id',
      { id: first.queue_entry_id },
    );
    expect(old).to.deep.equal({ status: 'transferred', transferred_to: moved.body.queue_entry_id, appt: 'cancelled' });
    const [neu] = await q<{ priority: string; appt: string; is_walk_in: boolean }>(
      'SELECT e.priority, a.status AS appt, a.is_walk_in FROM queue_entries e JOIN appointments a ON a.id = e.appointment_id WHERE e.id = :id',
      { id: moved.body.queue_entry_id },
    );
    expect(neu).to.deep.equal({ priority: 'priority', appt: 'checked_in', is_walk_in: true });
    const inv = await dayInvariant(t, a.doc.id, today);
    expect(inv.booked_count, 'the slot at A is freed').to.equal(1);
    expect(inv.active).to.equal(1);
    expect((await dayInvariant(t, b.doc.id, today)).booked_count).to.equal(3);
    const audit = JSON.stringify((await desk.get(`/api/v1/appointments/${a.appts[0].id}/history`).expect(200)).body);
    expect(audit).to.contain(`transferred to ${moved.body.token}`);

    // Without keep_place: at the end. A transferred entry cannot move again; the same doctor is refused.
    const back = await desk.post(`/api/v1/queue-entries/${second.queue_entry_id}/transfer`).send({ doctor_id: b.doc.id }).expect(201);
    expect((await publicView(b.doc.id)).waiting.map((e: { token: string }) => e.token).pop()).to.equal(back.body.token);
    expect(
      (await desk.post(`/api/v1/queue-entries/${first.queue_entry_id}/transfer`).send({ doctor_id: b.doc.id }).expect(409)).body.error,
    ).to.equal('INVALID_TRANSITION');
    const same = await desk.post(`/api/v1/queue-entries/${moved.body.queue_entry_id}/transfer`).send({ doctor_id: b.doc.id }).expect(422);
    expect(same.body.error).to.equal('SAME_DOCTOR');
    await queueInvariant(a.doc.id);
    await queueInvariant(b.doc.id);
  });

  it('when the other doctor is full, then the transfer is refused with CAPACITY_FULL and nothing changes in either queue', async () => {
    const a = await bookedDay(1);
    const full = await bookedDay(1, 1);
    const e = (await checkIn(a.appts[0]).expect(201)).body;
    const [va, vb] = [await version(a.doc.id), await version(full.doc.id)];
    const res = await desk.post(`/api/v1/queue-entries/${e.queue_entry_id}/transfer`).send({ doctor_id: full.doc.id }).expect(409);
    expect(res.body.error).to.equal('CAPACITY_FULL');
    expect([await version(a.doc.id), await version(full.doc.id)]).to.deep.equal([va, vb]);
    expect((await publicView(a.doc.id)).waiting).to.have.length(1);
    expect((await dayInvariant(t, a.doc.id, today)).booked_count).to.equal(1);
  });

  it('when 6 patients move A → B while 6 move B → A at once, then every transfer commits (no deadlock) and both queues and days stay consistent', async () => {
    const a = await bookedDay(6, 20);
    const b = await bookedDay(6, 20);
    const aEntries = [];
    const bEntries = [];
    for (const x of a.appts) aEntries.push((await checkIn(x).expect(201)).body);
    for (const x of b.appts) bEntries.push((await checkIn(x).expect(201)).body);
    const answers = await Promise.all([
      ...aEntries.map((e) =>
        desk.post(`/api/v1/queue-entries/${e.queue_entry_id}/transfer`).send({ doctor_id: b.doc.id, keep_place: true }),
      ),
      ...bEntries.map((e) => desk.post(`/api/v1/queue-entries/${e.queue_entry_id}/transfer`).send({ doctor_id: a.doc.id })),
    ]);
    expect(
      answers.map((r) => r.status),
      JSON.stringify(answers.filter((r) => r.status !== 201).map((r) => r.body)),
    ).to.deep.equal(Array(12).fill(201));
    for (const doc of [a.doc, b.doc]) {
      await queueInvariant(doc.id);
      const [row] = await q<{ waiting: number; transferred: number }>(
        `SELECT count(*) FILTER (WHERE status = 'waiting')::int AS waiting, count(*) FILTER (WHERE status = 'transferred')::int AS transferred
           FROM queue_entries WHERE doctor_id = :d AND date = :date`,
        { d: doc.id, date: today },
      );
      expect(row).to.deep.equal({ waiting: 6, transferred: 6 });
      const inv = await dayInvariant(t, doc.id, today);
      expect(inv.booked_count).to.equal(6);
      expect(inv.distinct_slots).to.equal(6);
    }
    // Every patient is in exactly one live queue.
    const patients = [...a.appts, ...b.appts].map((x) => x.patient_id);
    const live = await q<{ patient_id: string; n: number }>(
      `SELECT a.patient_id, count(*)::int AS n FROM queue_entries e JOIN appointments a ON a.id = e.appointment_id
        WHERE a.patient_id IN (:patients) AND e.status = 'waiting' GROUP BY a.patient_id`,
      { patients },
    );
    expect(live).to.have.length(12);
    expect(live.every((r) => r.n === 1)).to.equal(true);
  });

  it('when a visit is completed without the queue, then booked and checked-in appointments become completed (the entry served); a future one is refused', async () => {
    const { doc, appts } = await bookedDay(3);
    const done = await desk.post(`/api/v1/appointments/${appts[0].id}/complete`).send({}).expect(200);
    expect(done.body.status).to.equal('completed');
    const e = (await checkIn(appts[1]).expect(201)).body;
    const before = await version(doc.id);
    expect((await desk.post(`/api/v1/appointments/${appts[1].id}/complete`).send({}).expect(200)).body.status).to.equal('completed');
    expect(await version(doc.id)).to.equal(before + 1);
    const [entry] = await q<{ status: string; served_at: string | null }>('SELECT status, served_at FROM queue_entries WHERE id = :id', {
      id: e.queue_entry_id,
    });
    expect(entry.status).to.equal('served');
    expect(entry.served_at).to.not.equal(null);
    expect((await publicView(doc.id)).waiting).to.have.length(0);
    expect((await desk.post(`/api/v1/appointments/${appts[1].id}/complete`).send({}).expect(409)).body.error).to.equal(
      'INVALID_TRANSITION',
    );
    const [p] = await newPatients(desk, 1);
    const later = (
      await desk
        .post('/api/v1/appointments')
        .send({ patient_id: p, doctor_id: doc.id, date: dayFromToday(2) })
        .expect(201)
    ).body;
    expect((await desk.post(`/api/v1/appointments/${later.id}/complete`).send({}).expect(422)).body.error).to.equal('NOT_APPOINTMENT_DAY');
    await desk.post(`/api/v1/appointments/${appts[2].id}/cancel`).send({}).expect(200);
    await desk.post(`/api/v1/appointments/${appts[2].id}/complete`).send({}).expect(409);
  });

  it('when completion and call-next race for the only waiting patient on 8 days, then exactly one wins each time and the queue and the appointment agree', async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < 8; i++) {
      const { doc, appts } = await bookedDay(1);
      const e = (await checkIn(appts[0]).expect(201)).body;
      // The call-next starts 0–28 ms after the completion, so both orders happen.
      const [done, call] = await Promise.all([
        desk.post(`/api/v1/appointments/${appts[0].id}/complete`).send({}),
        new Promise((r) => setTimeout(r, i * 4)).then(() => callNext(doc.id)),
      ]);
      expect(done.status).to.equal(200); // whichever is first, completion closes the entry (waiting or called)
      expect([200, 409]).to.include(call.status);
      if (call.status === 409) expect(call.body.error).to.equal('QUEUE_EMPTY');
      outcomes.push(call.status === 200 ? 'called first' : 'completed first');
      const [row] = await q<{ entry: string; appt: string; called_at: string | null }>(
        'SELECT e.status AS entry, a.status AS appt, e.called_at FROM queue_entries e JOIN appointments a ON a.id = e.appointment_id WHERE e.id = :id',
        { id: e.queue_entry_id },
      );
      expect(row.entry).to.equal('served');
      expect(row.appt).to.equal('completed');
      expect(row.called_at === null).to.equal(call.status === 409);
      await queueInvariant(doc.id);
    }
    console.log(`      completion vs call-next: ${outcomes.filter((o) => o === 'called first').length}/8 called first`);
  });
});
