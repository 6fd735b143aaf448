import type { Migration } from '../server/core/migrator';

/**
 * The desk's hard days in the queue (README "Priority, transfer and completion"):
 * - `queue_entries.priority` (`normal` | `priority` | `emergency`, default normal) and `queued_at`, the time an entry
 *   is ordered by within its class (check-in time; a requeue's time; a keep-place transfer's original time).
 *   Existing entries: their check-in time, or for a requeued entry still waiting its last update (the requeue),
 *   so today's order is kept exactly;
 * - `queue_entries.status` gains `transferred`, with `transferred_to` (the entry it became in the other queue);
 * - `queue_counters.priority_streak`: priority calls in a row (server/queue/waiting-order.ts).
 * `down` turns transferred entries into skipped ones (their appointments are cancelled either way) and drops the rest.
 */
export const up: Migration = async ({ context: qi }) => {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q(`ALTER TABLE queue_entries
               ADD COLUMN priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('normal', 'priority', 'emergency')),
               ADD COLUMN queued_at timestamptz,
               ADD COLUMN transferred_to uuid REFERENCES queue_entries(id) ON DELETE SET NULL`);
    await q(
      `UPDATE queue_entries SET queued_at = CASE WHEN status = 'waiting' AND skipped_at IS NOT NULL THEN updated_at ELSE checked_in_at END`,
    );
    await q(`ALTER TABLE queue_entries ALTER COLUMN queued_at SET NOT NULL, ALTER COLUMN queued_at SET DEFAULT now()`);
    await q(`ALTER TABLE queue_entries DROP CONSTRAINT queue_entries_status_check,
               ADD CONSTRAINT queue_entries_status_check CHECK (status IN ('waiting', 'called', 'served', 'skipped', 'transferred'))`);
    await q(`ALTER TABLE queue_counters ADD COLUMN priority_streak integer NOT NULL DEFAULT 0 CHECK (priority_streak >= 0)`);
  });
};

export const down: Migration = async ({ context: qi }) => {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q(`UPDATE queue_entries SET status = 'skipped', skipped_at = coalesce(skipped_at, updated_at) WHERE status = 'transferred'`);
    await q(`ALTER TABLE queue_entries DROP CONSTRAINT queue_entries_status_check,
               ADD CONSTRAINT queue_entries_status_check CHECK (status IN ('waiting', 'called', 'served', 'skipped'))`);
    await q(`ALTER TABLE queue_entries DROP COLUMN priority, DROP COLUMN queued_at, DROP COLUMN transferred_to`);
    await q(`ALTER TABLE queue_counters DROP COLUMN priority_streak`);
  });
};
