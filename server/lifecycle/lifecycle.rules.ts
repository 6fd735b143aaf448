import { Conflict } from '../core/errors';
import type { UpcomingAppointment } from './lifecycle.repository';

/** At most this many upcoming appointments are listed in a 409 (`details.total` counts them all). */
export const UPCOMING_LIST_LIMIT = 50;

/** @throws Conflict `HAS_UPCOMING_APPOINTMENTS` (details `{appointments: [{id, date, doctor_id, slot}], total}`) when any is listed. */
export function assertNoUpcoming(what: string, upcoming: { total: number; appointments: UpcomingAppointment[] }): void {
  if (upcoming.total === 0) return;
  throw new Conflict(
    'HAS_UPCOMING_APPOINTMENTS',
    `${what} has ${upcoming.total} active appointment(s) today or later; cancel or move them first`,
    upcoming,
  );
}

/** The placeholder every erased piece of free text becomes. */
export const ERASED_TEXT = '[erased]';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_RE = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * A copy of a JSON value in which every string holding one of `values` (case-insensitive) is {@link ERASED_TEXT}.
 * Ids and dates are kept as they are (they are not personal text, and a short name could otherwise match inside
 * a UUID's hex digits); values shorter than two characters are ignored.
 */
export function scrubJson(value: unknown, values: string[]): unknown {
  const needles = values.map((v) => v.trim().toLowerCase()).filter((v) => v.length >= 2);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (UUID_RE.test(v) || DATE_RE.test(v)) return v;
      const lower = v.toLowerCase();
      return needles.some((n) => lower.includes(n)) ? ERASED_TEXT : v;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value);
}
