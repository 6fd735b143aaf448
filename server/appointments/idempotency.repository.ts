import type { Transaction } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { createSql, statement } from '../core/sql';
import { KEY_RETENTION_HOURS, type StoredKey } from './idempotency';

/** Claims a key (booking path). Binds: `$owner $key $fp`. */
export const CLAIM_KEY_SQL =
  'INSERT INTO idempotency_keys (actor_id, key, fingerprint) VALUES ($owner, $key, $fp) ON CONFLICT (actor_id, key) DO NOTHING RETURNING 1 AS ok';
const CLAIM_KEY = statement(CLAIM_KEY_SQL);
/** The stored answer of a key (booking path, on a replay). Binds: `$owner $key`. */
export const STORED_KEY_SQL =
  'SELECT fingerprint, response_status AS status, response_body AS body FROM idempotency_keys WHERE actor_id = $owner AND key = $key';
const STORED_KEY = statement(STORED_KEY_SQL);
const STORE = statement(
  'UPDATE idempotency_keys SET response_status = $status, response_body = $body::jsonb WHERE actor_id = $owner AND key = $key',
);

/** Storage of idempotency keys (`idempotency_keys`, primary key (actor_id, key)). */
export function createIdempotencyRepository(sequelize: Sequelize) {
  const sql = createSql(sequelize);
  return {
    /**
     * Claims (owner, key) inside the change's transaction. If another transaction holds or committed the same key,
     * this waits for it (unique-index wait) and then returns what it stored, so concurrent duplicates get the replay.
     * @returns null when this request now owns the key, else the stored record.
     */
    async claim(owner: string, key: string, fp: string, t: Transaction): Promise<StoredKey | null> {
      const inserted = await sql.prepared(CLAIM_KEY, { owner, key, fp }, t);
      if (inserted.length) return null;
      const [row] = await sql.prepared<StoredKey>(STORED_KEY, { owner, key }, t);
      return row ?? { fingerprint: fp, status: null, body: null };
    },

    /** Stores the response of the request that claimed (owner, key), in the claiming transaction (both commit or neither). */
    async store(owner: string, key: string, status: number, body: unknown, t: Transaction): Promise<void> {
      await sql.prepared(STORE, { owner, key, status, body: JSON.stringify(body) }, t);
    },

    /** Deletes keys older than the retention; returns how many. Run periodically. */
    async purgeExpired(): Promise<number> {
      return sql.exec('DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $hours)', {
        hours: KEY_RETENTION_HOURS,
      });
    },
  };
}
export type IdempotencyRepository = ReturnType<typeof createIdempotencyRepository>;
