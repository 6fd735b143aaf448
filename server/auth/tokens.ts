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
 * Signs an HS256 staff access token for user `userId`: `iss`, `aud`, `sub`, `iat`, `exp` (now + `ttlSeconds`)
 * and header `typ: at+jwt`. `role` is informational; authorization always uses the stored account.
 */
export async function signStaffToken(secret: string, userId: string, role: Role, ttlSeconds: number): Promise<IssuedToken> {
  const access_token = await new SignJWT({ role })
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
 * Verifies a staff token (RFC 8725): algorithm pinned to HS256, `typ`, `iss`, `aud`, `exp` checked, `sub` required.
 * Returns null for any token that fails (forged, expired, other audience, `alg: none`, malformed).
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
    return { sub: String(payload.sub), role: payload.role as Role, exp: payload.exp as number };
  } catch (err) {
    if (err instanceof errors.JOSEError || err instanceof TypeError) return null;
    throw err;
  }
}
