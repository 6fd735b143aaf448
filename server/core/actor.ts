import type { Request } from 'express';

/** Staff roles. `admin` may do everything. */
export type Role = 'admin' | 'reception' | 'doctor';
export const ROLES: readonly Role[] = ['admin', 'reception', 'doctor'];

/**
 * What an API key (a machine client: a phone agent, the website, a kiosk) may do, least privilege: each route a
 * key may call names the scope it needs in `x-scopes`. A key never reaches staff-only routes.
 */
export const SCOPES = ['doctors:read', 'slots:read', 'patients:write', 'appointments:read', 'appointments:write', 'queue:read'] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is making a request: a staff user (JWT), a waiting-room screen (screen token) or a machine client (API key). */
export type Actor =
  | { type: 'user'; id: string; role: Role; doctor_id: string | null; email: string }
  /** A screen token: for `doctor_ids`, or — a site screen (`site_id`) — every doctor working at that site that day. */
  | { type: 'screen'; id: string; doctor_ids: string[]; site_id: string | null }
  | { type: 'api_key'; id: string; scopes: Scope[]; source: string; label: string };

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the authentication middleware; absent on public routes. */
    actor?: Actor;
  }
}

/**
 * Who acts, as audit rows and idempotency scopes record it, and the request that caused the change (logged
 * with the queue events it emits). `id` and `type` are null for anonymous callers.
 */
export interface ActorRef {
  id: string | null;
  type: string | null;
  requestId: string | null;
  /** An API key's booking source (`phone_agent`, `web`, …); absent for staff and jobs. */
  source?: string | null;
}

/** The acting account of a request, for audit columns (`created_by`, `updated_by`, `actor_id`); null when anonymous. */
export function actorId(req: Request): string | null {
  return req.actor?.id ?? null;
}

/** The {@link ActorRef} of a request: the one place a route turns `req` into "who did it". */
export function actorRef(req: Request): ActorRef {
  const source = req.actor?.type === 'api_key' ? req.actor.source : null;
  return { id: req.actor?.id ?? null, type: req.actor?.type ?? null, requestId: req.id ?? null, source };
}
