import { Pool } from 'pg';
import type { LiveServer } from '../live/live.server';
import { createAdapter } from '@socket.io/postgres-adapter';
import type { Logger } from '../core/logger';

/**
 * SOCKET_ADAPTER=postgres: fans Socket.IO broadcasts out to every instance through PostgreSQL
 * (LISTEN/NOTIFY; packets over 8 kB go through the `socket_io_attachments` table). Needs nothing beyond the
 * database we already run. @returns the adapter's own small pool, to close on shutdown.
 */
export function useSocketAdapter(io: LiveServer, databaseUrl: string, logger: Logger): Pool {
  const pool = new Pool({
    connectionString: databaseUrl,
    max: 4,
    connectionTimeoutMillis: 5000,
    application_name: 'clinic-socket-adapter',
  });
  pool.on('error', (err) => logger.warn('socket adapter pool error', { error: err.message }));
  io.adapter(
    createAdapter(pool, {
      tableName: 'socket_io_attachments',
      errorHandler: (err) => logger.warn('socket adapter error', { error: err.message }),
    }),
  );
  return pool;
}
