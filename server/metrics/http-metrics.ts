import type { RequestHandler } from 'express';
import { routeLabel } from '../core/http';
import type { Metrics } from './metrics';

/**
 * Observes every request's duration (seconds, from arrival to the last byte handed to the socket) in
 * `http_request_duration_seconds{method, route, status}`. Requests whose client went away before the
 * response finished are not observed (their status is meaningless).
 */
export function httpMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpDuration.observe({ method: req.method, route: routeLabel(req, res), status: String(res.statusCode) }, seconds);
    });
    next();
  };
}
