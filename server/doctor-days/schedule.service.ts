import type { ActorRef } from '../core/actor';
import { NotFound, Unprocessable } from '../core/errors';
import type { Transactor } from '../core/transaction';
import { NO_EVENTS, type DomainEvents } from '../core/events';
import { instantOf } from './day-view';
import type { LeaveRow, DoctorDayRepository } from './doctor-day.repository';
import { doctorNotFound } from './doctor-day.rules';
import type { AffectedAppointment, PlanChanges } from './plan-changes';
import { scheduleProblems, withCapacity, type WeeklySessionInput } from './schedule.rules';
import type { SiteRepository } from './sites.repository';

/** A leave as asked for: a date range, or part of one day (both times, `HH:MM` in the day's zone). */
export interface LeaveInput {
  from: string;
  to: string;
  reason?: string | null;
  start_time?: string | null;
  end_time?: string | null;
}

/** What the schedule service needs. */
export interface ScheduleDeps {
  repo: DoctorDayRepository;
  sites: SiteRepository;
  planChanges: PlanChanges;
  tx: Transactor;
  /** Today, `YYYY-MM-DD`, in the default site's zone: plan changes re-plan existing days from here on. */
  today: () => string;
  /** Where `leave.created` is recorded, in the leave's transaction (default: nowhere). */
  events?: DomainEvents;
  /** The zone of a doctor-day (its site's), for part-day leaves as instants. */
  dayZone?: (doctorId: string, date: string) => Promise<string>;
}

/** A leave as a calendar's busy block: whole clinic days (inclusive), or instants for a part-day leave. */
export interface BusyBlock {
  id: string;
  start: string;
  end: string;
  all_day: boolean;
  summary: string;
  updated_at: string;
}

