import { Op, UniqueConstraintError, type Transaction } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { createSql } from '../core/sql';
import { escapeLike } from '../core/schemas';
import { Patient, type Gender } from './patient.model';
import {
  NAME_MATCH,
  NAME_ORDER,
  NAME_RANK,
  PHONE_SUFFIX_MATCH,
  phoneSuffixPattern,
  RANKED_ORDER,
  searchSql,
  wordMatch,
} from './patient-search';

/** A patient as the API shows it to staff. */
export interface PatientDto {
  id: string;
  first_name: string;
  last_name: string | null;
  age: number | null;
  phone: string;
  email: string | null;
  gender: Gender | null;
  /** `YYYY-MM-DD`, or null. */
  date_of_birth: string | null;
  created_at: string;
  updated_at: string;
  /** ISO-8601 UTC, or null while the patient is active. */
  deactivated_at: string | null;
  /** ISO-8601 UTC when the personal data was erased, else null. */
  erased_at: string | null;
  /** The staff account that erased it. */
  erased_by: string | null;
}
export interface NewPatient {
  first_name: string;
  last_name?: string | null;
  age?: number | null;
  phone: string;
  email?: string | null;
  gender?: Gender | null;
  date_of_birth?: string | null;
  created_by?: string | null;
}
export type PatientChanges = Partial<Omit<NewPatient, 'created_by'>> & { updated_by?: string | null };
export interface PatientSearch {
  /** E.164: the phone equals it. */
  phone?: string;
  /** Digits the phone ends with. */
  phoneSuffix?: string;
  /** Words each found in the name (substring, accents and case ignored); ordered by name. */
  q?: string;
  /** Ranked name search (prefix, similar spelling, sounds alike; accents and case ignored); ordered by relevance. */
  name?: string;
  /** Include deactivated (and erased) patients; default false. */
  includeInactive?: boolean;
  limit: number;
  offset: number;
}

/** Storage of patients; returns plain objects. Faked in unit tests. */
export interface PatientRepository {
  /** Inserts; returns `{duplicateOf}` when the (phone, lower(first_name)) key is taken. */
  create(p: NewPatient): Promise<PatientDto | { duplicateOf: string }>;
  findById(id: string): Promise<PatientDto | null>;
  findByPhoneAndFirstName(phone: string, firstName: string): Promise<PatientDto | null>;
  /** `'erased'` when the patient's data was erased (an erased record is never changed again). */
  update(id: string, changes: PatientChanges): Promise<PatientDto | null | 'erased' | { duplicateOf: string }>;
  search(s: PatientSearch): Promise<{ rows: PatientDto[]; total: number }>;
  /** True when the patient has a (not cancelled) appointment with the doctor, on any day. */
  doctorHasPatient(doctorId: string, patientId: string): Promise<boolean>;
  /**
   * Locks the patient row `FOR UPDATE` inside `t`: a booking's `FOR KEY SHARE` of it (see INSERT_BOOKING_SQL)
   * waits until `t` ends, so deactivation and erasure cannot race a booking. @returns null when there is none.
   */
  lockForChange(id: string, t: Transaction): Promise<PatientDto | null>;
  /** Sets (`deactivated` true: now, kept if already set) or clears `deactivated_at` inside `t`. */
  setDeactivated(id: string, deactivated: boolean, actorId: string | null, t: Transaction): Promise<PatientDto>;
  /**
   * Replaces every personal field with nothing or a fixed placeholder (`first_name` {@link ERASED_NAME}, `phone`
   * `erased-<id>`, unique per patient for the (phone, first name) index), deactivates, and records who and when.
   */
  erase(id: string, actorId: string | null, t: Transaction): Promise<PatientDto>;
}

/** The first name an erased patient keeps (the column is NOT NULL). */
export const ERASED_NAME = '[erased]';

export function toPatientDto(p: Patient): PatientDto {
  return {
    id: p.id,
    first_name: p.first_name,
    last_name: p.last_name,
    age: p.age,
    phone: p.phone,
    email: p.email,
    gender: p.gender ?? null,
    date_of_birth: p.date_of_birth ?? null,
    created_at: p.created_at.toISOString(),
    updated_at: p.updated_at.toISOString(),
    deactivated_at: p.deactivated_at ? p.deactivated_at.toISOString() : null,
    erased_at: p.erased_at ? p.erased_at.toISOString() : null,
    erased_by: p.erased_by ?? null,
  };
}

