import { expect } from 'chai';
import { startTestApp, type Agent, type TestApp } from '../support/app';
import { buildDoctor } from '../support/factories';

describe('doctors and availability API', () => {
  let t: TestApp;
  let admin: Agent; // doctors are added and changed by an admin
  let desk: Agent; // reception reads doctors and sets availability
  before(async () => {
    t = await startTestApp();
    admin = await t.as('admin');
    desk = await t.as('reception');
  });
  after(async () => {
    await t.stop();
  });
  const newDoctor = async (o: Record<string, unknown> = {}) => (await admin.post('/api/v1/doctors').send(buildDoctor(o)).expect(201)).body;

  it('when a doctor is added, then defaults apply (capacity 10, Monday–Friday, active)', async () => {
    const d = await newDoctor({ code: undefined, name: 'Dr. X', specialty: null }).catch(() => null);
    expect(d).to.equal(null); // code is required
    const doc = await newDoctor();
    expect(doc).to.include({ default_daily_capacity: 10, is_active: true });
    expect(doc.working_days).to.deep.equal([1, 2, 3, 4, 5]);
  });

  it('when a code is taken (any case), then 409 DOCTOR_CODE_TAKEN', async () => {
    const doc = await newDoctor();
    const res = await admin
      .post('/api/v1/doctors')
      .send(buildDoctor({ code: doc.code.toLowerCase() }))
      .expect(409);
    expect(res.body.error).to.equal('DOCTOR_CODE_TAKEN');
  });

  it('when listing by specialty and q, then only matches come back; GET/PATCH by id work', async () => {
    const spec = `Spec${Date.now()}`;
    const a = await newDoctor({ specialty: spec, name: 'Dr. Alpha Unique' });
    await newDoctor({ specialty: spec });
    const bySpec = await desk.get('/api/v1/doctors').query({ specialty: spec.toLowerCase() }).expect(200);
    expect(bySpec.body.total).to.equal(2);
    const byQ = await desk.get('/api/v1/doctors').query({ specialty: spec, q: 'alpha uniq' }).expect(200);
    expect(byQ.body.data.map((d: { id: string }) => d.id)).to.deep.equal([a.id]);
    const patched = await admin
      .patch(`/api/v1/doctors/${a.id}`)
      .send({ default_daily_capacity: 25, working_days: [6, 1] })
      .expect(200);
    expect(patched.body).to.include({ default_daily_capacity: 25 });
    expect(patched.body.working_days).to.deep.equal([1, 6]);
    await desk.get(`/api/v1/doctors/${a.id}`).expect(200);
    await desk.get('/api/v1/doctors/6f1c1d5e-0000-4000-8000-000000000000').expect(404);
    await admin.patch(`/api/v1/doctors/${a.id}`).send({ default_daily_capacity: 501 }).expect(400);
    await admin
      .patch(`/api/v1/doctors/${a.id}`)
      .send({ working_days: [0] })
      .expect(400);
  });

  it('when a day has no row, then availability follows working_days with source "default"', async () => {
    const doc = await newDoctor({ working_days: [1, 2, 3, 4, 5] });
    const monday = await desk.get(`/api/v1/doctors/${doc.id}/availability`).query({ date: '2030-01-07' }).expect(200);
    expect(monday.body).to.include({ is_present: true, capacity: 10, source: 'default', date: '2030-01-07' });
    const sunday = await desk.get(`/api/v1/doctors/${doc.id}/availability`).query({ date: '2030-01-06' }).expect(200);
    expect(sunday.body).to.include({ is_present: false, source: 'default' });
  });

  it('when availability is set, then 201 the first time and 200 after, and the range shows both kinds', async () => {
    const doc = await newDoctor();
    const created = await desk
      .post(`/api/v1/doctors/${doc.id}/availability`)
      .send({ date: '2030-01-08', is_present: false, notes: 'leave' })
      .expect(201);
    expect(created.body).to.include({ is_present: false, source: 'set', notes: 'leave', capacity: 10 });
    const updated = await desk
      .post(`/api/v1/doctors/${doc.id}/availability`)
      .send({ date: '2030-01-08', is_present: true, capacity: 4 })
      .expect(200);
    expect(updated.body).to.include({ is_present: true, capacity: 4, source: 'set' });
    const range = await desk.get(`/api/v1/doctors/${doc.id}/availability`).query({ from: '2030-01-07', to: '2030-01-09' }).expect(200);
    expect(range.body.data.map((d: { source: string }) => d.source)).to.deep.equal(['default', 'set', 'default']);
  });

  it('when the range is reversed or longer than 92 days, then 422; bad queries are 400', async () => {
    const doc = await newDoctor();
    await desk.get(`/api/v1/doctors/${doc.id}/availability`).query({ from: '2030-01-01', to: '2030-04-03' }).expect(422); // 93 days;
    await desk.get(`/api/v1/doctors/${doc.id}/availability`).query({ from: '2030-01-01', to: '2030-04-02' }).expect(200); // 92 days;
    await desk.get(`/api/v1/doctors/${doc.id}/availability`).query({ from: '2030-01-02', to: '2030-01-01' }).expect(422);
    await desk.get(`/api/v1/doctors/${doc.id}/availability`).query({ date: '2030-02-30' }).expect(400);
    await desk.get(`/api/v1/doctors/${doc.id}/availability`).expect(400);
    await desk.post(`/api/v1/doctors/${doc.id}/availability`).send({ date: '2030-01-08', is_present: 'yes' }).expect(400);
    await desk
      .post('/api/v1/doctors/6f1c1d5e-0000-4000-8000-000000000000/availability')
      .send({ date: '2030-01-08', is_present: true })
      .expect(404);
  });

  it('when a day already has bookings, then its capacity cannot go below them (409)', async () => {
    const doc = await newDoctor();
    await t.app.sequelize.query('INSERT INTO doctor_day_capacity (doctor_id, date, capacity, booked_count) VALUES (:id, :date, 10, 5)', {
      replacements: { id: doc.id, date: '2030-01-09' },
    });
    const res = await desk
      .post(`/api/v1/doctors/${doc.id}/availability`)
      .send({ date: '2030-01-09', is_present: true, capacity: 4 })
      .expect(409);
    expect(res.body).to.include({ error: 'CAPACITY_BELOW_BOOKED' });
    expect(res.body.details).to.deep.equal({ booked: 5 });
    await desk.post(`/api/v1/doctors/${doc.id}/availability`).send({ date: '2030-01-09', is_present: true, capacity: 5 }).expect(201);
    const [[row]] = (await t.app.sequelize.query('SELECT capacity FROM doctor_day_capacity WHERE doctor_id = :id', {
      replacements: { id: doc.id },
    })) as [Array<{ capacity: number }>, unknown];
    expect(row.capacity).to.equal(5);
  });
});
