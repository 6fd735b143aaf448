import type { Migration } from '../server/core/migrator';

/** Check-in queue: per-doctor-day counter, queue entries and the outbox of queue events. */
export const up: Migration = async ({ context: qi }) => {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q(`
      CREATE TABLE queue_counters (
        doctor_id uuid NOT NULL REFERENCES doctors(id) ON DELETE CASCADE,
        date date NOT NULL,
        next_position integer NOT NULL DEFAULT 1,
        version bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (doctor_id, date)
      )`);
    await q(`
      CREATE TABLE queue_entries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        appointment_id uuid NOT NULL UNIQUE REFERENCES appointments(id) ON DELETE CASCADE,
        doctor_id uuid NOT NULL REFERENCES doctors(id),
        date date NOT NULL,
        position integer NOT NULL CHECK (position >= 1),
        token text NOT NULL,
        status text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'called', 'served', 'skipped')),
        checked_in_at timestamptz NOT NULL DEFAULT now(),
        called_at timestamptz,
        served_at timestamptz,
        skipped_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (doctor_id, date, position)
      )`);
    await q(`CREATE INDEX queue_entries_waiting_idx ON queue_entries (doctor_id, date, position) WHERE status = 'waiting'`);
    await q(`
      CREATE TABLE queue_events (
        id bigserial PRIMARY KEY,
        doctor_id uuid NOT NULL,
        date date NOT NULL,
        version bigint NOT NULL,
        type text NOT NULL,
        entry jsonb NOT NULL,
        -- the whole public queue:updated payload (entry + snapshot at this version); never personal data
        payload jsonb NOT NULL,
        request_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        UNIQUE (doctor_id, date, version)
      )`);
    await q('CREATE INDEX queue_events_unpublished_idx ON queue_events (id) WHERE published_at IS NULL');
  });
};

export const down: Migration = async ({ context: qi }) => {
  await qi.sequelize.query('DROP TABLE IF EXISTS queue_events, queue_entries, queue_counters CASCADE');
};
