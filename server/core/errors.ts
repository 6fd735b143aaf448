/**
 * The one error model. Services throw these; `errorHandler` renders them as
 * `application/problem+json` (RFC 9457) with the legacy `{error, message, details}` fields added.
 */
export class AppError extends Error {
  constructor(
    /** HTTP status code. */
    public readonly status: number,
    /** Stable UPPER_SNAKE code, e.g. `CAPACITY_FULL`. */
    public readonly code: string,
    message: string,
    /** Machine-readable extra facts (never PHI beyond ids). */
    public readonly details?: unknown,
    /** Extra response headers, e.g. `Retry-After`. */
    public readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequest extends AppError {
  constructor(message: string, details?: unknown, code = 'VALIDATION_ERROR') {
    super(400, code, message, details);
  }
}
export class Unauthorized extends AppError {
  constructor(message = 'Authentication required', code = 'UNAUTHORIZED') {
    super(401, code, message, undefined, { 'WWW-Authenticate': 'Bearer' });
  }
}
export class Forbidden extends AppError {
  constructor(message = 'You are not allowed to do this', code = 'FORBIDDEN') {
    super(403, code, message);
  }
}
export class NotFound extends AppError {
  constructor(message = 'Not found', code = 'NOT_FOUND', details?: unknown) {
    super(404, code, message, details);
  }
}
export class Conflict extends AppError {
  constructor(code: string, message: string, details?: unknown, headers?: Record<string, string>) {
    super(409, code, message, details, headers);
  }
}
/**
 * 409 `CONCURRENT_UPDATE` with `Retry-After: 1`: the row changed (or moved) while the request ran, or the
 * database gave up on a serialization failure or deadlock after the retries. The client may simply retry.
 */
export class ConcurrentUpdate extends Conflict {
  constructor(message = 'The record changed while this request ran; retry', details?: unknown) {
    super('CONCURRENT_UPDATE', message, details, { 'Retry-After': '1' });
  }
}
export class Unprocessable extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(422, code, message, details);
  }
}
export class TooManyRequests extends AppError {
  constructor(retryAfterSeconds: number, message = 'Too many requests, try again later') {
    super(429, 'RATE_LIMITED', message, undefined, { 'Retry-After': String(retryAfterSeconds) });
  }
}
export class ServiceUnavailable extends AppError {
  constructor(message = 'The service is busy or its database is unreachable; retry shortly', retryAfterSeconds = 2) {
    super(503, 'SERVICE_UNAVAILABLE', message, undefined, { 'Retry-After': String(retryAfterSeconds) });
  }
}

/** Titles for the `title` member of problem details, by status. */
export const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
