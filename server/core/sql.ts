import { createHash } from 'node:crypto';
import { QueryTypes, type Transaction } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';

/**
 * The one way repositories send SQL. Every statement is written with `$name` binds (one binding style in
 * the whole code base); the transaction, when there is one, is always the last argument.
 *
 * - {@link Sql.query} / {@link Sql.exec}: plain statements through Sequelize (`bind`), for everything that is
 *   not on a hot path.
 * - {@link Sql.prepared}: hot-path statements ({@link statement}), rewritten once to `$1..$n` and run as a
 *   named prepared statement on the transaction's own connection (or a pooled one), so PostgreSQL parses and
 *   plans them once per connection and the call skips Sequelize's per-query work.
 */
export interface Sql {
  /** Runs `text` and returns its rows. */
  query<T>(text: string, bind?: Record<string, unknown>, t?: Transaction): Promise<T[]>;
  /** Runs `text` (a write without RETURNING) and returns how many rows it touched. */
  exec(text: string, bind?: Record<string, unknown>, t?: Transaction): Promise<number>;
  /** Runs a prepared {@link Statement} and returns its rows; inside `t` on its connection. */
  prepared<T>(stmt: Statement, params: Record<string, unknown>, t?: Transaction): Promise<T[]>;
}

/** A hot-path statement: its prepared-statement name, `$1..$n` text and bind names in positional order. */
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

/** The node-postgres client behind a Sequelize connection. */
interface PgConnection {
  query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}
interface ConnectionManager {
  getConnection(o: { type: string }): Promise<PgConnection>;
  releaseConnection(c: PgConnection): Promise<void>;
}

/** The {@link Sql} of one Sequelize instance. */
export function createSql(sequelize: Sequelize): Sql {
  const manager = sequelize.connectionManager as unknown as ConnectionManager;
  const runOn = async <T>(connection: PgConnection, stmt: Statement, params: Record<string, unknown>) => {
    const res = await connection.query({ name: stmt.name, text: stmt.text, values: valuesFor(stmt, params) });
    return res.rows as T[];
  };
  return {
    query<T>(text: string, bind: Record<string, unknown> = {}, t?: Transaction) {
      return sequelize.query(text, { bind, type: QueryTypes.SELECT, transaction: t }) as Promise<T[]>;
    },
    async exec(text: string, bind: Record<string, unknown> = {}, t?: Transaction) {
      const [, meta] = await sequelize.query(text, { bind, type: QueryTypes.RAW, transaction: t });
      return (meta as { rowCount?: number } | undefined)?.rowCount ?? 0;
    },
    async prepared<T>(stmt: Statement, params: Record<string, unknown>, t?: Transaction) {
      if (t) {
        // A managed transaction's node-postgres client; its commit and rollback stay Sequelize's.
        const connection = (t as unknown as { connection?: PgConnection }).connection;
        if (!connection) throw new Error('a prepared statement inside a transaction needs an open managed transaction');
        return runOn<T>(connection, stmt, params);
      }
      // A connection from Sequelize's own pool, so its size and acquire timeout (the 503) still apply.
      const connection = await manager.getConnection({ type: 'SELECT' });
      try {
        return await runOn<T>(connection, stmt, params);
      } finally {
        await manager.releaseConnection(connection);
      }
    },
  };
}

/** `to_char(col AT TIME ZONE 'UTC', …)`: an ISO-8601 UTC instant with milliseconds, as the API answers them. */
export const isoUtc = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
