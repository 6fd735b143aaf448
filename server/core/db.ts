import { Sequelize, type ModelCtor } from 'sequelize-typescript';
import type { Logger } from './logger';

export interface DbOptions {
  url: string;
  poolMax: number;
  /** How long a query may wait for a pooled connection before failing (ms); the API turns that into 503. */
  acquireTimeoutMs: number;
  models: ModelCtor[];
  logger: Logger;
}

/**
 * Creates the Sequelize instance in sequelize-typescript's repository mode: the model classes are never bound
 * themselves; `sequelize.getRepository(Model)` gives a copy bound to this instance, so several apps (each with
 * its own instance) can run in one process. Timestamps are `created_at` / `updated_at`. Connect timeout and
 * statement timeout are bounded so that no request hangs on an unreachable or stuck database.
 */
export function createSequelize(opts: DbOptions): Sequelize {
  return new Sequelize(opts.url, {
    dialect: 'postgres',
    logging: opts.logger.isDebugEnabled() ? (sql) => opts.logger.debug('sql', { sql: sql.slice(0, 500) }) : false,
    models: opts.models,
    repositoryMode: true,
    define: { underscored: true, timestamps: true, createdAt: 'created_at', updatedAt: 'updated_at' },
    pool: { max: opts.poolMax, min: 0, acquire: opts.acquireTimeoutMs, idle: 10_000, evict: 5_000 },
    dialectOptions: {
      // A database that is down answers ECONNREFUSED at once; one that is unreachable must not hold a
      // request longer than the acquire timeout either, so that the API says 503 well within 5 s.
      connectionTimeoutMillis: Math.min(opts.acquireTimeoutMs, 3_000),
      keepAlive: true,
      statement_timeout: 15_000,
      // Client-side bound for when the server cannot even report that it gave up (network partition).
      query_timeout: 16_000,
      idle_in_transaction_session_timeout: 30_000,
      application_name: 'clinic-front-desk',
    },
    retry: { max: 0 },
  });
}
