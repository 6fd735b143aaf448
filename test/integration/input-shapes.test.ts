import { expect } from 'chai';
import { startTestApp, type Agent, type TestApp } from '../support/app';
import { buildDoctor, buildPatient, dayFromToday } from '../support/factories';
import { connectClient, type QueueClient } from '../support/socket';
import type { Ack, QueueSubscribeResult } from '../../server/live/live.events';

/** Shapes PostgreSQL (or a sane clinic calendar) refuses that looser validators let through. */
const wrapped = (id: string) => [
  `[${id}]`,
  `(${id})`,
  `{${id}}`,
  id.replace(/-/g, ''),
  `${id.slice(0, 8)}-${id.slice(9).replace(/-/g, '')}`,
];
const BAD_DATES = ['0000-01-01', '0001-01-01', '1899-12-31', '3000-01-01', '9999-12-31'];

describe('input shapes: canonical UUIDs, dates in a sane range, visible names', () => {
  let t: TestApp;
  let admin: Agent;
  let doctor: { id: string };
  let patient: { id: string };
  before(async () => {
    t = await startTestApp();
    admin = await t.as('admin');
    doctor = (
      await admin
        .post('/api/v1/doctors')
        .send(buildDoctor({ working_days: [1, 2, 3, 4, 5, 6, 7] }))
        .expect(201)
    ).body;
    patient = (await admin.post('/api/v1/patients').send(buildPatient()).expect(201)).body;
  });
  after(async () => {
    await t.stop();
  });

  const expect400 = (res: { status: number; body: { error?: string } }, what: string) => {
    expect(res.status, what).to.equal(400);
    expect(res.body.error, what).to.equal('VALIDATION_ERROR');
  };

  it('when a path id is a UUID in [..], (..) or {..}, or without its dashes, then 400 VALIDATION_ERROR (not 500) on every route', async () => {
    const today = dayFromToday(0);
    for (const id of wrapped(patient.id)) {
      const p = encodeURIComponent(id);
      expect400(await admin.get(`/api/v1/patients/${p}`), `GET /patients/${id}`);
      expect400(await admin.patch(`/api/v1/patients/${p}`).send({ age: 41 }), `PATCH /patients/${id}`);
      expect400(await admin.get(`/api/v1/patients/${p}/appointments`), `GET /patients/${id}/appointments`);
    }
    for (const id of wrapped(doctor.id)) {
      const d = encodeURIComponent(id);
      for (const path of [
        `/api/v1/doctors/${d}`,
        `/api/v1/doctors/${d}/availability?date=${today}`,
        `/api/v1/doctors/${d}/days/${today}`,
        `/api/v1/doctors/${d}/appointments?date=${today}`,
        `/api/v1/doctors/${d}/queue`,
        `/api/v1/doctors/${d}/queue/public`,
        `/api/v1/doctors/${d}/queue/events`,
      ]) {
        expect400(await admin.get(path), `GET ${path}`);
      }
    }
  });

  it('when a path parameter is not valid percent-encoded UTF-8, then 400 MALFORMED_URL (not 500)', async () => {
    for (const raw of ['%ZZ', 'Asha%ED%A0%80', '%ED%B0%80', '%C3']) {
      const res = await admin.get(`/api/v1/patients/${raw}`);
      expect(res.status, raw).to.equal(400);
      expect(res.body.error, raw).to.equal('MALFORMED_URL');
      expect(res.headers['content-type']).to.match(/problem\+json/);
    }
  });

  it('when a body field is a bracketed UUID, then 400 on that field', async () => {
    const res = await admin
      .post('/api/v1/appointments')
      .send({ patient_id: `[${patient.id}]`, doctor_id: `(${doctor.id})`, date: dayFromToday(1) });
    expect400(res, 'POST /appointments');
    expect(res.body.details.map((d: { path: string }) => d.path).sort()).to.deep.equal(['body.doctor_id', 'body.patient_id']);
    expect400(await admin.post('/api/v1/display-tokens').send({ label: 'TV', doctor_ids: [`[${doctor.id}]`] }), 'POST /display-tokens');
  });

  it('when a date is year 0, before 1900 or after 2999, then 400 on every route that takes one, and no row is created', async () => {
    const rows = async () =>
      Number(
        (
          (await t.app.sequelize.query('SELECT count(*) AS n FROM doctor_availability WHERE doctor_id = :d', {
            replacements: { d: doctor.id },
          })) as [Array<{ n: string }>, unknown]
        )[0][0].n,
      );
    const before = await rows();
    for (const date of BAD_DATES) {
      for (const path of [
        `/api/v1/doctors/${doctor.id}/availability?date=${date}`,
        `/api/v1/doctors/${doctor.id}/availability?from=${date}&to=${date}`,
        `/api/v1/doctors/${doctor.id}/days/${date}`,
        `/api/v1/doctors/${doctor.id}/appointments?date=${date}`,
        `/api/v1/doctors/${doctor.id}/queue?date=${date}`,
        `/api/v1/doctors/${doctor.id}/queue/public?date=${date}`,
        `/api/v1/doctors/${doctor.id}/queue/events?date=${date}`,
      ]) {
        expect400(await admin.get(path), `GET ${path}`);
      }
      expect400(
        await admin.post(`/api/v1/doctors/${doctor.id}/availability`).send({ date, is_present: true, capacity: 5 }),
        `POST availability ${date}`,
      );
      expect400(
        await admin.post('/api/v1/appointments').send({ patient_id: patient.id, doctor_id: doctor.id, date }),
        `POST /appointments ${date}`,
      );
    }
    expect(await rows()).to.equal(before);
    // The edges of the range are real days.
    await admin.get(`/api/v1/doctors/${doctor.id}/availability?date=1900-01-01`).expect(200);
    await admin.get(`/api/v1/doctors/${doctor.id}/availability?date=2999-12-31`).expect(200);
  });

  describe('names shown to staff', () => {
    const paths = (res: { body: { details?: Array<{ path: string }> } }) => (res.body.details ?? []).map((d) => d.path);

    it('when a name is only invisible characters (U+200B, U+200D, U+FEFF) or holds a bidi control, then 400 on that field', async () => {
      for (const bad of ['\u200B\u200D\uFEFF', ' \u200B ', '\u00AD', '\u202Eevil', 'Rao\u202E', '\u2066Asha\u2069', '\u202Aa\u202C']) {
        const first = await admin.post('/api/v1/patients').send(buildPatient({ first_name: bad }));
        expect400(first, JSON.stringify(bad));
        expect(paths(first)).to.deep.equal(['body.first_name']);
        const last = await admin.post('/api/v1/patients').send(buildPatient({ last_name: bad }));
        expect(paths(last), JSON.stringify(bad)).to.deep.equal(['body.last_name']);
        expect(paths(await admin.post('/api/v1/doctors').send(buildDoctor({ name: bad })))).to.deep.equal(['body.name']);
        expect(paths(await admin.patch(`/api/v1/doctors/${doctor.id}`).send({ specialty: bad }))).to.deep.equal(['body.specialty']);
        expect(paths(await admin.post('/api/v1/display-tokens').send({ label: bad, doctor_ids: [doctor.id] }))).to.deep.equal([
          'body.label',
        ]);
      }
    });

    it('when JSON carries a lone surrogate ("\\ud800"), then 400 on that field instead of a silent U+FFFD', async () => {
      const body = JSON.stringify(buildPatient()).replace(/"first_name":"[^"]*"/, '"first_name":"Asha\\ud800"');
      const res = await admin.post('/api/v1/patients').set('Content-Type', 'application/json').send(body);
      expect400(res, 'lone surrogate');
      expect(res.body.details).to.deep.equal([{ path: 'body.first_name', message: 'must not contain a lone surrogate (invalid Unicode)' }]);
    });

    it('when a name is written decomposed, then it is stored NFC and found either way; joiners inside a visible name are kept', async () => {
      const decomposed = `Zoe\u0301${Date.now().toString(36)}`;
      const created = await admin
        .post('/api/v1/patients')
        .send(buildPatient({ first_name: decomposed }))
        .expect(201);
      expect(created.body.first_name).to.equal(decomposed.normalize('NFC'));
      expect(created.body.first_name.startsWith('Zo\u00e9')).to.equal(true);
      const found = await admin.get('/api/v1/patients').query({ q: decomposed }).expect(200);
      expect(found.body.data.map((p: { id: string }) => p.id)).to.include(created.body.id);
      const malayalam = '\u0D05\u0D35\u0D7B\u200D'; // a chillu written with ZWJ
      expect(
        (
          await admin
            .post('/api/v1/patients')
            .send(buildPatient({ last_name: malayalam }))
            .expect(201)
        ).body.last_name,
      ).to.equal(malayalam);
    });
  });

  describe('over Socket.IO', () => {
    let socket: QueueClient;
    before(async () => {
      socket = await connectClient(t.baseUrl, (await t.account('reception')).token);
    });
    after(() => {
      socket.disconnect();
    });
    const subscribe = (req: { doctor_id: string; date?: string }) =>
      new Promise<Ack<QueueSubscribeResult>>((resolve) => socket.emit('queue:subscribe', req, resolve));

    it('when queue:subscribe names year 0 or a bracketed UUID, then the ack is VALIDATION_ERROR (not SERVICE_UNAVAILABLE), nothing is logged as a warning, and no room is joined', async () => {
      const warnings = () => t.logs.lines.filter((l) => JSON.parse(l).level === 'warn').length;
      const warned = warnings();
      for (const req of [
        { doctor_id: doctor.id, date: '0000-01-01' },
        { doctor_id: doctor.id, date: '9999-12-31' },
        { doctor_id: `[${doctor.id}]` },
        { doctor_id: `{${doctor.id}}` },
      ]) {
        const ack = await subscribe(req);
        expect('error' in ack && ack.error.code, JSON.stringify(req)).to.equal('VALIDATION_ERROR');
      }
      expect(warnings()).to.equal(warned);
      const [server] = await t.app.io.in(socket.id!).fetchSockets();
      expect([...server.rooms].filter((r) => r.startsWith('queue:'))).to.deep.equal([]);
    });
  });
});
