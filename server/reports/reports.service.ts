import { stringify } from 'csv-stringify/sync';
import type { DoctorDayFigures, ReportsRepository } from './reports.repository';

/** `GET /api/v1/reports/day`. */
export interface DayReport {
  /** Clinic day `YYYY-MM-DD`. */
  date: string;
  /** The site asked for, or null (see {@link ReportsRepository.dayFigures}). */
  site_id: string | null;
  doctors: DoctorDayFigures[];
}

/** The CSV columns, in order: the day, then each doctor row's fields. */
export const DAY_REPORT_COLUMNS = [
  'date',
  'doctor_id',
  'doctor_code',
  'booked',
  'checked_in',
  'served',
  'no_show',
  'cancelled',
  'walk_ins',
  'median_wait_minutes',
  'p90_wait_minutes',
  'median_consult_minutes',
  'first_called_at',
  'last_called_at',
] as const;

/** The day report as CSV (RFC 4180): one header line, then one line per doctor; empty cells for null figures. */
export function dayReportCsv(report: DayReport): string {
  const rows = report.doctors.map((d) => ({ date: report.date, ...d }));
  return stringify(rows, { header: true, columns: [...DAY_REPORT_COLUMNS], record_delimiter: '\r\n' });
}

/** Reports for the manager. */
export function createReportsService({ repo, today }: { repo: ReportsRepository; today: () => string }) {
  return {
    /** The figures of each doctor with appointments on `date` (default: today in the clinic's zone). */
    async day(date: string | undefined, siteId: string | undefined): Promise<DayReport> {
      const day = date ?? today();
      return { date: day, site_id: siteId ?? null, doctors: await repo.dayFigures(day, siteId ?? null) };
    },
  };
}
export type ReportsService = ReturnType<typeof createReportsService>;
