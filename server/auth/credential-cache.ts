import { Client } from 'pg';
import type { Logger } from '../core/logger';
import type { AccountForAuth, CredentialStore } from './authenticate';

/**
 * Channel of credential changes. Migration 20261203000001-credential-notify sends `'<table>:<id>'` on it from
 * triggers on users, display_tokens and api_keys (every change of a column authentication reads, and every
 * delete), and `'<table>:*'` on TRUNCATE; PostgreSQL delivers it at commit to every listening instance.
 */
export const CREDENTIALS_CHANNEL = 'credentials_changed';

/** The three kinds of credential, by the table that holds them. */
export type CredentialKind = 'user' | 'screen' | 'api_key';
const KIND_OF_TABLE: Record<string, CredentialKind> = { users: 'user', display_tokens: 'screen', api_keys: 'api_key' };

/** A notification's payload → what changed (`id` null: every row of that kind), or null when it is not one of ours. */
export function parseCredentialChange(payload: string | undefined): { kind: CredentialKind; id: string | null } | null {
  const m = /^([a-z_]+):(\*|[0-9a-f-]{36})$/i.exec(payload ?? '');
  const kind = m ? KIND_OF_TABLE[m[1]] : undefined;
  return kind ? { kind, id: m![2] === '*' ? null : m![2].toLowerCase() } : null;
}

export interface CredentialCacheOptions {
  databaseUrl: string;
  logger: Logger;
  /** How long an entry may be used at most (ms; a backstop — invalidation is by notification). 0 turns the cache off. */
  ttlMs: number;
  /** Entries kept at most (the oldest go first). */
  maxEntries: number;
}

/** Counters for /metrics and tests. */
export interface CredentialCacheStats {
  hits: number;
  misses: number;
  invalidations: number;
  size: number;
  /** True while the listener holds `LISTEN` (the cache is used only then). */
  listening: boolean;
}

export interface CredentialCache {
  /** The store with its three look-ups served from the cache while it is listening, else passed through. */
  wrap(store: CredentialStore): CredentialStore;
  /** Drops the cached credentials of one row (after this instance committed a change to it: no wait for the notification). */
  forget(kind: CredentialKind, id: string): void;
  start(): void;
  close(): Promise<void>;
  stats(): CredentialCacheStats;
}

interface Entry {
  value: unknown;
  rowKey: string;
  expiresAt: number;
}

/**
 * A per-instance cache in front of the per-request credential look-ups (account by id, screen token and API key by
 * value), so that an authenticated request costs no database round trip, while deactivation, revocation and role
 * change stay immediate on every instance: each instance LISTENs on {@link CREDENTIALS_CHANNEL}, and a change
 * committed anywhere drops the entries of that row. Rules that keep it exact:
 * - only positive, active results are kept (an unknown token, a revoked key or an inactive account is read again);
 * - nothing is served or stored unless the listener is connected and listening; when it loses its connection, the
 *   whole cache is cleared (notifications may have been missed) and look-ups go to the database until it is back;
 * - a look-up that was in flight while any notification arrived is not stored (it may have read the old row);
 * - a hit is served only after the I/O that had already arrived was handled (`setImmediate`), so a notification
 *   received with the request is applied first;
 * - the instance that commits a change also drops its entries at once ({@link CredentialCache.forget}).
 */
