import { createHash } from 'node:crypto';
import type { Transaction } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';

/**
 * Hot-path statements: SQL written with `$name` binds (as Sequelize takes them), rewritten once to `$1..$n`
 * and run as a named prepared statement on the transaction's own connection, so PostgreSQL parses and
 * plans it once per connection and the call skips Sequelize's per-query work. Use only inside a managed
 * transaction (`sequelize.transaction(async t => …)`), whose commit and rollback Sequelize still owns.
 */
export interface Statement {
  /** Prepared-statement name, derived from the text. */
  name: string;
  /** The SQL with `$1..$n`. */
  text: string;
  /** Bind names in positional order. */
  names: string[];
}

/** Rewrites `$name` binds to `$1..$n` (a name used twice gets the same number) and names the statement. */
export function statement(sql: string): Statement {
  const names: string[] = [];
  const text = sql.replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => {
    let i = names.indexOf(name);
    if (i < 0) i = names.push(name) - 1;
    return `$${i + 1}`;
  });
  return { name: `s_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`, text, names };
}

/** The values of `params` in the order of `stmt.names`. @throws when one is missing (undefined; null is a value). */
export function valuesFor(stmt: Statement, params: Record<string, unknown>): unknown[] {
  return stmt.names.map((n) => {
    if (params[n] === undefined) throw new Error(`no value for $${n}`);
    return params[n];
  });
}

interface PgConnection { query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }> }

/**
 * Runs `stmt` on the connection of transaction `t` (Sequelize's `transaction.connection`, a node-postgres
 * client). Errors are node-postgres errors (with `code`), which the error mapping understands.
 */
export async function runInTransaction<T>(t: Transaction, stmt: Statement, params: Record<string, unknown>): Promise<T[]> {
  const connection = (t as unknown as { connection?: PgConnection }).connection;
  if (!connection) throw new Error('runInTransaction needs an open managed transaction');
  const res = await connection.query({ name: stmt.name, text: stmt.text, values: valuesFor(stmt, params) });
  return res.rows as T[];
}

/**
 * Runs `stmt` as a named prepared statement: inside `t` on its connection, otherwise on a connection taken
 * from Sequelize's own pool (so its size and acquire timeout — the 503 — still apply) and given back at once.
 */
export async function runPrepared<T>(sequelize: Sequelize, stmt: Statement, params: Record<string, unknown>, t?: Transaction): Promise<T[]> {
  if (t) return runInTransaction<T>(t, stmt, params);
  const manager = sequelize.connectionManager as unknown as { getConnection(o: { type: string }): Promise<PgConnection>; releaseConnection(c: PgConnection): Promise<void> };
  const connection = await manager.getConnection({ type: 'SELECT' });
  try {
    const res = await connection.query({ name: stmt.name, text: stmt.text, values: valuesFor(stmt, params) });
    return res.rows as T[];
  } finally {
    await manager.releaseConnection(connection);
  }
}
