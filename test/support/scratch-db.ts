import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { QueryTypes } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { createSequelize } from '../../server/core/db';
import { createLogger, type Logger } from '../../server/core/logger';
import { createMigrator } from '../../server/core/migrator';
import { testDatabaseUrl } from './hooks';

/** A database of a test's own on the test server: migrating it down or seeding it touches no other test. */
export interface ScratchDatabase {
  /** Its connection URL. */
  url: string;
  /** Drops it (`WITH (FORCE)`: any connection left open is closed). */
  drop(): Promise<void>;
}

/** Creates an empty database named `<prefix>_<8 hex>` beside the suite's shared one. */
export async function createScratchDatabase(prefix = 'clinic_scratch'): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new Client({ connectionString: testDatabaseUrl() });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(testDatabaseUrl());
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** What {@link migrationScratch} gives a migration test once its `before` hook ran. */
export interface MigrationScratch {
  db: ScratchDatabase;
  sequelize: Sequelize;
  logger: Logger;
  /** Rows of a SELECT with `:name` replacements. */
  q<T extends object>(sql: string, replacements?: Record<string, unknown>): Promise<T[]>;
  /** A migrator on the scratch database, migrated up to the migration just before `mine`; returns it. */
  upToBefore(mine: string): Promise<ReturnType<typeof createMigrator>>;
}

/**
 * The frame of a migration test ("up on last version's data, and down"): registers mocha hooks that create a
 * scratch database with a small Sequelize on it before the tests, and close and drop it after.
 */
export function migrationScratch(): MigrationScratch {
  const logger = createLogger('error');
  const h = { logger } as MigrationScratch;
  before(async () => {
    h.db = await createScratchDatabase('clinic_migr');
    h.sequelize = createSequelize({ url: h.db.url, poolMax: 2, acquireTimeoutMs: 10_000, models: [], logger });
  });
  after(async () => {
    await h.sequelize?.close();
    await h.db?.drop();
  });
  h.q = <T extends object>(sql: string, replacements: Record<string, unknown> = {}) =>
    h.sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT });
  h.upToBefore = async (mine) => {
    const umzug = createMigrator(h.sequelize, logger);
    const names = (await umzug.pending()).map((m) => m.name); // a fresh database: every migration is pending
    await umzug.up({ to: names[names.indexOf(mine) - 1] });
    return umzug;
  };
  return h;
}
