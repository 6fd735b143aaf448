import { assertDayOpen, bookingWindow, doctorNotFound, type BookingWindow, type Slot } from './doctor-day.rules';
import type { BookingContextRow, DoctorDayRepository } from './doctor-day.repository';
import { dayViewOf, type DayView } from './day-view';

/** What the doctor-day service needs: its repository, the clinic's zone and booking horizon, and a clock. */
export interface DoctorDayDeps {
  repo: DoctorDayRepository;
  /** IANA zone of the default site (`CLINIC_TIMEZONE`): clinic days without a site of their own. */
  clinicTimezone: string;
  /** `BOOKING_HORIZON_DAYS`. */
  bookingHorizonDays: number;
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
  /** The day's zone, sessions and whether a full-day leave covers it. */
  timezone: string;
  on_leave: boolean;
  sessions: DayView['plan']['sessions'];
}

/** A slot as `GET /doctors/{id}/slots` lists it. */
export type ListedSlot = Omit<Slot, 'on_leave'> & { status: 'free' | 'booked' | 'on_leave' };

/** The doctor-day: booking windows, a day's plan, summary and slots. */
export function createDoctorDayService(deps: DoctorDayDeps) {
  const windowIn = (zone: string): BookingWindow => bookingWindow(zone, deps.bookingHorizonDays);
  const view = async (doctorId: string, date: string): Promise<{ ctx: BookingContextRow; view: DayView }> => {
    const ctx = await deps.repo.readBookingContext({ doctorId, date, patientId: null, actorKey: null, key: null });
    if (!ctx.doctor_exists) throw doctorNotFound();
    return { ctx, view: dayViewOf(ctx, date, deps.clinicTimezone) };
  };
  return {
    /** Today and the booking horizon in IANA zone `zone` (a day's zone: see `dayZone`). */
    windowIn,

    /** Today, `YYYY-MM-DD`, in `zone` (default: the default site's, CLINIC_TIMEZONE). */
    today: (zone: string = deps.clinicTimezone): string => windowIn(zone).today,

    /** A doctor-day's plan, slots and zone, read without a lock. @throws NotFound `DOCTOR_NOT_FOUND` */
    view,

    /**
     * A doctor-day for the reception screen. Read without a lock: a snapshot of that instant.
     * @throws NotFound `DOCTOR_NOT_FOUND`
     */
    async summary(doctorId: string, date: string): Promise<DoctorDaySummary> {
      const { ctx, view: day } = await view(doctorId, date);
      const capacity = ctx.cap_capacity ?? day.plan.capacity;
      const booked = ctx.cap_booked ?? 0;
      let open = true;
      try {
        assertDayOpen(ctx, day.plan, date, windowIn(day.zone));
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
        is_present: day.plan.is_present,
        is_active: Boolean(ctx.is_active),
        bookable: open && remaining > 0,
        timezone: day.zone,
        on_leave: day.plan.on_leave,
        sessions: day.plan.sessions,
      };
    },

    /**
     * The day's slots 1..N in time order, each `free`, `booked` or `on_leave` (a part-day leave), optionally of
     * one site — what an agent on the phone reads out. Times are `HH:MM` in the day's zone.
     * @throws NotFound `DOCTOR_NOT_FOUND`
     */
    async slots(doctorId: string, date: string, siteId?: string) {
      const { view: day } = await view(doctorId, date);
      const booked = await deps.repo.bookedSlots(doctorId, date);
      const slots: ListedSlot[] = (day.plan.is_present ? day.slots : [])
        .filter((s) => !siteId || s.site_id === siteId)
        .map(({ on_leave, ...s }) => ({ ...s, status: booked.has(s.slot) ? 'booked' : on_leave ? 'on_leave' : 'free' }));
      return {
        doctor_id: doctorId,
        date,
        timezone: day.zone,
        is_present: day.plan.is_present,
        on_leave: day.plan.on_leave,
        sessions: day.plan.sessions.map(({ site_id, start_time, end_time, slot_minutes, capacity, room }) => ({
          site_id,
          start_time,
          end_time,
          slot_minutes,
          capacity,
          room,
        })),
        slots,
      };
    },
  };
}
export type DoctorDayService = ReturnType<typeof createDoctorDayService>;
