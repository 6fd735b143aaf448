import type { Migration } from '../server/core/migrator';

/**
 * The patient record: gender (FHIR administrative-gender), date of birth, deactivation and erasure facts on
 * `patients`; the append-only clinical history (`patient_history`, guarded by a trigger); the first call of a
 * queue entry (`queue_entries.first_called_at`, for the day report's waits); an index for the day report.
 */
export const up: Migration = async ({ context: qi }) => {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q(`
      ALTER TABLE patients
        ADD COLUMN gender text CHECK (gender IN ('male', 'female', 'other', 'unknown')),
        ADD COLUMN date_of_birth date CHECK (date_of_birth >= DATE '1900-01-01'),
        ADD COLUMN deactivated_at timestamptz,
        ADD COLUMN erased_at timestamptz,
        ADD COLUMN erased_by uuid`);
    await q(`
      CREATE TABLE patient_history (
        id bigserial PRIMARY KEY,
        patient_id uuid NOT NULL REFERENCES patients(id),
        symptoms text CHECK (length(symptoms) <= 2000),
        conditions text[] NOT NULL DEFAULT '{}',
        allergies text[] NOT NULL DEFAULT '{}',
        notes text CHECK (length(notes) <= 4000),
        -- a correction is a new entry naming the one it replaces; each entry is corrected at most once
        corrects bigint UNIQUE REFERENCES patient_history(id),
        author_id uuid,
        author_role text,
        recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        erased_at timestamptz
      )`);
    await q('CREATE INDEX patient_history_patient_idx ON patient_history (patient_id, id)');
    // Append-only: no UPDATE, DELETE or TRUNCATE — except the erasure, which runs with SET LOCAL clinic.erasure = 'on'
    // and may only blank the personal text of an entry (everything else, and the fact of the entry, stays).
    await q(`
      CREATE FUNCTION patient_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND current_setting('clinic.erasure', true) = 'on'
           AND NEW.id = OLD.id AND NEW.patient_id = OLD.patient_id AND NEW.recorded_at = OLD.recorded_at
           AND NEW.author_id IS NOT DISTINCT FROM OLD.author_id AND NEW.author_role IS NOT DISTINCT FROM OLD.author_role
           AND NEW.corrects IS NOT DISTINCT FROM OLD.corrects
           AND NEW.symptoms IS NULL AND NEW.notes IS NULL AND NEW.conditions = '{}' AND NEW.allergies = '{}'
           AND NEW.erased_at IS NOT NULL THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'patient_history is append-only: % refused (write a correcting entry instead)', TG_OP;
      END $$`);
    await q(`CREATE TRIGGER patient_history_append_only BEFORE UPDATE OR DELETE ON patient_history
               FOR EACH ROW EXECUTE FUNCTION patient_history_append_only()`);
    await q(`CREATE TRIGGER patient_history_no_truncate BEFORE TRUNCATE ON patient_history
               FOR EACH STATEMENT EXECUTE FUNCTION patient_history_append_only()`);
    await q('ALTER TABLE queue_entries ADD COLUMN first_called_at timestamptz');
    await q('UPDATE queue_entries SET first_called_at = called_at WHERE called_at IS NOT NULL');
    await q('CREATE INDEX appointments_date_idx ON appointments (date, doctor_id)');
  });
};

export const down: Migration = async ({ context: qi }) => {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q('DROP INDEX IF EXISTS appointments_date_idx');
    await q('ALTER TABLE queue_entries DROP COLUMN IF EXISTS first_called_at');
    await q('DROP TABLE IF EXISTS patient_history');
    await q('DROP FUNCTION IF EXISTS patient_history_append_only()');
    await q(`ALTER TABLE patients DROP COLUMN IF EXISTS gender, DROP COLUMN IF EXISTS date_of_birth, DROP COLUMN IF EXISTS deactivated_at,
               DROP COLUMN IF EXISTS erased_at, DROP COLUMN IF EXISTS erased_by`);
  });
};
