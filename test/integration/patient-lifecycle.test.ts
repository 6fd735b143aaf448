import { expect } from 'chai';
import type { Transaction } from 'sequelize';
import { startTestApp, type Agent, type TestApp } from '../support/app';
import { newDoctor, newPatients } from '../support/booking';
import { buildPatient, dayFromToday } from '../support/factories';

describe('patient record and deactivation', () => {
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

  /** Waits until a backend waits on a lock while running a statement that contains `fragment`. */
  async function blockedOn(fragment: string): Promise<void> {
    const end = Date.now() + 5000;
    for (;;) {
      const [[row]] = (await t.app.sequelize.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE :q`,
        { replacements: { q: `%${fragment}%` } },
      )) as [Array<{ n: number }>, unknown];
      if (row.n >= 1) return;
      if (Date.now() > end) throw new Error(`timed out waiting for a statement with ${fragment} to block`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  describe('patient fields', () => {
    it('when a patient is registered with gender and date of birth, then the age is derived and every old field is still answered', async () => {
      const res = await desk
        .post('/api/v1/patients')
        .send(buildPatient({ age: undefined, gender: 'female', date_of_birth: '1961-07-23' }))
        .expect(201);
      const today = new Date().toISOString().slice(0, 10);
      const [y, m, d] = today.split('-').map(Number);
      const age = y - 1961 - (m < 7 || (m === 7 && d < 23) ? 1 : 0);
      expect(res.body).to.include({ gender: 'female', date_of_birth: '1961-07-23', age, deactivated_at: null, erased_at: null });
      for (const k of ['id', 'first_name', 'last_name', 'phone', 'email', 'created_at', 'updated_at']) expect(res.body).to.have.property(k);
      expect((await desk.get(`/api/v1/patients/${res.body.id}`).expect(200)).body).to.deep.equal(res.body);
    });

    it('when only an age is given (the old way), then it is stored and answered as before, gender and date of birth null', async () => {
      const res = await desk
        .post('/api/v1/patients')
        .send(buildPatient({ age: 52 }))
        .expect(201);
      expect(res.body).to.include({ age: 52, gender: null, date_of_birth: null });
      const patched = await desk.patch(`/api/v1/patients/${res.body.id}`).send({ age: 53 }).expect(200);
      expect(patched.body.age).to.equal(53);
    });

    it('when gender or date of birth are invalid, or the age disagrees with the date of birth, then 400 on that field', async () => {
      const path = async (body: Record<string, unknown>) =>
        (await desk.post('/api/v1/patients').send(buildPatient(body)).expect(400)).body.details.map((x: { path: string }) => x.path);
      expect(await path({ gender: 'F' })).to.deep.equal(['body.gender']);
      expect(await path({ date_of_birth: '1899-12-31' })).to.deep.equal(['body.date_of_birth']);
      expect(await path({ date_of_birth: '1990-02-30' })).to.deep.equal(['body.date_of_birth']);
      expect(await path({ age: undefined, date_of_birth: dayFromToday(1) })).to.deep.equal(['body.date_of_birth']);
      expect(await path({ age: 3, date_of_birth: '1990-01-01' })).to.deep.equal(['body.age']);
      const p = (
        await desk
          .post('/api/v1/patients')
          .send(buildPatient({ age: undefined, date_of_birth: '2000-01-01' }))
          .expect(201)
      ).body;
      const bad = await desk.patch(`/api/v1/patients/${p.id}`).send({ age: 3 }).expect(400);
      expect(bad.body.details[0].path).to.equal('body.age');
      const cleared = await desk.patch(`/api/v1/patients/${p.id}`).send({ date_of_birth: null, gender: 'unknown' }).expect(200);
      expect(cleared.body).to.include({ date_of_birth: null, gender: 'unknown', age: p.age });
    });
  });

  describe('patients', () => {
    it('when a patient has upcoming appointments, then deactivation is 409 listing them (at most 50, with the total)', async () => {
      const doc = await newDoctor(admin, 10);
      const [p] = await newPatients(desk, 1);
      await t.app.sequelize.query(
        `INSERT INTO appointments (patient_id, doctor_id, date, slot)
         SELECT :p, :d, current_date + g, 1 FROM generate_series(0, 50) g`,
        { replacements: { p, d: doc.id } },
      );
      await t.app.sequelize.query(
        `INSERT INTO appointments (patient_id, doctor_id, date, slot, status) VALUES (:p, :d, current_date - 1, 1, 'booked')`,
        {
          replacements: { p, d: doc.id },
        },
      );
      const res = await desk.post(`/api/v1/patients/${p}/deactivate`).expect(409);
      expect(res.body.error).to.equal('HAS_UPCOMING_APPOINTMENTS');
      expect(res.body.details.total).to.equal(51);
      expect(res.body.details.appointments).to.have.length(50);
      expect(res.body.details.appointments[0]).to.have.keys(['id', 'date', 'doctor_id', 'slot']);
      expect(res.body.details.appointments[0]).to.include({ date: dayFromToday(0), doctor_id: doc.id, slot: 1 });
      expect((await desk.get(`/api/v1/patients/${p}`).expect(200)).body.deactivated_at).to.equal(null);
    });

    it('when a patient without upcoming appointments is deactivated, then not bookable, not found by default, and reactivation undoes it', async () => {
      const doc = await newDoctor(admin, 10);
      const body = buildPatient();
      const p = (await desk.post('/api/v1/patients').send(body).expect(201)).body;
      const booked = (
        await desk
          .post('/api/v1/appointments')
          .send({ patient_id: p.id, doctor_id: doc.id, date: dayFromToday(2) })
          .expect(201)
      ).body;
      await desk.post(`/api/v1/appointments/${booked.id}/cancel`).send({}).expect(200);

      const off = await desk.post(`/api/v1/patients/${p.id}/deactivate`).expect(200);
      expect(off.body.deactivated_at).to.be.a('string');
      expect((await desk.post(`/api/v1/patients/${p.id}/deactivate`).send({}).expect(200)).body.deactivated_at).to.equal(
        off.body.deactivated_at,
      );
      const refused = await desk
        .post('/api/v1/appointments')
        .send({ patient_id: p.id, doctor_id: doc.id, date: dayFromToday(3) })
        .expect(422);
      expect(refused.body.error).to.equal('PATIENT_INACTIVE');
      expect((await desk.post('/api/v1/walk-ins').send({ patient_id: p.id, doctor_id: doc.id }).expect(422)).body.error).to.equal(
        'PATIENT_INACTIVE',
      );
      expect((await desk.get('/api/v1/patients').query({ phone: body.phone }).expect(200)).body.total).to.equal(0);
      const all = await desk.get('/api/v1/patients').query({ phone: body.phone, include_inactive: true }).expect(200);
      expect(all.body.data.map((x: { id: string }) => x.id)).to.deep.equal([p.id]);

      const on = await desk.post(`/api/v1/patients/${p.id}/reactivate`).expect(200);
      expect(on.body.deactivated_at).to.equal(null);
      await desk
        .post('/api/v1/appointments')
        .send({ patient_id: p.id, doctor_id: doc.id, date: dayFromToday(3) })
        .expect(201);
      await desk.post('/api/v1/patients/6f1c1d5e-0000-4000-8000-000000000000/deactivate').expect(404);
      await desk.post(`/api/v1/patients/${p.id}/deactivate`).send({ now: true }).expect(400);
    });

    it('when a deactivation holds the patient row while a booking runs, then the booking waits and is refused (422 PATIENT_INACTIVE)', async () => {
      const doc = await newDoctor(admin, 10);
      const [p] = await newPatients(desk, 1);
      const date = dayFromToday(4);
      // What the deactivation does in its transaction: lock the patient row, find no upcoming appointment, set deactivated_at.
      const tx: Transaction = await t.app.sequelize.transaction();
      await t.app.sequelize.query('SELECT 1 FROM patients WHERE id = :p FOR UPDATE', { replacements: { p }, transaction: tx });
      await t.app.sequelize.query('UPDATE patients SET deactivated_at = now() WHERE id = :p', { replacements: { p }, transaction: tx });
      const booking = desk
        .post('/api/v1/appointments')
        .send({ patient_id: p, doctor_id: doc.id, date })
        .then((r) => r);
      try {
        await blockedOn('FOR KEY SHARE');
      } finally {
        await tx.commit();
      }
      const res = await booking;
      expect(res.status, JSON.stringify(res.body)).to.equal(422);
      expect(res.body.error).to.equal('PATIENT_INACTIVE');
      const [[n]] = (await t.app.sequelize.query('SELECT count(*)::int AS n FROM appointments WHERE patient_id = :p', {
        replacements: { p },
      })) as [Array<{ n: number }>, unknown];
      expect(n.n).to.equal(0);
    });
  });

  describe('doctors', () => {
    it('when a doctor has an active appointment today or later, then deactivation is 409 listing it; PATCH is_active still works as before', async () => {
      const doc = await newDoctor(admin, 10);
      const [p] = await newPatients(desk, 1);
      const a = (
        await desk
          .post('/api/v1/appointments')
          .send({ patient_id: p, doctor_id: doc.id, date: dayFromToday(1) })
          .expect(201)
      ).body;
      const res = await admin.post(`/api/v1/doctors/${doc.id}/deactivate`).expect(409);
      expect(res.body.error).to.equal('HAS_UPCOMING_APPOINTMENTS');
      expect(res.body.details).to.deep.equal({ total: 1, appointments: [{ id: a.id, date: dayFromToday(1), doctor_id: doc.id, slot: 1 }] });
      expect((await admin.get(`/api/v1/doctors/${doc.id}`).expect(200)).body.is_active).to.equal(true);
      expect((await admin.patch(`/api/v1/doctors/${doc.id}`).send({ is_active: false }).expect(200)).body.is_active).to.equal(false);
      expect((await admin.post(`/api/v1/doctors/${doc.id}/reactivate`).expect(200)).body.is_active).to.equal(true);
      await desk.post('/api/v1/doctors/00000000-0000-4000-8000-000000000000/deactivate').expect(403);
      await admin.post('/api/v1/doctors/00000000-0000-4000-8000-000000000000/deactivate').expect(404);
    });

    it('when the doctor has only past or finished appointments, then deactivation succeeds, bookings are refused, and reactivation reopens them', async () => {
      const doc = await newDoctor(admin, 10);
      const [p, q] = await newPatients(desk, 2);
      const a = (
        await desk
          .post('/api/v1/appointments')
          .send({ patient_id: p, doctor_id: doc.id, date: dayFromToday(0) })
          .expect(201)
      ).body;
      await desk.post(`/api/v1/appointments/${a.id}/no-show`).send({}).expect(200);
      await t.app.sequelize.query(`INSERT INTO appointments (patient_id, doctor_id, date, slot) VALUES (:q, :d, current_date - 3, 1)`, {
        replacements: { q, d: doc.id },
      });
      const off = await admin.post(`/api/v1/doctors/${doc.id}/deactivate`).expect(200);
      expect(off.body.is_active).to.equal(false);
      const refused = await desk
        .post('/api/v1/appointments')
        .send({ patient_id: q, doctor_id: doc.id, date: dayFromToday(1) })
        .expect(422);
      expect(refused.body.error).to.equal('DOCTOR_INACTIVE');
      await admin.post(`/api/v1/doctors/${doc.id}/deactivate`).expect(200);
      await admin.post(`/api/v1/doctors/${doc.id}/reactivate`).expect(200);
      await desk
        .post('/api/v1/appointments')
        .send({ patient_id: q, doctor_id: doc.id, date: dayFromToday(1) })
        .expect(201);
    });

    it('when a booking holds a day of the doctor while deactivation runs, then deactivation waits and sees it (409)', async () => {
      const doc = await newDoctor(admin, 10);
      const [p, q] = await newPatients(desk, 2);
      const date = dayFromToday(5);
      // the day gets its capacity row (booked, then cancelled): a booking in flight holds that row
      const first = (await desk.post('/api/v1/appointments').send({ patient_id: p, doctor_id: doc.id, date }).expect(201)).body;
      await desk.post(`/api/v1/appointments/${first.id}/cancel`).send({}).expect(200);
      // A booking in flight: it holds the day's capacity row and inserts its appointment before committing.
      const tx: Transaction = await t.app.sequelize.transaction();
      await t.app.sequelize.query('SELECT 1 FROM doctor_day_capacity WHERE doctor_id = :d AND date = :date FOR UPDATE', {
        replacements: { d: doc.id, date },
        transaction: tx,
      });
      const deactivation = admin
        .post(`/api/v1/doctors/${doc.id}/deactivate`)
        .send({})
        .then((r) => r);
      try {
        await blockedOn('doctor_day_capacity');
        await t.app.sequelize.query(`INSERT INTO appointments (patient_id, doctor_id, date, slot) VALUES (:q, :d, :date, 2)`, {
          replacements: { q, d: doc.id, date },
          transaction: tx,
        });
      } finally {
        await tx.commit();
      }
      const res = await deactivation;
      expect(res.status).to.equal(409);
      expect(res.body.details.total).to.equal(1);
      expect((await admin.get(`/api/v1/doctors/${doc.id}`).expect(200)).body.is_active).to.equal(true);
    });
  });
});
