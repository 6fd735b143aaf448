import { expect } from 'chai';
import { startTestApp, type Agent, type TestApp } from '../support/app';
import { dayFromToday } from '../support/factories';
import { dayInvariant, newDoctor, newPatients } from '../support/booking';

describe('booking against a doctor-day capacity', () => {
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
  const book = (patient_id: string, doctor_id: string, date: string, key?: string) => {
    const req = desk.post('/api/v1/appointments');
    if (key) req.set('Idempotency-Key', key);
    return req.send({ patient_id, doctor_id, date });
  };

  it('when 10 bookings fill a day, then the 11th gets 409 CAPACITY_FULL and slots are 1..10', async () => {
    const doc = await newDoctor(admin);
    const date = dayFromToday(3);
    const patients = await newPatients(desk, 11);
    for (let i = 0; i < 10; i++) {
      const res = await book(patients[i], doc.id, date).expect(201);
      expect(res.body).to.include({ slot: i + 1, status: 'booked', date, doctor_id: doc.id, patient_id: patients[i] });
      expect(res.body.appointment_id).to.equal(res.body.id);
    }
    const full = await book(patients[10], doc.id, date).expect(409);
    expect(full.body.error).to.equal('CAPACITY_FULL');
    const inv = await dayInvariant(t, doc.id, date);
    expect(inv).to.include({ booked_count: 10, active: 10, distinct_slots: 10 });
  });

  it('when 30 bookings race for a day of 10, then exactly 10 × 201 and 20 × 409 with slots 1..10 once each', async () => {
    const doc = await newDoctor(admin);
    const date = dayFromToday(4);
    const patients = await newPatients(desk, 30);
    const answers = await Promise.all(patients.map((p) => book(p, doc.id, date)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).to.have.length(10);
    expect(statuses.filter((s) => s === 409)).to.have.length(20);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.error === 'CAPACITY_FULL')).to.equal(true);
    const slots = answers
      .filter((a) => a.status === 201)
      .map((a) => a.body.slot)
      .sort((a, b) => a - b);
    expect(slots).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await dayInvariant(t, doc.id, date)).to.include({ booked_count: 10, active: 10, distinct_slots: 10 });
  });

  it('when 200 bookings and cancellations interleave, then booked_count equals the active appointments and slots stay unique', async () => {
    const doc = await newDoctor(admin, 60);
    const date = dayFromToday(5);
    const patients = await newPatients(desk, 140);
    const first = [];
    for (const p of patients.slice(0, 60)) first.push((await book(p, doc.id, date).expect(201)).body.id);
    const ops = [
      ...first.map((id) => () => desk.post(`/api/v1/appointments/${id}/cancel`).send({ reason: 'test' })),
      ...patients.slice(60).map((p) => () => book(p, doc.id, date)),
      ...first.slice(0, 60).map((id) => () => desk.post(`/api/v1/appointments/${id}/no-show`).send({})),
    ]
      .slice(0, 200)
      .sort(() => Math.random() - 0.5);
    const answers = await Promise.all(ops.map((op) => op()));
    expect(answers.filter((a) => a.status >= 500)).to.deep.equal([]);
    const inv = await dayInvariant(t, doc.id, date);
    expect(inv.booked_count).to.equal(inv.active);
    expect(inv.distinct_slots).to.equal(inv.active);
    expect(inv.active).to.be.at.most(60);
  });

  it('when 20 requests share one idempotency key, then one appointment exists and every answer is the 201 replay or a 409', async () => {
    const doc = await newDoctor(admin);
    const date = dayFromToday(6);
    const [p] = await newPatients(desk, 1);
    const key = `k-${Date.now()}`;
    const answers = await Promise.all(Array.from({ length: 20 }, () => book(p, doc.id, date, key)));
    const ok = answers.filter((a) => a.status === 201);
    expect(ok.length + answers.filter((a) => a.status === 409).length).to.equal(20);
    expect(ok.length).to.be.greaterThan(0);
    expect(new Set(ok.map((a) => a.body.id)).size).to.equal(1);
    expect(ok.filter((a) => a.headers['idempotent-replayed'] === 'true')).to.have.length(ok.length - 1);
    expect(await dayInvariant(t, doc.id, date)).to.include({ booked_count: 1, active: 1 });
  });

  it('when a key is replayed, then the original answer returns with Idempotent-Replayed and no capacity is used; another body is 422', async () => {
    const doc = await newDoctor(admin, 2);
    const date = dayFromToday(7);
    const [p, q] = await newPatients(desk, 2);
    const first = await desk
      .post('/api/v1/appointments')
      .send({ patient_id: p, doctor_id: doc.id, date, idempotency_key: 'body-key-1' })
      .expect(201);
    const again = await desk
      .post('/api/v1/appointments')
      .set('Idempotency-Key', 'body-key-1')
      .send({ patient_id: p, doctor_id: doc.id, date })
      .expect(201);
    expect(again.headers['idempotent-replayed']).to.equal('true');
    expect(again.body).to.deep.equal(first.body);
    expect(await dayInvariant(t, doc.id, date)).to.include({ booked_count: 1 });
    const reused = await desk
      .post('/api/v1/appointments')
      .set('Idempotency-Key', 'body-key-1')
      .send({ patient_id: q, doctor_id: doc.id, date })
      .expect(422);
    expect(reused.body.error).to.equal('IDEMPOTENCY_KEY_REUSED');
    const mismatch = await desk
      .post('/api/v1/appointments')
      .set('Idempotency-Key', 'a')
      .send({ patient_id: q, doctor_id: doc.id, date, idempotency_key: 'b' })
      .expect(400);
    expect(mismatch.body.error).to.equal('IDEMPOTENCY_KEY_MISMATCH');
    await desk
      .post('/api/v1/appointments')
      .set('Idempotency-Key', 'x'.repeat(256))
      .send({ patient_id: q, doctor_id: doc.id, date })
      .expect(400);
  });

  it('when a booking is cancelled, then the next booking reuses its slot; cancelling twice is INVALID_TRANSITION', async () => {
    const doc = await newDoctor(admin, 3);
    const date = dayFromToday(8);
    const [a, b, c, d] = await newPatients(desk, 4);
    await book(a, doc.id, date).expect(201);
    const second = (await book(b, doc.id, date).expect(201)).body;
    await book(c, doc.id, date).expect(201);
    const cancelled = await desk.post(`/api/v1/appointments/${second.id}/cancel`).send({ reason: 'patient called' }).expect(200);
    expect(cancelled.body.status).to.equal('cancelled');
    const again = await desk.post(`/api/v1/appointments/${second.id}/cancel`).send({}).expect(409);
    expect(again.body.error).to.equal('INVALID_TRANSITION');
    const reused = await book(d, doc.id, date).expect(201);
    expect(reused.body.slot).to.equal(2);
    expect(await dayInvariant(t, doc.id, date)).to.include({ booked_count: 3, active: 3 });
  });

  it('when a patient books the same doctor-day twice, then 409 ALREADY_BOOKED names the first appointment', async () => {
    const doc = await newDoctor(admin);
    const date = dayFromToday(9);
    const [p] = await newPatients(desk, 1);
    const first = (await book(p, doc.id, date).expect(201)).body;
    const res = await book(p, doc.id, date).expect(409);
    expect(res.body.error).to.equal('ALREADY_BOOKED');
    expect(res.body.details).to.deep.equal({ existing_id: first.id });
  });

  it('when the rules forbid the day, then 422 with the rule code', async () => {
    const weekdays = await newDoctor(admin, 10, { working_days: [1, 2, 3, 4, 5] });
    const inactive = await newDoctor(admin, 10, { is_active: false });
    const absent = await newDoctor(admin);
    const [p] = await newPatients(desk, 1);
    const date = dayFromToday(10);
    await admin.post(`/api/v1/doctors/${absent.id}/availability`).send({ date, is_present: false }).expect(201);
    const codes = async (body: Record<string, unknown>) => (await desk.post('/api/v1/appointments').send(body).expect(422)).body.error;
    expect(await codes({ patient_id: p, doctor_id: absent.id, date })).to.equal('DOCTOR_UNAVAILABLE');
    expect(await codes({ patient_id: p, doctor_id: inactive.id, date })).to.equal('DOCTOR_INACTIVE');
    expect(await codes({ patient_id: p, doctor_id: absent.id, date: dayFromToday(-1) })).to.equal('DATE_IN_PAST');
    expect(await codes({ patient_id: p, doctor_id: absent.id, date: dayFromToday(91) })).to.equal('BEYOND_BOOKING_HORIZON');
    expect(await codes({ patient_id: '6f1c1d5e-0000-4000-8000-000000000000', doctor_id: absent.id, date })).to.equal('PATIENT_NOT_FOUND');
    expect(await codes({ patient_id: p, doctor_id: '6f1c1d5e-0000-4000-8000-000000000000', date })).to.equal('DOCTOR_NOT_FOUND');
    let weekend = 1;
    while (![0, 6].includes(new Date(`${dayFromToday(weekend)}T00:00:00Z`).getUTCDay())) weekend++;
    expect(await codes({ patient_id: p, doctor_id: weekdays.id, date: dayFromToday(weekend) })).to.equal('DOCTOR_UNAVAILABLE');
    await book(p, absent.id, dayFromToday(0)).expect(201); // today is bookable
    await book(p, absent.id, dayFromToday(90)).expect(201); // the horizon's last day is bookable
    await desk.post('/api/v1/appointments').send({ patient_id: p, doctor_id: absent.id }).expect(400);
  });

  it('when a day is lowered below its bookings, then 409; raising it lets the next booking in', async () => {
    const doc = await newDoctor(admin, 2);
    const date = dayFromToday(11);
    const [a, b, c] = await newPatients(desk, 3);
    await book(a, doc.id, date).expect(201);
    await book(b, doc.id, date).expect(201);
    await book(c, doc.id, date).expect(409);
    const lower = await admin.post(`/api/v1/doctors/${doc.id}/availability`).send({ date, is_present: true, capacity: 1 }).expect(409);
    expect(lower.body.error).to.equal('CAPACITY_BELOW_BOOKED');
    await admin.patch(`/api/v1/doctors/${doc.id}`).send({ default_daily_capacity: 1 }).expect(409);
    await admin.patch(`/api/v1/doctors/${doc.id}`).send({ default_daily_capacity: 3 }).expect(200);
    expect((await book(c, doc.id, date).expect(201)).body.slot).to.equal(3);
    const day = await desk.get(`/api/v1/doctors/${doc.id}/days/${date}`).expect(200);
    expect(day.body).to.include({ capacity: 3, booked: 3, remaining: 0, is_present: true, bookable: false });
  });

  it('when an appointment is rescheduled, then the new day gets a slot, the old one is freed, and the history tells it', async () => {
    const doc = await newDoctor(admin, 2);
    const other = await newDoctor(admin, 2);
    const d1 = dayFromToday(12);
    const d2 = dayFromToday(13);
    const [a, b] = await newPatients(desk, 2);
    const appt = (await book(a, doc.id, d1).expect(201)).body;
    await book(b, other.id, d2).expect(201);
    const moved = await desk.post(`/api/v1/appointments/${appt.id}/reschedule`).send({ date: d2, doctor_id: other.id }).expect(200);
    expect(moved.body).to.include({ id: appt.id, doctor_id: other.id, date: d2, slot: 2, status: 'booked' });
    expect(await dayInvariant(t, doc.id, d1)).to.include({ booked_count: 0, active: 0 });
    expect(await dayInvariant(t, other.id, d2)).to.include({ booked_count: 2, active: 2 });
    const same = await desk.post(`/api/v1/appointments/${appt.id}/reschedule`).send({ date: d2, doctor_id: other.id }).expect(422);
    expect(same.body.error).to.equal('SAME_DOCTOR_DAY');
    const [c] = await newPatients(desk, 1);
    const third = (await book(c, doc.id, d1).expect(201)).body;
    const full = await desk.post(`/api/v1/appointments/${third.id}/reschedule`).send({ date: d2, doctor_id: other.id }).expect(409);
    expect(full.body.error).to.equal('CAPACITY_FULL');
    const history = await desk.get(`/api/v1/appointments/${appt.id}/history`).expect(200);
    expect(history.body.events.map((e: { to_status: string; reason: string | null }) => [e.to_status, e.reason])).to.deep.equal([
      ['booked', null],
      ['booked', 'rescheduled'],
    ]);
    expect(history.body.events[1].data.from).to.include({ doctor_id: doc.id, date: d1, slot: 1 });
  });

  it('when reschedules run both ways at once, then neither day exceeds its capacity and nothing fails with 5xx', async () => {
    const doc = await newDoctor(admin, 6);
    const d1 = dayFromToday(14);
    const d2 = dayFromToday(15);
    const patients = await newPatients(desk, 10);
    const onD1 = [];
    const onD2 = [];
    for (const p of patients.slice(0, 5)) onD1.push((await book(p, doc.id, d1).expect(201)).body.id);
    for (const p of patients.slice(5)) onD2.push((await book(p, doc.id, d2).expect(201)).body.id);
    const answers = await Promise.all([
      ...onD1.map((id) => desk.post(`/api/v1/appointments/${id}/reschedule`).send({ date: d2 })),
      ...onD2.map((id) => desk.post(`/api/v1/appointments/${id}/reschedule`).send({ date: d1 })),
    ]);
    expect(answers.filter((a) => a.status >= 500).map((a) => a.body)).to.deep.equal([]);
    expect(answers.every((a) => a.status === 200 || a.status === 409)).to.equal(true);
    for (const d of [d1, d2]) {
      const inv = await dayInvariant(t, doc.id, d);
      expect(inv.booked_count).to.equal(inv.active);
      expect(inv.active).to.be.at.most(6);
      expect(inv.distinct_slots).to.equal(inv.active);
    }
  });

  it('when a booked appointment becomes a no-show, then it is audited; a cancelled one cannot', async () => {
    const doc = await newDoctor(admin);
    const date = dayFromToday(16);
    const [a, b] = await newPatients(desk, 2);
    const first = (await book(a, doc.id, date).expect(201)).body;
    const noShow = await desk.post(`/api/v1/appointments/${first.id}/no-show`).send({ reason: 'did not come' }).expect(200);
    expect(noShow.body.status).to.equal('no_show');
    const second = (await book(b, doc.id, date).expect(201)).body;
    await desk.post(`/api/v1/appointments/${second.id}/cancel`).send({}).expect(200);
    expect((await desk.post(`/api/v1/appointments/${second.id}/no-show`).send({}).expect(409)).body.error).to.equal('INVALID_TRANSITION');
    const history = await desk.get(`/api/v1/appointments/${first.id}/history`).expect(200);
    expect(history.body.events.map((e: { from_status: string; to_status: string }) => `${e.from_status}->${e.to_status}`)).to.deep.equal([
      'null->booked',
      'booked->no_show',
    ]);
    await desk.post('/api/v1/appointments/6f1c1d5e-0000-4000-8000-000000000000/cancel').send({}).expect(404);
  });

  it('when reception lists a doctor-day or a patient, then appointments come by slot with names, paginated', async () => {
    const doc = await newDoctor(admin);
    const date = dayFromToday(17);
    const patients = await newPatients(desk, 3);
    for (const p of patients) await book(p, doc.id, date).expect(201);
    const list = await desk.get(`/api/v1/doctors/${doc.id}/appointments`).query({ date, limit: 2 }).expect(200);
    expect(list.body.total).to.equal(3);
    expect(list.body.data.map((a: { slot: number }) => a.slot)).to.deep.equal([1, 2]);
    expect(list.body.data[0].patient.first_name).to.be.a('string');
    const mine = await desk.get(`/api/v1/patients/${patients[0]}/appointments`).expect(200);
    expect(mine.body.data[0]).to.include({ doctor_id: doc.id, date, slot: 1 });
    const one = await desk.get(`/api/v1/appointments/${mine.body.data[0].id}`).expect(200);
    expect(one.body).to.include({ slot: 1, status: 'booked' });
    await desk.get(`/api/v1/doctors/${doc.id}/appointments`).expect(400);
  });
});
