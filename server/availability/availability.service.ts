import type { Transaction } from 'sequelize';
import type { ActorRef } from '../core/actor';
import { Conflict, Unprocessable } from '../core/errors';
import { addDays, daysBetween } from '../core/clinic-time';
import type { Transactor } from '../core/transaction';
import type { DoctorDayRepository } from '../doctor-days/doctor-day.repository';
import { doctorNotFound } from '../doctor-days/doctor-day.rules';
import type { AffectedAppointment, PlanChanges } from '../doctor-days/plan-changes';
import { withCapacity, type SessionInput } from '../doctor-days/schedule.rules';
import type { DoctorRepository } from '../doctors/doctors.repository';
import { effectiveAvailability, type EffectiveAvailability } from './availability.rules';
import type { AvailabilityRepository } from './availability.repository';

/** A day override as `POST /doctors/{id}/availability` takes it; `sessions` (optional) are the day's own hours. */
export interface AvailabilityInput {
  date: string;
  is_present: boolean;
  capacity?: number | null;
  notes?: string | null;
  sessions?: SessionInput[];
}

/** Longest range `GET …/availability?from=&to=` answers, in days (inclusive). */
export const MAX_RANGE_DAYS = 92;

/** What the availability service needs; `assertValidSessions` is the schedule's validator (422 INVALID_SCHEDULE). */
export interface AvailabilityDeps {
  repo: AvailabilityRepository;
  doctors: DoctorRepository;
  doctorDays: DoctorDayRepository;
  planChanges: PlanChanges;
  assertValidSessions: (sessions: Array<SessionInput & { weekday: number }>, prefix: string) => Promise<void>;
  tx: Transactor;
}

/** Day overrides of a doctor's availability. */
export function createAvailabilityService({ repo, doctors, doctorDays, planChanges, assertValidSessions, tx }: AvailabilityDeps) {
  /**
   * Effective availability for each day from `from` to `to` inclusive (overrides where set, else the rule),
   * with each day's sessions.
   * @throws NotFound `DOCTOR_NOT_FOUND` · Unprocessable `INVALID_RANGE` (to before from, or more than 92 days)
   */
  async function between(doctorId: string, from: string, to: string, t?: Transaction): Promise<EffectiveAvailability[]> {
    const span = daysBetween(from, to);
    if (span < 0) throw new Unprocessable('INVALID_RANGE', '"to" is before "from"');
    if (span + 1 > MAX_RANGE_DAYS) throw new Unprocessable('INVALID_RANGE', `A range covers at most ${MAX_RANGE_DAYS} days`);
    const doctor = await doctors.findById(doctorId, t);
    if (!doctor) throw doctorNotFound();
    const [rows, inputs] = await Promise.all([repo.between(doctorId, from, to, t), doctorDays.planInputs(doctorId, from, to, t)]);
    const byDate = new Map(rows.map((r) => [r.date, r]));
    const sessionsByDate = new Map(inputs.overrides.map((o) => [o.date, o.sessions]));
    return Array.from({ length: span + 1 }, (_, i) => addDays(from, i)).map((date) =>
      effectiveAvailability({ ...doctor, weekly: inputs.weekly, leaves: inputs.leaves }, date, byDate.get(date), sessionsByDate.get(date)),
    );
  }

  return {
    between,

    /**
     * Sets a doctor-day's override (upsert on (doctor_id, date)) and, when given, the day's own sessions (they
     * replace that weekday's sessions for this date; omitted: the day follows the weekly schedule) — under the
     * doctor row and the day's capacity row lock, the row every booking of that day takes (created here when the
     * day has none yet): a booking either commits before the change, and is counted, or waits for it and sees
     * the new plan. The day's capacity follows the doctor-day rule; below the booked count it is refused;
     * bookings that no longer fit are flagged `needs_reschedule` and listed.
     * @returns `created` true when a row was inserted (→ 201), false when updated (→ 200).
     * @throws NotFound `DOCTOR_NOT_FOUND` · Conflict `CAPACITY_BELOW_BOOKED` (details `{booked, dates}`) · Unprocessable `INVALID_SCHEDULE`
     */
    async set(
      doctorId: string,
      input: AvailabilityInput,
      actor: ActorRef,
    ): Promise<{ created: boolean; availability: EffectiveAvailability & { affected_appointments: AffectedAppointment[] } }> {
      const sessions = input.is_present ? (input.sessions ?? []) : [];
      if (!input.is_present && input.sessions?.length) {
        throw new Unprocessable('INVALID_SCHEDULE', 'A day marked absent has no sessions', [
          { path: 'sessions', code: 'ABSENT_WITH_SESSIONS', message: 'must be empty when is_present is false' },
        ]);
      }
      await assertValidSessions(
        sessions.map((s) => ({ ...s, weekday: 1 })),
        'sessions',
      );
      return tx(async (t) => {
        // The doctor row (FOR NO KEY UPDATE, and the plan's version bumped), then the day's capacity row: the lock order of every writer.
        const basics = await doctorDays.beginPlanChange(doctorId, t);
        if (!basics) throw doctorNotFound();
        await doctorDays.lock(doctorId, input.date, t);
        const row = await repo.upsert(
          {
            doctorId,
            date: input.date,
            isPresent: input.is_present,
            capacity: input.capacity ?? null,
            notes: input.notes || null,
            actorId: actor.id,
          },
          t,
        );
        await doctorDays.replaceDaySessions(doctorId, input.date, sessions.map(withCapacity), t);
        const affected = await planChanges
          .apply(
            doctorId,
            basics,
            { from: input.date, to: input.date },
            actor,
            { reason: 'day availability changed', data: { date: input.date } },
            t,
          )
          .catch((err: unknown) => {
            // This route's answer has always been `{booked}` (one day).
            if (err instanceof Conflict && err.code === 'CAPACITY_BELOW_BOOKED') {
              const { booked } = err.details as { booked: number };
              throw new Conflict('CAPACITY_BELOW_BOOKED', `This day already has ${booked} bookings; capacity cannot go below that`, {
                booked,
              });
            }
            throw err;
          });
        const [day] = await between(doctorId, input.date, input.date, t);
        return { created: row.inserted, availability: { ...day, affected_appointments: affected } };
      });
    },
  };
}
export type AvailabilityService = ReturnType<typeof createAvailabilityService>;
