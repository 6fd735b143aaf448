import { DateTime } from 'luxon';
import { Conflict, Unprocessable } from '../core/errors';
import { daySlots, doctorDayPlan, minutesOf, type DoctorDayPlan, type Slot } from './doctor-day.rules';
import { planInputsOf, type BookingContextRow, type StoredSession } from './doctor-day.repository';

/**
 * The instant (ISO-8601 UTC) of a wall-clock time `HH:MM` on clinic day `date` in IANA zone `zone`, or null. On a
 * spring-forward day a time in the skipped hour is shifted forward, as the zone's rules say (luxon's reading).
 */
export function instantOf(date: string, time: string | null, zone: string): string | null {
  if (!time) return null;
  return DateTime.fromISO(`${date}T${time}`, { zone }).toUTC().toISO({ suppressMilliseconds: true });
}

/** A doctor-day as a booking sees it: the plan, its numbered slots, its zone and the plan's version. */
export interface DayView {
  date: string;
  plan: DoctorDayPlan;
  slots: Slot[];
  /** IANA zone of the site the day is at: "today", the window and the times are reckoned in it. */
  zone: string;
  defaultSiteId: string;
  /** The doctor's `schedule_version` the plan was read at. */
  version: number;
}

/**
 * The zone of a doctor-day: its sessions' site (a day's sessions share one zone: the schedule refuses mixed
 * zones), else the default site's; a site without its own zone follows `clinicTimezone`.
 */
export function dayZone(plan: DoctorDayPlan, defaultSiteZone: string | null, clinicTimezone: string): string {
  const first = plan.sessions[0] as StoredSession | undefined;
  return (first ? first.timezone : defaultSiteZone) ?? clinicTimezone;
}

/** The {@link DayView} of a booking context read. */
export function dayViewOf(ctx: BookingContextRow, date: string, clinicTimezone: string): DayView {
  const plan = doctorDayPlan(planInputsOf(ctx), date);
  const defaultSiteId = ctx.default_site.id;
  return {
    date,
    plan,
    defaultSiteId,
    version: ctx.schedule_version ?? 0,
    slots: daySlots(plan, date, ctx.consult_minutes ?? 10, defaultSiteId, ctx.leaves),
    zone: dayZone(plan, ctx.default_site.timezone, clinicTimezone),
  };
}

/** What a booking asks for beyond the day: a site (its lowest free slot) or a start time (that slot). */
export interface SlotWish {
  siteId?: string | null;
  startTime?: string | null;
}

/** The slots a booking may take, as the booking statement takes them (see `Candidates` in appointments.repository.ts). */
export interface CandidateSlots {
  slots: number[] | null;
  sites: string[];
  rooms: Array<string | null>;
  starts: Array<string | null>;
  ends: Array<string | null>;
  ests: Array<string | null>;
  defaultSite: string;
}

/**
 * The candidate slots for a wish, lowest first; a day without sessions and no wish gives `slots: null` (the
 * statement then counts 1..capacity itself).
 * @throws Unprocessable `DOCTOR_NOT_AT_SITE` (the day has no session there) · `NO_SUCH_SLOT` (no timed slot starts
 *   then) · `DOCTOR_ON_LEAVE` (a part-day leave covers the asked slot)
 */
export function candidatesFor(view: DayView, wish: SlotWish): CandidateSlots {
  let picked = view.slots;
  if (wish.siteId) {
    picked = picked.filter((s) => s.site_id === wish.siteId);
    if (!picked.length)
      throw new Unprocessable('DOCTOR_NOT_AT_SITE', 'The doctor has no session at this site on this day', { site_id: wish.siteId });
  }
  if (wish.startTime) {
    picked = picked.filter((s) => s.start_time === wish.startTime);
    if (!picked.length) {
      throw new Unprocessable('NO_SUCH_SLOT', `No timed slot of this day starts at ${wish.startTime}`, {
        start_time: wish.startTime,
        start_times: view.slots.filter((s) => s.start_time).map((s) => s.start_time),
      });
    }
    if (picked.every((s) => s.on_leave))
      throw new Unprocessable('DOCTOR_ON_LEAVE', 'The doctor is on leave at this time', { start_time: wish.startTime });
  }
  picked = picked.filter((s) => !s.on_leave);
  if (!wish.siteId && !wish.startTime && !view.plan.sessions.length) {
    return { slots: null, sites: [], rooms: [], starts: [], ends: [], ests: [], defaultSite: view.defaultSiteId };
  }
  return {
    slots: picked.map((s) => s.slot),
    sites: picked.map((s) => s.site_id),
    rooms: picked.map((s) => s.room),
    starts: picked.map((s) => s.start_time),
    ends: picked.map((s) => s.end_time),
    ests: picked.map((s) => s.estimated_time),
    defaultSite: view.defaultSiteId,
  };
}

/**
 * Why a booking found no slot, given the slots now taken (`booked`) — for the answer after the lock:
 * 409 `SLOT_TAKEN` with the nearest free start times, 422 `DOCTOR_ON_LEAVE` when only leave time is left,
 * 409 `CAPACITY_FULL` otherwise (for a site: that site's limit).
 */
export function noSlotError(view: DayView, wish: SlotWish, booked: ReadonlySet<number>): Error {
  const free = view.slots.filter((s) => !booked.has(s.slot) && s.slot <= view.plan.capacity);
  if (wish.startTime) {
    const want = minutesOf(wish.startTime);
    const alternatives = free
      .filter((s) => s.start_time && !s.on_leave && (!wish.siteId || s.site_id === wish.siteId))
      .sort((a, b) => Math.abs(minutesOf(a.start_time!) - want) - Math.abs(minutesOf(b.start_time!) - want) || a.slot - b.slot)
      .slice(0, 4)
      .map((s) => s.start_time!)
      .sort();
    return new Conflict('SLOT_TAKEN', `The ${wish.startTime} slot is taken`, { start_time: wish.startTime, alternatives });
  }
  const inScope = free.filter((s) => !wish.siteId || s.site_id === wish.siteId);
  if (inScope.length && inScope.every((s) => s.on_leave))
    return new Unprocessable('DOCTOR_ON_LEAVE', 'Only leave time is left on this day', {});
  return new Conflict(
    'CAPACITY_FULL',
    wish.siteId ? "The doctor's day at this site is fully booked" : 'This doctor-day is fully booked',
    wish.siteId ? { site_id: wish.siteId } : undefined,
  );
}
