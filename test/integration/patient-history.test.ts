import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { startTestApp, type Agent, type TestApp } from '../support/app';
import { newDoctor, newPatients } from '../support/booking';
import { dayFromToday } from '../support/factories';

describe('clinical history', () => {
  let t: TestApp;
  let admin: Agent;
  let desk: Agent;
  let doctor: Agent;
  let otherDoctor: Agent;
  let screen: Agent;
  let patient: string;
  let doctorId: string;
  const tag = randomBytes(4).toString('hex');
  const secrets = {
    symptoms: `Glimmercough ${tag}`,
    condition: `Vortaxia-${tag}`,
    allergy: `Penicillium-${tag}`,
    notes: `Prefers the morning clinic ${tag}`,
  };

  before(async () => {
    t = await startTestApp();
    admin = await t.as('admin');
    desk = await t.as('reception');
    const doc = await newDoctor(admin, 10);
    doctorId = doc.id;
    doctor = await t.as('doctor', doc.id);
    otherDoctor = await t.as('doctor', (await newDoctor(admin, 10)).id);
    screen = t.withToken(await t.screenToken([doc.id]));
    [patient] = await newPatients(desk, 1);
    await desk
      .post('/api/v1/appointments')
      .send({ patient_id: patient, doctor_id: doc.id, date: dayFromToday(0) })
      .expect(201);
  });
  after(async () => {
    await t.stop();
  });

  it('when the patient’s doctor writes an entry, then it is answered with author and time, and the clinical view lists it', async () => {
    const me = await t.account('doctor', doctorId);
    const res = await doctor
      .post(`/api/v1/patients/${patient}/history`)
      .send({ symptoms: secrets.symptoms, conditions: [secrets.condition], allergies: [secrets.allergy], notes: secrets.notes })
      .expect(201);
    expect(res.body).to.include({
      patient_id: patient,
      symptoms: secrets.symptoms,
      notes: secrets.notes,
      corrects: null,
      superseded_by: null,
    });
    expect(res.body.conditions).to.deep.equal([secrets.condition]);
    expect(res.body.allergies).to.deep.equal([secrets.allergy]);
    expect(res.body.author).to.deep.equal({ id: me.id, role: 'doctor' });
    expect(Date.parse(res.body.recorded_at)).to.be.closeTo(Date.now(), 60_000);

    const read = await doctor.get(`/api/v1/patients/${patient}/history`).expect(200);
    expect(read.body).to.include({ patient_id: patient, view: 'clinical', has_allergies: true, total: 1 });
    expect(read.body.entries).to.deep.equal([res.body]);
    const byAdmin = await admin.get(`/api/v1/patients/${patient}/history`).expect(200);
    expect(byAdmin.body.entries).to.deep.equal([res.body]);
  });

  it('when reception reads the history, then only whether an allergy is on record — no text at all', async () => {
    const res = await desk.get(`/api/v1/patients/${patient}/history`).expect(200);
    expect(res.body).to.deep.equal({ patient_id: patient, view: 'minimum', has_allergies: true });
    for (const s of Object.values(secrets)) expect(res.text).not.to.include(s);
    await desk.post(`/api/v1/patients/${patient}/history`).send({ notes: 'reception may not write' }).expect(403);
  });

  it('when another doctor or a screen asks, then 403 (and for a patient without appointments, a doctor too)', async () => {
    expect((await otherDoctor.get(`/api/v1/patients/${patient}/history`).expect(403)).body.error).to.equal('FORBIDDEN_DOCTOR');
    expect((await otherDoctor.post(`/api/v1/patients/${patient}/history`).send({ notes: 'x' }).expect(403)).body.error).to.equal(
      'FORBIDDEN_DOCTOR',
    );
    await screen.get(`/api/v1/patients/${patient}/history`).expect(403);
    const [stranger] = await newPatients(desk, 1);
    await doctor.get(`/api/v1/patients/${stranger}/history`).expect(403);
    expect((await admin.get(`/api/v1/patients/${stranger}/history`).expect(200)).body).to.include({ total: 0, has_allergies: false });
    await admin.get('/api/v1/patients/6f1c1d5e-0000-4000-8000-000000000000/history').expect(404);
  });

  it('when a doctor corrects an entry, then it is a new entry naming the old one; the old one stays and is marked superseded', async () => {
    const [p] = await newPatients(desk, 1);
    const first = (
      await admin
        .post(`/api/v1/patients/${p}/history`)
        .send({ allergies: ['latex'] })
        .expect(201)
    ).body;
    expect((await desk.get(`/api/v1/patients/${p}/history`).expect(200)).body.has_allergies).to.equal(true);
    const fix = (
      await admin
        .post(`/api/v1/patients/${p}/history`)
        .send({ notes: 'latex allergy was recorded in error', corrects: first.id })
        .expect(201)
    ).body;
    expect(fix.corrects).to.equal(first.id);
    const read = (await admin.get(`/api/v1/patients/${p}/history`).expect(200)).body;
    expect(read.entries.map((e: { id: string; superseded_by: string | null }) => [e.id, e.superseded_by])).to.deep.equal([
      [first.id, fix.id],
      [fix.id, null],
    ]);
    expect(read.has_allergies).to.equal(false);
    expect((await desk.get(`/api/v1/patients/${p}/history`).expect(200)).body.has_allergies).to.equal(false);
    const twice = await admin.post(`/api/v1/patients/${p}/history`).send({ notes: 'again', corrects: first.id }).expect(409);
    expect(twice.body.error).to.equal('ENTRY_ALREADY_CORRECTED');
    const foreign = (await admin.get(`/api/v1/patients/${patient}/history`).expect(200)).body.entries[0].id;
    expect((await admin.post(`/api/v1/patients/${p}/history`).send({ notes: 'x', corrects: foreign }).expect(422)).body.error).to.equal(
      'ENTRY_NOT_FOUND',
    );
  });

  it('when an entry is empty or malformed, then 400', async () => {
    for (const body of [
      {},
      { symptoms: '' },
      { conditions: [] },
      { conditions: [''] },
      { corrects: '0' },
      { notes: 'x'.repeat(4001) },
      { extra: 1 },
    ]) {
      await admin.post(`/api/v1/patients/${patient}/history`).send(body).expect(400);
    }
  });

  it('when anyone tries to change or delete an entry in the database, then the append-only trigger refuses', async () => {
    const q = (sql: string) => t.app.sequelize.query(sql, { replacements: { p: patient } });
    for (const sql of [
      `UPDATE patient_history SET notes = 'changed' WHERE patient_id = :p`,
      `UPDATE patient_history SET notes = NULL, symptoms = NULL, conditions = '{}', allergies = '{}', erased_at = now() WHERE patient_id = :p`,
      'DELETE FROM patient_history WHERE patient_id = :p',
      'TRUNCATE patient_history',
    ]) {
      const err = await q(sql).catch((e: Error) => e);
      expect(err, sql).to.be.instanceOf(Error);
      expect((err as Error).message).to.match(/append-only/);
    }
    const read = await admin.get(`/api/v1/patients/${patient}/history`).expect(200);
    expect(read.body.entries[0].notes).to.equal(secrets.notes);
  });

  it('when history is written, read and the patient is queued, then no log line and no public queue payload holds any of it', async () => {
    await desk.get(`/api/v1/patients/${patient}/history`).expect(200);
    const [[a]] = (await t.app.sequelize.query(`SELECT id FROM appointments WHERE patient_id = :p`, { replacements: { p: patient } })) as [
      Array<{ id: string }>,
      unknown,
    ];
    await desk.post('/api/v1/checkins').send({ appointment_id: a.id, patient_id: patient }).expect(201);
    await doctor.post(`/api/v1/doctors/${doctorId}/queue/call-next`).expect(200);
    const logs = t.logs.lines.join('\n');
    const publicView = (await screen.get(`/api/v1/doctors/${doctorId}/queue/public`).expect(200)).text;
    const [[events]] = (await t.app.sequelize.query(
      `SELECT coalesce(string_agg(payload::text, ' '), '') AS text FROM queue_events WHERE doctor_id = :d`,
      {
        replacements: { d: doctorId },
      },
    )) as [Array<{ text: string }>, unknown];
    expect(events.text).to.include('called');
    for (const s of Object.values(secrets)) {
      expect(logs, 'logs').not.to.include(s);
      expect(publicView, 'public view').not.to.include(s);
      expect(events.text, 'queue events').not.to.include(s);
    }
  });

  it('when the server logs at debug level (SQL included), then still no line holds the clinical text', async () => {
    const loud = await startTestApp({ LOG_LEVEL: 'debug' });
    try {
      const a = await loud.as('admin');
      const [p] = await newPatients(a, 1);
      const text = {
        symptoms: `Quillfever ${tag}`,
        conditions: [`Marrowgleam-${tag}`],
        allergies: [`Thistlebane-${tag}`],
        notes: `Debug note ${tag}`,
      };
      await a.post(`/api/v1/patients/${p}/history`).send(text).expect(201);
      await a.get(`/api/v1/patients/${p}/history`).expect(200);
      const logs = loud.logs.lines.join('\n');
      expect(logs).to.include('"sql"');
      for (const s of [text.symptoms, text.conditions[0], text.allergies[0], text.notes]) expect(logs).not.to.include(s);
    } finally {
      await loud.stop();
    }
  });
});
