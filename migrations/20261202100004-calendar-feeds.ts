import type { Migration } from '../server/core/migrator';

/** iCalendar feeds of a doctor's days, reached by a secret URL (only the SHA-256 of its token is stored). */
export const up: Migration = async ({ context: qi }) => {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q(`
      CREATE TABLE calendar_feeds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        doctor_id uuid NOT NULL REFERENCES doctors(id) ON DELETE CASCADE,
        label text,
        show_patient_names boolean NOT NULL DEFAULT false,
        token_hash text NOT NULL UNIQUE,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await q('CREATE INDEX calendar_feeds_doctor_idx ON calendar_feeds (doctor_id, created_at DESC)');
    // The feed reads a doctor's appointments by day; cancelled ones for 7 days after they were cancelled.
    await q('CREATE INDEX appointments_doctor_date_idx ON appointments (doctor_id, date)');
  });
};

export const down: Migration = async ({ context: qi }) => {
  await qi.sequelize.query('DROP INDEX IF EXISTS appointments_doctor_date_idx');
  await qi.sequelize.query('DROP TABLE IF EXISTS calendar_feeds CASCADE');
};
