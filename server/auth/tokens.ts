import { createSecretKey, type KeyObject } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { Role } from '../core/actor';

/** `iss` of every staff token. */
export const JWT_ISSUER = 'clinic-front-desk';
/** `aud` of every staff token: this API. */
export const JWT_AUDIENCE = 'clinic-front-desk-api';
/** Explicit typing (RFC 8725 §3.11, RFC 9068): an access token, not any other JWT signed with the same key. */
export const JWT_TYPE = 'at+jwt';

/** What a verified staff token says. The account is still looked up per request. */
export interface StaffClaims {
  sub: string;
  role: Role;
  exp: number;
  /**
   * The account's `token_version` when the token was issued (claim `ver`); 0 for tokens issued before the
   * claim existed. The token is valid only while it equals the stored version (see authenticate.ts).
   */
  ver: number;
}

/** A signed staff access token and its lifetime in seconds. */
export interface IssuedToken {
  access_token: string;
  expires_in: number;
}

/** The HMAC key of a secret, made once (jose would otherwise import the raw bytes on every call). */
const keys = new Map<string, KeyObject>();
const key = (secret: string): KeyObject => {
  let k = keys.get(secret);
  if (!k) {
    k = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, k);
  }
  return k;
};

/**
 * Signs an HS256 staff access token for user `userId`: `iss`, `aud`, `sub`, `iat`, `exp` (now + `ttlSeconds`),
 * `ver` (the account's `tokenVersion`, default 0) and header `typ: at+jwt`. `role` is informational;
 * authorization always uses the stored account.
 */
export async function signStaffToken(
  secret: string,
  userId: string,
  role: Role,
  ttlSeconds: number,
  tokenVersion = 0,
): Promise<IssuedToken> {
  const access_token = await new SignJWT({ role, ver: tokenVersion })
    .setProtectedHeader({ alg: 'HS256', typ: JWT_TYPE })
    .setIssuer(JWT_ISSUER)
    .setAudience(JWT_AUDIENCE)
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(key(secret));
  return { access_token, expires_in: ttlSeconds };
}

/**
 * Verifies a staff token (RFC 8725): algorithm pinned to HS256, `typ`, `iss`, `aud`, `exp` checked, `sub` required,
 * `ver` (when present) a non-negative integer. Returns null for any token that fails (forged, expired, other
 * audience, `alg: none`, malformed). Whether `ver` is still current is the resolver's check (authenticate.ts).
 */
export async function verifyStaffToken(secret: string, token: string): Promise<StaffClaims | null> {
  try {
    const { payload } = await jwtVerify(token, key(secret), {
      algorithms: ['HS256'],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      typ: JWT_TYPE,
      requiredClaims: ['sub', 'exp'],
    });
    const ver = payload.ver ?? 0;
    if (typeof ver !== 'number' || !Number.isSafeInteger(ver) || ver < 0) return null;
    return { sub: String(payload.sub), role: payload.role as Role, exp: payload.exp as number, ver };
  } catch (err) {
    if (err instanceof errors.JOSEError || err instanceof TypeError) return null;
    throw err;
  }
}

/**
 * {@link verifyStaffToken} with a memo of the tokens that verified: a token's signature and claims never change, and
 * the only check that depends on time is `exp`, so a token that verified once is taken again from the memo until
 * its `exp` (seconds since the epoch) has passed — one HMAC per token instead of one per request. Only tokens this
 * server signed can enter the memo (a forged or expired one is verified, and refused, each time); the oldest of
 * `maxEntries` go first. Revocation is not this function's concern: the resolver still checks the account's
 * `token_version` and activity on every request.
 */
export function createStaffTokenVerifier(secret: string, maxEntries = 10_000): (token: string) => Promise<StaffClaims | null> {
  const verified = new Map<string, StaffClaims>();
  return async (token) => {
    const hit = verified.get(token);
    if (hit) {
      if (hit.exp > Date.now() / 1000) return hit;
      verified.delete(token);
    }
    const claims = await verifyStaffToken(secret, token);
    if (!claims) return null;
    if (verified.size >= maxEntries) verified.delete(verified.keys().next().value!);
    verified.set(token, claims);
    return claims;
  };
}
