import { expect } from 'chai';
import fc from 'fast-check';
import { Client } from 'pg';
import { testDatabaseUrl } from '../support/hooks';
import { DOCTOR_DAY_PLAN_SQL as PLAN, doctorDayPlan, type DoctorDayInputs } from '../../server/doctor-days/doctor-day.rules';

/** One case: the rule's inputs and a day. */
interface Case {
  inputs: DoctorDayInputs & { working_days: number[] };
  date: string;
}

const day = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const caseArb: fc.Arbitrary<Case> = fc.record({
  inputs: fc.record({
    working_days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
    default_daily_capacity: fc.integer({ min: 1, max: 500 }),
    override: fc.option(fc.record({ is_present: fc.boolean(), capacity: fc.option(fc.integer({ min: 1, max: 500 })) }), { nil: null }),
  }),
  date: day,
});

/** Cases a reader can check by eye: every weekday, Sunday as 7, an override either way, with and without capacity. */
const fixed: Case[] = [
  ...['2030-01-07', '2030-01-08', '2030-01-09', '2030-01-10', '2030-01-11', '2030-01-12', '2030-01-13'].map((date) => ({
    inputs: { working_days: [1, 2, 3, 4, 5], default_daily_capacity: 12, override: null },
    date,
  })),
  { inputs: { working_days: [7], default_daily_capacity: 3, override: null }, date: '2030-01-13' },
  { inputs: { working_days: [1], default_daily_capacity: 3, override: { is_present: false, capacity: 9 } }, date: '2030-01-07' },
  { inputs: { working_days: [1], default_daily_capacity: 3, override: { is_present: true, capacity: null } }, date: '2030-01-12' },
  { inputs: { working_days: [1], default_daily_capacity: 3, override: { is_present: true, capacity: 40 } }, date: '2030-01-12' },
];

describe('the doctor-day rule: TypeScript and its SQL mirror', () => {
  it('when both decide the same cases (fixed and 300 generated), then they agree on presence and capacity', async () => {
    const cases = [...fixed, ...fc.sample(caseArb, { numRuns: 300, seed: 20261202 })];
    const db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    try {
      await db.query('BEGIN'); // every row below is this test's own, and is gone after the rollback
      const keyed: Array<{ i: number; doctor_id: string; date: string }> = [];
      for (const [i, c] of cases.entries()) {
        const {
          rows: [d],
        } = await db.query<{ id: string }>(
          `INSERT INTO doctors (name, code, default_daily_capacity, working_days) VALUES ($1, $1, $2, $3) RETURNING id`,
          [`RULE_${i}`, c.inputs.default_daily_capacity, c.inputs.working_days],
        );
        if (c.inputs.override) {
          await db.query('INSERT INTO doctor_availability (doctor_id, date, is_present, capacity) VALUES ($1, $2, $3, $4)', [
            d.id,
            c.date,
            c.inputs.override.is_present,
            c.inputs.override.capacity,
          ]);
        }
        keyed.push({ i, doctor_id: d.id, date: c.date });
      }
      const { rows } = await db.query<{ i: number; is_present: boolean; capacity: number }>(
        `SELECT k.i, ${PLAN.isPresent('k.date')} AS is_present, ${PLAN.capacity} AS capacity
           FROM jsonb_to_recordset($1::jsonb) AS k(i int, doctor_id uuid, date date)
           JOIN doctors d ON d.id = k.doctor_id ${PLAN.joinOverride('k.date')}
          ORDER BY k.i`,
        [JSON.stringify(keyed)],
      );
      expect(rows).to.have.length(cases.length);
      const disagreements = rows
        .filter((r) => {
          const plan = doctorDayPlan(cases[r.i].inputs, cases[r.i].date);
          return plan.is_present !== r.is_present || plan.capacity !== r.capacity;
        })
        .map((r) => ({ case: cases[r.i], sql: r, ts: doctorDayPlan(cases[r.i].inputs, cases[r.i].date) }));
      expect(disagreements, JSON.stringify(disagreements.slice(0, 3))).to.deep.equal([]);
      // The fixed cases say what the rule is, not only that both sides agree.
      expect(rows.slice(0, 7).map((r) => r.is_present)).to.deep.equal([true, true, true, true, true, false, false]);
      expect(rows.slice(7, fixed.length).map((r) => [r.is_present, r.capacity])).to.deep.equal([
        [true, 3],
        [false, 9],
        [true, 3],
        [true, 40],
      ]);
    } finally {
      await db.query('ROLLBACK').catch(() => {});
      await db.end();
    }
  });
});
