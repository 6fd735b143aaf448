import { NotFound } from '../core/errors';
import { assertDayOpen, bookingWindow, doctorDayPlan, type BookingWindow } from './doctor-day.rules';
import { planInputsOf, type DoctorDayRepository } from './doctor-day.repository';

/** What the doctor-day service needs: its repository, the clinic's zone and booking horizon, and a clock. */
export interface DoctorDayDeps {
  repo: DoctorDayRepository;
  /** IANA zone in which clinic days are reckoned (`CLINIC_TIMEZONE`). */
  clinicTimezone: string;
  /** `BOOKING_HORIZON_DAYS`. */
  bookingHorizonDays: number;
  /** Clock, injectable for tests. */
  now?: () => Date;
}

/** A doctor-day at a glance: `GET /api/v1/doctors/{id}/days/{date}`. */
export interface DoctorDaySummary {
  doctor_id: string;
  date: string;
  capacity: number;
  booked: number;
  remaining: number;
  is_present: boolean;
  is_active: boolean;
  /** True when a booking made now would pass every day rule and find a free slot. */
  bookable: boolean;
}

/** The doctor-day: today's booking window and a day's summary. */
export function createDoctorDayService(deps: DoctorDayDeps) {
  const window = (): BookingWindow => bookingWindow(deps.clinicTimezone, deps.bookingHorizonDays, deps.now?.());
  return {
    /** Today in the clinic's zone and the booking horizon. */
    window,

    /** Today, `YYYY-MM-DD`, in the clinic's zone. */
    today: (): string => window().today,

    /**
     * A doctor-day for the reception screen. Read without a lock: a snapshot of that instant.
     * @throws NotFound `DOCTOR_NOT_FOUND`
     */
    async summary(doctorId: string, date: string): Promise<DoctorDaySummary> {
      const ctx = await deps.repo.readBookingContext({ doctorId, date, patientId: null, actorKey: null, key: null });
      if (!ctx.doctor_exists) throw new NotFound('No doctor with this id', 'DOCTOR_NOT_FOUND');
      const plan = doctorDayPlan(planInputsOf(ctx), date);
      const capacity = ctx.cap_capacity ?? plan.capacity;
      const booked = ctx.cap_booked ?? 0;
      let open = true;
      try {
        assertDayOpen(ctx, plan, date, window());
      } catch {
        open = false;
      }
      const remaining = Math.max(0, capacity - booked);
      return {
        doctor_id: doctorId,
        date,
        capacity,
        booked,
        remaining,
        is_present: plan.is_present,
        is_active: Boolean(ctx.is_active),
        bookable: open && remaining > 0,
      };
    },
  };
}
export type DoctorDayService = ReturnType<typeof createDoctorDayService>;
