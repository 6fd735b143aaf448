import { expect } from 'chai';
import { startTestApp, type Agent, type TestApp } from '../support/app';
import { buildDoctor, dayFromToday } from '../support/factories';
import { dayInvariant, newPatients } from '../support/booking';
import { isoWeekday } from '../../server/core/clinic-time';

/** The first day at least `from` days ahead that is ISO weekday `weekday`. */
function nextWeekday(weekday: number, from = 2): string {
  for (let i = from; i < from + 7; i++) if (isoWeekday(dayFromToday(i)) === weekday) return dayFromToday(i);
  throw new Error('unreachable');
}
let seq = 0;
const siteCode = () => `S${Date.now().toString(36).toUpperCase()}${seq++}`;

describe('schedules: sites, weekly sessions, timed slots, leaves', () => {
  let t: TestApp;
  let admin: Agent;
  let desk: Agent;
  let north: { id: string };
  let south: { id: string };
  before(async () => {
    t = await startTestApp();
    admin = await t.as('admin');
    desk = await t.as('reception');
    north = (await admin.post('/api/v1/sites').send({ code: siteCode(), name: 'North', timezone: 'UTC' }).expect(201)).body;
    south = (await admin.post('/api/v1/sites').send({ code: siteCode(), name: 'South', timezone: 'UTC' }).expect(201)).body;
  });
  after(async () => {
    await t.stop();
  });

  /** A doctor with, every day of the week, a timed morning at North (09:00–10:00, 15 min: 4 slots) and a token evening at South (3). */
  async function scheduledDoctor(extra: Record<string, unknown> = {}) {
    const doc = (
      await admin
        .post('/api/v1/doctors')
        .send(buildDoctor({ consult_minutes: 12, ...extra }))
        .expect(201)
    ).body as { id: string; code: string };
    const sessions = [1, 2, 3, 4, 5, 6, 7].flatMap((weekday) => [
      { weekday, site_id: north.id, start_time: '09:00', end_time: '10:00', slot_minutes: 15, room: 'Room 4' },
      { weekday, site_id: south.id, start_time: '17:00', end_time: '19:00', slot_minutes: null, capacity: 3, room: 'OPD 2' },
    ]);
    await admin.put(`/api/v1/doctors/${doc.id}/schedule`).send({ sessions }).expect(200);
    return doc;
  }

  it('when sites are added, then the default site exists, zones are validated and codes are unique in any case', async () => {
    const list = (await desk.get('/api/v1/sites').expect(200)).body;
    expect(list.data[0]).to.include({ is_default: true, code: 'MAIN', timezone: t.config.clinicTimezone });
    const bad = await admin.post('/api/v1/sites').send({ code: siteCode(), name: 'X', timezone: 'Mars/Olympus' }).expect(400);
    expect(bad.body.details[0].path).to.equal('body.timezone');
    const code = siteCode();
    await admin.post('/api/v1/sites').send({ code, name: 'A', timezone: 'Asia/Kolkata' }).expect(201);
    expect(
      (await admin.post('/api/v1/sites').send({ code: code.toLowerCase(), name: 'B', timezone: 'UTC' }).expect(409)).body.error,
    ).to.equal('SITE_CODE_TAKEN');
    await desk.post('/api/v1/sites').send({ code: siteCode(), name: 'C', timezone: 'UTC' }).expect(403);
  });

  it('when doctors have profiles, then discovery finds them by accent-free text, language prefix and site', async () => {
    const doc = (
      await admin
        .post('/api/v1/doctors')
        .send(
          buildDoctor({
            name: 'Dra. Núñez',
            specialty: 'Cardiología',
            languages: ['ta-IN', 'en'],
            experience_years: 12,
            consultation_type: 'video',
          }),
        )
        .expect(201)
    ).body;
    expect(doc).to.include({ experience_years: 12, consultation_type: 'video', consult_minutes: 10 });
    expect(doc.languages).to.deep.equal(['ta-IN', 'en']);
    const ids = async (q: string) =>
      ((await desk.get(`/api/v1/doctors?${q}&limit=200`).expect(200)).body.data as Array<{ id: string }>).map((d) => d.id);
    expect(await ids('q=cardio')).to.include(doc.id);
    expect(await ids('q=NUNEZ')).to.include(doc.id);
    expect(await ids('language=ta')).to.include(doc.id);
    expect(await ids('language=fr')).not.to.include(doc.id);
    expect(
      (
        await admin
          .post('/api/v1/doctors')
          .send(buildDoctor({ languages: ['not a tag!'] }))
          .expect(400)
      ).body.details[0].path,
    ).to.match(/languages/);
    const scheduled = await scheduledDoctor();
    expect(await ids(`site_id=${south.id}`))
      .to.include(scheduled.id)
      .and.not.include(doc.id);
  });

  it('when a schedule breaks several rules, then 422 INVALID_SCHEDULE lists every reason at once', async () => {
    const doc = (await admin.post('/api/v1/doctors').send(buildDoctor()).expect(201)).body;
    const kolkata = (await admin.post('/api/v1/sites').send({ code: siteCode(), name: 'K', timezone: 'Asia/Kolkata' }).expect(201)).body;
    const res = await admin
      .put(`/api/v1/doctors/${doc.id}/schedule`)
      .send({
        sessions: [
          { weekday: 1, site_id: north.id, start_time: '09:00', end_time: '12:00', slot_minutes: 15 },
          { weekday: 1, site_id: north.id, start_time: '11:00', end_time: '13:00', slot_minutes: 15 },
          { weekday: 1, site_id: kolkata.id, start_time: '17:00', end_time: '19:00', capacity: 10 },
          { weekday: 2, site_id: north.id, start_time: '10:00', end_time: '10:00', capacity: 5 },
          { weekday: 3, site_id: '5b1e6c1e-8a57-4c43-9d8f-2f8b1f0c0d11', start_time: '09:00', end_time: '10:00', capacity: 5 },
        ],
      })
      .expect(422);
    expect(res.body.error).to.equal('INVALID_SCHEDULE');
    expect((res.body.details as Array<{ code: string }>).map((d) => d.code)).to.include.members([
      'OVERLAPPING_SESSIONS',
      'MIXED_TIME_ZONES',
      'END_NOT_AFTER_START',
      'UNKNOWN_SITE',
    ]);
    expect((await admin.get(`/api/v1/doctors/${doc.id}/schedule`).expect(200)).body.sessions).to.deep.equal([]);
  });

  it('when a day has sessions, then its slots have sites, rooms and times, and bookings land on them (lowest, by site, by time)', async () => {
    const doc = await scheduledDoctor();
    const date = nextWeekday(3);
    const slots = (await desk.get(`/api/v1/doctors/${doc.id}/slots?date=${date}`).expect(200)).body;
    expect(slots.slots.map((s: { start_time: string | null; estimated_time: string }) => s.start_time ?? s.estimated_time)).to.deep.equal([
      '09:00',
      '09:15',
      '09:30',
      '09:45',
      '17:00',
      '17:12',
      '17:24',
    ]);
    expect(slots.slots[0]).to.include({ status: 'free', site_id: north.id, room: 'Room 4', end_time: '09:15' });
    const [p1, p2, p3, p4] = await newPatients(desk, 4);
    const lowest = (await desk.post('/api/v1/appointments').send({ patient_id: p1, doctor_id: doc.id, date }).expect(201)).body;
    expect(lowest).to.include({
      slot: 1,
      site_id: north.id,
      room: 'Room 4',
      start_time: '09:00',
      end_time: '09:15',
      estimated_time: '09:00',
    });
    const timed = (
      await desk.post('/api/v1/appointments').send({ patient_id: p2, doctor_id: doc.id, date, start_time: '09:45' }).expect(201)
    ).body;
    expect(timed).to.include({ slot: 4, start_time: '09:45' });
    const evening = (
      await desk.post('/api/v1/appointments').send({ patient_id: p3, doctor_id: doc.id, date, site_id: south.id }).expect(201)
    ).body;
    expect(evening).to.include({ slot: 5, site_id: south.id, room: 'OPD 2', start_time: null, estimated_time: '17:00' });
    const taken = await desk
      .post('/api/v1/appointments')
      .send({ patient_id: p4, doctor_id: doc.id, date, start_time: '09:45' })
      .expect(409);
    expect(taken.body).to.include({ error: 'SLOT_TAKEN' });
    expect(taken.body.details.alternatives).to.deep.equal(['09:15', '09:30']);
    expect(
      (await desk.post('/api/v1/appointments').send({ patient_id: p4, doctor_id: doc.id, date, start_time: '09:20' }).expect(422)).body
        .error,
    ).to.equal('NO_SUCH_SLOT');
    await desk
      .post('/api/v1/appointments')
      .send({ patient_id: p4, doctor_id: doc.id, date, site_id: north.id, start_time: '09:15' })
      .expect(400);
    const after = (await desk.get(`/api/v1/doctors/${doc.id}/slots?date=${date}`).expect(200)).body.slots as Array<{ status: string }>;
    expect(after.map((s) => s.status)).to.deep.equal(['booked', 'free', 'free', 'booked', 'booked', 'free', 'free']);
  });

  it('when 200 requests want the same start time at once, then exactly one books it; the others are told SLOT_TAKEN', async function () {
    this.timeout(60_000);
    const doc = await scheduledDoctor();
    const date = nextWeekday(4);
    const patients = await newPatients(desk, 200);
    const answers = await Promise.all(
      patients.map((p) =>
        desk
          .post('/api/v1/appointments')
          .send({ patient_id: p, doctor_id: doc.id, date, start_time: '09:30' })
          .then((r) => r),
      ),
    );
    const statuses = answers.reduce<Record<string, number>>(
      (m, r) => ({ ...m, [`${r.status} ${r.body.error ?? ''}`.trim()]: (m[`${r.status} ${r.body.error ?? ''}`.trim()] ?? 0) + 1 }),
      {},
    );
    expect(statuses['201'], JSON.stringify(statuses)).to.equal(1);
    expect(
      Object.keys(statuses).every((k) => k === '201' || k === '409 SLOT_TAKEN'),
      JSON.stringify(statuses),
    ).to.equal(true);
    const [[row]] = (await t.app.sequelize.query(
      `SELECT count(*)::int AS n FROM appointments WHERE doctor_id = :d AND date = :date AND start_time = '09:30' AND status <> 'cancelled'`,
      { replacements: { d: doc.id, date } },
    )) as [Array<{ n: number }>, unknown];
    expect(row.n).to.equal(1);
    expect(await dayInvariant(t, doc.id, date)).to.include({ booked_count: 1, active: 1, distinct_slots: 1 });
  });

  it("when a site's slots run out under a rush, then its limit holds exactly while the doctor's other site still books", async function () {
    this.timeout(60_000);
    const doc = await scheduledDoctor();
    const date = nextWeekday(5);
    const patients = await newPatients(desk, 24);
    const answers = await Promise.all(
      patients.map((p, i) =>
        desk
          .post('/api/v1/appointments')
          .send({ patient_id: p, doctor_id: doc.id, date, site_id: i % 2 ? north.id : south.id })
          .then((r) => r),
      ),
    );
    const ok = (site: string) => answers.filter((r) => r.status === 201 && r.body.site_id === site).length;
    expect(ok(north.id)).to.equal(4);
    expect(ok(south.id)).to.equal(3);
    expect(answers.filter((r) => r.status === 409 && r.body.error === 'CAPACITY_FULL')).to.have.length(24 - 7);
    const day = await dayInvariant(t, doc.id, date);
    expect(day).to.include({ booked_count: 7, capacity: 7, active: 7, distinct_slots: 7 });
    const [[perSite]] = (await t.app.sequelize.query(
      `SELECT count(*) FILTER (WHERE site_id = :n AND slot BETWEEN 1 AND 4)::int AS north, count(*) FILTER (WHERE site_id = :s AND slot BETWEEN 5 AND 7)::int AS south
         FROM appointments WHERE doctor_id = :d AND date = :date AND status <> 'cancelled'`,
      { replacements: { d: doc.id, date, n: north.id, s: south.id } },
    )) as [Array<{ north: number; south: number }>, unknown];
    expect(perSite).to.deep.equal({ north: 4, south: 3 });
  });

  it('when a leave covers booked days, then nothing is cancelled: each booking is flagged, audited and on the call-back list; new bookings are refused', async () => {
    const doc = await scheduledDoctor();
    const d1 = nextWeekday(1, 3);
    const d2 = nextWeekday(2, 3);
    const [p1, p2, p3, p4] = await newPatients(desk, 4);
    const a1 = (await desk.post('/api/v1/appointments').send({ patient_id: p1, doctor_id: doc.id, date: d1 }).expect(201)).body;
    const a2 = (
      await desk.post('/api/v1/appointments').send({ patient_id: p2, doctor_id: doc.id, date: d2, site_id: south.id }).expect(201)
    ).body;
    const a3 = (
      await desk.post('/api/v1/appointments').send({ patient_id: p3, doctor_id: doc.id, date: d2, start_time: '09:15' }).expect(201)
    ).body;
    const [from, to] = d1 < d2 ? [d1, d2] : [d2, d1];
    const leave = (await desk.post(`/api/v1/doctors/${doc.id}/leaves`).send({ from, to, reason: 'Conference' }).expect(201)).body;
    expect(leave.leave).to.include({ from, to, reason: 'Conference' });
    expect(
      (leave.affected_appointments as Array<{ appointment_id: string; reason: string }>).map((a) => a.appointment_id).sort(),
    ).to.deep.equal([a1.id, a2.id, a3.id].sort());
    for (const a of [a1, a2, a3]) {
      const now = (await desk.get(`/api/v1/appointments/${a.id}`).expect(200)).body;
      expect(now).to.include({ status: 'booked', needs_reschedule: true });
      const history = (await desk.get(`/api/v1/appointments/${a.id}/history`).expect(200)).body.events as Array<{
        reason: string;
        data: unknown;
      }>;
      expect(history.at(-1)).to.deep.include({ reason: 'doctor on leave', data: { leave_id: leave.leave.id } });
    }
    const callBack = (await desk.get(`/api/v1/appointments?needs_reschedule=true&from=${from}&to=${to}&limit=200`).expect(200)).body;
    const mine = (callBack.data as Array<{ id: string; patient: { phone: string } }>).filter(
      (a) => a.id === a1.id || a.id === a2.id || a.id === a3.id,
    );
    expect(mine).to.have.length(3);
    expect(mine[0].patient.phone).to.match(/^\+/);
    expect((await desk.post('/api/v1/appointments').send({ patient_id: p4, doctor_id: doc.id, date: d1 }).expect(422)).body.error).to.equal(
      'DOCTOR_ON_LEAVE',
    );
    // Rescheduling one off the leave clears its flag.
    const moved = (
      await desk
        .post(`/api/v1/appointments/${a1.id}/reschedule`)
        .send({ date: nextWeekday(3, 10) })
        .expect(200)
    ).body;
    expect(moved).to.include({ needs_reschedule: false });
    // Removing the leave opens the days again.
    await desk.delete(`/api/v1/doctors/${doc.id}/leaves/${leave.leave.id}`).expect(204);
    await desk.post('/api/v1/appointments').send({ patient_id: p4, doctor_id: doc.id, date: d1 }).expect(201);
  });

  it('when a part-day leave covers 09:15–09:45, then those slots are on leave and a booking at that time is refused', async () => {
    const doc = await scheduledDoctor();
    const date = nextWeekday(6);
    await desk.post(`/api/v1/doctors/${doc.id}/leaves`).send({ from: date, to: date, start_time: '09:15', end_time: '09:45' }).expect(201);
    const slots = (await desk.get(`/api/v1/doctors/${doc.id}/slots?date=${date}`).expect(200)).body.slots as Array<{ status: string }>;
    expect(slots.slice(0, 4).map((s) => s.status)).to.deep.equal(['free', 'on_leave', 'on_leave', 'free']);
    const [p1, p2, p3] = await newPatients(desk, 3);
    expect(
      (await desk.post('/api/v1/appointments').send({ patient_id: p1, doctor_id: doc.id, date, start_time: '09:15' }).expect(422)).body
        .error,
    ).to.equal('DOCTOR_ON_LEAVE');
    expect(
      (await desk.post('/api/v1/appointments').send({ patient_id: p2, doctor_id: doc.id, date }).expect(201)).body.start_time,
    ).to.equal('09:00');
    expect(
      (await desk.post('/api/v1/appointments').send({ patient_id: p3, doctor_id: doc.id, date }).expect(201)).body.start_time,
    ).to.equal('09:45');
  });

  it('when a day gets its own sessions, then they replace the weekly ones that date and the day is re-planned', async () => {
    const doc = await scheduledDoctor();
    const date = nextWeekday(7);
    const res = await admin
      .post(`/api/v1/doctors/${doc.id}/availability`)
      .send({
        date,
        is_present: true,
        sessions: [{ site_id: south.id, start_time: '10:00', end_time: '11:00', slot_minutes: 30, room: 'Room 9' }],
      })
      .expect(201);
    expect(res.body).to.include({ capacity: 2, source: 'set' });
    expect(res.body.sessions).to.deep.equal([
      { site_id: south.id, start_time: '10:00', end_time: '11:00', slot_minutes: 30, capacity: 2, room: 'Room 9' },
    ]);
    const slots = (await desk.get(`/api/v1/doctors/${doc.id}/slots?date=${date}`).expect(200)).body.slots as Array<{ start_time: string }>;
    expect(slots.map((s) => s.start_time)).to.deep.equal(['10:00', '10:30']);
  });

  it('when a doctor-day is at a site in another zone, then its day summary, slots and instants are reckoned in that zone', async () => {
    const kolkata = (await admin.post('/api/v1/sites').send({ code: siteCode(), name: 'Kolkata', timezone: 'Asia/Kolkata' }).expect(201))
      .body;
    const doc = (await admin.post('/api/v1/doctors').send(buildDoctor()).expect(201)).body;
    const sessions = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
      weekday,
      site_id: kolkata.id,
      start_time: '09:00',
      end_time: '09:30',
      slot_minutes: 15,
    }));
    await admin.put(`/api/v1/doctors/${doc.id}/schedule`).send({ sessions }).expect(200);
    const date = dayFromToday(5);
    expect((await desk.get(`/api/v1/doctors/${doc.id}/days/${date}`).expect(200)).body).to.include({
      timezone: 'Asia/Kolkata',
      capacity: 2,
    });
    const slots = (await desk.get(`/api/v1/doctors/${doc.id}/slots?date=${date}`).expect(200)).body;
    expect(slots.timezone).to.equal('Asia/Kolkata');
    expect(slots.slots[0].starts_at).to.equal(`${date}T03:30:00Z`);
  });
});
