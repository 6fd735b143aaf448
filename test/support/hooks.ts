import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createLogger } from '../../server/core/logger';
import { createSequelize } from '../../server/core/db';
import { migrateUp } from '../../server/core/migrator';
import { startEmbeddedPostgres, type EmbeddedDb } from '../../server/core/embedded-db';

/**
 * Root hooks: one fresh database per test run. With TEST_DATABASE_URL, a new database named
 * `clinic_test_<random>` is created on that server (and dropped after); without it, a throw-away
 * embedded PostgreSQL is started in a temp folder. Migrations run once; each test then makes its own rows.
 */
let embedded: EmbeddedDb | undefined;
let dropDatabase: (() => Promise<void>) | undefined;
let url: string | undefined;

/** The URL of this run's test database (set by the root hook). */
export function testDatabaseUrl(): string {
  if (!url) throw new Error('test database not started: is test/support/hooks.js in .mocharc.json "require"?');
  return url;
}

async function createFreshDatabase(serverUrl: string): Promise<string> {
  const name = `clinic_test_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  dropDatabase = async () => {
    const c = new Client({ connectionString: serverUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  };
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    const logger = createLogger('error');
    if (process.env.TEST_DATABASE_URL) {
      url = await createFreshDatabase(process.env.TEST_DATABASE_URL);
    } else {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-test-pg-'));
      fs.chmodSync(dir, 0o755); // the embedded server runs as the unprivileged 'postgres' user
      embedded = await startEmbeddedPostgres(path.join(dir, 'data'), 'clinic_test', logger, { persistent: false });
      url = embedded.url;
    }
    process.env.TEST_DATABASE_URL_RESOLVED = url;
    const sequelize = createSequelize({ url, poolMax: 4, acquireTimeoutMs: 10_000, models: [], logger });
    await migrateUp(sequelize, logger);
    await sequelize.close();
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    if (dropDatabase) await dropDatabase().catch(() => {});
    if (embedded) await embedded.stop().catch(() => {});
  },
};
