import type { Request, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { TooManyRequests } from '../core/errors';

/** The window over which failed logins are counted (ms): 15 minutes. */
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;

function tooMany(req: Request): TooManyRequests {
  const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
  const seconds = reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : Math.ceil(LOGIN_WINDOW_MS / 1000);
  return new TooManyRequests(seconds, 'Too many failed logins; try again later');
}

/**
 * Two limiters for `POST /auth/login`, one keyed by client IP and one by lower-cased e-mail. Each counts
 * failed attempts only (any 4xx answer) and allows `limit` of them per 15 minutes; the next attempt is
 * answered 429 problem+json with `Retry-After` (seconds). Memory stores: per instance, per app.
 */
export function loginRateLimits(limit: number): RequestHandler[] {
  const common = {
    windowMs: LOGIN_WINDOW_MS,
    limit,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-7' as const,
    legacyHeaders: false,
    handler: (req: Request, _res: unknown, next: (err: unknown) => void) => next(tooMany(req)),
  };
  const perIp = rateLimit({ ...common });
  const perEmail = rateLimit({
    ...common,
    skip: (req) => typeof req.body?.email !== 'string',
    keyGenerator: (req) => `email:${String(req.body.email).trim().toLowerCase()}`,
  });
  return [perIp, perEmail];
}
