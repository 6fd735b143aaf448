import type { Transaction } from 'sequelize';
import type { ActorRef } from '../core/actor';
import { Conflict } from '../core/errors';
import { daySlots, doctorDayPlan, type DoctorDayInputs } from './doctor-day.rules';
import type { BookedSlot, DoctorDayRepository } from './doctor-day.repository';

/** An appointment that no longer fits its day's plan: listed in the answer, flagged `needs_reschedule`. */
export interface AffectedAppointment {
  appointment_id: string;
  date: string;
  slot: number;
  status: string;
  /** Why: `day_closed` (absent or on leave), `on_leave` (a part-day leave covers it), `slot_gone`, `slot_moved`. */
  reason: 'day_closed' | 'on_leave' | 'slot_gone' | 'slot_moved';
}

/** The doctor basics the plan needs besides its rows. */
export interface DoctorBasics {
  working_days: number[];
  default_daily_capacity: number;
  consult_minutes: number;
}

/**
 * What happens after a doctor's plan changed (weekly schedule, a day's override or sessions, a leave, the
 * doctor's default capacity, working days or consult minutes) — inside the change's transaction, after the
 * doctor row is locked: every existing capacity row in the range is locked in date order and takes the
 * capacity the rule now gives it (refused below its bookings), and every active appointment that no longer
 * fits — its day closed, a leave covers it, its slot is gone or now at another site or time — is flagged
 * `needs_reschedule` with an audit event. Nothing is ever cancelled here: the desk calls the patient back.
 */
export function createPlanChanges({ repo }: { repo: DoctorDayRepository }) {
  return {
    /**
     * @param to last day (inclusive), or null for every day from `from` on
     * @returns the appointments flagged
     * @throws Conflict `CAPACITY_BELOW_BOOKED` (details `{dates, booked}`: the days, and the first one's bookings) when a day
     *   would hold fewer slots than bookings
     */
    async apply(
      doctorId: string,
      doctor: DoctorBasics,
      range: { from: string; to: string | null },
      actor: ActorRef,
      cause: { reason: string; data: object },
      t: Transaction,
    ): Promise<AffectedAppointment[]> {
      const days = await repo.lockDays(doctorId, range.from, range.to, t);
      const over = days.filter((d) => d.booked_count > d.planned_capacity);
      if (over.length) {
        const { booked_count: booked } = over[0];
        throw new Conflict('CAPACITY_BELOW_BOOKED', `A day already has ${booked} bookings, more than the new plan allows`, {
          dates: over.map((d) => d.date),
          booked,
        });
      }
      await repo.setCapacities(
        doctorId,
        days.filter((d) => d.planned_capacity !== d.capacity).map((d) => ({ date: d.date, capacity: d.planned_capacity })),
        t,
      );
      const booked = days.filter((d) => d.booked_count > 0);
      if (!booked.length) return [];
      const first = booked[0].date;
      const last = booked[booked.length - 1].date;
      const inputs = await repo.planInputs(doctorId, first, last, t);
      const appointments = await repo.activeAppointments(doctorId, first, last, t);
      const affected: AffectedAppointment[] = [];
      for (const a of appointments) {
        const override = inputs.overrides.find((o) => o.date === a.date) ?? null;
        const dayInputs: DoctorDayInputs = { ...doctor, weekly: inputs.weekly, leaves: inputs.leaves, override };
        const reason = misfit(a, dayInputs, inputs.default_site.id);
        if (reason) affected.push({ appointment_id: a.id, date: a.date, slot: a.slot, status: a.status, reason });
      }
      await repo.flagForReschedule(
        affected.map((a) => a.appointment_id),
        {
          actorId: actor.id,
          actorType: actor.type,
          reason: cause.reason,
          data: cause.data,
        },
        t,
      );
      return affected;
    },
  };
}
export type PlanChanges = ReturnType<typeof createPlanChanges>;

/** Why an active appointment no longer fits its day's plan, or null when it still does. */
function misfit(a: BookedSlot, inputs: DoctorDayInputs, defaultSiteId: string): AffectedAppointment['reason'] | null {
  const plan = doctorDayPlan(inputs, a.date);
  if (!plan.is_present) return 'day_closed';
  const slot = daySlots(plan, a.date, inputs.consult_minutes ?? 10, defaultSiteId, inputs.leaves).find((s) => s.slot === a.slot);
  if (!slot) return 'slot_gone';
  if (slot.on_leave) return 'on_leave';
  // An estimated time may drift (it is an estimate); a new site, room or start time is a new appointment.
  const moved = slot.site_id !== (a.site_id ?? defaultSiteId) || slot.start_time !== a.start_time || slot.room !== a.room;
  return moved ? 'slot_moved' : null;
}
