import { expect } from 'chai';
import fc from 'fast-check';
import { Client } from 'pg';
import { testDatabaseUrl } from '../support/hooks';
import { addDays } from '../../server/core/clinic-time';
import {
  DOCTOR_DAY_PLAN_SQL as PLAN,
  doctorDayPlan,
  type DoctorDayInputs,
  type LeaveSpan,
  type SessionSpec,
  type WeeklySession,
} from '../../server/doctor-days/doctor-day.rules';

/** One case: the rule's inputs and a day. */
interface Case {
  inputs: DoctorDayInputs & { working_days: number[]; weekly: WeeklySession[]; leaves: LeaveSpan[] };
  date: string;
}

const SITE = '00000000-0000-4000-8000-00000000beef';
const day = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const time = fc.integer({ min: 0, max: 22 }).map((h) => `${String(h).padStart(2, '0')}:00`);
const session = (extra: object = {}) =>
  fc.record({
    site_id: fc.constant(SITE),
    start_time: time,
    end_time: fc.constant('23:00'),
    slot_minutes: fc.option(fc.constantFrom(10, 15, 30), { nil: null }),
    capacity: fc.integer({ min: 1, max: 40 }),
    room: fc.option(fc.constantFrom('Room 1', 'Room 2'), { nil: null }),
    ...extra,
  });
const caseArb: fc.Arbitrary<Case> = day.chain((date) =>
  fc.record({
    date: fc.constant(date),
    inputs: fc.record({
      working_days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
      default_daily_capacity: fc.integer({ min: 1, max: 500 }),
      // Weekly sessions on any weekday, valid around the date or not at all.
      weekly: fc.array(
        fc
          .tuple(
            session({ weekday: fc.integer({ min: 1, max: 7 }) }),
            fc.option(fc.integer({ min: -20, max: 20 }), { nil: null }),
            fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
          )
          .map(([s, from, length]) => ({
            ...s,
            valid_from: from === null ? null : addDays(date, from),
            valid_to: length === null ? null : addDays(date, (from ?? -10) + length),
          })) as fc.Arbitrary<WeeklySession>,
        { maxLength: 4 },
      ),
      override: fc.option(
        fc.record({
          is_present: fc.boolean(),
          capacity: fc.option(fc.integer({ min: 1, max: 500 }), { nil: null }),
          sessions: fc.array(session() as fc.Arbitrary<SessionSpec>, { maxLength: 2 }),
        }),
        { nil: null },
      ),
      // Leaves around the date: all day or part of one day.
      leaves: fc.array(
        fc.oneof(
          fc.tuple(fc.integer({ min: -3, max: 3 }), fc.integer({ min: 0, max: 3 })).map(([a, n]) => ({
            from_date: addDays(date, a),
            to_date: addDays(date, a + n),
            start_time: null,
            end_time: null,
          })),
          fc
            .integer({ min: -1, max: 1 })
            .map((a) => ({ from_date: addDays(date, a), to_date: addDays(date, a), start_time: '10:00', end_time: '11:00' })),
        ),
        { maxLength: 2 },
      ),
    }),
  }),
);

/** Cases a reader can check by eye: every weekday, Sunday as 7, an override either way, sessions, leaves. */
const weekly = (weekday: number, capacity: number, extra: Partial<WeeklySession> = {}): WeeklySession => ({
  weekday,
  site_id: SITE,
  start_time: '09:00',
  end_time: '13:00',
  slot_minutes: 15,
  capacity,
  room: null,
  valid_from: null,
  valid_to: null,
  ...extra,
});
const legacy = { working_days: [1, 2, 3, 4, 5], default_daily_capacity: 12, override: null, weekly: [], leaves: [] };
const fixed: Case[] = [
  ...['2030-01-07', '2030-01-08', '2030-01-09', '2030-01-10', '2030-01-11', '2030-01-12', '2030-01-13'].map((date) => ({
    inputs: legacy,
    date,
  })),
  { inputs: { ...legacy, working_days: [7], default_daily_capacity: 3 }, date: '2030-01-13' },
  { inputs: { ...legacy, working_days: [1], default_daily_capacity: 3, override: { is_present: false, capacity: 9 } }, date: '2030-01-07' },
  {
    inputs: { ...legacy, working_days: [1], default_daily_capacity: 3, override: { is_present: true, capacity: null } },
    date: '2030-01-12',
  },
  { inputs: { ...legacy, working_days: [1], default_daily_capacity: 3, override: { is_present: true, capacity: 40 } }, date: '2030-01-12' },
  // A schedule decides (Monday 16 + 8 on two sessions; Tuesday nothing), working_days no longer do.
  { inputs: { ...legacy, weekly: [weekly(1, 16), weekly(1, 8, { start_time: '17:00', end_time: '19:00' })] }, date: '2030-01-07' },
  { inputs: { ...legacy, weekly: [weekly(1, 16)] }, date: '2030-01-08' },
  // Validity: not yet valid on the date.
  { inputs: { ...legacy, weekly: [weekly(1, 16, { valid_from: '2030-02-01' })] }, date: '2030-01-07' },
  // An override's capacity lowers, never raises, the sessions' slots.
  { inputs: { ...legacy, weekly: [weekly(1, 16)], override: { is_present: true, capacity: 5 } }, date: '2030-01-07' },
  { inputs: { ...legacy, weekly: [weekly(1, 16)], override: { is_present: true, capacity: 50 } }, date: '2030-01-07' },
  // A full-day leave closes the day; a part-day leave does not.
  {
    inputs: { ...legacy, leaves: [{ from_date: '2030-01-06', to_date: '2030-01-08', start_time: null, end_time: null }] },
    date: '2030-01-07',
  },
  {
    inputs: { ...legacy, leaves: [{ from_date: '2030-01-07', to_date: '2030-01-07', start_time: '10:00', end_time: '11:00' }] },
    date: '2030-01-07',
  },
];
/** What the fixed cases after the first seven must give: [is_present, capacity]. */
const FIXED_EXPECTED = [
  [true, 3],
  [false, 9],
  [true, 3],
  [true, 40],
  [true, 24],
  [false, 12],
  [false, 12],
  [true, 5],
  [true, 16],
  [false, 12],
  [true, 12],
];

