import { setTimeout as sleep } from 'node:timers/promises';
import type { Transaction } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { isRetryableTxError } from './db-errors';

export interface RetryOptions {
  /** Attempts in all, including the first (default 4). */
  attempts?: number;
  /** Base backoff (ms); attempt n waits a random time in [0, base·2ⁿ] ("full jitter"). Default 20 ms. */
  baseDelayMs?: number;
}

/**
 * Runs `work` in one managed transaction and retries the whole of it on serialization failure (40001)
 * or deadlock (40P01), with bounded, fully jittered exponential backoff. Other errors roll back and
 * propagate at once; after the last attempt the database error propagates (mapped to 409 + Retry-After).
 */
export async function withTransaction<T>(sequelize: Sequelize, work: (t: Transaction) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 4;
  const base = opts.baseDelayMs ?? 20;
  for (let attempt = 1; ; attempt++) {
    try {
      return await sequelize.transaction((t) => work(t));
    } catch (err) {
      if (!isRetryableTxError(err) || attempt >= attempts) throw err;
      await sleep(Math.random() * base * 2 ** attempt);
    }
  }
}

/** Runs `work` in one managed transaction, retried as {@link withTransaction} does. What services get instead of Sequelize. */
export type Transactor = <T>(work: (t: Transaction) => Promise<T>) => Promise<T>;

/** The {@link Transactor} of one Sequelize instance. */
export function createTransactor(sequelize: Sequelize, opts: RetryOptions = {}): Transactor {
  return (work) => withTransaction(sequelize, work, opts);
}
