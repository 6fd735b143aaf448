import type { Request, Response, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { TooManyRequests } from '../core/errors';

/** The window over which failed logins are counted (ms): 15 minutes. */
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;

/** Failed logins allowed per {@link LOGIN_WINDOW_MS}, by key (config `LOGIN_RATE_LIMIT*`). */
export interface LoginLimits {
  /** Per (e-mail, client address) pair: the owner at their own desk is never throttled by someone else's guesses. */
  perEmailAndIp: number;
  /** Per client address, whatever the e-mails: one address guessing many accounts. */
  perIp: number;
  /** Per e-mail from all addresses together: only a distributed attack on one account reaches it. */
  perEmail: number;
}

function tooMany(req: Request): TooManyRequests {
  const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
  const seconds = reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : Math.ceil(LOGIN_WINDOW_MS / 1000);
  return new TooManyRequests(seconds, 'Too many failed logins; try again later');
}

/** The login e-mail as the login schema reads it (trimmed, lower-cased), or null when the body has none. */
const emailOf = (req: Request): string | null => (typeof req.body?.email === 'string' ? req.body.email.trim().toLowerCase() : null);

/**
 * Only a real failed credential check counts: the login answered 401 (`INVALID_CREDENTIALS`, the only 401 it
 * gives). A 400 (malformed body), a 429 (another limiter refused first) or a 2xx gives the attempt back.
 */
const notAFailedLogin = (_req: Request, res: Response): boolean => res.statusCode !== 401;

/**
 * The limiters of `POST /auth/login`, after OWASP's Authentication Cheat Sheet ("Login Throttling"): lock out the
 * attacker, not the account. Three counters of failed attempts per 15 minutes:
 * - per (e-mail, client address) pair, `perEmailAndIp` — the tight one: ten guesses from one address at one
 *   account, and that address is throttled for that account, while its owner at another desk still logs in;
 * - per client address, `perIp` — one address trying many accounts (credential stuffing);
 * - per e-mail from all addresses, `perEmail` — a distributed attack on one account; set high enough that a
 *   single address never reaches it before its own limits.
 * Over a limit the attempt is answered 429 problem+json with `Retry-After` (seconds) — even with the right
 * password, which would otherwise confirm a guess. Client addresses are `req.ip` (so `TRUST_PROXY` decides
 * whose `X-Forwarded-For` counts), IPv6 grouped by /56 (express-rate-limit's `ipKeyGenerator`). Memory stores:
 * per instance, per app — behind N instances an attacker gets up to N times each limit.
 */
export function loginRateLimits(limits: LoginLimits): RequestHandler[] {
  const common = {
    windowMs: LOGIN_WINDOW_MS,
    skipSuccessfulRequests: true,
    requestWasSuccessful: notAFailedLogin,
    standardHeaders: false,
    legacyHeaders: false,
    handler: (req: Request, _res: unknown, next: (err: unknown) => void) => next(tooMany(req)),
  } as const;
  const ip = (req: Request) => ipKeyGenerator(req.ip ?? '');
  const perPair = rateLimit({
    ...common,
    limit: limits.perEmailAndIp,
    // The pair is the limit a legitimate user meets (a mistyped password), so it alone tells them what is left.
    standardHeaders: 'draft-7',
    skip: (req) => emailOf(req) === null,
    keyGenerator: (req) => `pair:${emailOf(req)}|${ip(req)}`,
  });
  const perIp = rateLimit({ ...common, limit: limits.perIp, keyGenerator: (req) => `ip:${ip(req)}` });
  const perEmail = rateLimit({
    ...common,
    limit: limits.perEmail,
    skip: (req) => emailOf(req) === null,
    keyGenerator: (req) => `email:${emailOf(req)}`,
  });
  return [perPair, perIp, perEmail];
}