/** A doctor's weekly schedule and leaves. */
export function createScheduleService({ repo, sites, planChanges, tx, today, events = NO_EVENTS, dayZone }: ScheduleDeps) {
  /** @throws Unprocessable `INVALID_SCHEDULE` (details: every problem, `[{path, code, message}]`) */
  async function assertValid(sessions: WeeklySessionInput[], prefix = 'sessions'): Promise<void> {
    const zones = await sites.all();
    const problems = scheduleProblems(sessions, (id) => zones.get(id)?.timezone, prefix);
    if (problems.length)
      throw new Unprocessable(
        'INVALID_SCHEDULE',
        `The schedule is refused: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
        problems,
      );
  }

  return {
    assertValid,

    /** The doctor's weekly sessions. @throws NotFound `DOCTOR_NOT_FOUND` */
    async get(doctorId: string) {
      if (!(await repo.doctorExists(doctorId))) throw doctorNotFound();
      return { doctor_id: doctorId, sessions: await repo.weeklySessions(doctorId) };
    },

    /**
     * Replaces the doctor's weekly sessions (an empty list: back to working_days × default capacity). Existing
     * days from today on are re-planned under their locks; bookings that no longer fit are flagged and listed.
     * @throws NotFound `DOCTOR_NOT_FOUND` · Unprocessable `INVALID_SCHEDULE` · Conflict `CAPACITY_BELOW_BOOKED`
     */
    async replace(doctorId: string, input: WeeklySessionInput[], actor: ActorRef) {
      await assertValid(input);
      const sessions = input.map((s) => ({ ...withCapacity(s), valid_from: s.valid_from ?? null, valid_to: s.valid_to ?? null }));
      return tx(async (t) => {
        const doctor = await repo.beginPlanChange(doctorId, t);
        if (!doctor) throw doctorNotFound();
        await repo.replaceWeeklySessions(doctorId, sessions, t);
        const affected = await planChanges.apply(
          doctorId,
          doctor,
          { from: today(), to: null },
          actor,
          { reason: 'schedule changed', data: {} },
          t,
        );
        return { doctor_id: doctorId, sessions: await repo.weeklySessions(doctorId, t), affected_appointments: affected };
      });
    },

    /**
     * Adds a leave. Bookings on leave time are refused from now on (422 DOCTOR_ON_LEAVE); active appointments
     * already booked in it are never cancelled: each is flagged `needs_reschedule`, audited and listed. One
     * transaction, under the affected days' capacity row locks (in date order, after the doctor row).
     * @throws NotFound `DOCTOR_NOT_FOUND` · Unprocessable `INVALID_RANGE`
     */
    async addLeave(
      doctorId: string,
      input: LeaveInput,
      actor: ActorRef,
    ): Promise<{ leave: LeaveRow; affected_appointments: AffectedAppointment[] }> {
      const part = Boolean(input.start_time);
      if (input.to < input.from) throw new Unprocessable('INVALID_RANGE', '"to" is before "from"');
      if (part && input.from !== input.to)
        throw new Unprocessable('INVALID_RANGE', 'A part-day leave (start_time, end_time) covers one day: from = to');
      if (part && input.end_time! <= input.start_time!) throw new Unprocessable('INVALID_RANGE', 'end_time must be after start_time');
      return tx(async (t) => {
        const doctor = await repo.beginPlanChange(doctorId, t);
        if (!doctor) throw doctorNotFound();
        const leave = await repo.insertLeave(
          {
            doctorId,
            from: input.from,
            to: input.to,
            startTime: input.start_time ?? null,
            endTime: input.end_time ?? null,
            reason: input.reason || null,
            actorId: actor.id,
          },
          t,
        );
        const affected = await planChanges.apply(
          doctorId,
          doctor,
          { from: input.from, to: input.to },
          actor,
          {
            reason: 'doctor on leave',
            data: { leave_id: leave.id },
          },
          t,
        );
        // Descriptive only: ids, dates and hours (a reason may be personal; it stays in the clinic).
        await events.record(
          'leave.created',
          {
            leave: {
              id: leave.id,
              doctor_id: doctorId,
              from: leave.from,
              to: leave.to,
              start_time: leave.start_time,
              end_time: leave.end_time,
            },
            affected_appointments: affected.length,
          },
          t,
          { doctorId },
        );
        return { leave, affected_appointments: affected };
      });
    },

    /**
     * The doctor's leaves overlapping `from`..`to` as busy blocks (for calendar feeds): whole days, or — a part-day
     * leave — its hours as instants in the day's zone. The reason is not shown (it may be personal).
     */
    async busyBlocks(doctorId: string, from: string, to: string): Promise<BusyBlock[]> {
      const leaves = (await repo.listLeaves(doctorId, from)).filter((l) => l.from <= to);
      const blocks: BusyBlock[] = [];
      for (const l of leaves) {
        if (!l.start_time || !l.end_time) {
          blocks.push({ id: l.id, start: l.from, end: l.to, all_day: true, summary: 'Leave', updated_at: l.created_at });
        } else {
          const zone = dayZone ? await dayZone(doctorId, l.from) : 'UTC';
          blocks.push({
            id: l.id,
            start: instantOf(l.from, l.start_time, zone)!,
            end: instantOf(l.from, l.end_time, zone)!,
            all_day: false,
            summary: 'Leave',
            updated_at: l.created_at,
          });
        }
      }
      return blocks;
    },

    /** The doctor's leaves that end today or later. @throws NotFound `DOCTOR_NOT_FOUND` */
    async listLeaves(doctorId: string) {
      if (!(await repo.doctorExists(doctorId))) throw doctorNotFound();
      return { data: await repo.listLeaves(doctorId, today()) };
    },

    /** Removes a leave (its days take bookings again; flags already set stay). @throws NotFound `DOCTOR_NOT_FOUND`, `LEAVE_NOT_FOUND` */
    async deleteLeave(doctorId: string, leaveId: string): Promise<void> {
      await tx(async (t) => {
        if (!(await repo.beginPlanChange(doctorId, t))) throw doctorNotFound();
        if (!(await repo.deleteLeave(doctorId, leaveId, t))) throw new NotFound('No leave with this id for this doctor', 'LEAVE_NOT_FOUND');
      });
    },
  };
}
export type ScheduleService = ReturnType<typeof createScheduleService>;
