import 'reflect-metadata';
import { loadConfig } from '../core/config';
import { createLogger } from '../core/logger';
import { createSequelize } from '../core/db';
import { resolveDatabase } from '../core/database-url';
import { migrateUp } from '../core/migrator';
import { runSeeders } from './seed-runner';

/** `npm run seed`: migrates, then runs the seeders (demo doctors), idempotently. */
async function run(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel === 'silent' ? 'info' : config.logLevel);
  const db = await resolveDatabase(config, logger);
  const sequelize = createSequelize({ url: db.url, poolMax: 4, acquireTimeoutMs: 10_000, models: [], logger });
  try {
    await migrateUp(sequelize, logger);
    logger.info('seeded', { ran: await runSeeders(sequelize, logger) });
  } finally {
    await sequelize.close();
    await db.stop();
  }
}

run().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
