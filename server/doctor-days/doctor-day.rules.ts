import { addDays, clinicToday, isoWeekday } from '../core/clinic-time';
import { NotFound, Unprocessable } from '../core/errors';

/**
 * "Is the doctor working on D, with what capacity?" — answered here, once in TypeScript
 * ({@link doctorDayPlan}) and once in SQL ({@link DOCTOR_DAY_PLAN_SQL}), side by side. SQL needs its own copy
 * because the booking statement re-checks presence, and a day's capacity row takes its capacity, under the
 * day's lock in the same round trip; `test/integration/doctor-day-rule.test.ts` runs both over the same
 * cases and requires them to agree. Change one, change the other.
 *
 * The rule, in order:
 * 1. A full-day leave covering D → absent (`on_leave`).
 * 2. A day override (`doctor_availability` row) decides presence. Its own sessions (`doctor_day_sessions`),
 *    when it has any, are the day's sessions; otherwise the weekly ones apply.
 * 3. No override: a doctor with a weekly schedule (`doctor_sessions`) works on D when a session is valid on D's
 *    ISO weekday (1 = Monday … 7 = Sunday, ISO 8601); a doctor without one works on their `working_days`.
 * 4. Capacity: with sessions, the sum of their capacities (an override's `capacity` may lower it, never
 *    raise it: to add slots, give the day sessions); without sessions, the override's capacity, else
 *    `default_daily_capacity`.
 * Slots are numbered 1..capacity in time order across the day's sessions ({@link daySlots}); a day without
 * sessions has slots without times at the default site.
 */

/** A session: hours (local wall clock, `HH:MM`, in the site's zone), a room, and either timed slots or tokens. */
export interface SessionSpec {
  site_id: string;
  start_time: string;
  end_time: string;
  /** Minutes per slot (a timed session), or null (a token session: estimated times from `consult_minutes`). */
  slot_minutes: number | null;
  capacity: number;
  room: string | null;
}

/** A weekly session: on ISO `weekday`, from `valid_from` to `valid_to` (inclusive, either open). */
export interface WeeklySession extends SessionSpec {
  weekday: number;
  valid_from: string | null;
  valid_to: string | null;
}

/** A leave: from `from_date` to `to_date` inclusive, all day (times null) or part of one day. */
export interface LeaveSpan {
  id?: string;
  from_date: string;
  to_date: string;
  start_time: string | null;
  end_time: string | null;
}

/** The leaves that cover `date`. */
export function leavesOn(leaves: readonly LeaveSpan[], date: string): LeaveSpan[] {
  return leaves.filter((l) => l.from_date <= date && l.to_date >= date);
}

/** What the rule reads. */
export interface DoctorDayInputs {
  working_days: readonly number[];
  default_daily_capacity: number;
  /** Average consultation, minutes: the estimated times of token sessions. */
  consult_minutes?: number;
  /** Every weekly session of the doctor (any weekday); the rule picks D's. */
  weekly?: readonly WeeklySession[];
  /** The day's override (`doctor_availability` row) and its own sessions, or null when none is set. */
  override: { is_present: boolean; capacity: number | null; sessions?: readonly SessionSpec[] } | null;
  /** The doctor's leaves (any; the rule picks those covering D). */
  leaves?: readonly LeaveSpan[];
}

/** A doctor-day as the rule decides it. */
export interface DoctorDayPlan {
  is_present: boolean;
  /** True when a full-day leave is why the doctor is absent. */
  on_leave: boolean;
  /** Bookings the day takes (slots 1..capacity). */
  capacity: number;
  /** `set` when an override decided it, `schedule` when weekly sessions did, `default` when working_days did. */
  source: 'set' | 'schedule' | 'default';
  /** The day's sessions in time order (empty for a day without hours). */
  sessions: SessionSpec[];
}

/** Weekly sessions that apply on `date`: its ISO weekday, valid on that date. */
export function weeklySessionsOn(weekly: readonly WeeklySession[], date: string): WeeklySession[] {
  const weekday = isoWeekday(date);
  return weekly.filter((s) => s.weekday === weekday && (!s.valid_from || s.valid_from <= date) && (!s.valid_to || s.valid_to >= date));
}

const byStart = (a: SessionSpec, b: SessionSpec) => a.start_time.localeCompare(b.start_time);
const sum = (sessions: readonly SessionSpec[]) => sessions.reduce((n, s) => n + s.capacity, 0);

