import { addDays, clinicToday, isoWeekday } from '../core/clinic-time';
import { Unprocessable } from '../core/errors';

/**
 * "Is the doctor working on D, with what capacity?" — answered here, once in TypeScript
 * ({@link doctorDayPlan}) and once in SQL ({@link DOCTOR_DAY_PLAN_SQL}), side by side. SQL needs its own copy
 * because the booking statement re-checks presence, and a day's capacity row takes its capacity, under the
 * day's lock in the same round trip; `test/integration/doctor-day-rule.test.ts` runs both over the same
 * cases and requires them to agree. Change one, change the other.
 *
 * The rule today: a day override (`doctor_availability` row), when set, decides presence and may set the
 * capacity; otherwise the doctor works on their ISO `working_days` (1 = Monday … 7 = Sunday, ISO 8601) with
 * `default_daily_capacity`.
 */

/** What the rule reads: the doctor's weekly pattern and default, and the day's override when there is one. */
export interface DoctorDayInputs {
  working_days: readonly number[];
  default_daily_capacity: number;
  /** The day's `doctor_availability` row, or null when none is set. */
  override: { is_present: boolean; capacity: number | null } | null;
}

/** A doctor-day as the rule decides it. */
export interface DoctorDayPlan {
  is_present: boolean;
  /** Bookings the day takes (slots 1..capacity). */
  capacity: number;
  /** `set` when an override decided it, `default` when the weekly pattern did. */
  source: 'set' | 'default';
}

/** The rule, in TypeScript. `date` is a clinic day `YYYY-MM-DD`. */
export function doctorDayPlan(inputs: DoctorDayInputs, date: string): DoctorDayPlan {
  const { override } = inputs;
  if (override) {
    return { is_present: override.is_present, capacity: override.capacity ?? inputs.default_daily_capacity, source: 'set' };
  }
  return {
    is_present: inputs.working_days.map(Number).includes(isoWeekday(date)),
    capacity: inputs.default_daily_capacity,
    source: 'default',
  };
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
  isPresent: (date: string) => `coalesce(av.is_present, extract(isodow FROM ${date})::smallint = ANY (d.working_days))`,
  /** integer: the day's capacity. */
  capacity: 'coalesce(av.capacity, d.default_daily_capacity)',
} as const;

/** Where booking limits come from: today in the clinic's zone and `BOOKING_HORIZON_DAYS`. */
export interface BookingWindow {
  /** Today, `YYYY-MM-DD`, in the clinic's zone. */
  today: string;
  /** Days after today that may still be booked. */
  horizonDays: number;
}

/** The booking window at `now` (default: the current time) for a clinic in IANA zone `zone`. */
export function bookingWindow(zone: string, horizonDays: number, now?: Date): BookingWindow {
  return { today: clinicToday(zone, now), horizonDays };
}

/** What {@link assertDayOpen} reads about the doctor. */
export interface DoctorFacts {
  doctor_exists: boolean;
  is_active: boolean | null;
}

/**
 * Whether a doctor-day takes bookings at all (before any patient or capacity question), in the order a clerk
 * would want to hear it.
 * @throws Unprocessable `DOCTOR_NOT_FOUND` · `DOCTOR_INACTIVE` · `DATE_IN_PAST` (before today in the clinic's
 *   zone) · `BEYOND_BOOKING_HORIZON` (after today + horizon) · `DOCTOR_UNAVAILABLE` (the rule says absent)
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
  if (!plan.is_present) throw new Unprocessable('DOCTOR_UNAVAILABLE', 'The doctor does not see patients on this day', { date });
}
