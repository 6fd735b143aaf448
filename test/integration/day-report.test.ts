import { expect } from 'chai';
import { startTestApp, type Agent, type TestApp } from '../support/app';
import { newDoctor, newPatients } from '../support/booking';
import { dayFromToday } from '../support/factories';
import { clinicToday } from '../../server/core/clinic-time';

/** The value of one sample line `name{labels} value` in a Prometheus text body, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[4]);
  }
  return undefined;
}

describe('day report', () => {
  let t: TestApp;
  let admin: Agent;
  let desk: Agent;
  let today: string;
  before(async () => {
    t = await startTestApp();
    admin = await t.as('admin');
    desk = await t.as('reception');
    today = clinicToday(t.config.clinicTimezone);
  });
  after(async () => {
    await t.stop();
  });

  it('when a day has a cancellation, a walk-in, a no-show and a recall, then each is counted once and the wait ends at the first call', async () => {
    const doc = await newDoctor(admin, 10);
    const [a, b, c, d] = await newPatients(desk, 4);
    const booked = async (p: string) =>
      (await desk.post('/api/v1/appointments').send({ patient_id: p, doctor_id: doc.id, date: today }).expect(201)).body;
    const ap = await booked(a);
    const cancelled = await booked(b);
    const absent = await booked(c);
    await desk.post(`/api/v1/appointments/${cancelled.id}/cancel`).send({}).expect(200);
    await desk.post('/api/v1/checkins').send({ appointment_id: ap.id, patient_id: a }).expect(201);
    await desk.post('/api/v1/walk-ins').send({ patient_id: d, doctor_id: doc.id }).expect(201);
    const before = (await t.http.get('/metrics').expect(200)).text;
    expect(sample(before, 'clinic_waiting_patients', { site: 'MAIN' })).to.be.at.least(2);
    const first = (await desk.post(`/api/v1/doctors/${doc.id}/queue/call-next`).expect(200)).body;
    expect(first.checked_in_at).to.be.a('string');
    await new Promise((r) => setTimeout(r, 30));
    await desk.post(`/api/v1/queue-entries/${first.queue_entry_id}/recall`).expect(200);
    await desk.post(`/api/v1/queue-entries/${first.queue_entry_id}/serve`).expect(200);
    await desk.post(`/api/v1/appointments/${absent.id}/no-show`).send({}).expect(200);

    const report = (await admin.get('/api/v1/reports/day').expect(200)).body;
    const row = report.doctors.find((x: { doctor_id: string }) => x.doctor_id === doc.id);
    expect(row).to.include({ doctor_code: doc.code, booked: 3, checked_in: 2, served: 1, no_show: 1, cancelled: 1, walk_ins: 1 });
    const [[e]] = (await t.app.sequelize.query('SELECT first_called_at, called_at FROM queue_entries WHERE id = :id', {
      replacements: { id: first.queue_entry_id },
    })) as [Array<{ first_called_at: Date; called_at: Date }>, unknown];
    expect(e.called_at.getTime()).to.be.greaterThan(e.first_called_at.getTime());
    expect(row.first_called_at).to.equal(e.first_called_at.toISOString());
    expect(row.last_called_at).to.equal(e.called_at.toISOString());
    expect(row.median_wait_minutes).to.be.a('number');
    expect(row.median_consult_minutes).to.be.a('number');
  });

  it('when the query is malformed, then 400; a day without appointments has no rows; site_id is accepted', async () => {
    await desk.get('/api/v1/reports/day').query({ date: '2026-02-30' }).expect(400);
    await desk.get('/api/v1/reports/day').query({ site_id: 'not-a-uuid' }).expect(400);
    await desk.get('/api/v1/reports/day').query({ nonsense: 1 }).expect(400);
    const empty = await desk
      .get('/api/v1/reports/day')
      .query({ date: dayFromToday(400) })
      .expect(200);
    expect(empty.body).to.deep.equal({ date: dayFromToday(400), site_id: null, doctors: [] });
    const site = '5b1e6c1e-8a57-4c43-9d8f-2f8b1f0c0d11';
    expect(
      (
        await desk
          .get('/api/v1/reports/day')
          .query({ date: dayFromToday(400), site_id: site })
          .expect(200)
      ).body.site_id,
    ).to.equal(site);
    const csv = await desk
      .get('/api/v1/reports/day')
      .query({ date: dayFromToday(400) })
      .set('Accept', 'text/csv')
      .expect(200);
    expect(csv.text.trimEnd().split('\r\n')).to.have.length(1);
  });
});
