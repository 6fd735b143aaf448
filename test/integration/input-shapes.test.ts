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

describe('input shapes: canonical UUIDs and dates in a sane range', () => {
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
