import argon2 from 'argon2';

/** Shortest password accepted (characters). */
export const MIN_PASSWORD_LENGTH = 12;
/** Longest password accepted (characters); bounds the hashing work one request can ask for. */
export const MAX_PASSWORD_LENGTH = 256;

/** OWASP Password Storage Cheat Sheet: Argon2id, 19 MiB, 2 iterations, parallelism 1. */
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Hashes a password with Argon2id; returns the PHC string (salt and parameters included). */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

let dummyHash: Promise<string> | undefined;

/**
 * True when `password` matches the PHC `hash`. With `hash` null (no such account) a dummy hash is
 * checked instead, so that an unknown e-mail costs as long as a wrong password.
 */
export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (!hash) {
    dummyHash ??= hashPassword('dummy-password-for-timing');
    await argon2.verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}
