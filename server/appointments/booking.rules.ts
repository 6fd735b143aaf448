import { Unprocessable } from '../core/errors';
import { addDays, isoWeekday } from '../core/clinic-time';
import type { BookingContextRow } from './doctor-day.sql';

/** Where booking limits come from: `CLINIC_TIMEZONE` and `BOOKING_HORIZON_DAYS`. */
export interface BookingWindow { today: string; horizonDays: number }

/** The day's capacity when no capacity row exists yet: the availability override, else the doctor's default. */
export function effectiveCapacity(ctx: BookingContextRow): number {
  return ctx.av_capacity ?? ctx.default_daily_capacity ?? 0;
}

/** Whether the doctor works that day: the availability row decides when set, else the ISO `working_days`. */
export function isPresent(ctx: BookingContextRow, date: string): boolean {
  if (ctx.av_is_present !== null) return ctx.av_is_present;
  return (ctx.working_days ?? []).map(Number).includes(isoWeekday(date));
}

/**
 * The booking rules that need no lock, in the order a clerk would want to hear them.
 * @throws Unprocessable `DOCTOR_NOT_FOUND` · `PATIENT_NOT_FOUND` · `DOCTOR_INACTIVE` · `DATE_IN_PAST` (before today in
 *   the clinic's zone) · `BEYOND_BOOKING_HORIZON` (after today + horizon) · `DOCTOR_UNAVAILABLE` (not present that day)
 */
export function assertBookable(ctx: BookingContextRow, date: string, window: BookingWindow): void {
  if (!ctx.doctor_exists) throw new Unprocessable('DOCTOR_NOT_FOUND', 'No doctor with this id');
  if (!ctx.patient_exists) throw new Unprocessable('PATIENT_NOT_FOUND', 'No patient with this id');
  if (!ctx.is_active) throw new Unprocessable('DOCTOR_INACTIVE', 'This doctor is not taking appointments');
  if (date < window.today) throw new Unprocessable('DATE_IN_PAST', `The date is before today (${window.today}) in the clinic's time zone`, { today: window.today });
  const last = addDays(window.today, window.horizonDays);
  if (date > last) throw new Unprocessable('BEYOND_BOOKING_HORIZON', `Bookings open at most ${window.horizonDays} days ahead (until ${last})`, { last_bookable_date: last });
  if (!isPresent(ctx, date)) throw new Unprocessable('DOCTOR_UNAVAILABLE', 'The doctor does not see patients on this day', { date });
}
