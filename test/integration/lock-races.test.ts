import { expect } from 'chai';
import type { Transaction } from 'sequelize';
import { startTestApp, type Agent, type TestApp } from '../support/app';
import { dayFromToday } from '../support/factories';
import { dayInvariant, newDoctor, newPatients } from '../support/booking';

/**
 * Races between a request's first (unlocked) read and the lock it then waits for. Each test makes the
 * interleaving happen on purpose: a transaction of the test holds the row lock the request needs, the test
 * waits until PostgreSQL shows the request blocked on it, changes what the request read, and lets go.
 */
describe('races between the first read and the lock', () => {
  let t: TestApp;
  let admin: Agent;
  let desk: Agent;
  before(async () => {
    t = await startTestApp();
    admin = await t.as('admin');
    desk = await t.as('reception');
  });
  after(async () => {
    await t.stop();
  });

  /** Waits until `n` backends wait on a lock while running a statement that mentions `table`. */
  async function blockedOn(table: string, n: number): Promise<void> {
    const end = Date.now() + 5000;
    for (;;) {
      const [[row]] = (await t.app.sequelize.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE :q`,
        { replacements: { q: `%${table}%` } },
      )) as [Array<{ n: number }>, unknown];
      if (row.n >= n) return;
      if (Date.now() > end) throw new Error(`timed out: ${row.n} of ${n} requests blocked on ${table}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Opens a transaction of the test's own and locks `sql`'s rows in it. */
  async function holdLock(sql: string, replacements: Record<string, unknown>): Promise<Transaction> {
    const tx = await t.app.sequelize.transaction();
    await t.app.sequelize.query(sql, { replacements, transaction: tx });
    return tx;
  }

  it('when the day is marked absent while bookings wait on its capacity row, then none of them books (422 DOCTOR_UNAVAILABLE)', async () => {
    const date = dayFromToday(3);
    const doc = await newDoctor(admin, 10);
    const patients = await newPatients(desk, 4);
    await desk.post('/api/v1/appointments').send({ patient_id: patients[0], doctor_id: doc.id, date }).expect(201);
    const tx = await holdLock('SELECT 1 FROM doctor_day_capacity WHERE doctor_id = :d AND date = :date FOR UPDATE', { d: doc.id, date });
    const waiting = patients.slice(1).map((p) =>
      desk
        .post('/api/v1/appointments')
        .send({ patient_id: p, doctor_id: doc.id, date })
        .then((r) => r),
    );
    try {
      await blockedOn('doctor_day_capacity', 3);
      // what PUT /availability does under this lock
      await t.app.sequelize.query(
        `INSERT INTO doctor_availability (doctor_id, date, is_present) VALUES (:d, :date, false)
         ON CONFLICT (doctor_id, date) DO UPDATE SET is_present = false`,
        { replacements: { d: doc.id, date }, transaction: tx },
      );
    } finally {
      await tx.commit();
    }
    const answers = await Promise.all(waiting);
    expect(answers.map((r) => `${r.status} ${r.body.error}`)).to.deep.equal(Array(3).fill('422 DOCTOR_UNAVAILABLE'));
    expect(await dayInvariant(t, doc.id, date)).to.include({ booked_count: 1, active: 1 });
  });

  it("when availability changes while a day's first bookings race it, then the capacity row always ends at the new capacity", async () => {
    const doc = await newDoctor(admin, 10);
    const patients = await newPatients(desk, 6);
    for (let d = 10; d < 22; d++) {
      const date = dayFromToday(d);
      const put = admin
        .post(`/api/v1/doctors/${doc.id}/availability`)
        .send({ date, is_present: true, capacity: 2 })
        .then((r) => r);
      const books = patients.map((p) =>
        desk
          .post('/api/v1/appointments')
          .send({ patient_id: p, doctor_id: doc.id, date })
          .then((r) => r),
      );
      const [av, ...bookings] = await Promise.all([put, ...books]);
      const booked = bookings.filter((b) => b.status === 201).length;
      const day = await dayInvariant(t, doc.id, date);
      expect(day.booked_count, date).to.equal(booked);
      if (av.status === 409) {
        // the bookings got there first: the change was refused and the day keeps the default
        expect(av.body.error).to.equal('CAPACITY_BELOW_BOOKED');
        expect(booked).to.be.greaterThan(2);
        expect(day.capacity).to.equal(10);
      } else {
        expect(av.status, JSON.stringify(av.body)).to.be.oneOf([200, 201]);
        expect(day.capacity, `${date}: capacity row follows the availability`).to.equal(2);
        expect(booked).to.be.at.most(2);
      }
    }
  });

  it("when a doctor's default capacity change waits on a busy day, then bookings of the doctor's other days are not blocked behind it", async () => {
    const busy = dayFromToday(4);
    const doc = await newDoctor(admin, 10);
    const [p, q] = await newPatients(desk, 2);
    await desk.post('/api/v1/appointments').send({ patient_id: p, doctor_id: doc.id, date: busy }).expect(201);
    const tx = await holdLock('SELECT 1 FROM doctor_day_capacity WHERE doctor_id = :d AND date = :date FOR UPDATE', {
      d: doc.id,
      date: busy,
    });
    let patch: Promise<{ status: number }> | undefined;
    try {
      patch = admin
        .patch(`/api/v1/doctors/${doc.id}`)
        .send({ default_daily_capacity: 12 })
        .then((r) => r);
      await blockedOn('doctor_day_capacity', 1);
      // The PATCH holds the doctor row. A booking of another day inserts rows that reference the doctor (the
      // foreign-key check takes FOR KEY SHARE on it): that must not wait for the PATCH, or a booking holding its
      // own day's lock could deadlock with it.
      const other = await t.app.sequelize.transaction(async (tx2) => {
        await t.app.sequelize.query(`SET LOCAL lock_timeout = '500ms'`, { transaction: tx2 });
        await t.app.sequelize.query('INSERT INTO queue_counters (doctor_id, date) VALUES (:d, :date)', {
          replacements: { d: doc.id, date: dayFromToday(40) },
          transaction: tx2,
        });
        return 'inserted';
      });
      expect(other).to.equal('inserted');
    } finally {
      await tx.commit();
    }
    expect((await patch).status).to.equal(200);
    expect(await dayInvariant(t, doc.id, busy)).to.include({ capacity: 12, booked_count: 1 });
    // a day without a row yet is created with the new default
    const fresh = dayFromToday(5);
    await desk.post('/api/v1/appointments').send({ patient_id: q, doctor_id: doc.id, date: fresh }).expect(201);
    expect(await dayInvariant(t, doc.id, fresh)).to.include({ capacity: 12 });
  });

  it('when a check-in waits on an appointment that is being moved to another doctor, then it is 409 CONCURRENT_UPDATE, never 404', async () => {
    const today = dayFromToday(0);
    const docA = await newDoctor(admin, 10);
    const docB = await newDoctor(admin, 10);
    const [p] = await newPatients(desk, 1);
    const appt = (await desk.post('/api/v1/appointments').send({ patient_id: p, doctor_id: docA.id, date: today }).expect(201)).body;
    // an in-flight move holds the appointment row (as a reschedule does between its UPDATE and COMMIT)
    const move = await holdLock('UPDATE appointments SET doctor_id = :b WHERE id = :id', { b: docB.id, id: appt.id });
    const checkIn = desk
      .post('/api/v1/checkins')
      .send({ appointment_id: appt.id, patient_id: p })
      .then((r) => r);
    try {
      await blockedOn('FROM appointments a', 1);
    } finally {
      await move.commit();
    }
    const res = await checkIn;
    expect(res.status, JSON.stringify(res.body)).to.equal(409);
    expect(res.body).to.include({ error: 'CONCURRENT_UPDATE' });
    expect(res.body.details).to.include({ doctor_id: docB.id });
  });

  it('when an appointment is rescheduled while its check-in waits on the queue counter, then the check-in is 409 CONCURRENT_UPDATE', async () => {
    const today = dayFromToday(0);
    const doc = await newDoctor(admin, 10);
    const [p] = await newPatients(desk, 1);
    const appt = (await desk.post('/api/v1/appointments').send({ patient_id: p, doctor_id: doc.id, date: today }).expect(201)).body;
    await t.app.sequelize.query('INSERT INTO queue_counters (doctor_id, date) VALUES (:d, :date)', {
      replacements: { d: doc.id, date: today },
    });
    const tx = await holdLock('SELECT 1 FROM queue_counters WHERE doctor_id = :d AND date = :date FOR UPDATE', { d: doc.id, date: today });
    const checkIn = desk
      .post('/api/v1/checkins')
      .send({ appointment_id: appt.id, patient_id: p })
      .then((r) => r);
    try {
      await blockedOn('queue_counters', 1);
      await desk
        .post(`/api/v1/appointments/${appt.id}/reschedule`)
        .send({ date: dayFromToday(1) })
        .expect(200);
    } finally {
      await tx.commit();
    }
    const res = await checkIn;
    expect(res.status, JSON.stringify(res.body)).to.equal(409);
    expect(res.body.error).to.equal('CONCURRENT_UPDATE');
    const moved = (await desk.get(`/api/v1/appointments/${appt.id}`).expect(200)).body;
    expect(moved).to.include({ status: 'booked', date: dayFromToday(1) });
    const [[n]] = (await t.app.sequelize.query('SELECT count(*)::int AS n FROM queue_entries WHERE appointment_id = :id', {
      replacements: { id: appt.id },
    })) as [Array<{ n: number }>, unknown];
    expect(n.n).to.equal(0);
  });
});
