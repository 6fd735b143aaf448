import type { Request, RequestHandler } from 'express';
import type { Actor, Role, Scope } from '../core/actor';
import { Unauthorized } from '../core/errors';
import { createStaffTokenVerifier } from './tokens';

/** Every screen token starts with this, so a credential can be told from a JWT before any look-up. */
export const SCREEN_TOKEN_PREFIX = 'scr_';
/** Every API key starts with this (`ck_` + 32 random bytes, base64url). */
export const API_KEY_PREFIX = 'ck_';

/** What authentication needs to know about an account, per request. */
export interface AccountForAuth {
  id: string;
  email: string;
  role: Role;
  doctor_id: string | null;
  is_active: boolean;
  /** Credential version: a token is valid only while its `ver` claim equals it (bumped to revoke every token). */
  token_version: number;
}

/** Where authentication looks accounts and screen tokens up (the users and display-tokens repositories). */
export interface CredentialStore {
  /** The account behind a token's `sub`: one primary-key read per authenticated request. */
  findAccount(id: string): Promise<AccountForAuth | null>;
  /** The active (not revoked) screen token with this value, or null. */
  findScreen(token: string): Promise<{ id: string; doctor_ids: string[]; site_id: string | null } | null>;
  /** The active (not revoked) API key with this value, or null (the api-keys service). */
  findApiKey?(key: string): Promise<{ id: string; scopes: Scope[]; source: string; label: string } | null>;
}

/** Turns a presented credential into an {@link Actor}, or null for anything that does not check out. */
export type ActorResolver = (token: string) => Promise<Actor | null>;

/** The bearer token of a request (`Authorization: Bearer <token>`), or null. */
export function bearerToken(req: Request): string | null {
  const header = req.get('authorization');
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match ? match[1] : null;
}

/** The credential of a request: `X-API-Key: ck_…`, else the bearer token. */
export function presentedCredential(req: Request): string | null {
  const apiKey = req.get('x-api-key')?.trim();
  return apiKey || bearerToken(req);
}

/**
 * The one resolver of credentials, used over HTTP and in the Socket.IO handshake: an API key (`ck_…`, looked up
 * by its hash, not revoked), a screen token (`scr_…`, likewise) or a staff JWT (verified, then the account read
 * from the database so that deactivation and role changes apply at once). A staff token is accepted only while its `ver` claim (0
 * when absent) equals the account's stored `token_version`: a password reset, role or doctor change,
 * deactivation or "log out everywhere" bumps the version, so every earlier token is refused for good —
 * reactivating the account does not revive them (OWASP Session Management Cheat Sheet: invalidate sessions on
 * credential and privilege changes).
 */
export function createActorResolver(store: CredentialStore, jwtSecret: string): ActorResolver {
  const verifyStaffToken = createStaffTokenVerifier(jwtSecret);
  return async (token) => {
    if (token.startsWith(API_KEY_PREFIX)) {
      const key = store.findApiKey ? await store.findApiKey(token) : null;
      return key ? { type: 'api_key', id: key.id, scopes: key.scopes, source: key.source, label: key.label } : null;
    }
    if (token.startsWith(SCREEN_TOKEN_PREFIX)) {
      const screen = await store.findScreen(token);
      return screen ? { type: 'screen', id: screen.id, doctor_ids: screen.doctor_ids, site_id: screen.site_id } : null;
    }
    const claims = await verifyStaffToken(token);
    if (!claims || !/^[0-9a-f-]{36}$/i.test(claims.sub)) return null;
    const user = await store.findAccount(claims.sub);
    if (!user || !user.is_active || user.token_version !== claims.ver) return null;
    return { type: 'user', id: user.id, role: user.role, doctor_id: user.doctor_id, email: user.email };
  };
}

/**
 * Requires a valid staff JWT, screen token or API key (`X-API-Key` or bearer) on every request it guards and sets `req.actor`.
 * Mounted on `/api/v1` after the public login route. What each actor may do is decided by the route guards.
 * @throws Unauthorized (401, `WWW-Authenticate: Bearer`) when the token is missing, forged, expired or revoked,
 * or the account is deactivated. One message for all, so nothing is learnt from it.
 */
export function authenticate(resolve: ActorResolver): RequestHandler {
  return async (req, _res, next) => {
    const token = presentedCredential(req);
    if (!token) return next(new Unauthorized('Authentication required: send Authorization: Bearer <token> (or X-API-Key)'));
    const actor = await resolve(token);
    if (!actor) return next(new Unauthorized('The token is invalid, expired or revoked', 'INVALID_TOKEN'));
    req.actor = actor;
    next();
  };
}
