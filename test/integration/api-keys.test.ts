import { expect } from 'chai';
import { startTestApp, type Agent, type TestApp } from '../support/app';
import { buildDoctor, dayFromToday, phoneNumber } from '../support/factories';
import { newDoctor, newPatients } from '../support/booking';
import { connectClient } from '../support/socket';

describe('API keys and booking by mobile number', function () {
  this.timeout(60_000);
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
  const mint = async (scopes: string[], source = 'phone_agent') =>
    (
      await admin
        .post('/api/v1/api-keys')
        .send({ label: `key ${source}`, scopes, source })
        .expect(201)
    ).body as {
      id: string;
      key: string;
    };
  const count = async (sql: string, replacements: Record<string, unknown>) =>
    ((await t.app.sequelize.query(sql, { replacements })) as [Array<{ n: number }>, unknown])[0][0].n;

  it('when a key is minted, then it is shown once as ck_…, stored as a hash, and listed without it', async () => {
    const res = await admin
      .post('/api/v1/api-keys')
      .send({ label: 'Website', scopes: ['doctors:read', 'slots:read'], source: 'web' })
      .expect(201);
    expect(res.body).to.include({ label: 'Website', source: 'web' });
    expect(res.body.scopes).to.deep.equal(['doctors:read', 'slots:read']);
    expect(res.body.key).to.match(/^ck_[A-Za-z0-9_-]{43}$/);
    const list = (await admin.get('/api/v1/api-keys').expect(200)).body;
    const row = list.data.find((k: { id: string }) => k.id === res.body.id);
    expect(row).to.not.have.property('key');
    expect(JSON.stringify(list)).to.not.include(res.body.key);
    expect(await count('SELECT count(*)::int AS n FROM api_keys WHERE key_hash = :k', { k: res.body.key })).to.equal(0);
    for (const bad of [{ source: 'desk' }, { source: 'walk_in' }, { scopes: ['users:write'] }, { scopes: [] }]) {
      await admin
        .post('/api/v1/api-keys')
        .send({ label: 'x', scopes: ['doctors:read'], source: 'web', ...bad })
        .expect(400);
    }
    await desk
      .post('/api/v1/api-keys')
      .send({ label: 'x', scopes: ['doctors:read'], source: 'web' })
      .expect(403);
  });

  it('when a phone agent with only a key finds a doctor, reads the day and books by mobile number, then the booking is marked phone_agent and the patient is created once', async () => {
    const { key } = await mint(['doctors:read', 'slots:read', 'appointments:write', 'appointments:read']);
    const agent = t.withToken(key);
    const doc = await newDoctor(admin, 5, { specialty: 'Dermatology' });
    const date = dayFromToday(4);
    const found = (await t.http.get('/api/v1/doctors?specialty=Dermatology').set('X-API-Key', key).expect(200)).body;
    expect(found.data.map((d: { id: string }) => d.id)).to.include(doc.id);
    expect((await agent.get(`/api/v1/doctors/${doc.id}/days/${date}`).expect(200)).body).to.include({ remaining: 5, bookable: true });
    const phone = phoneNumber();
    const first = await agent
      .post('/api/v1/appointments')
      .send({ doctor_id: doc.id, date, patient: { first_name: 'Ravi', last_name: 'Kumar', phone } })
      .expect(201);
    expect(first.body).to.include({ source: 'phone_agent', status: 'booked', slot: 1 });
    // The same caller (phone written differently, name in another case) for another doctor: the same patient.
    const other = await newDoctor(admin, 5);
    const second = await agent
      .post('/api/v1/appointments')
      .send({ doctor_id: other.id, date, patient: { first_name: 'RAVI', phone: `+91 ${phone.slice(0, 5)} ${phone.slice(5)}` } })
      .expect(201);
    expect(second.body.patient_id).to.equal(first.body.patient_id);
    expect(await count(`SELECT count(*)::int AS n FROM patients WHERE phone = :p`, { p: `+91${phone}` })).to.equal(1);
    // Another family member on the same phone is another patient.
    const sister = await agent
      .post('/api/v1/appointments')
      .send({ doctor_id: doc.id, date, patient: { first_name: 'Lakshmi', phone } })
      .expect(201);
    expect(sister.body.patient_id).to.not.equal(first.body.patient_id);
    expect((await agent.get(`/api/v1/appointments/${first.body.id}`).expect(200)).body.source).to.equal('phone_agent');
    // The body cannot choose the source, and cannot name both a patient id and a patient.
    await agent
      .post('/api/v1/appointments')
      .send({ doctor_id: doc.id, date, source: 'desk', patient: { first_name: 'Z', phone } })
      .expect(400);
    await agent
      .post('/api/v1/appointments')
      .send({ doctor_id: doc.id, date, patient_id: first.body.patient_id, patient: { first_name: 'Ravi', phone } })
      .expect(400);
    await agent
      .post('/api/v1/appointments')
      .send({ doctor_id: doc.id, date, patient: { first_name: 'Bad', phone: '12' } })
      .expect(400);
    // Staff-only and unscoped routes stay closed.
    expect((await agent.get('/api/v1/patients?phone=' + phone)).body.error).to.equal('INSUFFICIENT_SCOPE');
    await agent.get('/api/v1/users').expect(403);
    await agent.get(`/api/v1/appointments/${first.body.id}/history`).expect(403);
    await agent.post(`/api/v1/doctors/${doc.id}/queue/call-next`).expect(403);
  });

  it('when two by-phone bookings of a new caller race, then one patient exists; a booking that fails creates nobody', async () => {
    const { key } = await mint(['appointments:write']);
    const agent = t.withToken(key);
    const [a, b] = [await newDoctor(admin, 5), await newDoctor(admin, 5)];
    const date = dayFromToday(5);
    const phone = phoneNumber();
    const answers = await Promise.all(
      [a, b, a, b].map((d, i) =>
        agent.post('/api/v1/appointments').send({ doctor_id: d.id, date, patient: { first_name: i % 2 ? 'Anil' : 'anil', phone } }),
      ),
    );
    const ok = answers.filter((r) => r.status === 201);
    expect(ok).to.have.length(2);
    expect(answers.filter((r) => r.status === 409).every((r) => r.body.error === 'ALREADY_BOOKED')).to.equal(true);
    expect(new Set(ok.map((r) => r.body.patient_id)).size).to.equal(1);
    expect(await count(`SELECT count(*)::int AS n FROM patients WHERE phone = :p`, { p: `+91${phone}` })).to.equal(1);

    const full = await newDoctor(admin, 1);
    const [p] = await newPatients(desk, 1);
    await desk.post('/api/v1/appointments').send({ patient_id: p, doctor_id: full.id, date }).expect(201);
    const lone = phoneNumber();
    const res = await agent
      .post('/api/v1/appointments')
      .send({ doctor_id: full.id, date, patient: { first_name: 'Nobody', phone: lone } })
      .expect(409);
    expect(res.body.error).to.equal('CAPACITY_FULL');
    expect(await count(`SELECT count(*)::int AS n FROM patients WHERE phone = :p`, { p: `+91${lone}` })).to.equal(0);
  });

  it('when staff book, then source is desk; a walk-in is walk_in', async () => {
    const doc = await newDoctor(admin, 5);
    const [p1, p2] = await newPatients(desk, 2);
    expect(
      (
        await desk
          .post('/api/v1/appointments')
          .send({ patient_id: p1, doctor_id: doc.id, date: dayFromToday(1) })
          .expect(201)
      ).body.source,
    ).to.equal('desk');
    const walk = (await desk.post('/api/v1/walk-ins').send({ patient_id: p2, doctor_id: doc.id }).expect(201)).body;
    expect(walk.appointment.source).to.equal('walk_in');
  });

  it('when a key is revoked, then its next request is 401; a key has no socket access', async () => {
    const { id, key } = await mint(['doctors:read', 'queue:read']);
    const doc = (await admin.post('/api/v1/doctors').send(buildDoctor()).expect(201)).body;
    await t.http.get('/api/v1/doctors').set('X-API-Key', key).expect(200);
    await t.http.get(`/api/v1/doctors/${doc.id}/queue/public`).set('X-API-Key', key).expect(200);
    await connectClient(t.baseUrl, key).then(
      () => expect.fail('a key must not open a socket'),
      (err: Error) => expect(err.message).to.match(/REST API only/),
    );
    await admin.delete(`/api/v1/api-keys/${id}`).expect(204);
    const res = await t.http.get('/api/v1/doctors').set('X-API-Key', key).expect(401);
    expect(res.body.error).to.equal('INVALID_TOKEN');
    await t.withToken(key).get('/api/v1/doctors').expect(401);
    await admin.delete(`/api/v1/api-keys/${id}`).expect(204);
    await t.http.get('/api/v1/doctors').set('X-API-Key', 'ck_not-a-real-key').expect(401);
  });
});

