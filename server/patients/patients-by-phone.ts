import type { Transaction } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import type { CountryCode } from 'libphonenumber-js';
import { createSql } from '../core/sql';
import { normalizePhone } from './phone';

/** A patient named by mobile number, as a booking gives it (phone in any format). */
export interface PatientByPhoneInput {
  first_name: string;
  last_name: string | null;
  phone: string;
  age: number | null;
  email: string | null;
}

/**
 * Finding or creating a patient by (phone, first name) — the key patients are unique by
 * (`patients_phone_first_name_key` on `(phone, lower(first_name))`) — for booking by mobile number. The phone is
 * normalized to E.164 as registration does. Handed to the booking service by the composition root, so that
 * appointments need not import patients.
 */
export function createPatientsByPhone(sequelize: Sequelize, region: CountryCode) {
  const sql = createSql(sequelize);
  const find = async (phone: string, firstName: string, t?: Transaction) => {
    const [row] = await sql.query<{ id: string }>(
      'SELECT id FROM patients WHERE phone = $phone AND lower(first_name) = lower($firstName)',
      { phone, firstName },
      t,
    );
    return row?.id ?? null;
  };
  return {
    /** The patient's id, or null. @throws BadRequest (400) for an invalid phone. */
    async find(p: PatientByPhoneInput): Promise<string | null> {
      return find(normalizePhone(p.phone, region, 'body.patient.phone'), p.first_name.trim());
    },

    /**
     * The patient's id, inserting the patient inside `t` when none exists. `ON CONFLICT DO NOTHING` waits for a
     * concurrent insert of the same key and then does nothing; the select that follows (a new statement, so a new
     * snapshot under READ COMMITTED) sees the committed row. Two racing requests therefore create one patient.
     */
    async ensure(p: PatientByPhoneInput, createdBy: string | null, t: Transaction): Promise<string> {
      const phone = normalizePhone(p.phone, region, 'body.patient.phone');
      const [inserted] = await sql.query<{ id: string }>(
        `INSERT INTO patients (first_name, last_name, age, phone, email, created_by)
         VALUES ($firstName, $lastName, $age, $phone, $email, $createdBy)
         ON CONFLICT (phone, lower(first_name)) DO NOTHING RETURNING id`,
        { firstName: p.first_name.trim(), lastName: p.last_name, age: p.age, phone, email: p.email, createdBy },
        t,
      );
      const id = inserted?.id ?? (await find(phone, p.first_name.trim(), t));
      if (!id) throw new Error('patient by phone: neither inserted nor found');
      return id;
    },
  };
}
export type PatientsByPhone = ReturnType<typeof createPatientsByPhone>;
