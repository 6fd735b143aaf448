import { expect } from 'chai';
import { startTestApp, type Agent, type TestApp } from '../support/app';
import { buildPatient, dayFromToday } from '../support/factories';
import { newDoctor } from '../support/booking';
import { eventually, startReceiver, type Receiver } from '../support/receiver';

const hours = (h: number) => h * 3_600_000;

describe('reminders: appointment.reminder at each lead time, once', function () {
  this.timeout(60_000);
  let t: TestApp;
  let admin: Agent;
  let desk: Agent;
  let receiver: Receiver;
  let endpointId: string;
  before(async () => {
    // Lead times 24 h and 2 h; no time known → 09:00 in the clinic's zone (UTC here) on the appointment's day.
    t = await startTestApp({
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_RELAY_INTERVAL_MS: '100',
      REMINDER_LEAD_HOURS: '24,2',
      REMINDER_DAY_START: '09:00',
    });
    admin = await t.as('admin');
    desk = await t.as('reception');
    receiver = await startReceiver();
    endpointId = (
      await admin
        .post('/api/v1/webhooks')
        .send({ url: receiver.url, events: ['appointment.reminder'], include_patient_contact: true })
        .expect(201)
    ).body.id;
  });
  after(async () => {
    await admin.delete(`/api/v1/webhooks/${endpointId}`);
    await t.stop();
    await receiver.close();
  });
  const remindersOf = (appointmentId: string) =>
    receiver
      .acknowledged()
      .map((r) => JSON.parse(r.body))
      .filter((b) => b.type === 'appointment.reminder' && b.data.appointment_id === appointmentId);
  /** `lead:outcome` rows recorded for one appointment (other files' appointments share the database). */
  const recorded = async (id: string) =>
    (
      (await t.app.sequelize.query(
        `SELECT coalesce(array_agg(lead_hours || ':' || outcome ORDER BY lead_hours), '{}') AS r FROM appointment_reminders WHERE appointment_id = :id`,
        { replacements: { id } },
      )) as [[{ r: string[] }], unknown]
    )[0][0].r;
  const book = async (date: string, first_name = 'Asha') => {
    const doc = await newDoctor(admin, 10);
    const patient = (await desk.post('/api/v1/patients').send(buildPatient({ first_name })).expect(201)).body;
    const a = (await desk.post('/api/v1/appointments').send({ patient_id: patient.id, doctor_id: doc.id, date }).expect(201)).body;
    return { a, patient, base: new Date(`${date}T09:00:00.000Z`) };
  };

  it('when the clock passes each lead time, then one reminder per lead goes out (with the SMS contact), and runs after it send nothing more', async () => {
    const { a, patient, base } = await book(dayFromToday(3));
    const run = (offsetHours: number) => t.app.ctx.reminders.runOnce(new Date(base.getTime() - hours(offsetHours)));
    await run(25);
    expect(await recorded(a.id)).to.deep.equal([]);
    await run(23.5);
    expect(await recorded(a.id)).to.deep.equal(['24:sent']);
    await run(23);
    await run(3);
    expect(await recorded(a.id)).to.deep.equal(['24:sent']);
    await run(1.5);
    expect(await recorded(a.id)).to.deep.equal(['2:sent', '24:sent']);
    await run(1);
    await run(-1);
    await eventually(() => remindersOf(a.id).length === 2, 10_000, 'two reminders');
    const [first, second] = remindersOf(a.id).sort((x, y) => y.data.lead_hours - x.data.lead_hours);
    expect(first.data).to.include({ lead_hours: 24, remind_for: base.toISOString(), time_known: false, status: 'booked' });
    expect(second.data.lead_hours).to.equal(2);
    expect(first.data.patient).to.deep.equal({ first_name: patient.first_name, phone: patient.phone });
  });

  it('when an appointment is booked after both lead times passed, then only the nearest reminder goes out; a cancelled one gets none', async () => {
    const late = await book(dayFromToday(3), 'Late');
    const gone = await book(dayFromToday(3), 'Gone');
    await desk.post(`/api/v1/appointments/${gone.a.id}/cancel`).send({}).expect(200);
    await t.app.ctx.reminders.runOnce(new Date(late.base.getTime() - hours(1)));
    await eventually(() => remindersOf(late.a.id).length === 1, 10_000, 'the late reminder');
    expect(remindersOf(late.a.id)[0].data.lead_hours).to.equal(2);
    expect(await recorded(late.a.id)).to.deep.equal(['2:sent', '24:skipped']);
    expect(await recorded(gone.a.id)).to.deep.equal([]);
    expect(remindersOf(gone.a.id)).to.deep.equal([]);
  });

  it('when two runs race (two instances), then each reminder is recorded once', async () => {
    const { a, base } = await book(dayFromToday(3), 'Race');
    const other = await startTestApp({ REMINDER_LEAD_HOURS: '24,2' });
    try {
      const at = new Date(base.getTime() - hours(20));
      await Promise.all([t.app.ctx.reminders.runOnce(at), other.app.ctx.reminders.runOnce(at), other.app.ctx.reminders.runOnce(at)]);
      await other.app.ctx.reminders.runOnce(at);
      expect(await recorded(a.id)).to.deep.equal(['24:sent']);
      await eventually(() => remindersOf(a.id).length === 1, 10_000, 'one reminder');
      const [[n]] = (await t.app.sequelize.query(
        `SELECT count(*)::int AS n FROM webhook_events WHERE type = 'appointment.reminder' AND data->>'appointment_id' = :id`,
        {
          replacements: { id: a.id },
        },
      )) as [[{ n: number }], unknown];
      expect(n.n).to.equal(1);
    } finally {
      await other.stop();
    }
  });

  it('when no endpoint subscribes to reminders, then a due reminder is still recorded once as sent, and no event is stored', async () => {
    await t.app.sequelize.query(
      `UPDATE webhook_endpoints SET deleted_at = now() WHERE deleted_at IS NULL AND 'appointment.reminder' = ANY(events)`,
    );
    const quiet = await book(dayFromToday(3), 'Quiet');
    expect(await t.app.ctx.reminders.runOnce(new Date(quiet.base.getTime() - hours(1)))).to.be.greaterThan(0);
    expect(await recorded(quiet.a.id)).to.deep.equal(['2:sent', '24:skipped']);
    const [[{ n }]] = (await t.app.sequelize.query(
      `SELECT count(*)::int AS n FROM webhook_events WHERE type = 'appointment.reminder' AND data->>'appointment_id' = :id`,
      { replacements: { id: quiet.a.id } },
    )) as [[{ n: number }], unknown];
    expect(n).to.equal(0);
  });
});
