import { Op, UniqueConstraintError, type Transaction, type WhereOptions } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { escapeLike } from '../core/schemas';
import { Doctor, toDoctorDto, type DoctorDto } from './doctor.model';

/** The fields a doctor is created or changed with. */
export interface DoctorFields {
  name?: string;
  code?: string;
  specialty?: string | null;
  default_daily_capacity?: number;
  working_days?: number[];
  is_active?: boolean;
}

/**
 * How a doctor row is locked for a change of its doctor-days: `share` (`FOR SHARE`: a day's capacity is about
 * to be set from the doctor's default) or `no_key_update` (`FOR NO KEY UPDATE`: the default is about to change).
 * Neither blocks the `FOR KEY SHARE` that foreign-key checks take when appointments or queue rows referencing
 * the doctor are inserted, so a booking holding a capacity row never waits here.
 */
export type DoctorLock = 'share' | 'no_key_update';

/** Storage of doctors; returns plain objects. */
export function createDoctorRepository(sequelize: Sequelize) {
  const doctors = sequelize.getRepository(Doctor);
  const codeTaken = (err: unknown): 'code_taken' => {
    if (err instanceof UniqueConstraintError) return 'code_taken';
    throw err;
  };
  return {
    /** One doctor, optionally locked (see {@link DoctorLock}) inside `t`. */
    async findById(id: string, t?: Transaction, lock?: DoctorLock): Promise<DoctorDto | null> {
      const mode = lock === 'share' ? t?.LOCK.SHARE : lock === 'no_key_update' ? t?.LOCK.NO_KEY_UPDATE : undefined;
      const d = await doctors.findByPk(id, { transaction: t, lock: mode });
      return d ? toDoctorDto(d) : null;
    },

    /** Inserts (inside `t` when given); `'code_taken'` when the code exists already (any case). */
    async create(fields: DoctorFields & { name: string; code: string }, t?: Transaction): Promise<DoctorDto | 'code_taken'> {
      return doctors.create({ ...fields }, { transaction: t }).then(toDoctorDto, codeTaken);
    },

    /** Changes a doctor row inside `t`; `'code_taken'` when the new code is taken. */
    async update(id: string, changes: DoctorFields, t: Transaction): Promise<DoctorDto | 'code_taken'> {
      try {
        const [, [d]] = await doctors.update(changes, { where: { id }, returning: true, transaction: t });
        return toDoctorDto(d);
      } catch (err) {
        return codeTaken(err);
      }
    },

    /** Doctors by specialty (exact, case-insensitive), name/code words and activity; ordered by name. */
    async list(p: { specialty?: string; q?: string; is_active?: boolean; limit: number; offset: number }) {
      const and: WhereOptions[] = [];
      if (p.specialty) and.push({ specialty: { [Op.iLike]: escapeLike(p.specialty) } });
      if (p.is_active !== undefined) and.push({ is_active: p.is_active });
      if (p.q) {
        const like = `%${escapeLike(p.q)}%`;
        and.push({ [Op.or]: [{ name: { [Op.iLike]: like } }, { code: { [Op.iLike]: like } }] });
      }
      const { rows, count } = await doctors.findAndCountAll({
        where: and.length ? { [Op.and]: and } : {},
        order: [
          ['name', 'ASC'],
          ['id', 'ASC'],
        ],
        limit: p.limit,
        offset: p.offset,
      });
      return { rows: rows.map(toDoctorDto), total: count };
    },

    /** Which of `ids` exist. */
    async existing(ids: string[]): Promise<string[]> {
      const rows = await doctors.findAll({ where: { id: { [Op.in]: ids } }, attributes: ['id'] });
      return rows.map((d) => d.id);
    },

    /** The doctor with `code`, else the first active one by code (the demo doctor account links to it). */
    async findByCodeOrFirstActive(code: string, t?: Transaction): Promise<DoctorDto | null> {
      const d =
        (await doctors.findOne({ where: { code }, transaction: t })) ??
        (await doctors.findOne({ where: { is_active: true }, order: [['code', 'ASC']], transaction: t }));
      return d ? toDoctorDto(d) : null;
    },
  };
}
export type DoctorRepository = ReturnType<typeof createDoctorRepository>;
