import { timingSafeEqual } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import type { Metrics } from './metrics';
import { Unauthorized } from '../core/errors';

/** Constant-time comparison of the presented bearer token with `METRICS_TOKEN`. */
function tokenMatches(header: string | undefined, expected: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1].trim());
  const want = Buffer.from(expected);
  return given.length === want.length && timingSafeEqual(given, want);
}

/**
 * When `config.metricsToken` is set, only `Authorization: Bearer <token>` passes.
 * @throws Unauthorized (401 problem+json, `WWW-Authenticate: Bearer`) otherwise.
 */
function metricsGuard(token: string | undefined): RequestHandler {
  return (req, _res, next) => {
    if (!token || tokenMatches(req.get('authorization'), token)) return next();
    next(new Unauthorized('A valid metrics token is required', 'METRICS_TOKEN_REQUIRED'));
  };
}

/** Prometheus scrape endpoint; mounted at the root next to health. */
export function metricsRouter({ metrics, metricsToken }: { metrics: Metrics; metricsToken?: string }): Router {
  const r = Router();

  /**
   * @openapi
   * /metrics:
   *   get:
   *     tags: [operations]
   *     summary: 'Prometheus metrics (text exposition format 0.0.4)'
   *     description: >-
   *       Open when METRICS_TOKEN is unset; otherwise requires `Authorization: Bearer <METRICS_TOKEN>`
   *       (a static scrape token, not a staff JWT). Series: http_request_duration_seconds{method,route,status},
   *       clinic_bookings_total{outcome}, clinic_checkins_total, clinic_queue_calls_total{action},
   *       clinic_connected_screens, clinic_outbox_backlog, clinic_outbox_lag_seconds,
   *       db_pool_size / db_pool_available / db_pool_using / db_pool_waiting, and the default process_* and nodejs_* metrics.
   *     security: [{}, { bearerAuth: [] }]
   *     responses:
   *       200: { description: 'Metrics', content: { text/plain: { schema: { type: string } } } }
   *       401: { $ref: '#/components/responses/Problem' }
   */
  r.get('/metrics', metricsGuard(metricsToken), async (_req, res) => {
    const body = await metrics.registry.metrics();
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(body);
  });

  return r;
}
