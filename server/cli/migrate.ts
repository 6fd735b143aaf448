import 'reflect-metadata';
import { loadConfig } from '../core/config';
import { createLogger } from '../core/logger';
import { createSequelize } from '../core/db';
import { resolveDatabase } from '../core/database-url';
import { createMigrator, migrateUp, withMigrationLock } from '../core/migrator';

/** `npm run migrate` (all pending) and `npm run migrate:down` (the last one; `--to 0` for all). */
async function run(): Promise<void> {
  const direction = process.argv[2];
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel === 'silent' ? 'info' : config.logLevel);
  const db = await resolveDatabase(config, logger);
  const sequelize = createSequelize({ url: db.url, poolMax: 4, acquireTimeoutMs: 10_000, models: [], logger });
  try {
    if (direction === 'up') {
      logger.info('migrated', { applied: await migrateUp(sequelize, logger) });
    } else if (direction === 'down') {
      const all = process.argv.includes('--to') && process.argv[process.argv.indexOf('--to') + 1] === '0';
      const umzug = createMigrator(sequelize, logger);
      const reverted = await withMigrationLock(sequelize, () => umzug.down(all ? { to: 0 } : undefined));
      logger.info('reverted', { reverted: reverted.map((m) => m.name) });
    } else {
      throw new Error('usage: migrate.js up|down [--to 0]');
    }
  } finally {
    await sequelize.close();
    await db.stop();
  }
}

run().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
