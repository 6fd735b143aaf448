import { expect } from 'chai';
import { Webhook } from 'standardwebhooks';
import { checkDestination, DestinationRefused, isPublicAddress, postTo } from '../../server/webhooks/destination';
import { retryDelayMs, signedRequest } from '../../server/webhooks/relay';
import { eventData } from '../../server/webhooks/payloads';
import { newWebhookSecret } from '../../server/webhooks/webhooks.service';
import { dueLeads } from '../../server/reminders/reminder.rules';
import { appointmentTiming, reminderBaseTime } from '../../server/appointments/appointment-timing';
import { loadConfig, parseLeadHours } from '../../server/core/config';
import { shortName } from '../../server/calendar/calendar.ical';
import { startReceiver } from '../support/receiver';

describe('integrations: rules without a database', () => {
  describe('webhook destinations (SSRF)', () => {
    it('when an address is loopback, private, link-local, unique-local, CGNAT, multicast, unspecified or embeds one, then it is not public', () => {
      for (const a of [
        '127.0.0.1',
        '10.0.0.1',
        '172.31.255.255',
        '192.168.0.1',
        '169.254.169.254',
        '100.64.0.1',
        '0.0.0.0',
        '224.0.0.1',
        '255.255.255.255',
        '::1',
        '::',
        'fe80::1',
        'fd12:3456::1',
        'ff02::1',
        '::ffff:127.0.0.1',
        '::ffff:10.0.0.1',
        '64:ff9b::a00:1',
        '2002:a00:1::1',
        '2001:db8::1',
        '192.0.2.1',
      ]) {
        expect(isPublicAddress(a), a).to.equal(false);
      }
      for (const a of ['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111']) expect(isPublicAddress(a), a).to.equal(true);
    });

    it('when a name resolves to a public and a private address, then it is refused (any bad answer refuses), unless private is allowed', async () => {
      const resolve = async () => [
        { address: '93.184.215.14', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ];
      const err = await checkDestination('https://rebind.example/hook', false, resolve).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(DestinationRefused);
      expect((await checkDestination('https://rebind.example/hook', true, resolve)).address).to.equal('93.184.215.14');
      const fail = async () => {
        throw new Error('ENOTFOUND');
      };
      expect(await checkDestination('https://nx.example/', false, fail).catch((e: DestinationRefused) => e.reason)).to.match(
        /does not resolve/,
      );
    });

    it('when a request goes out, then it connects to the checked address only, with the URL host in Host (no second DNS look-up)', async () => {
      const r = await startReceiver();
      try {
        const dest = {
          url: new URL(`http://receiver.invalid:${r.port}/hook?x=1`),
          hostname: 'receiver.invalid',
          address: '127.0.0.1',
          family: 4 as const,
        };
        const res = await postTo(dest, '{"a":1}', { 'content-type': 'application/json' }, 2000, true);
        expect(res.status).to.equal(204);
        expect(r.received[0].headers.host).to.equal(`receiver.invalid:${r.port}`);
        expect(r.received[0].body).to.equal('{"a":1}');
        // The same pinned connection to a loopback address is refused once private addresses are not allowed.
        const err = await postTo(dest, '{}', {}, 2000, false).catch((e: unknown) => e);
        expect(err).to.be.instanceOf(DestinationRefused);
        expect(r.received).to.have.length(1);
      } finally {
        await r.close();
      }
    });

    it('when a receiver does not answer in time, then the attempt fails with a timeout', async () => {
      const r = await startReceiver();
      r.respond(200, 1500);
      try {
        const dest = { url: new URL(r.url), hostname: '127.0.0.1', address: '127.0.0.1', family: 4 as const };
        const err = (await postTo(dest, '{}', {}, 300, true).catch((e: unknown) => e)) as Error;
        expect(err.message).to.match(/timed out after 300 ms/);
      } finally {
        await r.close();
      }
    });
  });

  it('when retries back off, then each delay is jittered within [min(1 s, base), min(max, base·2^(n-1))]', () => {
    for (let n = 1; n <= 12; n++) {
      for (const rnd of [0, 0.5, 0.999]) {
        const d = retryDelayMs(n, 5000, 3_600_000, () => rnd);
        expect(d)
          .to.be.at.least(1000)
          .and.at.most(Math.min(3_600_000, 5000 * 2 ** (n - 1)));
      }
    }
    expect(retryDelayMs(30, 5000, 3_600_000, () => 0.999)).to.be.at.most(3_600_000);
  });

  it('when a delivery is signed, then the standardwebhooks verifier accepts it and the contact is only on that delivery', () => {
    const secret = newWebhookSecret();
    const d = {
      id: 'd',
      attempt: 1,
      contact: { first_name: 'Asha', phone: '+919812345678' },
      event_id: '0d9d8f5e-1111-4111-8111-111111111111',
      type: 'appointment.reminder',
      data: { appointment_id: 'a' },
      event_at: '2026-12-01T03:30:00.000Z',
      endpoint_id: 'e',
      url: 'http://x',
      secret,
    };
    const { body, headers } = signedRequest(d);
    const payload = new Webhook(secret).verify(body, headers) as { data: Record<string, unknown> };
    expect(payload.data).to.deep.equal({ appointment_id: 'a', patient: d.contact });
    expect(headers['webhook-id']).to.equal(`msg_${d.event_id}`);
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).to.throw();
  });

  it('when events are shaped, then doctors keep descriptive fields only and unchanged directory data sends nothing', () => {
    const doctor = {
      id: 'd',
      name: 'Dr. A',
      code: 'DR_A',
      specialty: 'ENT',
      default_daily_capacity: 20,
      working_days: [1],
      is_active: true,
    };
    expect(eventData('doctor.created', { doctor })!.doctor).to.deep.equal({
      id: 'd',
      name: 'Dr. A',
      code: 'DR_A',
      specialty: 'ENT',
      is_active: true,
    });
    expect(eventData('doctor.updated', { doctor: { ...doctor, default_daily_capacity: 5 }, previous: doctor })).to.equal(null);
    const data = eventData('appointment.booked', {
      appointment: { id: 'a', patient_id: 'p', doctor_id: 'd', date: '2026-12-01', slot: 3 },
      reason: null,
    })!;
    expect(data).to.include({ appointment_id: 'a', slot: 3, start_time: null, estimated_time: null });
  });

  describe('appointment time (the seam) and reminders', () => {
    it('when a row has a slot, an estimate or nothing, then appointmentTiming answers slot, estimate + consult minutes, or null', () => {
      expect(appointmentTiming({})).to.equal(null);
      const day = { date: '2026-12-01', timezone: 'Asia/Kolkata' };
      expect(appointmentTiming({ start_time: '09:30', end_time: '09:40' }), 'no date or zone').to.equal(null);
      const slot = appointmentTiming({ ...day, start_time: '09:30', end_time: '09:40' })!;
      expect(slot).to.deep.equal({ kind: 'slot', start: new Date('2026-12-01T04:00:00Z'), end: new Date('2026-12-01T04:10:00Z') });
      const est = appointmentTiming({ ...day, estimated_time: '09:30', consult_minutes: 20 })!;
      expect(est.kind).to.equal('estimated');
      expect(est.end.toISOString()).to.equal('2026-12-01T04:20:00.000Z');
      // A New York morning after the DST change is five hours behind UTC, not four.
      const ny = appointmentTiming({ date: '2026-11-02', timezone: 'America/New_York', start_time: '09:00', end_time: '09:15' })!;
      expect(ny.start.toISOString()).to.equal('2026-11-02T14:00:00.000Z');
      const base = reminderBaseTime({ date: '2026-12-01' }, 'Asia/Kolkata', '09:00');
      expect(base).to.deep.equal({ at: new Date('2026-12-01T03:30:00.000Z'), timeKnown: false });
    });

    it('when lead times come due, then the nearest is sent, larger ones skipped, nothing after the start', () => {
      const base = new Date('2026-12-01T09:00:00Z');
      const at = (h: number) => new Date(base.getTime() - h * 3_600_000);
      expect(dueLeads(base, [24, 2], [], at(25))).to.deep.equal({ send: null, skip: [] });
      expect(dueLeads(base, [24, 2], [], at(23))).to.deep.equal({ send: 24, skip: [] });
      expect(dueLeads(base, [24, 2], [24], at(23))).to.deep.equal({ send: null, skip: [] });
      expect(dueLeads(base, [24, 2], [24], at(1))).to.deep.equal({ send: 2, skip: [] });
      expect(dueLeads(base, [24, 2], [], at(1))).to.deep.equal({ send: 2, skip: [24] });
      expect(dueLeads(base, [24, 2], [], at(-1))).to.deep.equal({ send: null, skip: [] });
    });
  });

  it('when integration settings are read, then defaults apply and bad values are reported', () => {
    const c = loadConfig({});
    expect(c).to.include({
      apiKeyRateLimit: 600,
      webhookAllowPrivate: false,
      webhookTimeoutMs: 10000,
      webhookDisableAfterFailures: 20,
      reminderDayStart: '09:00',
    });
    expect(c.reminderLeadHours).to.deep.equal([24, 2]);
    expect(parseLeadHours('2, 24,24')).to.deep.equal([24, 2]);
    expect(parseLeadHours('0')).to.equal(null);
    expect(() => loadConfig({ REMINDER_LEAD_HOURS: 'soon', REMINDER_DAY_START: '9am', WEBHOOK_ALLOW_PRIVATE: 'maybe' })).to.throw(
      /REMINDER_LEAD_HOURS[\s\S]*REMINDER_DAY_START|REMINDER_DAY_START[\s\S]*REMINDER_LEAD_HOURS/,
    );
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'true' }).webhookAllowPrivate).to.equal(true);
  });

  it('when a feed shows names, then only the first name and the last initial', () => {
    expect(shortName('Asha', 'Rao')).to.equal('Asha R.');
    expect(shortName('Asha', null)).to.equal('Asha');
    expect(shortName(null, 'Rao')).to.equal(null);
  });
});
