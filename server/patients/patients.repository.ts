import { Op, UniqueConstraintError, type WhereOptions } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { createSql } from '../core/sql';
import { escapeLike } from '../core/schemas';
import { Patient } from './patient.model';

/** A patient as the API shows it to staff. */
export interface PatientDto {
  id: string;
  first_name: string;
  last_name: string | null;
  age: number | null;
  phone: string;
  email: string | null;
  created_at: string;
  updated_at: string;
}
export interface NewPatient {
  first_name: string;
  last_name?: string | null;
  age?: number | null;
  phone: string;
  email?: string | null;
  created_by?: string | null;
}
export type PatientChanges = Partial<Omit<NewPatient, 'created_by'>> & { updated_by?: string | null };
export interface PatientSearch {
  phone?: string;
  q?: string;
  limit: number;
  offset: number;
}

/** Storage of patients; returns plain objects. Faked in unit tests. */
export interface PatientRepository {
  /** Inserts; returns `{duplicateOf}` when the (phone, lower(first_name)) key is taken. */
  create(p: NewPatient): Promise<PatientDto | { duplicateOf: string }>;
  findById(id: string): Promise<PatientDto | null>;
  findByPhoneAndFirstName(phone: string, firstName: string): Promise<PatientDto | null>;
  update(id: string, changes: PatientChanges): Promise<PatientDto | null | { duplicateOf: string }>;
  search(s: PatientSearch): Promise<{ rows: PatientDto[]; total: number }>;
  /** True when the patient has a (not cancelled) appointment with the doctor, on any day. */
  doctorHasPatient(doctorId: string, patientId: string): Promise<boolean>;
}

export function toPatientDto(p: Patient): PatientDto {
  return {
    id: p.id,
    first_name: p.first_name,
    last_name: p.last_name,
    age: p.age,
    phone: p.phone,
    email: p.email,
    created_at: p.created_at.toISOString(),
    updated_at: p.updated_at.toISOString(),
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
    async search({ phone, q, limit, offset }) {
      const and: WhereOptions[] = [];
      if (phone) and.push({ phone });
      if (q) {
        for (const word of q.trim().split(/\s+/).slice(0, 4)) {
          const like = `%${escapeLike(word)}%`;
          and.push({ [Op.or]: [{ first_name: { [Op.iLike]: like } }, { last_name: { [Op.iLike]: like } }] });
        }
      }
      const { rows, count } = await patients.findAndCountAll({
        where: and.length ? { [Op.and]: and } : {},
        order: [
          ['first_name', 'ASC'],
          ['last_name', 'ASC'],
          ['id', 'ASC'],
        ],
        limit,
        offset,
      });
      return { rows: rows.map(toPatientDto), total: count };
    },
    async doctorHasPatient(doctorId, patientId) {
      const [row] = await sql.query<{ ok: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM appointments WHERE patient_id = $patientId AND doctor_id = $doctorId AND status <> 'cancelled') AS ok`,
        { patientId, doctorId },
      );
      return row?.ok === true;
    },
  };
  return repo;
}
