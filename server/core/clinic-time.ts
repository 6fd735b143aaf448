import { DateTime } from 'luxon';

/** Today's clinic day (`YYYY-MM-DD`) in the IANA zone `zone`. `now` is injectable for tests. */
export function clinicToday(zone: string, now: Date = new Date()): string {
  return DateTime.fromJSDate(now, { zone }).toISODate()!;
}

/**
 * A memo of a pure function of a string (a calendar day's arithmetic is asked for the same few days on every
 * request): at most `max` answers, the oldest dropped first.
 */
function memo<T>(fn: (key: string) => T, max = 4096): (key: string) => T {
  const seen = new Map<string, T>();
  return (key) => {
    if (seen.has(key)) return seen.get(key)!;
    const value = fn(key);
    if (seen.size >= max) seen.delete(seen.keys().next().value!);
    seen.set(key, value);
    return value;
  };
}

const plusDays = memo((k: string) => {
  const [date, days] = k.split('|');
  return DateTime.fromISO(date, { zone: 'UTC' })
    .plus({ days: Number(days) })
    .toISODate()!;
});

/** Adds whole days to a clinic day (`YYYY-MM-DD`), calendar-wise. */
export function addDays(date: string, days: number): string {
  return plusDays(`${date}|${days}`);
}

const weekdayOf = memo((date: string) => DateTime.fromISO(date, { zone: 'UTC' }).weekday);

/** ISO weekday of a clinic day: 1 = Monday … 7 = Sunday (ISO 8601). */
export function isoWeekday(date: string): number {
  return weekdayOf(date);
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

const validDate = memo((date: string) => DateTime.fromISO(date, { zone: 'UTC' }).isValid);

/** True when `date` is a real calendar day written `YYYY-MM-DD` (any year; see {@link CLINIC_DATE_MIN} for the API's range). */
export function isClinicDate(date: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && validDate(date);
}
