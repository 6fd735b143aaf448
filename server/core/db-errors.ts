import { ConnectionAcquireTimeoutError, ConnectionError, ForeignKeyConstraintError, UniqueConstraintError } from 'sequelize';
import { AppError, ConcurrentUpdate, Conflict, ServiceUnavailable, Unprocessable } from './errors';

/** PostgreSQL SQLSTATE codes we act on (PostgreSQL manual, Appendix A). */
export const PG = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
  queryCanceled: '57014',
  adminShutdown: '57P01',
  cannotConnectNow: '57P03',
} as const;

/** The SQLSTATE of a Sequelize or pg error, if any. */
export function sqlState(err: unknown): string | undefined {
  const e = err as { parent?: { code?: string }; original?: { code?: string }; code?: string };
  return e?.parent?.code ?? e?.original?.code ?? (typeof e?.code === 'string' ? e.code : undefined);
}

/** True for errors worth retrying the whole transaction for: serialization failure, deadlock. */
export function isRetryableTxError(err: unknown): boolean {
  const code = sqlState(err);
  return code === PG.serializationFailure || code === PG.deadlockDetected;
}

/** True when the database is unreachable or the pool could not hand out a connection in time. */
export function isUnavailableError(err: unknown): boolean {
  if (err instanceof ConnectionAcquireTimeoutError || err instanceof ConnectionError) return true;
  const code = sqlState(err);
  if (code === PG.adminShutdown || code === PG.cannotConnectNow) return true;
  if (code && /^08/.test(code)) return true; // connection exception class
  const msg = String((err as Error)?.message ?? '');
  return /ECONNREFUSED|ECONNRESET|Connection terminated|terminating connection|timeout exceeded when trying to connect|the database system is (starting up|shutting down)|Query read timeout|Connection terminated unexpectedly/i.test(
    msg,
  );
}

/**
 * Maps database errors to the error model explicitly: unique violation → 409, FK violation → 422,
 * serialization/deadlock (after retries) → 409 with Retry-After, statement timeout → 504,
 * unreachable database or exhausted pool → 503 with Retry-After. Anything else is returned unchanged.
 */
export function mapDatabaseError(err: unknown): unknown {
  if (err instanceof AppError) return err;
  if (err instanceof UniqueConstraintError || sqlState(err) === PG.uniqueViolation) {
    return new Conflict('CONFLICT', 'The request conflicts with existing data');
  }
  if (err instanceof ForeignKeyConstraintError || sqlState(err) === PG.foreignKeyViolation) {
    return new Unprocessable('REFERENCE_NOT_FOUND', 'A referenced record does not exist');
  }
  if (isRetryableTxError(err)) {
    return new ConcurrentUpdate('Too many concurrent changes to the same record; retry');
  }
  if (sqlState(err) === PG.queryCanceled) return new AppError(504, 'DATABASE_TIMEOUT', 'The database took too long to answer');
  if (isUnavailableError(err)) return new ServiceUnavailable();
  return err;
}
