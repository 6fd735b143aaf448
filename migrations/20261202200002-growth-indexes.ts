import type { Migration } from '../server/core/migrator';

/**
 * Indexes for a database a year old (README "Growth"; each one is there because a statement of
 * test/integration/explain-hot-statements.test.ts would otherwise scan a large table):
 * - `webhook_deliveries_finished_idx`: the retention job finds finished deliveries oldest first;
 * - `queue_entries_waiting_date_idx`: the waiting-patients gauge (every /metrics scrape) reads today's waiting
 *   entries of all doctors, which the (doctor_id, date, …) indexes cannot serve.
 */
export const up: Migration = async ({ context: qi }) => {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q(`CREATE INDEX webhook_deliveries_finished_idx ON webhook_deliveries (updated_at) WHERE status <> 'pending'`);
    await q(`CREATE INDEX queue_entries_waiting_date_idx ON queue_entries (date, site_id) WHERE status = 'waiting'`);
  });
};

export const down: Migration = async ({ context: qi }) => {
  await qi.sequelize.query('DROP INDEX IF EXISTS webhook_deliveries_finished_idx, queue_entries_waiting_date_idx');
};