/** The rule, in TypeScript. `date` is a clinic day `YYYY-MM-DD`. */
export function doctorDayPlan(inputs: DoctorDayInputs, date: string): DoctorDayPlan {
  const { override } = inputs;
  const weekly = inputs.weekly ?? [];
  const onLeave = leavesOn(inputs.leaves ?? [], date).some((l) => l.start_time === null);
  const own = override?.sessions ?? [];
  const sessions = [...(own.length ? own : weeklySessionsOn(weekly, date))].sort(byStart);
  const total = sum(sessions);
  const capacity = sessions.length ? Math.min(override?.capacity ?? total, total) : (override?.capacity ?? inputs.default_daily_capacity);
  let present: boolean;
  let source: DoctorDayPlan['source'];
  if (override) {
    present = override.is_present;
    source = 'set';
  } else if (weekly.length) {
    present = sessions.length > 0;
    source = 'schedule';
  } else {
    present = inputs.working_days.map(Number).includes(isoWeekday(date));
    source = 'default';
  }
  return { is_present: present && !onLeave, on_leave: onLeave, capacity, source, sessions };
}

/**
 * The same rule in SQL, as expressions over a `doctors` row aliased `d` and the day's `doctor_availability`
 * row aliased `av`, joined with {@link DOCTOR_DAY_PLAN_SQL.joinOverride} (NULL columns when none is set).
 * `date` is a SQL expression of type date (e.g. `$date::date`).
 */
export const DOCTOR_DAY_PLAN_SQL = {
  /** `LEFT JOIN` of the day's override onto `d`. */
  joinOverride: (date: string) => `LEFT JOIN doctor_availability av ON av.doctor_id = d.id AND av.date = ${date}`,
  /** boolean: the doctor works that day. */
  isPresent: (
    date: string,
  ) => `(NOT EXISTS (SELECT 1 FROM doctor_leaves l WHERE l.doctor_id = d.id AND ${date} BETWEEN l.from_date AND l.to_date
                                        AND l.start_time IS NULL)
      AND CASE WHEN av.doctor_id IS NOT NULL THEN av.is_present
               WHEN EXISTS (SELECT 1 FROM doctor_sessions s WHERE s.doctor_id = d.id) THEN ${weeklySum(date)} IS NOT NULL
               ELSE extract(isodow FROM ${date})::smallint = ANY (d.working_days) END)`,
  /** integer: the day's capacity. */
  capacity: (date: string) => `(CASE
      WHEN ${daySum(date)} IS NOT NULL THEN least(coalesce(av.capacity, ${daySum(date)}), ${daySum(date)})
      WHEN ${weeklySum(date)} IS NOT NULL THEN least(coalesce(av.capacity, ${weeklySum(date)}), ${weeklySum(date)})
      ELSE coalesce(av.capacity, d.default_daily_capacity) END)`,
} as const;

/** Sum of the capacities of the day override's own sessions (NULL when none). */
function daySum(date: string): string {
  return `(SELECT sum(x.capacity)::int FROM doctor_day_sessions x WHERE x.doctor_id = d.id AND x.date = ${date})`;
}
/** Sum of the capacities of the weekly sessions valid on the date (NULL when none). */
function weeklySum(date: string): string {
  return `(SELECT sum(s.capacity)::int FROM doctor_sessions s WHERE s.doctor_id = d.id
             AND s.weekday = extract(isodow FROM ${date})::smallint
             AND (s.valid_from IS NULL OR s.valid_from <= ${date}) AND (s.valid_to IS NULL OR s.valid_to >= ${date}))`;
}

/** One numbered slot of a doctor-day. Times are local wall clock (`HH:MM`) in the site's zone. */
export interface Slot {
  slot: number;
  site_id: string;
  room: string | null;
  /** Timed sessions: the slot's start and end; null otherwise. */
  start_time: string | null;
  end_time: string | null;
  /** Token sessions: session start + (position in session − 1) × consult minutes; timed: the start. Null without hours. */
  estimated_time: string | null;
  /** True when a part-day leave covers the slot's time: not bookable. */
  on_leave: boolean;
}

