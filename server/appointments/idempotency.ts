import { createHash } from 'node:crypto';
import type { Transaction } from 'sequelize';
import { runInTransaction, statement } from '../core/sql';
import type { Sequelize } from 'sequelize-typescript';
import { BadRequest, Conflict, Unprocessable } from '../core/errors';

/**
 * Idempotency keys, after the IETF draft "The Idempotency-Key HTTP Header Field"
 * (draft-ietf-httpapi-idempotency-key-header): a key is scoped to the calling account, stored with a
 * fingerprint of the request in the same transaction as the change it guards, and kept at least 24 h
 * ({@link KEY_RETENTION_HOURS}). A replay with the same request answers the stored response.
 */

/** Keys are purged this many hours after first use (the draft asks for at least 24 h). */
export const KEY_RETENTION_HOURS = 48;

/** The account a key belongs to; anonymous callers share the nil UUID. */
export function keyOwner(actorId: string | null): string {
  return actorId ?? '00000000-0000-0000-0000-000000000000';
}

/**
 * Picks the key from the `Idempotency-Key` header or the body's `idempotency_key`.
 * @throws BadRequest `IDEMPOTENCY_KEY_MISMATCH` when both are given and differ; `VALIDATION_ERROR` when longer than 255.
 */
export function pickIdempotencyKey(header: string | undefined, bodyKey: string | undefined): string | null {
  const h = header?.trim() || undefined;
  if (h && bodyKey && h !== bodyKey) throw new BadRequest('The Idempotency-Key header and the body idempotency_key differ', undefined, 'IDEMPOTENCY_KEY_MISMATCH');
  const key = h ?? bodyKey ?? null;
  if (key !== null && (key.length < 1 || key.length > 255)) throw new BadRequest('An idempotency key has 1 to 255 characters', [{ path: 'header.idempotency-key', message: 'must have 1 to 255 characters' }]);
  return key;
}

/** SHA-256 over the operation and its canonical body (keys sorted; the key itself left out). */
export function fingerprint(operation: string, body: Record<string, unknown>): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
    return v;
  };
  const { idempotency_key: _ignored, ...rest } = body;
  return createHash('sha256').update(operation).update('\n').update(JSON.stringify(canonical(rest))).digest('hex');
}

/** A stored response to answer again. */
export interface Replay { status: number; body: Record<string, unknown> }

/**
 * Decides what a stored key means for this request: the same fingerprint with a response → replay;
 * a different fingerprint → 422 `IDEMPOTENCY_KEY_REUSED`; no response yet → 409 `IDEMPOTENCY_KEY_IN_USE`.
 */
export function replayFor(stored: { fingerprint: string; status: number | null; body: Record<string, unknown> | null }, fp: string): Replay {
  if (stored.fingerprint !== fp) throw new Unprocessable('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for a different request');
  if (stored.status === null || stored.body === null) {
    throw new Conflict('IDEMPOTENCY_KEY_IN_USE', 'A request with this idempotency key is still being processed; retry shortly', undefined, { 'Retry-After': '1' });
  }
  return { status: stored.status, body: stored.body };
}

/**
 * Claims (owner, key) inside the booking transaction. If another transaction holds or committed the same key,
 * this waits for it (unique-index wait) and then returns what it stored, so concurrent duplicates get the replay.
 * @returns null when this request now owns the key, else the stored record.
 */
export async function claimKey(t: Transaction, owner: string, key: string, fp: string): Promise<{ fingerprint: string; status: number | null; body: Record<string, unknown> | null } | null> {
  const inserted = await runInTransaction(t, CLAIM, { owner, key, fp });
  if (inserted.length) return null;
  const [row] = await runInTransaction<{ fingerprint: string; status: number | null; body: Record<string, unknown> | null }>(t, STORED, { owner, key });
  return row ?? { fingerprint: fp, status: null, body: null };
}

/** Stores the response of the request that claimed (owner, key), in the claiming transaction (so both commit or neither). */
export async function storeResponse(t: Transaction, owner: string, key: string, status: number, body: unknown): Promise<void> {
  await runInTransaction(t, STORE, { owner, key, status, body: JSON.stringify(body) });
}

const STORE = statement('UPDATE idempotency_keys SET response_status = $status, response_body = $body::jsonb WHERE actor_id = $owner AND key = $key');
const CLAIM = statement('INSERT INTO idempotency_keys (actor_id, key, fingerprint) VALUES ($owner, $key, $fp) ON CONFLICT (actor_id, key) DO NOTHING RETURNING 1 AS ok');
const STORED = statement('SELECT fingerprint, response_status AS status, response_body AS body FROM idempotency_keys WHERE actor_id = $owner AND key = $key');

/** Deletes keys older than the retention; returns how many. Run periodically. */
export async function purgeExpiredKeys(sequelize: Sequelize): Promise<number> {
  const [, meta] = await sequelize.query(`DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => ${KEY_RETENTION_HOURS})`);
  return (meta as { rowCount?: number })?.rowCount ?? 0;
}
