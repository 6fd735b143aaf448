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
export function allowPublicQueue(): RequestHandler {
  return (req, _res, next) => {
    const actor = req.actor;
    if (!actor) return next(new Unauthorized());
    if (actor.type === 'screen' && !actor.doctor_ids.includes(String(req.params.id).toLowerCase())) {
      return next(new Forbidden("This screen token does not cover this doctor's queue", 'FORBIDDEN_DOCTOR'));
    }
    if (actor.type === 'api_key' && !actor.scopes.includes('queue:read')) {
      return next(new Forbidden('This API key may not do this: it needs the scope queue:read', 'INSUFFICIENT_SCOPE'));
    }
    next();
  };
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
