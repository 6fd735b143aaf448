import { expect } from 'chai';
import { Webhook } from 'standardwebhooks';
import { startTestApp, type Agent, type TestApp } from '../support/app';
import { buildDoctor, buildPatient, dayFromToday } from '../support/factories';
import { newDoctor, newPatients } from '../support/booking';
import { eventually, startReceiver, type Receiver } from '../support/receiver';

const FAST = {
  WEBHOOK_ALLOW_PRIVATE: 'true',
  WEBHOOK_RELAY_INTERVAL_MS: '100',
  WEBHOOK_RETRY_BASE_MS: '100',
  WEBHOOK_RETRY_MAX_MS: '400',
  WEBHOOK_TIMEOUT_MS: '2000',
};

describe('webhooks: signed, from the outbox, at least once', function () {
  this.timeout(60_000);
  let t: TestApp;
  let admin: Agent;
  let desk: Agent;
  let receiver: Receiver;
  const endpoints: string[] = [];
  before(async () => {
    t = await startTestApp(FAST);
    admin = await t.as('admin');
    desk = await t.as('reception');
    receiver = await startReceiver();
  });
  after(async () => {
    for (const id of endpoints) await admin.delete(`/api/v1/webhooks/${id}`);
    await t.stop();
    await receiver.close();
  });
  const subscribe = async (events: string[], extra: Record<string, unknown> = {}, url = receiver.url) => {
    const res = await admin
      .post('/api/v1/webhooks')
      .send({ url, events, ...extra })
      .expect(201);
    endpoints.push(res.body.id);
    return res.body as { id: string; secret: string };
  };
  const ofType = (r: Receiver, type: string) => r.received.filter((x) => JSON.parse(x.body).type === type);

  it('when a booking commits, then the receiver gets appointment.booked whose signature verifies with the standardwebhooks verifier', async () => {
    const ep = await subscribe(['appointment.booked']);
    expect(ep.secret).to.match(/^whsec_/);
    expect((await admin.get(`/api/v1/webhooks/${ep.id}`).expect(200)).body).to.not.have.property('secret');
    const doc = await newDoctor(admin);
    const [p] = await newPatients(desk, 1);
    const booked = (
      await desk
        .post('/api/v1/appointments')
        .send({ patient_id: p, doctor_id: doc.id, date: dayFromToday(2) })
        .expect(201)
    ).body;
    await eventually(() => ofType(receiver, 'appointment.booked').some((r) => r.body.includes(booked.id)), 10_000, 'the webhook');
    const got = receiver.received.find((r) => r.body.includes(booked.id))!;
    const payload = new Webhook(ep.secret).verify(got.body, got.headers) as { type: string; timestamp: string; data: Record<string, any> };
    expect(payload.type).to.equal('appointment.booked');
    expect(got.headers['webhook-id']).to.match(/^msg_[0-9a-f-]{36}$/);
    expect(payload.data).to.include({
      appointment_id: booked.id,
      doctor_id: doc.id,
      slot: 1,
      status: 'booked',
      source: 'desk',
      token: `${doc.code}-001`,
    });
    expect(payload.data).to.include.keys('site_id', 'start_time', 'end_time', 'estimated_time', 'date', 'patient_id');
    expect(payload.data.doctor).to.include({ id: doc.id, code: doc.code });
    expect(payload.data).to.not.have.property('patient');
    // Tampering breaks it.
    expect(() => new Webhook(ep.secret).verify(got.body.replace('booked', 'cancel'), got.headers)).to.throw();
  });

  it('when an endpoint asks for patient contact, then only its deliveries carry first name and phone — nothing else personal', async () => {
    const plain = await startReceiver();
    const sms = await startReceiver();
    try {
      await subscribe(['appointment.booked'], {}, plain.url);
      await subscribe(['appointment.booked'], { include_patient_contact: true }, sms.url);
      const doc = await newDoctor(admin);
      const patient = (
        await desk
          .post('/api/v1/patients')
          .send(buildPatient({ first_name: 'Meenakshi', last_name: 'Sundaram', age: 61 }))
          .expect(201)
      ).body;
      await desk
        .post('/api/v1/appointments')
        .send({ patient_id: patient.id, doctor_id: doc.id, date: dayFromToday(2) })
        .expect(201);
      await eventually(() => plain.received.length > 0 && sms.received.length > 0, 10_000, 'both deliveries');
      const a = JSON.parse(plain.received[0].body).data;
      const b = JSON.parse(sms.received[0].body).data;
      expect(a).to.not.have.property('patient');
      expect(plain.received[0].body).to.not.include('Meenakshi').and.not.include(patient.phone);
      expect(b.patient).to.deep.equal({ first_name: 'Meenakshi', phone: patient.phone });
      expect(sms.received[0].body).to.not.include('Sundaram');
    } finally {
      await plain.close();
      await sms.close();
    }
  });

  it('when a change rolls back after recording its event, then nothing is stored and nothing is sent', async () => {
    const r = await startReceiver();
    try {
      await subscribe(['appointment.booked'], {}, r.url);
      const doc = await newDoctor(admin);
      const [p] = await newPatients(desk, 1);
      const [[before]] = (await t.app.sequelize.query('SELECT count(*)::int AS n FROM webhook_events')) as [[{ n: number }], unknown];
      const ctx = t.app.ctx;
      const actor = { id: null, type: null, requestId: null };
      await ctx
        .tx(async (tx) => {
          await ctx.booking.bookWithin({ patientId: p, doctorId: doc.id, date: dayFromToday(1), actor, key: null, fingerprint: '' }, tx);
          const [[mid]] = (await t.app.sequelize.query('SELECT count(*)::int AS n FROM webhook_events', { transaction: tx })) as [
            [{ n: number }],
            unknown,
          ];
          expect(mid.n, 'recorded inside the transaction').to.equal(before.n + 1);
          throw new Error('roll back');
        })
        .catch((err: Error) => expect(err.message).to.equal('roll back'));
      const [[afterRows]] = (await t.app.sequelize.query('SELECT count(*)::int AS n FROM webhook_events')) as [[{ n: number }], unknown];
      expect(afterRows.n).to.equal(before.n);
      await ctx.webhookRelay.runOnce();
      await new Promise((res) => setTimeout(res, 500));
      expect(r.received).to.deep.equal([]);
    } finally {
      await r.close();
    }
  });

  it('when the receiver is down for a while, then every event arrives once it is back, acknowledged once per webhook-id, with the attempts listed', async () => {
    const r = await startReceiver();
    try {
      const ep = await subscribe(['appointment.booked', 'appointment.cancelled'], {}, r.url);
      r.respond(503);
      const doc = await newDoctor(admin);
      const patients = await newPatients(desk, 5);
      const ids: string[] = [];
      for (const p of patients)
        ids.push(
          (
            await desk
              .post('/api/v1/appointments')
              .send({ patient_id: p, doctor_id: doc.id, date: dayFromToday(3) })
              .expect(201)
          ).body.id,
        );
      await desk.post(`/api/v1/appointments/${ids[0]}/cancel`).send({ reason: 'test' }).expect(200);
      await eventually(() => r.received.length >= 12, 15_000, 'failed attempts while down');
      r.respond(200);
      await eventually(
        () => new Set(r.acknowledged().map((x) => x.headers['webhook-id'])).size === 6,
        20_000,
        'all six events after recovery',
      );
      await new Promise((res) => setTimeout(res, 600)); // nothing more comes once acknowledged
      const acks = r.acknowledged().map((x) => x.headers['webhook-id']);
      expect(acks).to.have.length(6);
      expect(new Set(acks).size).to.equal(6);
      const deliveries = (await admin.get(`/api/v1/webhooks/${ep.id}/deliveries`).expect(200)).body;
      expect(deliveries.total).to.equal(6);
      for (const d of deliveries.data) {
        expect(d.status).to.equal('delivered');
        expect(d.attempts.length).to.be.at.least(2);
        expect(d.attempts[0]).to.include({ response_status: 503 });
        expect(d.attempts.at(-1)).to.include({ response_status: 200 });
        expect(d.attempts.at(-1).duration_ms).to.be.a('number');
      }
    } finally {
      await r.close();
    }
  });

  it('when an event is delivered, then a manual retry resends it with the same webhook-id', async () => {
    const r = await startReceiver();
    try {
      const ep = await subscribe(['doctor.created'], {}, r.url);
      await admin.post('/api/v1/doctors').send(buildDoctor()).expect(201);
      await eventually(() => r.acknowledged().length === 1, 10_000, 'the first delivery');
      const [d] = (await admin.get(`/api/v1/webhooks/${ep.id}/deliveries?status=delivered`).expect(200)).body.data;
      await admin.post(`/api/v1/webhooks/${ep.id}/deliveries/${d.id}/retry`).expect(202);
      await eventually(() => r.acknowledged().length === 2, 10_000, 'the resend');
      expect(r.received[1].headers['webhook-id']).to.equal(r.received[0].headers['webhook-id']);
    } finally {
      await r.close();
    }
  });

  it('when doctors change, then doctor.* carries descriptive fields only, and a capacity-only change sends nothing', async () => {
    const r = await startReceiver();
    try {
      await subscribe(['doctor.created', 'doctor.updated'], {}, r.url);
      const doc = (
        await admin
          .post('/api/v1/doctors')
          .send(buildDoctor({ specialty: 'ENT' }))
          .expect(201)
      ).body;
      await admin
        .patch(`/api/v1/doctors/${doc.id}`)
        .send({ default_daily_capacity: 33, working_days: [1, 2] })
        .expect(200);
      await admin.patch(`/api/v1/doctors/${doc.id}`).send({ specialty: 'Cardiology' }).expect(200);
      await eventually(() => r.received.length >= 2, 10_000, 'two doctor events');
      await new Promise((res) => setTimeout(res, 500));
      const bodies = r.received.map((x) => JSON.parse(x.body));
      expect(bodies.map((b) => b.type)).to.deep.equal(['doctor.created', 'doctor.updated']);
      for (const b of bodies) {
        expect(Object.keys(b.data.doctor).sort()).to.deep.equal([
          'code',
          'experience_years',
          'id',
          'is_active',
          'languages',
          'name',
          'specialty',
        ]);
        expect(JSON.stringify(b)).to.not.include('working_days').and.not.include('default_daily_capacity');
      }
      expect(bodies[1].data.doctor.specialty).to.equal('Cardiology');
    } finally {
      await r.close();
    }
  });

  it('when the queue moves, then queue.checked_in, queue.called and queue.served go out with token and status', async () => {
    const r = await startReceiver();
    try {
      await subscribe(['queue.checked_in', 'queue.called', 'queue.served'], {}, r.url);
      const doc = await newDoctor(admin);
      const [p] = await newPatients(desk, 1);
      const a = (
        await desk
          .post('/api/v1/appointments')
          .send({ patient_id: p, doctor_id: doc.id, date: dayFromToday(0) })
          .expect(201)
      ).body;
      const ci = (await desk.post('/api/v1/checkins').send({ appointment_id: a.id, patient_id: p }).expect(201)).body;
      await desk.post(`/api/v1/doctors/${doc.id}/queue/call-next`).expect(200);
      await desk.post(`/api/v1/queue-entries/${ci.queue_entry_id}/serve`).expect(200);
      await eventually(() => r.received.length >= 3, 10_000, 'three queue events');
      const bodies = r.received.map((x) => JSON.parse(x.body)).sort((x, y) => x.data.version - y.data.version);
      expect(bodies.map((b) => b.type)).to.deep.equal(['queue.checked_in', 'queue.called', 'queue.served']);
      expect(bodies[2].data).to.include({ appointment_id: a.id, doctor_id: doc.id, token: ci.token });
      expect(bodies[2].data.queue_entry).to.include({ status: 'served', token: ci.token });
    } finally {
      await r.close();
    }
  });
});

