import { expect } from 'chai';
import { newDoctor, newPatients } from '../support/booking';
import { startTestApp, type TestApp } from '../support/app';
import { buildDoctor, dayFromToday } from '../support/factories';

/** The value of one sample line `name{labels} value` in a Prometheus text body, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[4]);
  }
  return undefined;
}

describe('metrics', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.stop();
  });

  it('when /metrics is scraped, then Prometheus text carries request durations by route pattern and status, pool and process metrics', async () => {
    const admin = await t.as('admin');
    const created = await admin.post('/api/v1/doctors').send(buildDoctor()).expect(201);
    await admin.get(`/api/v1/doctors/${created.body.id}`).expect(200);
    await admin.get('/api/v1/doctors/00000000-0000-4000-8000-000000000000').expect(404);

    const res = await t.http.get('/metrics').expect(200);
    expect(res.headers['content-type']).to.match(/^text\/plain; version=0\.0\.4/);
    const text = res.text;
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/doctors/:id', status: '200' })).to.equal(1);
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/doctors/:id', status: '404' })).to.equal(1);
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/doctors', status: '201' })).to.equal(1);
    expect(text, 'raw ids never become label values').not.to.include(created.body.id);
    for (const name of ['db_pool_size', 'db_pool_available', 'db_pool_using', 'db_pool_waiting']) {
      expect(sample(text, name), name).to.be.a('number');
    }
    expect(sample(text, 'db_pool_size')).to.be.greaterThan(0);
    expect(text).to.include('process_cpu_user_seconds_total').and.to.include('nodejs_eventloop_lag_seconds');
  });

  it('when features increment ctx.metrics, then bookings, check-ins, queue calls, screens and outbox series appear', async () => {
    const m = t.app.ctx.metrics;
    m.bookings.inc({ outcome: 'booked' });
    m.bookings.inc({ outcome: 'full' }, 2);
    m.checkins.inc();
    m.queueCalls.inc({ action: 'call_next' });
    m.connectedScreens.set(3);
    m.outboxBacklog.set(7);
    m.outboxLagSeconds.set(1.5);
    const text = (await t.http.get('/metrics').expect(200)).text;
    expect(sample(text, 'clinic_bookings_total', { outcome: 'booked' })).to.equal(1);
    expect(sample(text, 'clinic_bookings_total', { outcome: 'full' })).to.equal(2);
    expect(sample(text, 'clinic_checkins_total')).to.equal(1);
    expect(sample(text, 'clinic_queue_calls_total', { action: 'call_next' })).to.equal(1);
    expect(sample(text, 'clinic_connected_screens')).to.equal(3);
    expect(sample(text, 'clinic_outbox_backlog')).to.equal(7);
    expect(sample(text, 'clinic_outbox_lag_seconds')).to.equal(1.5);
  });

  it('when METRICS_TOKEN is set, then /metrics needs that bearer token (401 problem+json otherwise)', async () => {
    const token = 'scrape-token-0123456789';
    const guarded = await startTestApp({ METRICS_TOKEN: token });
    try {
      const none = await guarded.http.get('/metrics').expect(401);
      expect(none.headers['content-type']).to.match(/application\/problem\+json/);
      expect(none.body.error).to.equal('METRICS_TOKEN_REQUIRED');
      await guarded.http.get('/metrics').set('Authorization', 'Bearer wrong-token').expect(401);
      const ok = await guarded.http.get('/metrics').set('Authorization', `Bearer ${token}`).expect(200);
      expect(ok.text).to.include('http_request_duration_seconds');
      // each app has its own registry: the other app's counters are not here
      expect(sample(ok.text, 'clinic_checkins_total')).to.equal(0);
    } finally {
      await guarded.stop();
    }
  });
});

describe('metrics from real traffic', () => {
  it('when a booking, a full day, a check-in and a call happen, then their counters move', async () => {
    const t = await startTestApp();
    try {
      const admin = await t.as('admin');
      const desk = await t.as('reception');
      const doc = await newDoctor(admin, 1);
      const [p, q] = await newPatients(desk, 2);
      const appt = (
        await desk
          .post('/api/v1/appointments')
          .send({ patient_id: p, doctor_id: doc.id, date: dayFromToday(0) })
          .expect(201)
      ).body;
      await desk
        .post('/api/v1/appointments')
        .send({ patient_id: q, doctor_id: doc.id, date: dayFromToday(0) })
        .expect(409);
      await desk.post('/api/v1/checkins').send({ appointment_id: appt.id, patient_id: p }).expect(201);
      await desk.post(`/api/v1/doctors/${doc.id}/queue/call-next`).expect(200);
      const text = (await t.http.get('/metrics').expect(200)).text;
      expect(text).to.match(/clinic_bookings_total\{outcome="booked"\} 1\b/);
      expect(text).to.match(/clinic_bookings_total\{outcome="full"\} 1\b/);
      expect(text).to.match(/clinic_checkins_total 1\b/);
      expect(text).to.match(/clinic_queue_calls_total\{action="call_next"\} 1\b/);
    } finally {
      await t.stop();
    }
  });
});
