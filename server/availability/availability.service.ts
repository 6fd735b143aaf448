import { Op } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { Conflict, Unprocessable } from '../core/errors';
import { withTransaction } from '../core/transaction';
import { lockDoctorDay } from '../appointments/doctor-day.sql';
import { addDays, daysBetween } from '../core/clinic-time';
import { findDoctorOrThrow } from '../doctors/doctors.service';
import { DoctorAvailability } from './availability.model';
import { effectiveAvailability, type EffectiveAvailability } from './availability.rules';

export interface AvailabilityInput { date: string; is_present: boolean; capacity?: number | null; notes?: string | null }

/** Longest range `GET …/availability?from=&to=` answers, in days (inclusive). */
export const MAX_RANGE_DAYS = 92;

/**
 * Sets a doctor-day's availability (upsert on (doctor_id, date)) under the day's capacity row lock, the row
 * every booking of that day takes (created here when the day has none yet): a booking either commits before
 * the change, and is counted, or waits for it and sees the new availability. A capacity below the booked
 * count is refused.
 * @returns `created` true when a row was inserted (→ 201), false when updated (→ 200).
 * @throws NotFound `DOCTOR_NOT_FOUND` · Conflict `CAPACITY_BELOW_BOOKED` (details `{booked}`)
 */
export async function setAvailability(sequelize: Sequelize, doctorId: string, input: AvailabilityInput, actorId: string | null): Promise<{ created: boolean; availability: EffectiveAvailability }> {
  return withTransaction(sequelize, async (transaction) => {
    // Doctor row FOR SHARE, then the day's capacity row: the lock order of every writer (see updateDoctor).
    const doctor = await findDoctorOrThrow(doctorId, { transaction, mode: 'share' });
    const day = (await lockDoctorDay(transaction, doctorId, input.date))!;
    const effectiveCapacity = input.capacity ?? doctor.default_daily_capacity;
    if (effectiveCapacity < day.booked_count) {
      throw new Conflict('CAPACITY_BELOW_BOOKED', `This day already has ${day.booked_count} bookings; capacity cannot go below that`, { booked: day.booked_count });
    }
    if (effectiveCapacity !== day.capacity) {
      await sequelize.query('UPDATE doctor_day_capacity SET capacity = :cap, updated_at = now() WHERE doctor_id = :doctorId AND date = :date',
        { replacements: { cap: effectiveCapacity, doctorId, date: input.date }, transaction });
    }
    const [rows] = await sequelize.query(
      `INSERT INTO doctor_availability (doctor_id, date, is_present, capacity, notes, updated_by)
       VALUES (:doctorId, :date, :isPresent, :capacity, :notes, :actorId)
       ON CONFLICT (doctor_id, date) DO UPDATE SET is_present = EXCLUDED.is_present, capacity = EXCLUDED.capacity,
         notes = EXCLUDED.notes, updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING is_present, capacity, notes, updated_by, updated_at, (xmax = 0) AS inserted`,
      {
        replacements: { doctorId, date: input.date, isPresent: input.is_present, capacity: input.capacity ?? null, notes: input.notes || null, actorId },
        transaction,
      },
    );
    const row = (rows as Array<{ is_present: boolean; capacity: number | null; notes: string | null; updated_by: string | null; updated_at: Date; inserted: boolean }>)[0];
    return { created: row.inserted, availability: effectiveAvailability(doctor, input.date, row) };
  });
}

/**
 * Effective availability for each day from `from` to `to` inclusive (rows where set, else the default rule).
 * @throws NotFound `DOCTOR_NOT_FOUND` · Unprocessable `INVALID_RANGE` (to before from, or more than 92 days)
 */
export async function getAvailability(doctorId: string, from: string, to: string): Promise<EffectiveAvailability[]> {
  const span = daysBetween(from, to);
  if (span < 0) throw new Unprocessable('INVALID_RANGE', '"to" is before "from"');
  if (span + 1 > MAX_RANGE_DAYS) throw new Unprocessable('INVALID_RANGE', `A range covers at most ${MAX_RANGE_DAYS} days`);
  const doctor = await findDoctorOrThrow(doctorId);
  const rows = await DoctorAvailability.findAll({ where: { doctor_id: doctorId, date: { [Op.between]: [from, to] } } });
  const byDate = new Map(rows.map((r) => [r.date, r]));
  const out: EffectiveAvailability[] = [];
  for (let i = 0; i <= span; i++) {
    const date = addDays(from, i);
    out.push(effectiveAvailability(doctor, date, byDate.get(date)));
  }
  return out;
}