describe('webhooks: giving up, disabling, and refused destinations', function () {
  this.timeout(60_000);
  let t: TestApp;
  let admin: Agent;
  const endpoints: string[] = [];
  after(async () => {
    for (const id of endpoints) await admin.delete(`/api/v1/webhooks/${id}`);
    await t?.stop();
  });

  it('when deliveries keep failing past the give-up time, then they are failed and the endpoint is disabled after N of them; re-enabling and a retry deliver', async () => {
    t = await startTestApp({ ...FAST, WEBHOOK_GIVE_UP_HOURS: '0.0005', WEBHOOK_DISABLE_AFTER_FAILURES: '2' });
    admin = await t.as('admin');
    const r = await startReceiver();
    try {
      r.respond(500);
      const ep = (
        await admin
          .post('/api/v1/webhooks')
          .send({ url: r.url, events: ['doctor.created'] })
          .expect(201)
      ).body;
      endpoints.push(ep.id);
      await admin.post('/api/v1/doctors').send(buildDoctor()).expect(201);
      await admin.post('/api/v1/doctors').send(buildDoctor()).expect(201);
      await eventually(
        async () => (await admin.get(`/api/v1/webhooks/${ep.id}`)).body.enabled === false,
        20_000,
        'the endpoint to be disabled',
      );
      const now = (await admin.get(`/api/v1/webhooks/${ep.id}`).expect(200)).body;
      expect(now).to.include({ consecutive_failures: 2 });
      expect(now.disabled_reason).to.match(/2 consecutive deliveries failed/);
      const failed = (await admin.get(`/api/v1/webhooks/${ep.id}/deliveries?status=failed`).expect(200)).body;
      expect(failed.total).to.equal(2);
      expect(failed.data[0].attempts.every((a: { response_status: number }) => a.response_status === 500)).to.equal(true);
      r.respond(204);
      await admin.patch(`/api/v1/webhooks/${ep.id}`).send({ enabled: true }).expect(200);
      for (const d of failed.data) await admin.post(`/api/v1/webhooks/${ep.id}/deliveries/${d.id}/retry`).expect(202);
      await eventually(() => r.acknowledged().length === 2, 10_000, 'both resent');
      expect((await admin.get(`/api/v1/webhooks/${ep.id}`).expect(200)).body).to.include({ enabled: true, consecutive_failures: 0 });
    } finally {
      await r.close();
    }
  });

  it('when WEBHOOK_ALLOW_PRIVATE is false, then loopback, private, link-local, mapped and non-http destinations are refused, and a stored one is never contacted', async () => {
    const r = await startReceiver();
    const strict = await startTestApp({ WEBHOOK_RELAY_INTERVAL_MS: '100' });
    try {
      const strictAdmin = await strict.as('admin');
      const refused = [
        `http://127.0.0.1:${r.port}/hook`,
        `http://localhost:${r.port}/hook`,
        'http://[::1]/hook',
        'http://[::ffff:127.0.0.1]/hook',
        'http://10.1.2.3/hook',
        'http://172.16.0.9/hook',
        'http://192.168.1.1/hook',
        'http://169.254.169.254/latest/meta-data',
        'http://100.64.0.1/hook',
        'http://[fd00::1]/hook',
        'http://[fe80::1]/hook',
        'http://0.0.0.0/hook',
        'http://user:secret@93.184.215.14/hook',
      ];
      for (const url of refused) {
        const res = await strictAdmin.post('/api/v1/webhooks').send({ url, events: ['doctor.created'] });
        expect(res.status, url).to.equal(422);
        expect(res.body.error, url).to.equal('WEBHOOK_URL_REFUSED');
      }
      for (const url of ['ftp://example.org/x', 'file:///etc/passwd', 'gopher://127.0.0.1/']) {
        expect((await strictAdmin.post('/api/v1/webhooks').send({ url, events: ['doctor.created'] })).status, url).to.equal(400);
      }
      // An endpoint stored while private addresses were allowed, relayed by an instance that refuses them.
      const ep = (
        await admin
          .post('/api/v1/webhooks')
          .send({ url: r.url, events: ['doctor.created'] })
          .expect(201)
      ).body;
      endpoints.push(ep.id);
      await t.stop(); // only the strict instance relays from now on
      await strictAdmin.post('/api/v1/doctors').send(buildDoctor()).expect(201);
      await eventually(
        async () => (await strictAdmin.get(`/api/v1/webhooks/${ep.id}/deliveries`)).body.data[0]?.attempts?.length > 0,
        10_000,
        'a refused attempt',
      );
      const [d] = (await strictAdmin.get(`/api/v1/webhooks/${ep.id}/deliveries`).expect(200)).body.data;
      expect(d.status).to.equal('pending');
      expect(d.attempts[0].error).to.match(/^refused: .*non-public address \(127\.0\.0\.1\)/);
      expect(d.attempts[0].response_status).to.equal(null);
      expect(r.received).to.deep.equal([]);
      await strictAdmin.delete(`/api/v1/webhooks/${ep.id}`).expect(204);
    } finally {
      await strict.stop();
      await r.close();
      t = await startTestApp(FAST); // for the after hook
    }
  });
});
