import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type Joi from 'joi';
import { AppError, BadRequest, STATUS_TITLES } from './errors';
import { mapDatabaseError } from './db-errors';
import type { Logger } from './logger';

declare module 'express-serve-static-core' {
  interface Request {
    /** Request id: `X-Request-Id` when the caller sent a sane one, else a fresh UUID. */
    id: string;
  }
}

const REQUEST_ID_RE = /^[\w.:-]{1,128}$/;

/** Sets `req.id` and echoes it as `X-Request-Id`, so one id follows a request through every log line. */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const given = req.get('x-request-id');
    req.id = given && REQUEST_ID_RE.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    next();
  };
}

/**
 * Remembers where the next router is mounted. Express restores `req.baseUrl` when a handler's error leaves
 * the router, so without this a failed `/api/v1/doctors/:id` would be labelled `/doctors/:id`.
 */
export function mountedAt(): RequestHandler {
  return (req, res, next) => {
    res.locals.routeBase = req.baseUrl;
    next();
  };
}

/**
 * The route pattern that served a request (`/api/v1/doctors/:id`), for logs and metric labels: never the raw
 * path, so ids never become label values. Unmatched requests are `unmatched`; middleware-served prefixes
 * such as `/docs` keep their mount path.
 */
export function routeLabel(req: Request, res: Response): string {
  if (req.route?.path) return `${res.locals.routeBase ?? req.baseUrl}${req.route.path}`;
  if (req.baseUrl) return req.baseUrl;
  return 'unmatched';
}

/** One JSON log line per request: request id, method, route pattern, status, duration (ms). No bodies, no PHI. */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    if (!logger.isInfoEnabled()) return next();
    res.on('finish', () => {
      const duration_ms = Number(process.hrtime.bigint() - started) / 1e6;
      const route = routeLabel(req, res);
      logger.info('request', {
        request_id: req.id,
        method: req.method,
        route,
        status: res.statusCode,
        duration_ms: Math.round(duration_ms * 100) / 100,
      });
    });
    next();
  };
}

/**
 * Parses JSON bodies (limit 100 kB). A write with a non-empty body that is not JSON → 415;
 * malformed JSON → 400 `MALFORMED_JSON`; too large → 413 (handled in {@link errorHandler}).
 */
export function jsonBody(): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
    if (['POST', 'PUT', 'PATCH'].includes(req.method) && hasBody && !req.is(['application/json', 'application/*+json'])) {
      return next(new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json'));
    }
    next();
  };
  return [requireJson, express.json({ limit: '100kb', type: ['application/json', 'application/*+json'] })];
}

export interface RequestSchemas {
  params?: Joi.Schema;
  query?: Joi.Schema;
  body?: Joi.Schema;
}

/**
 * Validates params, query and body with joi (`abortEarly: false`, unknown keys rejected) and writes the
 * coerced values back. All problems are listed in `details` as `{path, message}`; any problem → 400.
 */
export function validate(schemas: RequestSchemas): RequestHandler {
  return (req, _res, next) => {
    const problems: { path: string; message: string }[] = [];
    for (const part of ['params', 'query', 'body'] as const) {
      const schema = schemas[part];
      if (!schema) continue;
      const input = part === 'body' ? (req.body ?? {}) : req[part];
      const nul = pathOfNul(input, [part]);
      if (nul) {
        problems.push({ path: nul, message: 'must not contain the NUL character (U+0000)' });
        continue;
      }
      const { value, error } = schema.validate(input, { abortEarly: false, convert: true, errors: { wrap: { label: false } } });
      if (error) {
        for (const d of error.details) problems.push({ path: [part, ...d.path].join('.'), message: d.message });
      } else {
        Object.defineProperty(req, part, { value, writable: true, configurable: true, enumerable: true });
      }
    }
    if (problems.length)
      return next(new BadRequest(`The request is invalid: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, problems));
    next();
  };
}

/**
 * The path of the first string holding U+0000, which PostgreSQL `text` cannot store (the driver would
 * silently store the two characters `\0` instead), or null.
 */
function pathOfNul(v: unknown, path: (string | number)[], depth = 0): string | null {
  if (typeof v === 'string') return v.includes('\u0000') ? path.join('.') : null;
  if (!v || typeof v !== 'object' || depth > 8) return null;
  for (const [k, x] of Object.entries(v)) {
    const hit = pathOfNul(x, [...path, k], depth + 1);
    if (hit) return hit;
  }
  return null;
}

/** Renders an RFC 9457 problem with the legacy `{error, message, details}` members added. */
export function sendProblem(
  res: Response,
  req: Request,
  status: number,
  code: string,
  message: string,
  details?: unknown,
  headers?: Record<string, string>,
): void {
  if (headers) for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res
    .status(status)
    .type('application/problem+json')
    .send(
      JSON.stringify({
        type: `https://clinic.example/problems/${code.toLowerCase().replace(/_/g, '-')}`,
        title: STATUS_TITLES[status] ?? 'Error',
        status,
        detail: message,
        instance: req.originalUrl,
        error: code,
        message,
        details: details ?? null,
        request_id: req.id,
      }),
    );
}

/** 404 for any unmatched route. */
export function notFoundHandler(): RequestHandler {
  return (req, res) => sendProblem(res, req, 404, 'ROUTE_NOT_FOUND', `No route for ${req.method} ${req.path}`);
}

/** The one error handler: typed errors and mapped database errors become problems; anything else a bare 500, logged. */
export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const body = err as { type?: string; status?: number };
    if (body?.type === 'entity.parse.failed') return sendProblem(res, req, 400, 'MALFORMED_JSON', 'The body is not valid JSON');
    if (body?.type === 'entity.too.large') return sendProblem(res, req, 413, 'PAYLOAD_TOO_LARGE', 'The body is larger than 100 kB');
    if (body?.type === 'encoding.unsupported' || body?.type === 'charset.unsupported') {
      return sendProblem(res, req, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported body encoding');
    }
    if (body?.type && typeof body.status === 'number' && body.status >= 400 && body.status < 500) {
      return sendProblem(res, req, body.status, 'BAD_REQUEST', 'The request could not be read');
    }
    const mapped = mapDatabaseError(err);
    if (mapped instanceof AppError) {
      if (mapped.status >= 500) logger.warn('request failed', { request_id: req.id, code: mapped.code, error: (err as Error).message });
      return sendProblem(res, req, mapped.status, mapped.code, mapped.message, mapped.details, mapped.headers);
    }
    logger.error('unhandled error', {
      request_id: req.id,
      error: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err),
    });
    if (res.headersSent) {
      res.end();
      return;
    }
    sendProblem(res, req, 500, 'INTERNAL_ERROR', 'Something went wrong on our side; the request id helps us find it');
  };
}
