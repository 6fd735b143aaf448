import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { startTestApp, type Agent, type TestApp } from '../support/app';
import { newDoctor } from '../support/booking';
import { buildPatient, dayFromToday, phoneNumber } from '../support/factories';
import { clinicToday } from '../../server/core/clinic-time';

/** Column types whose text form can hold a personal value (arrays, JSON, text of any kind, dates). */
const SEARCHED_TYPES = ['text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'USER-DEFINED', 'date'];

describe('erasure on request', () => {
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

  /**
   * Every table and every column of a searchable type, from information_schema — so a table another branch adds is
   * searched too — and where each of `values` is found (case-insensitive; dates by equality).
   */
  async function sweep(values: string[]): Promise<string[]> {
    const columns = await t.app.sequelize.query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
         JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name AND tb.table_type = 'BASE TABLE'
        WHERE c.table_schema = 'public' AND c.data_type IN (:types)
        ORDER BY c.table_name, c.ordinal_position`,
      { replacements: { types: SEARCHED_TYPES }, type: QueryTypes.SELECT },
    );
    expect(columns.length).to.be.greaterThan(20);
    const hits: string[] = [];
    for (const c of columns) {
      for (const v of values) {
        const isDate = c.data_type === 'date';
        if (isDate && !/^\d{4}-\d{2}-\d{2}$/.test(v)) continue;
        const where = isDate ? `"${c.column_name}" = CAST(:v AS date)` : `strpos(lower("${c.column_name}"::text), lower(:v)) > 0`;
        const [row] = await t.app.sequelize
          .query<{ n: number }>(`SELECT count(*)::int AS n FROM "${c.table_name}" WHERE ${where}`, {
            replacements: { v },
            type: QueryTypes.SELECT,
          })
          .catch((e: Error & { parent?: Error }) => {
            throw new Error(`${c.table_name}.${c.column_name}: ${e.parent?.message ?? e.message}`);
          });
        if (row.n > 0) hits.push(`${c.table_name}.${c.column_name} holds ${v} (${row.n} rows)`);
      }
    }
    return hits;
  }

  it('when a patient with a full day behind them is erased, then no table holds any of their values, and the statistics still add up', async function () {
    this.timeout(60_000);
    const tag = randomBytes(4).toString('hex');
    const national = phoneNumber();
    const person = {
      first_name: `Zelphine${tag}`,
      last_name: `Quorvath${tag}`,
      phone: national,
      email: `zelphine.${tag}@example.org`,
      date_of_birth: '1931-07-23',
      gender: 'other',
    };
    const control = buildPatient({ first_name: `Control${tag}` });
    const doc = await newDoctor(admin, 20);
    const doctor = await t.as('doctor', doc.id);
    const p = (
      await desk
        .post('/api/v1/patients')
        .send({ ...person, age: undefined })
        .expect(201)
    ).body;
    await desk.post('/api/v1/patients').send(control).expect(201);
    const today = clinicToday(t.config.clinicTimezone);

    // Today: a walk-in (with an idempotency key naming the patient), called and served.
    const walkIn = await desk
      .post('/api/v1/walk-ins')
      .set('Idempotency-Key', `walkin-${person.first_name}-${person.last_name}`)
      .send({ patient_id: p.id, doctor_id: doc.id })
      .expect(201);
    const call = await doctor.post(`/api/v1/doctors/${doc.id}/queue/call-next`).expect(200);
    await doctor.post(`/api/v1/queue-entries/${call.body.queue_entry_id}/serve`).expect(200);
    // Clinical history, with a correction.
    const history = {
      symptoms: `Glimmerfever ${tag}`,
      conditions: [`Vortaxia-${tag}`],
      allergies: [`Penicillium-${tag}`],
      notes: `${person.first_name} asked to be called on ${person.phone}`,
    };
    const entry = (await doctor.post(`/api/v1/patients/${p.id}/history`).send(history).expect(201)).body;
    await admin
      .post(`/api/v1/patients/${p.id}/history`)
      .send({ notes: `Correction for ${person.last_name}-${tag}`, corrects: entry.id })
      .expect(201);
    // An upcoming booking (key naming the patient) blocks the erasure; cancelled with a reason naming them, it no longer does.
    const future = (
      await desk
        .post('/api/v1/appointments')
        .set('Idempotency-Key', `book-${person.last_name}`)
        .send({ patient_id: p.id, doctor_id: doc.id, date: dayFromToday(3) })
        .expect(201)
    ).body;
    const refused = await admin.post(`/api/v1/patients/${p.id}/erase`).expect(409);
    expect(refused.body.error).to.equal('HAS_UPCOMING_APPOINTMENTS');
    expect(refused.body.details.appointments.map((a: { id: string }) => a.id)).to.deep.equal([future.id]);
    await desk
      .post(`/api/v1/appointments/${future.id}/cancel`)
      .send({ reason: `${person.first_name} ${person.last_name} called to cancel` })
      .expect(200);
    // An old visit, whose audit event carries free text with the patient's e-mail.
    await t.app.sequelize.query(
      `WITH a AS (INSERT INTO appointments (patient_id, doctor_id, date, slot, status) VALUES (:p, :d, current_date - 30, 1, 'completed') RETURNING id)
       INSERT INTO appointment_events (appointment_id, from_status, to_status, reason, data)
       SELECT a.id, 'checked_in', 'completed', :reason, jsonb_build_object('note', :note, 'slot', 1) FROM a`,
      { replacements: { p: p.id, d: doc.id, reason: `seen, reachable at ${person.email}`, note: `contact ${person.email}` } },
    );
    const original = [
      person.first_name,
      person.last_name,
      p.phone,
      national,
      person.email,
      person.date_of_birth,
      history.symptoms,
      history.conditions[0],
      history.allergies[0],
      history.notes,
      `Correction for ${person.last_name}`,
    ];
    expect(await sweep(original), 'before the erasure the sweep finds the values').to.have.length.greaterThan(5);
    const reportBefore = (await admin.get('/api/v1/reports/day').query({ date: today }).expect(200)).body;
    const count = async () =>
      (
        await t.app.sequelize.query<{ rows: string }>(
          `SELECT string_agg(to_char(date, 'YYYY-MM-DD') || '/' || slot || '/' || status || '/' || is_walk_in, ',' ORDER BY date, slot) AS rows
             FROM appointments WHERE patient_id = :p`,
          { replacements: { p: p.id }, type: QueryTypes.SELECT },
        )
      )[0].rows;
    const appointmentsBefore = await count();

    const erased = await admin.post(`/api/v1/patients/${p.id}/erase`).expect(200);
    const adminAccount = await t.account('admin');
    expect(erased.body).to.include({ patient_id: p.id, erased_by: adminAccount.id, already_erased: false });
    expect(erased.body.kept).to.deep.equal({ appointments: 3 });
    expect(erased.body.scrubbed.history_entries).to.equal(2);
    expect(erased.body.scrubbed.idempotency_keys).to.equal(2);

    // Nothing of the patient anywhere; the control patient's values are still found (the sweep works).
    expect(await sweep(original)).to.deep.equal([]);
    expect(await sweep([control.first_name])).to.have.length.greaterThan(0);
    const row = (await admin.get(`/api/v1/patients/${p.id}`).expect(200)).body;
    expect(row).to.include({
      first_name: '[erased]',
      last_name: null,
      phone: `erased-${p.id}`,
      email: null,
      age: null,
      gender: null,
      date_of_birth: null,
      erased_by: adminAccount.id,
    });
    expect(row.erased_at).to.equal(erased.body.erased_at);
    expect(row.deactivated_at).to.be.a('string');
    const hist = (await admin.get(`/api/v1/patients/${p.id}/history`).expect(200)).body;
    expect(hist.total).to.equal(2);
    expect(hist.has_allergies).to.equal(false);
    for (const e of hist.entries) {
      expect(e).to.include({ symptoms: null, notes: null, erased_at: erased.body.erased_at });
      expect(e.conditions).to.deep.equal([]);
      expect(e.author.id).to.be.a('string');
    }

    // Statistics add up: the same appointment rows, the same day report.
    expect(await count()).to.equal(appointmentsBefore);
    expect((await admin.get('/api/v1/reports/day').query({ date: today }).expect(200)).body).to.deep.equal(reportBefore);
    const events = await t.app.sequelize.query<{ to_status: string; reason: string | null }>(
      `SELECT ev.to_status, ev.reason FROM appointment_events ev JOIN appointments a ON a.id = ev.appointment_id WHERE a.patient_id = :p ORDER BY ev.id`,
      { replacements: { p: p.id }, type: QueryTypes.SELECT },
    );
    expect(events.map((e) => e.to_status)).to.include.members(['booked', 'checked_in', 'completed', 'cancelled']);
    expect(events.filter((e) => e.reason !== null).every((e) => e.reason === '[erased]')).to.equal(true);

    // The erased record is closed: no change, no booking, no history, no reactivation; a second erasure answers the first.
    expect((await desk.patch(`/api/v1/patients/${p.id}`).send({ first_name: 'Back' }).expect(409)).body.error).to.equal('PATIENT_ERASED');
    expect((await desk.post(`/api/v1/patients/${p.id}/reactivate`).expect(409)).body.error).to.equal('PATIENT_ERASED');
    expect((await admin.post(`/api/v1/patients/${p.id}/history`).send({ notes: 'late' }).expect(409)).body.error).to.equal(
      'PATIENT_ERASED',
    );
    const book = await desk
      .post('/api/v1/appointments')
      .send({ patient_id: p.id, doctor_id: doc.id, date: dayFromToday(4) })
      .expect(422);
    expect(book.body.error).to.equal('PATIENT_INACTIVE');
    const replay = await desk
      .post('/api/v1/walk-ins')
      .set('Idempotency-Key', `walkin-${person.first_name}-${person.last_name}`)
      .send({ patient_id: p.id, doctor_id: doc.id })
      .expect(422);
    expect(replay.body.error).to.equal('PATIENT_INACTIVE');
    const again = await admin.post(`/api/v1/patients/${p.id}/erase`).expect(200);
    expect(again.body).to.include({ already_erased: true, erased_at: erased.body.erased_at, erased_by: adminAccount.id });
    expect(
      (await desk.get('/api/v1/patients').query({ q: '[erased]' }).expect(200)).body.data.map((x: { id: string }) => x.id),
    ).not.to.include(p.id);
    expect(walkIn.body.appointment.patient_id).to.equal(p.id);
  });

  it('when someone other than an admin asks, or the patient is unknown, then 403 or 404', async () => {
    const p = (await desk.post('/api/v1/patients').send(buildPatient()).expect(201)).body;
    await desk.post(`/api/v1/patients/${p.id}/erase`).expect(403);
    await admin.post('/api/v1/patients/6f1c1d5e-0000-4000-8000-000000000000/erase').expect(404);
    expect((await desk.get(`/api/v1/patients/${p.id}`).expect(200)).body.first_name).to.equal(p.first_name);
  });
});
