import type { Migration } from '../server/core/migrator';

/**
 * Who booked an appointment: `desk` (staff), `walk_in`, or an API key's source (`phone_agent`, `web`, `kiosk`, …),
 * set by the server from the caller. Existing rows: walk-ins become `walk_in`, the rest `desk`.
 */
export const up: Migration = async ({ context: qi }) => {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q(`ALTER TABLE appointments ADD COLUMN source text NOT NULL DEFAULT 'desk' CHECK (source ~ '^[a-z][a-z0-9_]{0,31}$')`);
    await q(`UPDATE appointments SET source = 'walk_in' WHERE is_walk_in`);
  });
};

export const down: Migration = async ({ context: qi }) => {
  await qi.sequelize.query('ALTER TABLE appointments DROP COLUMN IF EXISTS source');
};
