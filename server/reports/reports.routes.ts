import { Router } from 'express';
import { validate } from '../core/http';
import { allow } from '../auth/guard';
import { dayReportCsv, type ReportsService } from './reports.service';
import { dayReportSchema } from './reports.schemas';

/**
 * @openapi
 * components:
 *   schemas:
 *     DoctorDayFigures:
 *       type: object
 *       properties:
 *         doctor_id: { type: string, format: uuid }
 *         doctor_code: { type: string }
 *         booked: { type: integer, description: 'Appointments of the day that hold a slot (every status but cancelled)' }
 *         checked_in: { type: integer, description: 'Of those, patients who arrived (checked in, walk-ins included)' }
 *         served: { type: integer, description: 'Appointments completed' }
 *         no_show: { type: integer }
 *         cancelled: { type: integer }
 *         walk_ins: { type: integer, description: 'Booked at the desk on the day (POST /walk-ins)' }
 *         median_wait_minutes: { type: number, nullable: true, description: 'Check-in → first call, minutes, 2 decimals' }
 *         p90_wait_minutes: { type: number, nullable: true, description: 'Check-in → first call, 90th percentile, minutes' }
 *         median_consult_minutes: { type: number, nullable: true, description: 'Last call → served, minutes' }
 *         first_called_at: { type: string, format: date-time, nullable: true, description: 'ISO-8601 UTC' }
 *         last_called_at: { type: string, format: date-time, nullable: true, description: 'ISO-8601 UTC' }
 *     DayReport:
 *       type: object
 *       properties:
 *         date: { type: string, format: date }
 *         site_id: { type: string, format: uuid, nullable: true }
 *         doctors: { type: array, items: { $ref: '#/components/schemas/DoctorDayFigures' } }
 */
export function reportsRouter({ reports }: { reports: ReportsService }): Router {
  const r = Router();

  /**
   * @openapi
   * /api/v1/reports/day:
   *   get:
   *     tags: [reports]
   *     summary: "The manager's day report: per doctor, bookings, arrivals, outcomes, waits and consultations"
   *     description: |
   *       One row per doctor with an appointment that day, ordered by code. Percentiles are PostgreSQL `percentile_cont`
   *       in minutes. `Accept: text/csv` answers the same rows as CSV (`text/csv`, one header line, a `date` column first).
   *       `site_id` keeps the appointments booked at that site (a doctor working at two sites appears in each site's report).
   *     x-roles: [admin, reception]
   *     parameters:
   *       - { name: date, in: query, schema: { type: string, format: date }, description: 'Clinic day; default today in CLINIC_TIMEZONE' }
   *       - { name: site_id, in: query, schema: { type: string, format: uuid } }
   *     responses:
   *       200:
   *         description: The report
   *         content:
   *           application/json: { schema: { $ref: '#/components/schemas/DayReport' } }
   *           text/csv: { schema: { type: string } }
   *       400: { $ref: '#/components/responses/Problem' }
   */
  r.get('/reports/day', allow('reception'), validate(dayReportSchema), async (req, res) => {
    const q = req.query as { date?: string; site_id?: string };
    const report = await reports.day(q.date, q.site_id);
    res.setHeader('Vary', 'Accept');
    if (req.accepts(['application/json', 'text/csv']) === 'text/csv') {
      res.type('text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="day-report-${report.date}.csv"`);
      res.send(dayReportCsv(report));
      return;
    }
    res.json(report);
  });

  return r;
}