export function createCredentialCache(o: CredentialCacheOptions): CredentialCache {
  const entries = new Map<string, Entry>();
  const byRow = new Map<string, Set<string>>();
  const counts = { hits: 0, misses: 0, invalidations: 0 };
  let generation = 0;
  let listening = false;
  let client: Client | null = null;
  let stopped = true;
  let backoffMs = 200;
  let retry: NodeJS.Timeout | null = null;

  const rowKeyOf = (kind: CredentialKind, id: string) => `${kind}:${id}`;

  function drop(key: string): void {
    const e = entries.get(key);
    if (!e) return;
    entries.delete(key);
    const keys = byRow.get(e.rowKey);
    keys?.delete(key);
    if (keys && !keys.size) byRow.delete(e.rowKey);
  }

  function clear(): void {
    generation++;
    entries.clear();
    byRow.clear();
  }

  function forgetRow(kind: CredentialKind, id: string | null): void {
    generation++;
    counts.invalidations++;
    if (id === null) {
      for (const [key, e] of entries) if (e.rowKey.startsWith(`${kind}:`)) drop(key);
      return;
    }
    for (const key of [...(byRow.get(rowKeyOf(kind, id)) ?? [])]) drop(key);
  }

  function store(key: string, rowKey: string, value: unknown): void {
    drop(key);
    while (entries.size >= o.maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest === undefined) break;
      drop(oldest);
    }
    entries.set(key, { value, rowKey, expiresAt: Date.now() + o.ttlMs });
    let keys = byRow.get(rowKey);
    if (!keys) byRow.set(rowKey, (keys = new Set()));
    keys.add(key);
  }

  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

  /** Serves `key` from the cache or loads it; `rowOf` names the row a value came from, or null for "do not keep". */
  async function cached<T>(key: string, load: () => Promise<T | null>, rowOf: (v: T) => string | null): Promise<T | null> {
    if (listening && o.ttlMs > 0) {
      await nextTurn();
      const e = entries.get(key);
      if (e && listening) {
        if (e.expiresAt > Date.now()) {
          counts.hits++;
          return e.value as T;
        }
        drop(key);
      }
    }
    counts.misses++;
    const before = generation;
    const wasListening = listening;
    const value = await load();
    if (value !== null && o.ttlMs > 0 && wasListening && listening && generation === before) {
      const rowKey = rowOf(value);
      if (rowKey) store(key, rowKey, value);
    }
    return value;
  }

  function lost(c: Client, err?: Error): void {
    if (client !== c) return;
    client = null;
    listening = false;
    clear();
    c.removeAllListeners();
    c.on('error', () => {});
    void c.end().catch(() => {});
    if (stopped) return;
    o.logger.warn('credential cache: listener lost; looking credentials up in the database until it is back', {
      error: err?.message,
      in_ms: backoffMs,
    });
    schedule();
  }

  function schedule(): void {
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = null;
      void connect();
    }, backoffMs);
    retry.unref();
    backoffMs = Math.min(backoffMs * 2, 5000);
  }

  async function connect(): Promise<void> {
    const c = new Client({ connectionString: o.databaseUrl, connectionTimeoutMillis: 5000, application_name: 'clinic-credential-cache' });
    client = c;
    c.on('error', (err) => lost(c, err));
    c.on('end', () => lost(c));
    c.on('notification', (n) => {
      if (n.channel !== CREDENTIALS_CHANNEL) return;
      const change = parseCredentialChange(n.payload);
      if (change) forgetRow(change.kind, change.id);
      else clear();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${CREDENTIALS_CHANNEL}`);
      if (stopped || client !== c) {
        await c.end().catch(() => {});
        return;
      }
      clear();
      listening = true;
      backoffMs = 200;
    } catch (err) {
      lost(c, err as Error);
    }
  }

  const activeAccount = (a: AccountForAuth) => (a.is_active ? rowKeyOf('user', a.id) : null);

  return {
    wrap(s) {
      return {
        findAccount: (id) => cached(`user:${id}`, () => s.findAccount(id), activeAccount),
        findScreen: (token) =>
          cached(
            `screen:${token}`,
            () => s.findScreen(token),
            (v) => rowKeyOf('screen', v.id),
          ),
        findApiKey: s.findApiKey
          ? (key) =>
              cached(
                `api_key:${key}`,
                () => s.findApiKey!(key),
                (v) => rowKeyOf('api_key', v.id),
              )
          : undefined,
      };
    },
    forget: (kind, id) => forgetRow(kind, id.toLowerCase()),
    start() {
      if (!stopped || o.ttlMs <= 0) return;
      stopped = false;
      void connect();
    },
    async close() {
      stopped = true;
      listening = false;
      if (retry) clearTimeout(retry);
      retry = null;
      const c = client;
      client = null;
      clear();
      if (c) {
        c.removeAllListeners();
        c.on('error', () => {});
        await c.end().catch(() => {});
      }
    },
    stats: () => ({ ...counts, size: entries.size, listening }),
  };
}
