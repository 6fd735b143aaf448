import { createHash, randomBytes } from 'node:crypto';
import { API_KEY_PREFIX } from '../auth/authenticate';

/** A new API key: `ck_` + 32 random bytes, base64url (256 bits of entropy). */
export function newApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Hex SHA-256 of an API key: what the database keeps. A fast hash suffices for 256 random bits. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** True when `key` looks like an API key (prefix and length), before any database look-up. */
export function isApiKey(key: string): boolean {
  return /^ck_[A-Za-z0-9_-]{43}$/.test(key);
}
