import { expect } from 'chai';
import ICAL from 'ical.js';
import { startTestApp, type Agent, type TestApp } from '../support/app';
import { buildPatient, dayFromToday } from '../support/factories';
import { newDoctor } from '../support/booking';

/** The VEVENTs of an iCalendar text, parsed back with ical.js. */
function events(text: string) {
  const cal = new ICAL.Component(ICAL.parse(text));
  return cal.getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v);
    return {
      uid: e.uid,
      summary: e.summary,
      start: e.startDate,
      end: e.endDate,
      status: v.getFirstPropertyValue('status') as string | null,
    };
  });
}

describe('calendar feeds: a doctor subscribes to their days by URL', function () {
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

  it('when the doctor mints a feed, then it parses as iCalendar with one event per appointment, no names, cancelled ones marked, ETag/304, and revoking stops it at once', async () => {
    const doc = await newDoctor(admin, 10);
    const me = await t.as('doctor', doc.id);
    const patient = (
      await desk
        .post('/api/v1/patients')
        .send(buildPatient({ first_name: 'Kavitha', last_name: 'Ramesh' }))
        .expect(201)
    ).body;
    const other = (
      await desk
        .post('/api/v1/patients')
        .send(buildPatient({ first_name: 'Joseph', last_name: 'Mathew' }))
        .expect(201)
    ).body;
    const a1 = (
      await desk
        .post('/api/v1/appointments')
        .send({ patient_id: patient.id, doctor_id: doc.id, date: dayFromToday(2) })
        .expect(201)
    ).body;
    const a2 = (
      await desk
        .post('/api/v1/appointments')
        .send({ patient_id: other.id, doctor_id: doc.id, date: dayFromToday(2) })
        .expect(201)
    ).body;
    const far = (
      await desk
        .post('/api/v1/appointments')
        .send({ patient_id: patient.id, doctor_id: doc.id, date: dayFromToday(75) })
        .expect(201)
    ).body;
    await desk.post(`/api/v1/appointments/${a2.id}/cancel`).send({ reason: 'called' }).expect(200);

    const minted = (await me.post(`/api/v1/doctors/${doc.id}/calendar-feeds`).send({ label: 'phone' }).expect(201)).body;
    expect(minted.url).to.match(new RegExp(`^${t.baseUrl.replace('127.0.0.1', '[^/]+')}/calendar/cal_[A-Za-z0-9_-]{43}\\.ics$`));
    expect(minted.webcal_url).to.match(/^webcal:\/\//);
    const path = new URL(minted.url).pathname;
    const res = await t.http.get(path).expect(200);
    expect(res.headers['content-type']).to.equal('text/calendar; charset=utf-8');
    expect(res.headers.etag).to.match(/^"[A-Za-z0-9_-]+"$/);
    const evs = events(res.text);
    expect(evs.map((e) => e.uid).sort()).to.deep.equal([`${a1.id}@clinic-front-desk`, `${a2.id}@clinic-front-desk`].sort());
    expect(
      evs.some((e) => e.uid.startsWith(far.id)),
      'beyond 60 days',
    ).to.equal(false);
    const e1 = evs.find((e) => e.uid.startsWith(a1.id))!;
    expect(e1.summary).to.equal(`${doc.code}-001`);
    expect(e1.start.isDate, 'no time known: an all-day event').to.equal(true);
    expect(e1.start.toString()).to.equal(dayFromToday(2));
    expect(e1.status).to.equal('CONFIRMED');
    expect(evs.find((e) => e.uid.startsWith(a2.id))!.status).to.equal('CANCELLED');
    for (const word of ['Kavitha', 'Ramesh', 'Joseph', 'Mathew', patient.phone]) expect(res.text).to.not.include(word);

    // Unchanged → 304; a change → a new ETag.
    await t.http.get(path).set('If-None-Match', res.headers.etag).expect(304);
    const third = (await desk.post('/api/v1/patients').send(buildPatient()).expect(201)).body;
    await desk
      .post('/api/v1/appointments')
      .send({ patient_id: third.id, doctor_id: doc.id, date: dayFromToday(3) })
      .expect(201);
    const changed = await t.http.get(path).set('If-None-Match', res.headers.etag).expect(200);
    expect(changed.headers.etag).to.not.equal(res.headers.etag);
    expect(events(changed.text)).to.have.length(3);

    // Listed without the URL; another doctor may not see or mint; revoking stops it at once.
    const list = (await me.get(`/api/v1/doctors/${doc.id}/calendar-feeds`).expect(200)).body;
    expect(list.data.map((f: { id: string }) => f.id)).to.include(minted.id);
    expect(JSON.stringify(list)).to.not.include('cal_');
    const stranger = await t.as('doctor');
    await stranger.post(`/api/v1/doctors/${doc.id}/calendar-feeds`).send({}).expect(403);
    await desk.post(`/api/v1/doctors/${doc.id}/calendar-feeds`).send({}).expect(403);
    await me.delete(`/api/v1/doctors/${doc.id}/calendar-feeds/${minted.id}`).expect(204);
    const gone = await t.http.get(path).expect(404);
    expect(gone.body.error).to.equal('CALENDAR_FEED_NOT_FOUND');
    await t.http.get('/calendar/cal_nope.ics').expect(404);
  });

  it('when a feed is created with show_patient_names, then titles carry the first name and last initial only', async () => {
    const doc = await newDoctor(admin, 10);
    const patient = (
      await desk
        .post('/api/v1/patients')
        .send(buildPatient({ first_name: 'Kavitha', last_name: 'Ramesh' }))
        .expect(201)
    ).body;
    await desk
      .post('/api/v1/appointments')
      .send({ patient_id: patient.id, doctor_id: doc.id, date: dayFromToday(1) })
      .expect(201);
    const minted = (await admin.post(`/api/v1/doctors/${doc.id}/calendar-feeds`).send({ show_patient_names: true }).expect(201)).body;
    const res = await t.http.get(new URL(minted.url).pathname).expect(200);
    const [e] = events(res.text);
    expect(e.summary).to.equal(`${doc.code}-001 · Kavitha R.`);
    expect(res.text).to.not.include('Ramesh');
    expect(res.text).to.not.include(patient.phone);
  });
});
