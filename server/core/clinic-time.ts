import { DateTime } from 'luxon';

/** Today's clinic day (`YYYY-MM-DD`) in the IANA zone `zone`. `now` is injectable for tests. */
export function clinicToday(zone: string, now: Date = new Date()): string {
  return DateTime.fromJSDate(now, { zone }).toISODate()!;
}

/** Adds whole days to a clinic day (`YYYY-MM-DD`), calendar-wise. */
export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate()!;
}

/** ISO weekday of a clinic day: 1 = Monday … 7 = Sunday (ISO 8601). */
export function isoWeekday(date: string): number {
  return DateTime.fromISO(date, { zone: 'UTC' }).weekday;
}

/** Whole days from `from` to `to` (both `YYYY-MM-DD`); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round(DateTime.fromISO(to, { zone: 'UTC' }).diff(DateTime.fromISO(from, { zone: 'UTC' }), 'days').days);
}

/**
 * The range of clinic days the API accepts (inclusive, `YYYY-MM-DD`): wide enough for any record or schedule a
 * clinic keeps, narrow enough that every day is an ordinary four-digit year PostgreSQL and luxon agree on.
 */
export const CLINIC_DATE_MIN = '1900-01-01';
export const CLINIC_DATE_MAX = '2999-12-31';

/** True when `date` is a real calendar day written `YYYY-MM-DD` (any year; see {@link CLINIC_DATE_MIN} for the API's range). */
export function isClinicDate(date: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && DateTime.fromISO(date, { zone: 'UTC' }).isValid;
}
