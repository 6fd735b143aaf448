import path from 'node:path';
import { Umzug, SequelizeStorage } from 'umzug';
import type { Sequelize } from 'sequelize-typescript';
import type { QueryInterface } from 'sequelize';
import type { Logger } from './logger';

/** The signature of one migration or seeder file's `up` / `down`. */
export type Migration = (params: { context: QueryInterface }) => Promise<void>;

/** Advisory-lock key shared by every instance, so that only one migrates at a time. */
const MIGRATION_LOCK_KEY = 724_311_001;
const distRoot = path.resolve(__dirname, '..', '..');

function umzugFor(sequelize: Sequelize, logger: Logger, folder: 'migrations' | 'seeders') {
  return new Umzug({
    migrations: { glob: [`${folder}/*.js`, { cwd: distRoot }] },
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: folder === 'migrations' ? 'schema_migrations' : 'schema_seeds' }),
    logger: {
      info: (m) => logger.info(`${folder}`, m as object),
      warn: (m) => logger.warn(`${folder}`, m as object),
      error: (m) => logger.error(`${folder}`, m as object),
      debug: (m) => logger.debug(`${folder}`, m as object),
    },
  });
}

/** Umzug over `migrations/` (timestamped files, each with `up` and `down`), stored in `schema_migrations`. */
export function createMigrator(sequelize: Sequelize, logger: Logger) {
  return umzugFor(sequelize, logger, 'migrations');
}

/** A second Umzug over `seeders/`, with its own storage table `schema_seeds`. */
export function createSeeder(sequelize: Sequelize, logger: Logger) {
  return umzugFor(sequelize, logger, 'seeders');
}

/**
 * Runs `work` while holding a transaction-scoped PostgreSQL advisory lock, so two instances starting
 * together never migrate at the same time; the second waits, then finds nothing pending.
 */
export async function withMigrationLock<T>(sequelize: Sequelize, work: () => Promise<T>): Promise<T> {
  return sequelize.transaction(async (t) => {
    await sequelize.query('SELECT pg_advisory_xact_lock($key)', { bind: { key: MIGRATION_LOCK_KEY }, transaction: t });
    return work();
  });
}

/** Applies every pending migration under the advisory lock; returns the names applied. */
export async function migrateUp(sequelize: Sequelize, logger: Logger): Promise<string[]> {
  const umzug = createMigrator(sequelize, logger);
  return withMigrationLock(sequelize, async () => (await umzug.up()).map((m) => m.name));
}

/** True when no migration is pending. */
export async function migrationsApplied(sequelize: Sequelize, logger: Logger): Promise<boolean> {
  return (await createMigrator(sequelize, logger).pending()).length === 0;
}
