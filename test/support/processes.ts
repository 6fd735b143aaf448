import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { signStaffToken } from '../../server/auth/tokens';
import { startServer, type ServerProcess } from '../../scripts/lib/server-process';
import { testDatabaseUrl } from './hooks';

/** The JWT secret every server process of a test shares. */
export const PROCESS_JWT_SECRET = 'process-test-secret-process-test-secret-0123';

/** Starts `node dist/server/main.js` against this run's test database. */
export function startServerOnTestDb(env: Record<string, string> = {}): Promise<ServerProcess> {
  return startServer({
    DATABASE_URL: testDatabaseUrl(),
    JWT_SECRET: PROCESS_JWT_SECRET,
    PORT: '0',
    LOG_LEVEL: 'warn',
    RELAY_INTERVAL_MS: '200',
    ...env,
  });
}

/** Creates an admin row directly and signs a token for it with {@link PROCESS_JWT_SECRET}. */
export async function adminToken(): Promise<string> {
  const c = new Client({ connectionString: testDatabaseUrl() });
  await c.connect();
  try {
    const { rows } = await c.query<{ id: string }>(
      `INSERT INTO users (email, password_hash, role) VALUES ($1, 'not-a-hash', 'admin') RETURNING id`,
      [`proc-${randomBytes(6).toString('hex')}@test.clinic`],
    );
    return (await signStaffToken(PROCESS_JWT_SECRET, rows[0].id, 'admin', 3600)).access_token;
  } finally {
    await c.end();
  }
}

/** fetch() a JSON API with a bearer token; resolves `{status, body}`. */
export async function api(
  url: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
