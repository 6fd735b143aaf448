import { expect } from 'chai';
import { startTestApp, type Agent, type TestApp } from '../support/app';
import { buildPatient, phoneNumber } from '../support/factories';

describe('patients API', () => {
  let t: TestApp;
  let api: Agent;
  before(async () => {
    t = await startTestApp();
    api = await t.as('reception');
  });
  after(async () => {
    await t.stop();
  });

  it('when a patient is registered, then 201 with the phone in E.164', async () => {
    const body = buildPatient({ phone: '98765 43210'.replace('98765', `9${phoneNumber().slice(1, 5)}`) });
    const res = await api.post('/api/v1/patients').send(body).expect(201);
    expect(res.body).to.include({ first_name: body.first_name, last_name: 'Test', age: 40 });
    expect(res.body.phone).to.match(/^\+91\d{10}$/);
    expect(res.body.id).to.match(/^[0-9a-f-]{36}$/);
    const got = await api.get(`/api/v1/patients/${res.body.id}`).expect(200);
    expect(got.body).to.deep.equal(res.body);
  });

  it('when the same phone and first name (any case) register again, then 409 PATIENT_EXISTS with the existing id', async () => {
    const body = buildPatient();
    const first = await api.post('/api/v1/patients').send(body).expect(201);
    const again = await api
      .post('/api/v1/patients')
      .send({ ...body, first_name: body.first_name.toUpperCase(), phone: `+91 ${body.phone}` })
      .expect(409);
    expect(again.headers['content-type']).to.match(/^application\/problem\+json/);
    expect(again.body).to.include({ error: 'PATIENT_EXISTS', status: 409, title: 'Conflict' });
    expect(again.body.details).to.deep.equal({ existing_id: first.body.id });
  });

  it('when a family member shares the phone, then they are registered too', async () => {
    const body = buildPatient();
    await api.post('/api/v1/patients').send(body).expect(201);
    await api
      .post('/api/v1/patients')
      .send({ ...body, first_name: `${body.first_name}Jr` })
      .expect(201);
    const found = await api.get('/api/v1/patients').query({ phone: body.phone }).expect(200);
    expect(found.body.total).to.equal(2);
  });

  it('when fields are invalid, then 400 listing every problem', async () => {
    const res = await api.post('/api/v1/patients').send({ age: 200, phone: 'x', nickname: 'y' }).expect(400);
    expect(res.body.error).to.equal('VALIDATION_ERROR');
    const paths = res.body.details.map((d: { path: string }) => d.path);
    expect(paths).to.include.members(['body.first_name', 'body.age', 'body.phone', 'body.nickname']);
  });

  it('when a text field or a query holds a NUL character, then 400 on that field and nothing is stored', async () => {
    const body = buildPatient({ first_name: 'Ana\u0000Maria' });
    const res = await api.post('/api/v1/patients').send(body).expect(400);
    expect(res.body.error).to.equal('VALIDATION_ERROR');
    expect(res.body.details).to.deep.equal([{ path: 'body.first_name', message: 'must not contain the NUL character (U+0000)' }]);
    const [[n]] = (await t.app.sequelize.query('SELECT count(*)::int AS n FROM patients WHERE phone LIKE :p', {
      replacements: { p: `%${body.phone}` },
    })) as [Array<{ n: number }>, unknown];
    expect(n.n).to.equal(0);
    expect((await api.get('/api/v1/patients').query({ q: 'Ana\u0000' }).expect(400)).body.details[0].path).to.equal('query.q');
  });

  it('when the phone is not a real number, then 400 on body.phone', async () => {
    const res = await api
      .post('/api/v1/patients')
      .send(buildPatient({ phone: '12345' }))
      .expect(400);
    expect(res.body.details[0].path).to.equal('body.phone');
  });

  it('when the id is unknown or malformed, then 404 or 400', async () => {
    const r404 = await api.get('/api/v1/patients/6f1c1d5e-0000-4000-8000-000000000000').expect(404);
    expect(r404.body.error).to.equal('PATIENT_NOT_FOUND');
    const r400 = await api.get('/api/v1/patients/not-a-uuid').expect(400);
    expect(r400.body.details[0].path).to.equal('params.id');
  });

  it('when a patient is patched, then only the given fields change; an empty patch is 400', async () => {
    const created = (await api.post('/api/v1/patients').send(buildPatient()).expect(201)).body;
    const res = await api.patch(`/api/v1/patients/${created.id}`).send({ age: 41, email: 'A@Example.org' }).expect(200);
    expect(res.body).to.include({ age: 41, email: 'a@example.org', first_name: created.first_name });
    await api.patch(`/api/v1/patients/${created.id}`).send({}).expect(400);
    await api.patch('/api/v1/patients/6f1c1d5e-0000-4000-8000-000000000000').send({ age: 1 }).expect(404);
  });

  it('when a patch would make two patients the same person, then 409', async () => {
    const a = buildPatient();
    await api.post('/api/v1/patients').send(a).expect(201);
    const b = (
      await api
        .post('/api/v1/patients')
        .send(buildPatient({ phone: a.phone }))
        .expect(201)
    ).body;
    const res = await api.patch(`/api/v1/patients/${b.id}`).send({ first_name: a.first_name }).expect(409);
    expect(res.body.error).to.equal('PATIENT_EXISTS');
  });

  it('when searching by name words, then matches come paginated', async () => {
    const surname = `Zq${Date.now().toString(36)}`;
    for (let i = 0; i < 3; i++)
      await api
        .post('/api/v1/patients')
        .send(buildPatient({ last_name: surname }))
        .expect(201);
    const page1 = await api.get('/api/v1/patients').query({ q: surname.toLowerCase(), limit: 2 }).expect(200);
    expect(page1.body).to.include({ total: 3, limit: 2, offset: 0 });
    expect(page1.body.data).to.have.length(2);
    const page2 = await api.get('/api/v1/patients').query({ q: surname, limit: 2, offset: 2 }).expect(200);
    expect(page2.body.data).to.have.length(1);
    await api.get('/api/v1/patients').query({ limit: 0 }).expect(400);
  });

  it('when the body is not JSON, malformed, or too large, then 415, 400, 413 as problem+json', async () => {
    const r415 = await api.post('/api/v1/patients').set('content-type', 'text/plain').send('first_name=x').expect(415);
    expect(r415.body.error).to.equal('UNSUPPORTED_MEDIA_TYPE');
    const r400 = await api.post('/api/v1/patients').set('content-type', 'application/json').send('{"first_name":').expect(400);
    expect(r400.body.error).to.equal('MALFORMED_JSON');
    const r413 = await api
      .post('/api/v1/patients')
      .send({ ...buildPatient(), last_name: 'x'.repeat(120_000) })
      .expect(413);
    expect(r413.headers['content-type']).to.match(/problem\+json/);
  });

  it('when a patient is registered, then neither the name nor the phone appears in any log line', async () => {
    const body = buildPatient({ email: 'secret.person@example.org' });
    const res = await api.post('/api/v1/patients').send(body).expect(201);
    await api.post('/api/v1/patients').send(body).expect(409);
    await api.get('/api/v1/patients').query({ phone: body.phone, q: body.first_name }).expect(200);
    const all = t.logs.lines.join('\n');
    expect(all).to.include(res.headers['x-request-id']);
    for (const secret of [body.first_name, body.phone, res.body.phone, 'secret.person']) expect(all).not.to.include(secret);
  });

  it('when X-Request-Id is sent, then it is echoed and logged', async () => {
    const res = await api.get('/api/v1/patients').set('X-Request-Id', 'desk-7-abc').expect(200);
    expect(res.headers['x-request-id']).to.equal('desk-7-abc');
    expect(t.logs.lines.some((l) => l.includes('"request_id":"desk-7-abc"') && l.includes('"status":200'))).to.equal(true);
  });
});
