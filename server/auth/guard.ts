import type { RequestHandler } from 'express';
import type { Actor, Role, Scope } from '../core/actor';
import { Forbidden, Unauthorized } from '../core/errors';

/** A role guard that can also admit API keys holding a scope: `allow('reception').orScope('appointments:write')`. */
export type RoleGuard = RequestHandler & {
  /** The same guard, also passing API keys that hold at least one of `scopes` (documented as `x-scopes`). */
  orScope(...scopes: Scope[]): RequestHandler;
};

function guard(roles: Role[], scopes: Scope[]): RequestHandler {
  return (req, _res, next) => {
    const actor = req.actor;
    if (!actor) return next(new Unauthorized());
    if (actor.type === 'api_key') {
      if (scopes.some((s) => actor.scopes.includes(s))) return next();
      const needs = scopes.length ? `the scope ${scopes.join(' or ')}` : 'a staff login';
      return next(new Forbidden(`This API key may not do this: it needs ${needs}`, 'INSUFFICIENT_SCOPE'));
    }
    if (actor.type !== 'user') return next(new Forbidden('A screen token may only read the public queue view'));
    if (actor.role !== 'admin' && !roles.includes(actor.role)) return next(new Forbidden(`Your role (${actor.role}) may not do this`));
    next();
  };
}

/**
 * Route guard: only the listed staff roles may pass (admin always may); screen tokens never pass, and API keys
 * only where the route adds `.orScope(...)` (403 `INSUFFICIENT_SCOPE` otherwise).
 * Runs after authentication and before validation, so a wrong role is 403 before any business logic.
 * @throws Unauthorized (401) without an actor · Forbidden (403 `FORBIDDEN`) for a screen or another role.
 */
export function allow(...roles: Role[]): RoleGuard {
  return Object.assign(guard(roles, []), { orScope: (...scopes: Scope[]) => guard(roles, scopes) });
}

/**
 * Guard of the public (no-PHI) queue snapshot `GET /doctors/{id}/queue/public`: any active staff user
 * passes; a screen token passes only when `req.params.id` is one of its doctors; an API key with `queue:read`.
 * @throws Unauthorized (401) without an actor · Forbidden (403 `FORBIDDEN_DOCTOR`) for a screen of other doctors.
 */
export function allowPublicQueue(siteCovers: SiteCoverage = async () => false): RequestHandler {
  const refuse = () => new Forbidden("This screen token does not cover this doctor's queue", 'FORBIDDEN_DOCTOR');
  return (req, _res, next) => {
    const actor = req.actor;
    if (!actor) return next(new Unauthorized());
    if (actor.type === 'api_key') {
      if (actor.scopes.includes('queue:read')) return next();
      return next(new Forbidden('This API key may not do this: it needs the scope queue:read', 'INSUFFICIENT_SCOPE'));
    }
    const doctorId = String(req.params.id).toLowerCase();
    if (actor.type !== 'screen' || actor.doctor_ids.includes(doctorId)) return next();
    if (!actor.site_id) return next(refuse());
    // A site screen: is the doctor at its site that day? (The only case that needs the database.)
    siteCovers(actor.site_id, doctorId, req.query.date as string | undefined).then((ok) => next(ok ? undefined : refuse()), next);
  };
}

/**
 * Guard of a site screen's board (`GET /sites/{id}/screen`): any active staff user passes; a screen token only
 * when it was minted for that site; API keys never (403 `INSUFFICIENT_SCOPE`).
 * @throws Unauthorized (401) · Forbidden (403 `FORBIDDEN_SITE`)
 */
export function allowSiteScreen(param = 'id'): RequestHandler {
  return (req, _res, next) => {
    const actor = req.actor;
    if (!actor) return next(new Unauthorized());
    if (actor.type === 'screen' && actor.site_id !== String(req.params[param]).toLowerCase()) {
      return next(new Forbidden('This screen token is not for this site', 'FORBIDDEN_SITE'));
    }
    if (actor.type === 'api_key') return next(new Forbidden('An API key may not read a site screen board', 'INSUFFICIENT_SCOPE'));
    next();
  };
}

/** Whether doctor `doctorId` works at site `siteId` on `date` (default: today in the site's zone). */
export type SiteCoverage = (siteId: string, doctorId: string, date?: string) => Promise<boolean>;

/**
 * Whether a screen token may show a doctor's public queue: one of its doctors, or — a site screen — a doctor
 * working at its site that day.
 */
export async function screenCovers(
  actor: Extract<Actor, { type: 'screen' }>,
  doctorId: string,
  date: string | undefined,
  siteCovers: SiteCoverage,
): Promise<boolean> {
  if (actor.doctor_ids.includes(doctorId)) return true;
  return actor.site_id !== null && (await siteCovers(actor.site_id, doctorId, date));
}

/**
 * Doctor scope: a user with role `doctor` may act only on their own `doctor_id`; other roles pass.
 * @throws Forbidden `FORBIDDEN_DOCTOR` for another doctor's data.
 */
export function assertDoctorScope(actor: Actor | undefined, doctorId: string): void {
  if (actor?.type === 'user' && actor.role === 'doctor' && actor.doctor_id !== String(doctorId).toLowerCase()) {
    throw new Forbidden("You may only act on your own doctor's data", 'FORBIDDEN_DOCTOR');
  }
}

/** Middleware form of {@link assertDoctorScope} for routes whose path parameter `param` is a doctor id. */
export function ownDoctorOnly(param = 'id'): RequestHandler {
  return (req, _res, next) => {
    assertDoctorScope(req.actor, String(req.params[param]));
    next();
  };
}
