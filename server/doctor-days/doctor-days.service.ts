import { NotFound } from '../core/errors';
import { assertDayOpen, bookingWindow, doctorNotFound, type BookingWindow, type Slot } from './doctor-day.rules';
import type { BookingContextRow, DoctorDayRepository } from './doctor-day.repository';
import type { SiteRepository } from './sites.repository';
import { dayViewOf, instantOf, type DayView } from './day-view';

/** What the doctor-day service needs: its repositories, the clinic's zone and booking horizon. */
export interface DoctorDayDeps {
  repo: DoctorDayRepository;
  sites: SiteRepository;
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
export type ListedSlot = Omit<Slot, 'on_leave'> & {
  status: 'free' | 'booked' | 'on_leave';
  /** When the slot starts (timed) or is expected (token), as an ISO-8601 UTC instant; null without hours. */
  starts_at: string | null;
};

/** The doctor-day: booking windows, a day's plan, summary and slots. */
export function createDoctorDayService(deps: DoctorDayDeps) {
  const windowIn = (zone: string): BookingWindow => bookingWindow(zone, deps.bookingHorizonDays);
  const view = async (doctorId: string, date: string): Promise<{ ctx: BookingContextRow; view: DayView }> => {
    const ctx = await deps.repo.readBookingContext({ doctorId, date, patientId: null, actorKey: null, key: null });
    if (!ctx.doctor_exists) throw doctorNotFound();
    return { ctx, view: dayViewOf(ctx, date, deps.clinicTimezone) };
  };
  /**
   * The doctors who see patients at site `siteId` on `date` (present that day, with a session there — or,
   * without sessions, at the default site), by name: what a site's waiting-room screen shows.
   */
  async function doctorsAtSite(siteId: string, date: string): Promise<Array<{ doctor_id: string; name: string; code: string }>> {
    const rows = await deps.repo.siteDayCandidates(siteId, date);
    return rows
      .filter((row) => {
        const plan = dayViewOf(row, date, deps.clinicTimezone).plan;
        if (!plan.is_present) return false;
        return plan.sessions.length ? plan.sessions.some((s) => s.site_id === siteId) : row.default_site.id === siteId;
      })
      .map((row) => ({ doctor_id: row.doctor_id, name: row.name, code: row.code! }));
  }

  return {
    doctorsAtSite,

    /** Today and the booking horizon in IANA zone `zone` (a day's zone: see `dayZone`). */
    windowIn,

    /** Today, `YYYY-MM-DD`, in `zone` (default: the default site's, CLINIC_TIMEZONE). */
    today: (zone: string = deps.clinicTimezone): string => windowIn(zone).today,

    /** A doctor-day's plan, slots and zone, read without a lock. @throws NotFound `DOCTOR_NOT_FOUND` */
    view,

    /**
     * A site's waiting-room board: the site, the day (default: today in the site's zone) and its doctors.
     * @throws NotFound `SITE_NOT_FOUND`
     */
    async siteBoard(siteId: string, date?: string) {
      const site = await deps.sites.findById(siteId);
      if (!site) throw new NotFound('No site with this id', 'SITE_NOT_FOUND');
      const day = date ?? windowIn(site.timezone).today;
      return {
        site: { id: site.id, code: site.code, name: site.name, timezone: site.timezone },
        date: day,
        doctors: await doctorsAtSite(siteId, day),
      };
    },

    /** Whether doctor `doctorId` works at site `siteId` on `date` (default: today in the site's zone): a site screen's reach. */
    async siteCovers(siteId: string, doctorId: string, date?: string): Promise<boolean> {
      const site = await deps.sites.findById(siteId);
      if (!site) return false;
      return (await doctorsAtSite(siteId, date ?? windowIn(site.timezone).today)).some((d) => d.doctor_id === doctorId);
    },

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
        .map(({ on_leave, ...s }) => ({
          ...s,
          status: booked.has(s.slot) ? 'booked' : on_leave ? 'on_leave' : 'free',
          starts_at: instantOf(date, s.start_time ?? s.estimated_time, day.zone),
        }));
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
