import type { Request, RequestHandler } from 'express';
import type { Actor } from '../core/actor';
import { Unauthorized } from '../core/errors';
import { findActiveDisplayToken } from '../display-tokens/display-tokens.service';
import { isScreenToken, SCREEN_TOKEN_PREFIX } from '../display-tokens/screen-token';
import { userRepository } from '../users/users.repository';
import { verifyStaffToken } from './tokens';

/** The bearer token of a request (`Authorization: Bearer <token>`), or null. */
export function bearerToken(req: Request): string | null {
  const header = req.get('authorization');
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match ? match[1] : null;
}

/**
 * Resolves a credential to an actor: a screen token (`scr_…`, looked up by its SHA-256, not revoked) or a
 * staff JWT (verified, then the account read from the database so that deactivation and role changes
 * apply at once). Returns null for anything that does not check out.
 */
export async function resolveActor(jwtSecret: string, token: string): Promise<Actor | null> {
  if (token.startsWith(SCREEN_TOKEN_PREFIX)) {
    if (!isScreenToken(token)) return null;
    const screen = await findActiveDisplayToken(token);
    return screen ? { type: 'screen', id: screen.id, doctor_ids: screen.doctor_ids } : null;
  }
  const claims = await verifyStaffToken(jwtSecret, token);
  if (!claims || !/^[0-9a-f-]{36}$/i.test(claims.sub)) return null;
  const user = await userRepository.findForAuth(claims.sub);
  if (!user || !user.is_active) return null;
  return { type: 'user', id: user.id, role: user.role, doctor_id: user.doctor_id, email: user.email };
}

/**
 * Requires a valid staff JWT or screen token on every request it guards and sets `req.actor`.
 * Mounted on `/api/v1` after the public login route. What each actor may do is decided by the route guards.
 * @throws Unauthorized (401, `WWW-Authenticate: Bearer`) when the token is missing, forged, expired or revoked,
 * or the account is deactivated. One message for all, so nothing is learnt from it.
 */
export function authenticate(jwtSecret: string): RequestHandler {
  return async (req, _res, next) => {
    const token = bearerToken(req);
    if (!token) return next(new Unauthorized('Authentication required: send Authorization: Bearer <token>'));
    const actor = await resolveActor(jwtSecret, token);
    if (!actor) return next(new Unauthorized('The token is invalid, expired or revoked', 'INVALID_TOKEN'));
    req.actor = actor;
    next();
  };
}
