import type { Request } from 'express';

/** Who is making a request: a staff user (JWT) or a waiting-room screen (screen token). */
export type Actor =
  | { type: 'user'; id: string; role: 'admin' | 'reception' | 'doctor'; doctor_id: string | null; email: string }
  | { type: 'screen'; id: string; doctor_ids: string[] };

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the authentication middleware; absent on public routes. */
    actor?: Actor;
  }
}

/** The acting account's id, for audit columns (`created_by`, `updated_by`, `actor_id`); null when anonymous. */
export function actorId(req: Request): string | null {
  return req.actor?.id ?? null;
}
