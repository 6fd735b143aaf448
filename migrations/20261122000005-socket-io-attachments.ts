import type { Migration } from '../server/core/migrator';

/** The table @socket.io/postgres-adapter uses for packets too large for NOTIFY (SOCKET_ADAPTER=postgres). */
export const up: Migration = async ({ context: qi }) => {
  await qi.sequelize.query(`
    CREATE TABLE IF NOT EXISTS socket_io_attachments (
      id bigserial UNIQUE,
      created_at timestamptz DEFAULT now(),
      payload bytea
    )`);
};

export const down: Migration = async ({ context: qi }) => {
  await qi.sequelize.query('DROP TABLE IF EXISTS socket_io_attachments');
};
