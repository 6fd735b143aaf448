import type { Agent, TestApp } from './app';
import { buildDoctor, buildPatient } from './factories';

/** Creates a doctor who works every day (so any date is bookable) with the given default capacity. */
export async function newDoctor(admin: Agent, capacity = 10, extra: Record<string, unknown> = {}): Promise<{ id: string; code: string }> {
  return (
    await admin
      .post('/api/v1/doctors')
      .send(buildDoctor({ default_daily_capacity: capacity, working_days: [1, 2, 3, 4, 5, 6, 7], ...extra }))
      .expect(201)
  ).body;
}

/** Registers `n` patients; returns their ids. */
export async function newPatients(api: Agent, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await api.post('/api/v1/patients').send(buildPatient()).expect(201)).body.id);
  return ids;
}

/** The database invariant behind every booking: booked_count equals the active appointments, and slots are unique. */
export async function dayInvariant(t: TestApp, doctorId: string, date: string) {
  const [[row]] = (await t.app.sequelize.query(
    `SELECT (SELECT booked_count FROM doctor_day_capacity WHERE doctor_id = :d AND date = :date) AS booked_count,
            (SELECT capacity FROM doctor_day_capacity WHERE doctor_id = :d AND date = :date) AS capacity,
            (SELECT count(*) FROM appointments WHERE doctor_id = :d AND date = :date AND status <> 'cancelled')::int AS active,
            (SELECT count(DISTINCT slot) FROM appointments WHERE doctor_id = :d AND date = :date AND status <> 'cancelled')::int AS distinct_slots,
            (SELECT coalesce(array_agg(slot ORDER BY slot), '{}') FROM appointments WHERE doctor_id = :d AND date = :date AND status <> 'cancelled') AS slots`,
    { replacements: { d: doctorId, date } },
  )) as unknown as [[{ booked_count: number; capacity: number; active: number; distinct_slots: number; slots: number[] }]];
  return row;
}
