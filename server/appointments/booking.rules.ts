import { Conflict, Unprocessable } from '../core/errors';
import { assertDayOpen, doctorDayPlan, type BookingWindow } from '../doctor-days/doctor-day.rules';
import { planInputsOf, type BookingContextRow } from '../doctor-days/doctor-day.repository';

export type { BookingWindow };

/**
 * The booking rules that need no lock, in the order a clerk would want to hear them: the doctor, the
 * patient, then the doctor-day ({@link assertDayOpen}).
 * @throws Unprocessable `DOCTOR_NOT_FOUND` · `PATIENT_NOT_FOUND` · `DOCTOR_INACTIVE` · `DATE_IN_PAST` · `BEYOND_BOOKING_HORIZON` ·
 *   `DOCTOR_UNAVAILABLE`
 */
export function assertBookable(ctx: BookingContextRow, date: string, window: BookingWindow): void {
  if (!ctx.doctor_exists) throw new Unprocessable('DOCTOR_NOT_FOUND', 'No doctor with this id');
  if (!ctx.patient_exists) throw new Unprocessable('PATIENT_NOT_FOUND', 'No patient with this id');
  assertDayOpen(ctx, doctorDayPlan(planInputsOf(ctx), date), date, window);
}

/** 409 `ALREADY_BOOKED` (details `{existing_id}`). */
export const alreadyBooked = (existingId: string) =>
  new Conflict('ALREADY_BOOKED', 'The patient already has an appointment with this doctor on this day', { existing_id: existingId });

/** 409 `CAPACITY_FULL`. */
export const capacityFull = (message = 'This doctor-day is fully booked') => new Conflict('CAPACITY_FULL', message);