/** `HH:MM` → minutes after midnight. */
export const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
/** Minutes after midnight → `HH:MM` (wrapping past midnight). */
export const hhmm = (minutes: number): string => {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

/**
 * The day's slots 1..capacity: numbered in time order across its sessions; a day without sessions has
 * `capacity` slots at `defaultSiteId` without times. A part-day leave marks the slots whose time it covers
 * (`[start, end)` of a timed slot, or the estimated time of a token) as `on_leave`.
 */
export function daySlots(
  plan: DoctorDayPlan,
  date: string,
  consultMinutes: number,
  defaultSiteId: string,
  leaves: readonly LeaveSpan[] = [],
): Slot[] {
  const parts = leavesOn(leaves, date)
    .filter((l) => l.start_time !== null)
    .map((l) => [minutesOf(l.start_time!), minutesOf(l.end_time!)] as const);
  const covered = (from: number, to: number) => parts.some(([s, e]) => from < e && to > s);
  const slots: Slot[] = [];
  if (!plan.sessions.length) {
    for (let n = 1; n <= plan.capacity; n++) {
      slots.push({ slot: n, site_id: defaultSiteId, room: null, start_time: null, end_time: null, estimated_time: null, on_leave: false });
    }
    return slots;
  }
  for (const s of plan.sessions) {
    const start = minutesOf(s.start_time);
    for (let k = 0; k < s.capacity && slots.length < plan.capacity; k++) {
      if (s.slot_minutes) {
        const from = start + k * s.slot_minutes;
        const to = from + s.slot_minutes;
        slots.push({
          slot: slots.length + 1,
          site_id: s.site_id,
          room: s.room,
          start_time: hhmm(from),
          end_time: hhmm(to),
          estimated_time: hhmm(from),
          on_leave: covered(from, to),
        });
      } else {
        const at = start + k * consultMinutes;
        slots.push({
          slot: slots.length + 1,
          site_id: s.site_id,
          room: s.room,
          start_time: null,
          end_time: null,
          estimated_time: hhmm(at),
          on_leave: covered(at, at + 1),
        });
      }
    }
  }
  return slots;
}

/** Where booking limits come from: today in the zone of the day's site and `BOOKING_HORIZON_DAYS`. */
export interface BookingWindow {
  /** Today, `YYYY-MM-DD`, in the zone of the site the day is at. */
  today: string;
  /** Days after today that may still be booked. */
  horizonDays: number;
}

/** The booking window at `now` (default: the current time) for a site in IANA zone `zone`. */
export function bookingWindow(zone: string, horizonDays: number, now?: Date): BookingWindow {
  return { today: clinicToday(zone, now), horizonDays };
}

/** 404 `DOCTOR_NOT_FOUND`: the one place a missing doctor is named (doctor-days is the lowest module that knows doctors). */
export const doctorNotFound = () => new NotFound('No doctor with this id', 'DOCTOR_NOT_FOUND');

/** What {@link assertDayOpen} reads about the doctor. */
export interface DoctorFacts {
  doctor_exists: boolean;
  is_active: boolean | null;
}

/**
 * Whether a doctor-day takes bookings at all (before any patient or capacity question), in the order a clerk
 * would want to hear it.
 * @throws Unprocessable `DOCTOR_NOT_FOUND` · `DOCTOR_INACTIVE` · `DATE_IN_PAST` (before today in the day's
 *   zone) · `BEYOND_BOOKING_HORIZON` (after today + horizon) · `DOCTOR_ON_LEAVE` (a full-day leave) ·
 *   `DOCTOR_UNAVAILABLE` (the rule says absent)
 */
export function assertDayOpen(doctor: DoctorFacts, plan: DoctorDayPlan, date: string, window: BookingWindow): void {
  if (!doctor.doctor_exists) throw new Unprocessable('DOCTOR_NOT_FOUND', 'No doctor with this id');
  if (!doctor.is_active) throw new Unprocessable('DOCTOR_INACTIVE', 'This doctor is not taking appointments');
  if (date < window.today) {
    throw new Unprocessable('DATE_IN_PAST', `The date is before today (${window.today}) in the clinic's time zone`, {
      today: window.today,
    });
  }
  const last = addDays(window.today, window.horizonDays);
  if (date > last) {
    throw new Unprocessable('BEYOND_BOOKING_HORIZON', `Bookings open at most ${window.horizonDays} days ahead (until ${last})`, {
      last_bookable_date: last,
    });
  }
  if (plan.on_leave) throw new Unprocessable('DOCTOR_ON_LEAVE', 'The doctor is on leave on this day', { date });
  if (!plan.is_present) throw new Unprocessable('DOCTOR_UNAVAILABLE', 'The doctor does not see patients on this day', { date });
}
