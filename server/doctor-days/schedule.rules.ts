import { minutesOf, type SessionSpec, type WeeklySession } from './doctor-day.rules';

/** One reason a schedule is refused: where (`sessions[2].end_time`), a stable code and a sentence. */
export interface ScheduleProblem {
  path: string;
  code: string;
  message: string;
}

/** A session as given (capacity optional for timed sessions: it defaults to duration ÷ slot_minutes). */
export type SessionInput = Omit<SessionSpec, 'capacity' | 'room'> & { capacity?: number | null; room?: string | null };
export type WeeklySessionInput = SessionInput & Pick<WeeklySession, 'weekday'> & { valid_from?: string | null; valid_to?: string | null };

/** The largest capacity a doctor-day may have (the capacity row's CHECK). */
export const MAX_DAY_CAPACITY = 500;

/** A session with its capacity filled in (timed sessions: duration ÷ slot_minutes when not given). */
export function withCapacity<T extends SessionInput>(s: T): T & { capacity: number; room: string | null } {
  const duration = minutesOf(s.end_time) - minutesOf(s.start_time);
  const capacity = s.capacity ?? (s.slot_minutes ? Math.floor(duration / s.slot_minutes) : 0);
  return { ...s, capacity, room: s.room ?? null };
}

const overlaps = (a: SessionInput, b: SessionInput) =>
  minutesOf(a.start_time) < minutesOf(b.end_time) && minutesOf(b.start_time) < minutesOf(a.end_time);
const validityOverlaps = (a: WeeklySessionInput, b: WeeklySessionInput) =>
  (a.valid_from ?? '0000') <= (b.valid_to ?? '9999') && (b.valid_from ?? '0000') <= (a.valid_to ?? '9999');

/**
 * Every reason a set of sessions is refused, at once: an unknown site, end not after start, a timed session
 * whose slots do not fit (or do not fill one slot), validity ending before it starts, two sessions of the
 * doctor that overlap in time (on one weekday, with overlapping validity), sites in different time zones on one
 * weekday (a doctor-day has one zone), or a day over {@link MAX_DAY_CAPACITY}. For a day's own sessions pass
 * them with one `weekday` (any) and no validity.
 * @param zoneOf the effective zone of a site id, or undefined when no such site exists
 */
export function scheduleProblems(
  sessions: readonly WeeklySessionInput[],
  zoneOf: (siteId: string) => string | undefined,
  prefix = 'sessions',
): ScheduleProblem[] {
  const problems: ScheduleProblem[] = [];
  const at = (i: number, field: string) => `${prefix}[${i}].${field}`;
  sessions.forEach((s, i) => {
    if (zoneOf(s.site_id) === undefined) problems.push({ path: at(i, 'site_id'), code: 'UNKNOWN_SITE', message: 'no site with this id' });
    const duration = minutesOf(s.end_time) - minutesOf(s.start_time);
    if (duration <= 0) {
      problems.push({ path: at(i, 'end_time'), code: 'END_NOT_AFTER_START', message: 'must be after start_time' });
    } else if (s.slot_minutes) {
      const fit = Math.floor(duration / s.slot_minutes);
      if (fit < 1)
        problems.push({ path: at(i, 'slot_minutes'), code: 'SLOT_LONGER_THAN_SESSION', message: 'one slot does not fit in the session' });
      else if (s.capacity && s.capacity > fit) {
        problems.push({
          path: at(i, 'capacity'),
          code: 'CAPACITY_OVER_SLOTS',
          message: `at most ${fit} slots of ${s.slot_minutes} minutes fit`,
        });
      }
    }
    if (s.valid_from && s.valid_to && s.valid_to < s.valid_from) {
      problems.push({ path: at(i, 'valid_to'), code: 'INVALID_RANGE', message: 'must not be before valid_from' });
    }
  });
  for (let i = 0; i < sessions.length; i++) {
    for (let j = i + 1; j < sessions.length; j++) {
      const a = sessions[i];
      const b = sessions[j];
      if (a.weekday !== b.weekday || !validityOverlaps(a, b)) continue;
      if (overlaps(a, b)) {
        problems.push({
          path: at(j, 'start_time'),
          code: 'OVERLAPPING_SESSIONS',
          message: `overlaps ${prefix}[${i}] (${a.start_time}–${a.end_time})`,
        });
      }
      const za = zoneOf(a.site_id);
      const zb = zoneOf(b.site_id);
      if (za && zb && za !== zb) {
        problems.push({
          path: at(j, 'site_id'),
          code: 'MIXED_TIME_ZONES',
          message: `a site in ${zb} on the same weekday as ${prefix}[${i}] in ${za}`,
        });
      }
    }
  }
  const byDay = new Map<number, number>();
  for (const s of sessions) byDay.set(s.weekday, (byDay.get(s.weekday) ?? 0) + withCapacity(s).capacity);
  for (const [weekday, total] of byDay) {
    if (total > MAX_DAY_CAPACITY) {
      problems.push({
        path: prefix,
        code: 'DAY_OVER_CAPACITY',
        message: `weekday ${weekday} would take ${total} bookings (at most ${MAX_DAY_CAPACITY})`,
      });
    }
  }
  return problems;
}
