import type { Migration } from '../server/core/migrator';

/** Patients, doctors and per-day availability: the foundation tables. */
export const up: Migration = async ({ context: qi }) => {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q(`
      CREATE TABLE patients (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        first_name text NOT NULL CHECK (length(first_name) BETWEEN 1 AND 100),
        last_name text CHECK (length(last_name) <= 100),
        age smallint CHECK (age BETWEEN 0 AND 130),
        phone text NOT NULL,
        email text,
        created_by uuid,
        updated_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q('CREATE INDEX patients_phone_idx ON patients (phone)');
    // Same phone + same first name (case-insensitive) is one person; family members may share a phone.
    await q('CREATE UNIQUE INDEX patients_phone_first_name_key ON patients (phone, lower(first_name))');
    await q('CREATE INDEX patients_name_idx ON patients (lower(first_name), lower(last_name))');
    await q(`
      CREATE TABLE doctors (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        code text NOT NULL,
        specialty text,
        default_daily_capacity integer NOT NULL DEFAULT 10 CHECK (default_daily_capacity BETWEEN 1 AND 500),
        working_days smallint[] NOT NULL DEFAULT '{1,2,3,4,5}',
        is_active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q('CREATE UNIQUE INDEX doctors_code_key ON doctors (upper(code))');
    await q('CREATE INDEX doctors_specialty_idx ON doctors (lower(specialty))');
    await q(`
      CREATE TABLE doctor_availability (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        doctor_id uuid NOT NULL REFERENCES doctors(id) ON DELETE CASCADE,
        date date NOT NULL,
        is_present boolean NOT NULL,
        capacity integer CHECK (capacity BETWEEN 1 AND 500),
        notes text,
        updated_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (doctor_id, date)
      )`);
  });
};

export const down: Migration = async ({ context: qi }) => {
  await qi.sequelize.query('DROP TABLE IF EXISTS doctor_availability, doctors, patients CASCADE');
};
