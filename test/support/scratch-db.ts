import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
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
