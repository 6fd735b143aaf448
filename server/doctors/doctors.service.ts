import { Op, QueryTypes, UniqueConstraintError, type Transaction, type WhereOptions } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { Conflict, NotFound } from '../core/errors';
import { page } from '../core/schemas';
import { withTransaction } from '../core/transaction';
import { Doctor, toDoctorDto, type DoctorDto } from './doctor.model';

export interface DoctorInput {
  name?: string; code?: string; specialty?: string | null; default_daily_capacity?: number; working_days?: number[]; is_active?: boolean;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function duplicateCode(err: unknown): never {
  if (err instanceof UniqueConstraintError) throw new Conflict('DOCTOR_CODE_TAKEN', 'Another doctor already has this code');
  throw err;
}

/**
 * Loads a doctor (used by every feature that takes a doctor id), optionally locking the row in `lock.transaction`: `share` (`FOR SHARE`: the day's capacity
 * is about to be set from the doctor's default) or `no_key_update` (`FOR NO KEY UPDATE`: the default is about
 * to change). Neither blocks the `FOR KEY SHARE` that foreign-key checks take when appointments or queue rows
 * referencing the doctor are inserted, so a booking holding a capacity row never waits here.
 * @throws NotFound `DOCTOR_NOT_FOUND`
 */
export async function findDoctorOrThrow(id: string, lock?: { transaction: Transaction; mode: 'share' | 'no_key_update' }): Promise<Doctor> {
  const d = await Doctor.findByPk(id, lock ? { transaction: lock.transaction, lock: lock.mode === 'share' ? lock.transaction.LOCK.SHARE : lock.transaction.LOCK.NO_KEY_UPDATE } : {});
  if (!d) throw new NotFound('No doctor with this id', 'DOCTOR_NOT_FOUND');
  return d;
}

/** @throws Conflict `DOCTOR_CODE_TAKEN` */
export async function createDoctor(input: DoctorInput & { name: string; code: string }): Promise<DoctorDto> {
  const d = await Doctor.create({ ...input, specialty: input.specialty || null }).catch(duplicateCode);
  return toDoctorDto(d);
}

/**
 * Changes a doctor. A new `default_daily_capacity` also applies to the capacity rows of days from `today`
 * on that have one (a day gets its row at its first booking or availability change) and no override of
 * their own, under their row locks, in one transaction.
 * @throws NotFound `DOCTOR_NOT_FOUND` · Conflict `DOCTOR_CODE_TAKEN` · `CAPACITY_BELOW_BOOKED` (details `{dates}`)
 */
export async function updateDoctor(sequelize: Sequelize, id: string, input: DoctorInput, today: string): Promise<DoctorDto> {
  const changes = { ...input };
  if (changes.specialty === '') changes.specialty = null;
  return withTransaction(sequelize, async (transaction) => {
    // The doctor row first: a day's first booking reads the default under FOR SHARE of this row (doctor,
    // then capacity rows — the order every path that takes both keeps), so it waits for this change and
    // uses the new default.
    const d = await findDoctorOrThrow(id, { transaction, mode: 'no_key_update' });
    const cap = changes.default_daily_capacity;
    if (cap !== undefined && cap !== d.default_daily_capacity) {
      const days = await sequelize.query<{ date: string; booked_count: number }>(
        `SELECT to_char(c.date, 'YYYY-MM-DD') AS date, c.booked_count FROM doctor_day_capacity c
          WHERE c.doctor_id = $id AND c.date >= $today
            AND NOT EXISTS (SELECT 1 FROM doctor_availability a WHERE a.doctor_id = c.doctor_id AND a.date = c.date AND a.capacity IS NOT NULL)
          ORDER BY c.date FOR UPDATE OF c`,
        { bind: { id, today }, type: QueryTypes.SELECT, transaction },
      );
      const over = days.filter((x) => x.booked_count > cap).map((x) => x.date);
      if (over.length) throw new Conflict('CAPACITY_BELOW_BOOKED', 'Some days already have more bookings than this capacity', { dates: over });
      if (days.length) {
        await sequelize.query('UPDATE doctor_day_capacity SET capacity = $cap, updated_at = now() WHERE doctor_id = $id AND date = ANY($dates::date[])',
          { bind: { id, cap, dates: days.map((x) => x.date) }, transaction });
      }
    }
    await d.update(changes, { transaction }).catch(duplicateCode);
    return toDoctorDto(d);
  });
}

/** Lists doctors filtered by specialty (exact, case-insensitive), name/code words and activity; ordered by name. */
export async function listDoctors(params: { specialty?: string; q?: string; is_active?: boolean; limit: number; offset: number }) {
  const and: WhereOptions[] = [];
  if (params.specialty) and.push({ specialty: { [Op.iLike]: escapeLike(params.specialty) } });
  if (params.is_active !== undefined) and.push({ is_active: params.is_active });
  if (params.q) {
    const like = `%${escapeLike(params.q)}%`;
    and.push({ [Op.or]: [{ name: { [Op.iLike]: like } }, { code: { [Op.iLike]: like } }] });
  }
  const { rows, count } = await Doctor.findAndCountAll({
    where: and.length ? { [Op.and]: and } : {}, order: [['name', 'ASC'], ['id', 'ASC']], limit: params.limit, offset: params.offset,
  });
  return page(rows.map(toDoctorDto), count, params.limit, params.offset);
}