/** The PostgreSQL implementation. */
export function createPatientRepository(sequelize: Sequelize): PatientRepository {
  const patients = sequelize.getRepository(Patient);
  const sql = createSql(sequelize);
  const repo: PatientRepository = {
    async create(p) {
      try {
        return toPatientDto(await patients.create({ ...p }));
      } catch (err) {
        if (!(err instanceof UniqueConstraintError)) throw err;
        const existing = await repo.findByPhoneAndFirstName(p.phone, p.first_name);
        if (!existing) throw err;
        return { duplicateOf: existing.id };
      }
    },
    async findById(id) {
      const p = await patients.findByPk(id);
      return p ? toPatientDto(p) : null;
    },
    async findByPhoneAndFirstName(phone, firstName) {
      const p = await patients.findOne({ where: { phone, first_name: { [Op.iLike]: escapeLike(firstName) } } });
      return p ? toPatientDto(p) : null;
    },
    async update(id, changes) {
      const p = await patients.findByPk(id);
      if (!p) return null;
      if (p.erased_at) return 'erased';
      try {
        await p.update(changes);
      } catch (err) {
        if (!(err instanceof UniqueConstraintError)) throw err;
        const existing = await repo.findByPhoneAndFirstName(changes.phone ?? p.phone, changes.first_name ?? p.first_name);
        if (!existing) throw err;
        return { duplicateOf: existing.id };
      }
      return toPatientDto(p);
    },
    async search({ phone, phoneSuffix, q, name, includeInactive, limit, offset }) {
      const where: string[] = [];
      const bind: Record<string, unknown> = { limit, offset };
      if (!includeInactive) where.push('p.deactivated_at IS NULL');
      if (phone) {
        where.push('p.phone = $phone');
        bind.phone = phone;
      }
      if (phoneSuffix) {
        where.push(PHONE_SUFFIX_MATCH);
        bind.phoneSuffix = phoneSuffixPattern(phoneSuffix);
      }
      (q?.trim().split(/\s+/).slice(0, 4) ?? []).forEach((word, i) => {
        where.push(wordMatch(`w${i}`));
        bind[`w${i}`] = word;
      });
      if (name) {
        where.push(NAME_MATCH);
        bind.name = name;
      }
      const rows = await sql.query<{ total: number } & Partial<PatientDto>>(
        searchSql(where, name ? RANKED_ORDER : NAME_ORDER, name ? NAME_RANK : undefined),
        bind,
      );
      const total = rows[0]?.total ?? 0;
      return { rows: rows.filter((r) => r.id).map(({ total: _t, ...p }) => p as PatientDto), total };
    },
    async doctorHasPatient(doctorId, patientId) {
      const [row] = await sql.query<{ ok: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM appointments WHERE patient_id = $patientId AND doctor_id = $doctorId AND status <> 'cancelled') AS ok`,
        { patientId, doctorId },
      );
      return row?.ok === true;
    },
    async lockForChange(id, t) {
      const p = await patients.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE });
      return p ? toPatientDto(p) : null;
    },
    async setDeactivated(id, deactivated, actorId, t) {
      const [, [p]] = await patients.update(
        {
          deactivated_at: deactivated ? sequelize.fn('coalesce', sequelize.col('deactivated_at'), sequelize.fn('now')) : null,
          updated_by: actorId,
        },
        { where: { id }, returning: true, transaction: t },
      );
      return toPatientDto(p);
    },
    async erase(id, actorId, t) {
      const [, [p]] = await patients.update(
        {
          first_name: ERASED_NAME,
          last_name: null,
          phone: `erased-${id}`,
          email: null,
          age: null,
          gender: null,
          date_of_birth: null,
          deactivated_at: sequelize.fn('coalesce', sequelize.col('deactivated_at'), sequelize.fn('now')),
          erased_at: sequelize.fn('now'),
          erased_by: actorId,
          updated_by: actorId,
        },
        { where: { id }, returning: true, transaction: t },
      );
      return toPatientDto(p);
    },
  };
  return repo;
}
