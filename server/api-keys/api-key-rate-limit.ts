import type { RequestHandler } from 'express';
import { TooManyRequests } from '../core/errors';

/** Counts a request of key `id` in its current minute (see ApiKeyRepository.hit). */
export type CountRequest = (id: string) => Promise<{ count: number; reset_seconds: number }>;

/**
 * Per-key rate limit for API keys: `limit` requests per fixed one-minute window, counted in PostgreSQL so every
 * instance shares one count. Staff and screens pass untouched. Answers carry `RateLimit-Policy` and `RateLimit`
 * (IETF draft-ietf-httpapi-ratelimit-headers); over the limit → 429 `RATE_LIMITED` with `Retry-After` (seconds until
 * the window ends).
 */
export function apiKeyRateLimit(count: CountRequest, limit: number): RequestHandler {
  return async (req, res, next) => {
    const actor = req.actor;
    if (actor?.type !== 'api_key') return next();
    const { count: used, reset_seconds } = await count(actor.id);
    res.setHeader('RateLimit-Policy', `${limit};w=60`);
    res.setHeader('RateLimit', `limit=${limit}, remaining=${Math.max(0, limit - used)}, reset=${reset_seconds}`);
    if (used > limit) return next(new TooManyRequests(reset_seconds, `This API key may send ${limit} requests a minute; try again later`));
    next();
  };
}
