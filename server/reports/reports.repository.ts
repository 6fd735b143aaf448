import type { Sequelize } from 'sequelize-typescript';
import { createSql, isoUtc } from '../core/sql';

/** One doctor's figures for one clinic day (see the README's "Day report" for each field's meaning). */
export interface DoctorDayFigures {
  doctor_id: string;
  doctor_code: string;
  booked: number;
  checked_in: number;
  served: number;
  no_show: number;
  cancelled: number;
  walk_ins: number;
  median_wait_minutes: number | null;
  p90_wait_minutes: number | null;
  median_consult_minutes: number | null;
  first_called_at: string | null;
  last_called_at: string | null;
}

const minutes = (expr: string) => `extract(epoch FROM ${expr})::float8 / 60`;
const percentile = (p: number, expr: string) =>
  `round((percentile_cont(${p}) WITHIN GROUP (ORDER BY ${minutes(expr)}))::numeric, 2)::float8`;

/**
 * The day report in one statement, from `appointments` (statuses, walk-ins) and their `queue_entries` (check-in,
 * first call, last call, served). Waits run from check-in to the first call, consultations from the last call to
 * served; PostgreSQL's `percentile_cont` (continuous, interpolated) skips the entries a measure does not apply to.
 */
/** The day report: per doctor with an appointment on `$date` (at `$siteId` when not null), the day's figures. */
export const DAY_REPORT_SQL = `
  SELECT d.id AS doctor_id, d.code AS doctor_code,
         count(*) FILTER (WHERE a.status <> 'cancelled')::int AS booked,
         count(*) FILTER (WHERE e.id IS NOT NULL OR a.status IN ('checked_in', 'completed'))::int AS checked_in,
         count(*) FILTER (WHERE a.status = 'completed')::int AS served,
         count(*) FILTER (WHERE a.status = 'no_show')::int AS no_show,
         count(*) FILTER (WHERE a.status = 'cancelled')::int AS cancelled,
         count(*) FILTER (WHERE a.is_walk_in AND a.status <> 'cancelled')::int AS walk_ins,
         ${percentile(0.5, 'e.first_called_at - e.checked_in_at')} AS median_wait_minutes,
         ${percentile(0.9, 'e.first_called_at - e.checked_in_at')} AS p90_wait_minutes,
         ${percentile(0.5, 'e.served_at - e.called_at')} AS median_consult_minutes,
         ${isoUtc('min(e.first_called_at)')} AS first_called_at,
         ${isoUtc('max(e.called_at)')} AS last_called_at
    FROM appointments a
    JOIN doctors d ON d.id = a.doctor_id
    LEFT JOIN queue_entries e ON e.appointment_id = a.id
   WHERE a.date = $date AND ($siteId::uuid IS NULL OR a.site_id = $siteId)
   GROUP BY d.id, d.code
   ORDER BY d.code, d.id`;

/** Reads for reports and for the scrape-time gauges; no writes. */
export function createReportsRepository(sequelize: Sequelize) {
  const sql = createSql(sequelize);
  return {
    /** Every doctor with an appointment on `date` (at site `siteId`, when given: the appointments booked there), with the day's figures. */
    async dayFigures(date: string, siteId: string | null): Promise<DoctorDayFigures[]> {
      return sql.query<DoctorDayFigures>(DAY_REPORT_SQL, { date, siteId });
    },

    /** Patients waiting in `today`'s queues, per site code (every site, 0 where nobody waits). */
    async waitingBySite(today: string): Promise<Array<{ site: string; waiting: number }>> {
      return sql.query<{ site: string; waiting: number }>(
        `SELECT s.code AS site, count(e.id)::int AS waiting
           FROM sites s LEFT JOIN queue_entries e ON e.site_id = s.id AND e.date = $today AND e.status = 'waiting'
          GROUP BY s.code ORDER BY s.code`,
        { today },
      );
    },
  };
}
export type ReportsRepository = ReturnType<typeof createReportsRepository>;
