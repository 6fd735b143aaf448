import path from 'node:path';
import type { Config } from './config';
import type { Logger } from './logger';
import { startEmbeddedPostgres } from './embedded-db';

/** The database to use: `DATABASE_URL` when set (nothing started), else the embedded one under `DATA_DIR/postgres`. */
export interface ResolvedDatabase {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** Resolves `config.databaseUrl`, starting the persistent embedded PostgreSQL when it is unset. */
export async function resolveDatabase(config: Config, logger: Logger): Promise<ResolvedDatabase> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: false, stop: async () => {} };
  const dir = path.join(config.dataDir, 'postgres');
  const db = await startEmbeddedPostgres(dir, 'clinic', logger);
  logger.info('embedded PostgreSQL started', { data_dir: db.dir, port: db.port });
  return { url: db.url, embedded: true, stop: db.stop };
}