describe('the doctor-day rule: TypeScript and its SQL mirror', () => {
  it('when both decide the same cases (fixed and 400 generated, with sessions, day overrides and leaves), then they agree on presence and capacity', async () => {
    const cases = [...fixed, ...fc.sample(caseArb, { numRuns: 400, seed: 20261202 })];
    const db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    try {
      await db.query('BEGIN'); // every row below is this test's own, and is gone after the rollback
      await db.query(`INSERT INTO sites (id, code, name, timezone) VALUES ($1, 'RULE_TEST', 'Rule test', 'UTC')`, [SITE]);
      const keyed: Array<{ i: number; doctor_id: string; date: string }> = [];
      for (const [i, c] of cases.entries()) {
        const {
          rows: [d],
        } = await db.query<{ id: string }>(
          `INSERT INTO doctors (name, code, default_daily_capacity, working_days) VALUES ($1, $1, $2, $3) RETURNING id`,
          [`RULE_${i}`, c.inputs.default_daily_capacity, c.inputs.working_days],
        );
        const doctorId = d.id;
        for (const s of c.inputs.weekly) {
          await db.query(
            `INSERT INTO doctor_sessions (doctor_id, weekday, site_id, start_time, end_time, slot_minutes, capacity, room, valid_from, valid_to)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
            [doctorId, s.weekday, s.site_id, s.start_time, s.end_time, s.slot_minutes, s.capacity, s.room, s.valid_from, s.valid_to],
          );
        }
        if (c.inputs.override) {
          await db.query('INSERT INTO doctor_availability (doctor_id, date, is_present, capacity) VALUES ($1, $2, $3, $4)', [
            doctorId,
            c.date,
            c.inputs.override.is_present,
            c.inputs.override.capacity,
          ]);
          for (const s of c.inputs.override.sessions ?? []) {
            await db.query(
              `INSERT INTO doctor_day_sessions (doctor_id, date, site_id, start_time, end_time, slot_minutes, capacity, room)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
              [doctorId, c.date, s.site_id, s.start_time, s.end_time, s.slot_minutes, s.capacity, s.room],
            );
          }
        }
        for (const l of c.inputs.leaves) {
          await db.query('INSERT INTO doctor_leaves (doctor_id, from_date, to_date, start_time, end_time) VALUES ($1, $2, $3, $4, $5)', [
            doctorId,
            l.from_date,
            l.to_date,
            l.start_time,
            l.end_time,
          ]);
        }
        keyed.push({ i, doctor_id: doctorId, date: c.date });
      }
      const { rows } = await db.query<{ i: number; is_present: boolean; capacity: number }>(
        `SELECT k.i, ${PLAN.isPresent('k.date')} AS is_present, ${PLAN.capacity('k.date')} AS capacity
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
      expect(disagreements, JSON.stringify(disagreements.slice(0, 2))).to.deep.equal([]);
      // The fixed cases say what the rule is, not only that both sides agree.
      expect(rows.slice(0, 7).map((r) => r.is_present)).to.deep.equal([true, true, true, true, true, false, false]);
      expect(rows.slice(7, fixed.length).map((r) => [r.is_present, r.capacity])).to.deep.equal(FIXED_EXPECTED);
      // The generated cases cover every branch of the rule.
      const plans = cases.map((c) => doctorDayPlan(c.inputs, c.date));
      expect(
        plans.some((p) => p.on_leave) &&
          plans.some((p) => p.source === 'schedule' && p.is_present) &&
          plans.some((p) => p.source === 'set'),
      ).to.equal(true);
    } finally {
      await db.query('ROLLBACK').catch(() => {});
      await db.end();
    }
  });
});
