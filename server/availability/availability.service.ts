import { Conflict, NotFound, Unprocessable } from '../core/errors';
import { addDays, daysBetween } from '../core/clinic-time';
import type { Transactor } from '../core/transaction';
import { doctorDayPlan } from '../doctor-days/doctor-day.rules';
import type { DoctorDayRepository } from '../doctor-days/doctor-day.repository';
import type { DoctorRepository } from '../doctors/doctors.repository';
import { effectiveAvailability, type EffectiveAvailability } from './availability.rules';
import type { AvailabilityRepository } from './availability.repository';

/** A day override as `POST /doctors/{id}/availability` takes it. */
export interface AvailabilityInput {
  date: string;
  is_present: boolean;
  capacity?: number | null;
  notes?: string | null;
}

/** Longest range `GET …/availability?from=&to=` answers, in days (inclusive). */
export const MAX_RANGE_DAYS = 92;

/** What the availability service needs. */
export interface AvailabilityDeps {
  repo: AvailabilityRepository;
  doctors: DoctorRepository;
  doctorDays: DoctorDayRepository;
  tx: Transactor;
}

const doctorNotFound = () => new NotFound('No doctor with this id', 'DOCTOR_NOT_FOUND');

/** Day overrides of a doctor's availability. */
export function createAvailabilityService({ repo, doctors, doctorDays, tx }: AvailabilityDeps) {
  return {
    /**
     * Sets a doctor-day's override (upsert on (doctor_id, date)) under the day's capacity row lock, the row
     * every booking of that day takes (created here when the day has none yet): a booking either commits
     * before the change, and is counted, or waits for it and sees the new availability. The day's capacity
     * follows the doctor-day rule; below the booked count it is refused.
     * @returns `created` true when a row was inserted (→ 201), false when updated (→ 200).
     * @throws NotFound `DOCTOR_NOT_FOUND` · Conflict `CAPACITY_BELOW_BOOKED` (details `{booked}`)
     */
    async set(
      doctorId: string,
      input: AvailabilityInput,
      actorId: string | null,
    ): Promise<{ created: boolean; availability: EffectiveAvailability }> {
      return tx(async (t) => {
        // Doctor row FOR SHARE, then the day's capacity row: the lock order of every writer.
        const doctor = await doctors.findById(doctorId, t, 'share');
        if (!doctor) throw doctorNotFound();
        const day = (await doctorDays.lock(doctorId, input.date, t))!;
        const override = { is_present: input.is_present, capacity: input.capacity ?? null };
        const { capacity } = doctorDayPlan({ ...doctor, override }, input.date);
        if (capacity < day.booked_count) {
          throw new Conflict('CAPACITY_BELOW_BOOKED', `This day already has ${day.booked_count} bookings; capacity cannot go below that`, {
            booked: day.booked_count,
          });
        }
        if (capacity !== day.capacity) await doctorDays.setCapacity(doctorId, input.date, capacity, t);
        const row = await repo.upsert(
          {
            doctorId,
            date: input.date,
            isPresent: input.is_present,
            capacity: override.capacity,
            notes: input.notes || null,
            actorId,
          },
          t,
        );
        return { created: row.inserted, availability: effectiveAvailability(doctor, input.date, row) };
      });
    },

    /**
     * Effective availability for each day from `from` to `to` inclusive (overrides where set, else the rule).
     * @throws NotFound `DOCTOR_NOT_FOUND` · Unprocessable `INVALID_RANGE` (to before from, or more than 92 days)
     */
    async between(doctorId: string, from: string, to: string): Promise<EffectiveAvailability[]> {
      const span = daysBetween(from, to);
      if (span < 0) throw new Unprocessable('INVALID_RANGE', '"to" is before "from"');
      if (span + 1 > MAX_RANGE_DAYS) throw new Unprocessable('INVALID_RANGE', `A range covers at most ${MAX_RANGE_DAYS} days`);
      const doctor = await doctors.findById(doctorId);
      if (!doctor) throw doctorNotFound();
      const byDate = new Map((await repo.between(doctorId, from, to)).map((r) => [r.date, r]));
      return Array.from({ length: span + 1 }, (_, i) => addDays(from, i)).map((date) =>
        effectiveAvailability(doctor, date, byDate.get(date)),
      );
    },
  };
}
export type AvailabilityService = ReturnType<typeof createAvailabilityService>;
