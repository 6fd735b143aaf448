import type { RequestHandler } from 'express';
import type { Actor } from '../core/actor';
import { Forbidden } from '../core/errors';

/** Staff roles. `admin` may do everything. */
export type Role = 'admin' | 'reception' | 'doctor';

/**
 * Route guard: only the listed staff roles may pass (admin always may). Runs after authentication and
 * before validation, so a wrong role is 403 before any business logic.
 * (Placeholder until the accounts issue lands: authentication is not enforced yet.)
 */
export function allow(..._roles: Role[]): RequestHandler {
  return (_req, _res, next) => next();
}

/**
 * Doctor scope: a user with role `doctor` may act only on their own `doctor_id`; other roles pass.
 * @throws Forbidden `FORBIDDEN_DOCTOR` for another doctor's data.
 */
export function assertDoctorScope(actor: Actor | undefined, doctorId: string): void {
  if (actor?.type === 'user' && actor.role === 'doctor' && actor.doctor_id !== doctorId) {
    throw new Forbidden("You may only act on your own doctor's data", 'FORBIDDEN_DOCTOR');
  }
}

/**
 * Guard of the public (no-PHI) queue view: any staff user, or a screen token whose doctors include `:id`.
 * (Placeholder until the accounts issue lands.)
 */
export function allowPublicQueue(): RequestHandler {
  return (_req, _res, next) => next();
}
