import { createHash, randomBytes } from 'node:crypto';
import { SCREEN_TOKEN_PREFIX } from '../auth/authenticate';

/** A new screen token: `scr_` + 32 random bytes, base64url (256 bits of entropy). */
export function newScreenToken(): string {
  return `${SCREEN_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Hex SHA-256 of a screen token: what the database keeps. A fast hash suffices for 256 random bits. */
export function hashScreenToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** True when `token` looks like a screen token (prefix and length), before any database look-up. */
export function isScreenToken(token: string): boolean {
  return token.startsWith(SCREEN_TOKEN_PREFIX) && /^scr_[A-Za-z0-9_-]{43}$/.test(token);
}
