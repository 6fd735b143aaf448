import type { Sequelize } from 'sequelize-typescript';
import type { Scope } from '../core/actor';
import { createSql, isoUtc, statement } from '../core/sql';

/** An API key as listed (never the key or its hash). */
export interface ApiKeyDto {
  id: string;
  label: string;
  scopes: Scope[];
  source: string;
  created_by: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const COLUMNS = `id, label, scopes, source, created_by, ${isoUtc('created_at')} AS created_at, ${isoUtc('last_used_at')} AS last_used_at,
  ${isoUtc('revoked_at')} AS revoked_at`;

/** Per request of a key: one round trip that finds the active key by its hash. */
const FIND = statement('SELECT id, label, scopes, source FROM api_keys WHERE key_hash = $hash AND revoked_at IS NULL');

/**
 * Counts one request in the key's current one-minute window (fixed window, shared by every instance) and, at
 * most once a minute, stamps `last_used_at`. Returns the count so far and the seconds until the window ends.
 */
const HIT = statement(`WITH hit AS (
       INSERT INTO api_key_usage (key_id, window_start, count) VALUES ($id, date_trunc('minute', now()), 1)
       ON CONFLICT (key_id, window_start) DO UPDATE SET count = api_key_usage.count + 1
       RETURNING count, window_start),
     touch AS (
       UPDATE api_keys SET last_used_at = now() WHERE id = $id AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute'))
     SELECT count, ceil(extract(epoch FROM window_start + interval '1 minute' - now()))::int AS reset_seconds FROM hit`);

/** Storage of API keys (`api_keys`, `api_key_usage`); returns plain objects. */
export function createApiKeyRepository(sequelize: Sequelize) {
  const sql = createSql(sequelize);
  return {
    async create(p: { label: string; scopes: Scope[]; source: string; key_hash: string; created_by: string | null }): Promise<ApiKeyDto> {
      const [row] = await sql.query<ApiKeyDto>(
        `INSERT INTO api_keys (label, scopes, source, key_hash, created_by) VALUES ($label, $scopes::text[], $source, $key_hash, $created_by)
         RETURNING ${COLUMNS}`,
        { ...p },
      );
      return row;
    },

    /** Newest first; revoked ones only with `include_revoked`. */
    async list(p: { include_revoked?: boolean; limit: number; offset: number }): Promise<{ rows: ApiKeyDto[]; total: number }> {
      const where = p.include_revoked ? 'TRUE' : 'revoked_at IS NULL';
      const rows = await sql.query<ApiKeyDto>(
        `SELECT ${COLUMNS} FROM api_keys WHERE ${where} ORDER BY created_at DESC, id LIMIT $limit OFFSET $offset`,
        { limit: p.limit, offset: p.offset },
      );
      const [c] = await sql.query<{ n: string }>(`SELECT count(*) AS n FROM api_keys WHERE ${where}`);
      return { rows, total: Number(c.n) };
    },

    /** Revokes; `'unknown'` when no such key exists, `'revoked'` otherwise (also when it already was). */
    async revoke(id: string): Promise<'revoked' | 'unknown'> {
      const [row] = await sql.query<{ id: string }>(
        'UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $id RETURNING id',
        { id },
      );
      return row ? 'revoked' : 'unknown';
    },

    /** The active key with this hash, or null. */
    async findActiveByHash(hash: string): Promise<{ id: string; label: string; scopes: Scope[]; source: string } | null> {
      const [row] = await sql.prepared<{ id: string; label: string; scopes: Scope[]; source: string }>(FIND, { hash });
      return row ?? null;
    },

    /** Counts a request of key `id` in its current minute: `{count, reset_seconds}`. */
    async hit(id: string): Promise<{ count: number; reset_seconds: number }> {
      const [row] = await sql.prepared<{ count: number; reset_seconds: number }>(HIT, { id });
      return { count: Number(row.count), reset_seconds: Math.max(1, Number(row.reset_seconds)) };
    },

    /** Deletes counters of windows that ended more than 5 minutes ago; returns how many. */
    async pruneUsage(): Promise<number> {
      return sql.exec(`DELETE FROM api_key_usage WHERE window_start < now() - interval '5 minutes'`);
    },
  };
}
export type ApiKeyRepository = ReturnType<typeof createApiKeyRepository>;