describe('API key rate limit, shared by instances', function () {
  this.timeout(60_000);
  it('when a key sends more than API_KEY_RATE_LIMIT requests a minute across two instances, then 429 with Retry-After', async () => {
    const [a, b] = await Promise.all([startTestApp({ API_KEY_RATE_LIMIT: '6' }), startTestApp({ API_KEY_RATE_LIMIT: '6' })]);
    try {
      const { key } = (
        await (
          await a.as('admin')
        )
          .post('/api/v1/api-keys')
          .send({ label: 'rl', scopes: ['doctors:read'], source: 'web' })
          .expect(201)
      ).body;
      const minute = async () =>
        ((await a.app.sequelize.query(`SELECT date_trunc('minute', now())::text AS m`)) as [Array<{ m: string }>, unknown])[0][0].m;
      // Counted per fixed minute: if the minute turns during the burst, the counts split, so try again (at most twice more).
      let statuses: number[] = [];
      for (let round = 0; round < 3; round++) {
        const before = await minute();
        statuses = [];
        for (let i = 0; i < 8; i++) {
          const res = await (i % 2 ? b : a).http.get('/api/v1/doctors?limit=1').set('X-API-Key', key);
          statuses.push(res.status);
          if (res.status === 429) {
            expect(Number(res.headers['retry-after'])).to.be.within(1, 60);
            expect(res.body.error).to.equal('RATE_LIMITED');
          } else expect(res.headers['ratelimit']).to.match(/^limit=6, remaining=\d+, reset=\d+$/);
        }
        if ((await minute()) === before) break;
      }
      // Eight requests in one window of six: the first six pass, the rest are refused (more when an earlier round shared it).
      expect(statuses.filter((s) => s === 429).length, String(statuses)).to.be.at.least(2);
      expect(statuses.filter((s) => s === 200).length, String(statuses)).to.be.at.most(6);
      // Staff are not limited by it.
      const staff = await a.as('reception');
      for (let i = 0; i < 8; i++) await staff.get('/api/v1/doctors?limit=1').expect(200);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
