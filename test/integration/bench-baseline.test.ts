import { expect } from 'chai';
import { Pool } from 'pg';
import { startTestApp, type Agent, type TestApp } from '../support/app';
import { dayFromToday } from '../support/factories';
import { dayInvariant, newDoctor, newPatients } from '../support/booking';
import { testDatabaseUrl } from '../support/hooks';
import { bookDirect } from '../../bench/baseline';
import { statement } from '../../server/core/sql';
import { bookingAt } from '../../bench/load/protocol';

describe('bench building blocks', () => {
  let t: TestApp;
  let admin: Agent;
  let pg: Pool;
  before(async () => {
    t = await startTestApp();
    admin = await t.as('admin');
    pg = new Pool({ connectionString: testDatabaseUrl(), max: 2 });
  });
  after(async () => {
    await pg.end();
    await t.stop();
  });

  it('when a $name statement is made positional, then each name gets one number in order of first use', () => {
    expect(statement('SELECT $a, $b::int, $a WHERE x = $c_1')).to.include({ text: 'SELECT $1, $2::int, $1 WHERE x = $3' });
    expect(statement('SELECT $a, $b::int, $a WHERE x = $c_1').names).to.deep.equal(['a', 'b', 'c_1']);
  });

  it('when the baseline books on a fresh doctor-day, then it answers the appointment the API answers, slot for slot', async () => {
    const account = await t.account('admin');
    const [viaApi, viaPg] = [await newDoctor(admin), await newDoctor(admin)];
    const date = dayFromToday(5);
    const [p1, p2] = await newPatients(admin, 2);
    const api = (await admin.post('/api/v1/appointments').send({ patient_id: p1, doctor_id: viaApi.id, date }).expect(201)).body;
    const client = await pg.connect();
    try {
      const direct = await bookDirect(client, { patientId: p1, doctorId: viaPg.id, date, actorId: account.id });
      expect(direct.status).to.equal(201);
      const strip = (b: Record<string, unknown>) => {
        const { id, appointment_id, doctor_id, created_at, updated_at, ...rest } = b;
        return rest;
      };
      expect(Object.keys(direct.body!).sort()).to.deep.equal(Object.keys(api).sort());
      expect(strip(direct.body!)).to.deep.equal(strip(api));
      // Same patient, same day → nothing booked; another patient → the next slot.
      expect((await bookDirect(client, { patientId: p1, doctorId: viaPg.id, date, actorId: account.id })).status).to.equal(409);
      expect((await bookDirect(client, { patientId: p2, doctorId: viaPg.id, date, actorId: account.id })).body).to.include({ slot: 2 });
    } finally {
      client.release();
    }
    expect(await dayInvariant(t, viaPg.id, date)).to.include({ booked_count: 2, active: 2, distinct_slots: 2 });
  });

  it('when a booking plan is walked, then no doctor-day sees a patient twice', () => {
    const plan = { doctorIds: ['d1', 'd2'], dates: ['2030-01-01', '2030-01-02'], patientIds: ['p1', 'p2', 'p3'], perDay: 3 };
    const seen = new Set(
      Array.from({ length: 12 }, (_, i) => {
        const b = bookingAt(plan, i);
        return `${b.doctorId}|${b.date}|${b.patientId}`;
      }),
    );
    expect(seen.size).to.equal(12);
    expect(() => bookingAt(plan, 12)).to.throw(/exhausted/);
  });
});
