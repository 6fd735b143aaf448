import type { Migration } from '../server/core/migrator';

/**
 * Schedules: sites, the doctor profile, weekly sessions, a day's own sessions, leaves, and where and when each
 * appointment is. Existing data keeps working: one default site is created (its zone, NULL, means
 * CLINIC_TIMEZONE) and every existing appointment, queue entry and screen token belongs to it; a doctor with
 * no weekly session keeps the old rule (working_days × default capacity at the default site).
 */
export const up: Migration = async ({ context: qi }) => {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q('CREATE EXTENSION IF NOT EXISTS unaccent');
    await q(`
      CREATE TABLE sites (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL CHECK (code ~ '^[A-Z0-9_]{1,32}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
        address text,
        phone text,
        -- IANA zone; NULL (the default site only) means CLINIC_TIMEZONE
        timezone text,
        is_default boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (timezone IS NOT NULL OR is_default)
      )`);
    await q('CREATE UNIQUE INDEX sites_code_key ON sites (upper(code))');
    await q('CREATE UNIQUE INDEX sites_one_default_key ON sites (is_default) WHERE is_default');
    await q(`INSERT INTO sites (code, name, is_default) VALUES ('MAIN', 'Main site', true)`);

    await q(`
      ALTER TABLE doctors
        ADD COLUMN email text,
        ADD COLUMN experience_years smallint CHECK (experience_years BETWEEN 0 AND 80),
        ADD COLUMN languages text[] NOT NULL DEFAULT '{}',
        ADD COLUMN consultation_type text NOT NULL DEFAULT 'in_person' CHECK (consultation_type IN ('in_person', 'video')),
        ADD COLUMN bio text,
        ADD COLUMN consult_minutes smallint NOT NULL DEFAULT 10 CHECK (consult_minutes BETWEEN 1 AND 240),
        -- bumped by every change of the doctor's plan (schedule, day sessions, leaves): a booking checks it under the lock
        ADD COLUMN schedule_version integer NOT NULL DEFAULT 0`);

    const sessionColumns = `
        site_id uuid NOT NULL REFERENCES sites(id),
        start_time time NOT NULL,
        end_time time NOT NULL,
        slot_minutes smallint CHECK (slot_minutes BETWEEN 1 AND 480),
        capacity smallint NOT NULL CHECK (capacity BETWEEN 1 AND 500),
        room text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (end_time > start_time)`;
    await q(`
      CREATE TABLE doctor_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        doctor_id uuid NOT NULL REFERENCES doctors(id) ON DELETE CASCADE,
        weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
        valid_from date,
        valid_to date,
        ${sessionColumns},
        CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from)
      )`);
    await q('CREATE INDEX doctor_sessions_doctor_idx ON doctor_sessions (doctor_id, weekday)');
    await q('CREATE INDEX doctor_sessions_site_idx ON doctor_sessions (site_id)');
    await q(`
      CREATE TABLE doctor_day_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        doctor_id uuid NOT NULL REFERENCES doctors(id) ON DELETE CASCADE,
        date date NOT NULL,
        ${sessionColumns}
      )`);
    await q('CREATE INDEX doctor_day_sessions_doctor_idx ON doctor_day_sessions (doctor_id, date)');
    await q(`
      CREATE TABLE doctor_leaves (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        doctor_id uuid NOT NULL REFERENCES doctors(id) ON DELETE CASCADE,
        from_date date NOT NULL,
        to_date date NOT NULL,
        start_time time,
        end_time time,
        reason text,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (to_date >= from_date),
        CHECK ((start_time IS NULL) = (end_time IS NULL)),
        CHECK (start_time IS NULL OR (from_date = to_date AND end_time > start_time))
      )`);
    await q('CREATE INDEX doctor_leaves_doctor_idx ON doctor_leaves (doctor_id, from_date, to_date)');

    await q(`
      ALTER TABLE appointments
        ADD COLUMN site_id uuid REFERENCES sites(id),
        ADD COLUMN room text,
        ADD COLUMN start_time time,
        ADD COLUMN end_time time,
        ADD COLUMN estimated_time time,
        ADD COLUMN needs_reschedule boolean NOT NULL DEFAULT false`);
    await q(`CREATE INDEX appointments_needs_reschedule_idx ON appointments (date) WHERE needs_reschedule`);
    await q('ALTER TABLE queue_entries ADD COLUMN site_id uuid REFERENCES sites(id), ADD COLUMN room text');
    await q(`ALTER TABLE display_tokens ADD COLUMN site_id uuid REFERENCES sites(id)`);
    // Every existing doctor-day is at the default site.
    await q(`UPDATE appointments SET site_id = (SELECT id FROM sites WHERE is_default)`);
    await q(`UPDATE queue_entries SET site_id = (SELECT id FROM sites WHERE is_default)`);
  });
};

export const down: Migration = async ({ context: qi }) => {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q('ALTER TABLE display_tokens DROP COLUMN IF EXISTS site_id');
    await q('ALTER TABLE queue_entries DROP COLUMN IF EXISTS site_id, DROP COLUMN IF EXISTS room');
    await q(`ALTER TABLE appointments DROP COLUMN IF EXISTS site_id, DROP COLUMN IF EXISTS room, DROP COLUMN IF EXISTS start_time,
               DROP COLUMN IF EXISTS end_time, DROP COLUMN IF EXISTS estimated_time, DROP COLUMN IF EXISTS needs_reschedule`);
    await q('DROP TABLE IF EXISTS doctor_leaves, doctor_day_sessions, doctor_sessions');
    await q(`ALTER TABLE doctors DROP COLUMN IF EXISTS email, DROP COLUMN IF EXISTS experience_years, DROP COLUMN IF EXISTS languages,
               DROP COLUMN IF EXISTS consultation_type, DROP COLUMN IF EXISTS bio, DROP COLUMN IF EXISTS consult_minutes,
               DROP COLUMN IF EXISTS schedule_version`);
    await q('DROP TABLE IF EXISTS sites');
  });
};
