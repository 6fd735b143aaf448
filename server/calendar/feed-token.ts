import { createHash, randomBytes } from 'node:crypto';

/** A new calendar feed token: `cal_` + 32 random bytes, base64url (256 bits), the secret part of the feed's URL. */
export function newFeedToken(): string {
  return `cal_${randomBytes(32).toString('base64url')}`;
}

/** Hex SHA-256 of a feed token: what the database keeps (like screen tokens). */
export function hashFeedToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** True when `token` looks like a feed token, before any database look-up. */
export function isFeedToken(token: string): boolean {
  return /^cal_[A-Za-z0-9_-]{43}$/.test(token);
}
