import type { Migration } from '../server/core/migrator';

/** API keys for machine clients (only the SHA-256 of a key is stored) and their per-minute request counters. */
export const up: Migration = async ({ context: qi }) => {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        label text NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
        scopes text[] NOT NULL,
        -- what the key's bookings are marked with (appointments.source): phone_agent, web, kiosk, …
        source text NOT NULL CHECK (source ~ '^[a-z][a-z0-9_]{0,31}$' AND source NOT IN ('desk', 'walk_in')),
        key_hash text NOT NULL UNIQUE,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    // One fixed one-minute window per key: INSERT … ON CONFLICT DO UPDATE … RETURNING count, shared by every instance.
    await q(`
      CREATE TABLE api_key_usage (
        key_id uuid NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
        window_start timestamptz NOT NULL,
        count integer NOT NULL,
        PRIMARY KEY (key_id, window_start)
      )`);
    await q('CREATE INDEX api_key_usage_window_idx ON api_key_usage (window_start)');
  });
};

export const down: Migration = async ({ context: qi }) => {
  await qi.sequelize.query('DROP TABLE IF EXISTS api_key_usage, api_keys CASCADE');
};
