import { createHash } from 'node:crypto';
import type { Request } from 'express';
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
  if (h && bodyKey && h !== bodyKey)
    throw new BadRequest('The Idempotency-Key header and the body idempotency_key differ', undefined, 'IDEMPOTENCY_KEY_MISMATCH');
  const key = h ?? bodyKey ?? null;
  if (key !== null && (key.length < 1 || key.length > 255))
    throw new BadRequest('An idempotency key has 1 to 255 characters', [
      { path: 'header.idempotency-key', message: 'must have 1 to 255 characters' },
    ]);
  return key;
}

/** SHA-256 over the operation and its canonical body (keys sorted; the key itself left out). */
export function fingerprint(operation: string, body: Record<string, unknown>): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
      );
    return v;
  };
  const { idempotency_key: _ignored, ...rest } = body;
  return createHash('sha256')
    .update(operation)
    .update('\n')
    .update(JSON.stringify(canonical(rest)))
    .digest('hex');
}

/** A request's idempotency: its key (validated; null when none) and fingerprint. */
export interface IdempotencyKey {
  key: string | null;
  fingerprint: string;
}

/** The {@link IdempotencyKey} of a request to `operation` (e.g. `POST /api/v1/appointments`). @throws as {@link pickIdempotencyKey} */
export function idempotencyOf(req: Request, operation: string): IdempotencyKey {
  const body = (req.body ?? {}) as Record<string, unknown>;
  return {
    key: pickIdempotencyKey(req.get('idempotency-key'), body.idempotency_key as string | undefined),
    fingerprint: fingerprint(operation, body),
  };
}

/** What a stored key holds. */
export interface StoredKey {
  fingerprint: string;
  status: number | null;
  body: Record<string, unknown> | null;
}

/** A stored response to answer again. */
export interface Replay {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Decides what a stored key means for this request: the same fingerprint with a response → replay;
 * a different fingerprint → 422 `IDEMPOTENCY_KEY_REUSED`; no response yet → 409 `IDEMPOTENCY_KEY_IN_USE`.
 */
export function replayFor(
  stored: { fingerprint: string; status: number | null; body: Record<string, unknown> | null },
  fp: string,
): Replay {
  if (stored.fingerprint !== fp) throw new Unprocessable('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for a different request');
  if (stored.status === null || stored.body === null) {
    throw new Conflict('IDEMPOTENCY_KEY_IN_USE', 'A request with this idempotency key is still being processed; retry shortly', undefined, {
      'Retry-After': '1',
    });
  }
  return { status: stored.status, body: stored.body };
}
