import { Op, UniqueConstraintError, type Transaction } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { escapeLike } from '../core/schemas';
import { createSql } from '../core/sql';
import { Doctor, toDoctorDto, type DoctorDto } from './doctor.model';

/** The fields a doctor is created or changed with. */
export interface DoctorFields {
  name?: string;
  code?: string;
  specialty?: string | null;
  default_daily_capacity?: number;
  working_days?: number[];
  is_active?: boolean;
  email?: string | null;
  experience_years?: number | null;
  languages?: string[];
  consultation_type?: 'in_person' | 'video';
  bio?: string | null;
  consult_minutes?: number;
}

/**
 * How a doctor row is locked for a change of its doctor-days: `share` (`FOR SHARE`: a day's capacity is about
 * to be set from the doctor's default) or `no_key_update` (`FOR NO KEY UPDATE`: the default is about to change).
 * Neither blocks the `FOR KEY SHARE` that foreign-key checks take when appointments or queue rows referencing
 * the doctor are inserted, so a booking holding a capacity row never waits here.
 */
export type DoctorLock = 'share' | 'no_key_update';

/** The filters of the doctor directory (binds `$specialty $isActive $q $language $siteId`, each NULL when not asked). */
const LIST_WHERE = `($specialty::text IS NULL OR lower(d.specialty) = lower($specialty))
  AND ($isActive::boolean IS NULL OR d.is_active = $isActive)
  AND ($q::text IS NULL OR unaccent(lower(d.name || ' ' || d.code || ' ' || coalesce(d.specialty, ''))) LIKE '%' || unaccent(lower($q)) || '%')
  AND ($language::text IS NULL OR EXISTS (SELECT 1 FROM unnest(d.languages) l WHERE lower(l) = lower($language) OR lower(l) LIKE lower($language) || '-%'))
  AND ($siteId::uuid IS NULL
       OR EXISTS (SELECT 1 FROM doctor_sessions s WHERE s.doctor_id = d.id AND s.site_id = $siteId)
       OR (NOT EXISTS (SELECT 1 FROM doctor_sessions s WHERE s.doctor_id = d.id) AND EXISTS (SELECT 1 FROM sites WHERE id = $siteId AND is_default)))`;

/** Storage of doctors; returns plain objects. */
export function createDoctorRepository(sequelize: Sequelize) {
  const doctors = sequelize.getRepository(Doctor);
  const sql = createSql(sequelize);
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

    /**
     * Doctors by specialty (exact, case-insensitive), free text `q` (name, code or specialty; case- and
     * accent-insensitive: `cardio` finds "Cardiología"), `language` (a BCP 47 tag; `ta` also finds `ta-IN`),
     * `site_id` (a weekly session there, or — for a doctor without a schedule — the default site) and
     * activity; ordered by name.
     */
    async list(p: {
      specialty?: string;
      q?: string;
      language?: string;
      site_id?: string;
      is_active?: boolean;
      limit: number;
      offset: number;
    }) {
      const bind = {
        specialty: p.specialty ?? null,
        isActive: p.is_active ?? null,
        q: p.q ? escapeLike(p.q) : null,
        language: p.language ?? null,
        siteId: p.site_id ?? null,
      };
      const rows = await sql.query<Doctor & { total: string }>(
        `SELECT d.*, count(*) OVER () AS total FROM doctors d WHERE ${LIST_WHERE} ORDER BY d.name, d.id LIMIT $limit OFFSET $offset`,
        { ...bind, limit: p.limit, offset: p.offset },
      );
      const total = rows.length
        ? Number(rows[0].total)
        : Number((await sql.query<{ n: string }>(`SELECT count(*) AS n FROM doctors d WHERE ${LIST_WHERE}`, bind))[0].n);
      return { rows: rows.map((r) => toDoctorDto(r)), total };
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
