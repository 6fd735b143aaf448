import type { Migration } from '../server/core/migrator';

/**
 * Demo schedules (README "Schedules"): a second site, and two of the demo doctors with a weekly plan from Monday to
 * Saturday — a morning TIMED session 09:00–13:00 in 15-minute slots (16 slots) at the main site, and an evening TOKEN
 * session 17:00–19:00 with 20 tokens at the North branch. Dr. Chen Li keeps no schedule: working days × the default
 * capacity at the default site, as before schedules existed. The branch is in the default site's zone, CLINIC_TIMEZONE
 * (read from the environment as the server's config does, default UTC): one doctor's sites on one weekday share a zone.
 * Idempotent: the site by code, the sessions only for a demo doctor that has none yet.
 */
const PLAN = [
  { code: 'DR_A', morningRoom: 'Room 4', eveningRoom: 'Room 2' },
  { code: 'DR_B', morningRoom: 'Room 5', eveningRoom: 'Room 3' },
];
const WEEKDAYS = [1, 2, 3, 4, 5, 6];

export const up: Migration = async ({ context: qi }) => {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string, bind: Record<string, unknown> = {}) => qi.sequelize.query(sql, { bind, transaction });
    await q(
      `INSERT INTO sites (code, name, address, timezone) VALUES ('NORTH', 'North branch', '12 Lake Road', $zone) ON CONFLICT ((upper(code))) DO NOTHING`,
      { zone: process.env.CLINIC_TIMEZONE || 'UTC' },
    );
    for (const d of PLAN) {
      await q(
        `WITH doc AS (SELECT id FROM doctors WHERE upper(code) = $code AND NOT EXISTS (SELECT 1 FROM doctor_sessions s WHERE s.doctor_id = doctors.id)),
              main AS (SELECT id FROM sites WHERE is_default), north AS (SELECT id FROM sites WHERE upper(code) = 'NORTH'),
              ins AS (
                INSERT INTO doctor_sessions (doctor_id, weekday, site_id, start_time, end_time, slot_minutes, capacity, room)
                SELECT doc.id, w, main.id, time '09:00', time '13:00', 15, 16, $morningRoom FROM doc, main, unnest($weekdays::int[]) AS w
                UNION ALL
                SELECT doc.id, w, north.id, time '17:00', time '19:00', NULL, 20, $eveningRoom FROM doc, north, unnest($weekdays::int[]) AS w
                RETURNING doctor_id)
         UPDATE doctors SET schedule_version = schedule_version + 1, updated_at = now() WHERE id IN (SELECT doctor_id FROM ins)`,
        { code: d.code, morningRoom: d.morningRoom, eveningRoom: d.eveningRoom, weekdays: WEEKDAYS },
      );
    }
  });
};

export const down: Migration = async ({ context: qi }) => {
  await qi.sequelize.query(
    `DELETE FROM doctor_sessions WHERE doctor_id IN (SELECT id FROM doctors WHERE upper(code) = ANY($codes::text[]))
        AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.doctor_id = doctor_sessions.doctor_id)`,
    { bind: { codes: PLAN.map((d) => d.code) } },
  );
  await qi.sequelize.query(
    `DELETE FROM sites WHERE upper(code) = 'NORTH' AND NOT EXISTS (SELECT 1 FROM doctor_sessions s WHERE s.site_id = sites.id)
        AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.site_id = sites.id)`,
  );
};
