import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { Client, type Notification } from 'pg';
import { CREDENTIALS_CHANNEL, parseCredentialChange } from '../../server/auth/credential-cache';
import { signStaffToken } from '../../server/auth/tokens';
import type { ServerProcess } from '../../scripts/lib/server-process';
import { buildDoctor } from '../support/factories';
import { testDatabaseUrl } from '../support/hooks';
import { PROCESS_JWT_SECRET, adminToken, api, startServerOnTestDb } from '../support/processes';
import { sleep } from '../support/server-process';

/** `clinic_credential_cache_lookups{result}` and `…_listening` of one instance, from its /metrics. */
async function cacheStats(url: string): Promise<{ hits: number; misses: number; listening: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
  return {
    hits: read(/^clinic_credential_cache_lookups\{result="hit"\} (\d+)/m),
    misses: read(/^clinic_credential_cache_lookups\{result="miss"\} (\d+)/m),
    listening: read(/^clinic_credential_cache_listening (\d+)/m),
  };
}

/** Waits until `url`'s credential cache listens (it connects its listener after start). */
async function untilListening(url: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await cacheStats(url)).listening !== 1) {
    if (Date.now() > deadline) throw new Error(`the credential cache of ${url} never listened`);
    await sleep(50);
  }
}

const email = () => `cache-${randomBytes(5).toString('hex')}@test.clinic`;

describe('credential cache: invalidated through LISTEN/NOTIFY on every instance (two processes)', function () {
  this.timeout(120_000);
  let a: ServerProcess;
  let b: ServerProcess;
  let admin: string;

  before(async () => {
    [a, b] = await Promise.all([0, 1].map(() => startServerOnTestDb()));
    admin = await adminToken();
    await Promise.all([untilListening(a.url), untilListening(b.url)]);
  });
  after(async () => {
    await Promise.all([a, b].map((s) => s?.stop()));
  });

  /** A reception account made on A, and a token for it. */
  async function receptionist(): Promise<{ id: string; token: string }> {
    const res = await api(a.url, admin, 'POST', '/api/v1/users', {
      email: email(),
      password: 'correct-horse-battery-9',
      role: 'reception',
    });
    expect(res.status).to.equal(201);
    return { id: res.body.id, token: (await signStaffToken(PROCESS_JWT_SECRET, res.body.id, 'reception', 3600, 0)).access_token };
  }

  /** Uses `token` on B until B serves it from its cache (a hit counted), so the next refusal cannot be a plain miss. */
  async function warm(token: string, path = '/api/v1/doctors', header: 'bearer' | 'x-api-key' = 'bearer'): Promise<void> {
    const before = (await cacheStats(b.url)).hits;
    for (let i = 0; i < 3; i++) expect((await call(b.url, token, path, header)).status, `warm-up ${i}`).to.equal(200);
    expect((await cacheStats(b.url)).hits, 'B served the credential from its cache').to.be.greaterThan(before);
  }

  const call = (url: string, token: string, path: string, header: 'bearer' | 'x-api-key' = 'bearer') =>
    fetch(`${url}${path}`, { headers: header === 'bearer' ? { authorization: `Bearer ${token}` } : { 'x-api-key': token } });

  it('when an account is deactivated on A, then B refuses its token on the very next request', async () => {
    const u = await receptionist();
    await warm(u.token);
    expect((await api(a.url, admin, 'PATCH', `/api/v1/users/${u.id}`, { is_active: false })).status).to.equal(200);
    expect((await call(b.url, u.token, '/api/v1/doctors')).status).to.equal(401);
    expect((await call(a.url, u.token, '/api/v1/doctors')).status).to.equal(401);
  });

  it('when an account changes role or logs out everywhere on A, then B refuses the old token at once', async () => {
    const promoted = await receptionist();
    await warm(promoted.token);
    expect((await api(a.url, admin, 'PATCH', `/api/v1/users/${promoted.id}`, { role: 'admin' })).status).to.equal(200);
    expect((await call(b.url, promoted.token, '/api/v1/doctors')).status).to.equal(401);

    const other = await receptionist();
    await warm(other.token);
    expect((await api(a.url, admin, 'POST', `/api/v1/users/${other.id}/revoke-sessions`)).status).to.equal(204);
    expect((await call(b.url, other.token, '/api/v1/doctors')).status).to.equal(401);
  });

  it('when a screen token or an API key is revoked on A, then B refuses it at once', async () => {
    const doctor = (await api(a.url, admin, 'POST', '/api/v1/doctors', buildDoctor())).body;
    const screen = (await api(a.url, admin, 'POST', '/api/v1/display-tokens', { label: 'tv', doctor_ids: [doctor.id] })).body;
    const publicQueue = `/api/v1/doctors/${doctor.id}/queue/public`;
    await warm(screen.token, publicQueue);
    expect((await api(a.url, admin, 'DELETE', `/api/v1/display-tokens/${screen.id}`)).status).to.equal(204);
    expect((await call(b.url, screen.token, publicQueue)).status).to.equal(401);

    const key = (
      await api(a.url, admin, 'POST', '/api/v1/api-keys', { label: 'phone agent', scopes: ['doctors:read'], source: 'phone_agent' })
    ).body;
    await warm(key.key, '/api/v1/doctors', 'x-api-key');
    expect((await api(a.url, admin, 'DELETE', `/api/v1/api-keys/${key.id}`)).status).to.equal(204);
    expect((await call(b.url, key.key, '/api/v1/doctors', 'x-api-key')).status).to.equal(401);
  });

  it('when the row changes outside any instance (plain SQL), then both instances refuse it once the commit is notified', async () => {
    const u = await receptionist();
    await warm(u.token);
    const c = new Client({ connectionString: testDatabaseUrl() });
    await c.connect();
    try {
      await c.query('UPDATE users SET is_active = false WHERE id = $1', [u.id]);
    } finally {
      await c.end();
    }
    for (const url of [b.url, a.url]) await expectRefusedSoon(url, u.token);
  });

  it('when the listeners lose their connection, then the caches are dropped and bypassed (a change made meanwhile applies), and caching resumes once they listen again', async () => {
    const u = await receptionist();
    await warm(u.token);
    const c = new Client({ connectionString: testDatabaseUrl() });
    await c.connect();
    try {
      const { rows } = await c.query(
        `SELECT pg_terminate_backend(pid) AS gone FROM pg_stat_activity WHERE application_name = 'clinic-credential-cache'`,
      );
      expect(rows.length, 'listeners found').to.be.greaterThan(1);
      // Made while no instance listens: its notification reaches nobody.
      await c.query('UPDATE users SET is_active = false WHERE id = $1', [u.id]);
    } finally {
      await c.end();
    }
    await expectRefusedSoon(b.url, u.token);
    await untilListening(b.url);
    await warm((await receptionist()).token);
  });

  /** `token` is refused by `url` within 2 s (the time for a commit's notification or a lost listener to be seen). */
  async function expectRefusedSoon(url: string, token: string): Promise<void> {
    const deadline = Date.now() + 2000;
    for (;;) {
      const { status } = await call(url, token, '/api/v1/doctors');
      if (status === 401) return;
      expect(Date.now(), `${url} still answers ${status}`).to.be.below(deadline);
      await sleep(10);
    }
  }
});

describe('credential change notifications (the trigger and the parser agree)', function () {
  this.timeout(30_000);
  let c: Client;
  let seen: Notification[] = [];

  before(async () => {
    c = new Client({ connectionString: testDatabaseUrl() });
    await c.connect();
    await c.query(`LISTEN ${CREDENTIALS_CHANNEL}`);
    c.on('notification', (n) => seen.push(n));
  });
  after(async () => {
    await c?.end();
  });

  /** Runs `sql` on another connection (so its commit notifies `c`) and returns what `c` heard of `id` within 300 ms. */
  async function heard(sql: string, values: unknown[], id: string) {
    seen = [];
    const other = new Client({ connectionString: testDatabaseUrl() });
    await other.connect();
    try {
      await other.query(sql, values);
    } finally {
      await other.end();
    }
    await sleep(300);
    return seen.map((n) => parseCredentialChange(n.payload)).filter((x) => x?.id === id);
  }

  it('when an auth column of a user, screen token or API key changes or the row goes, then one parsable notification names it; when nothing auth reads changes, none', async () => {
    const { rows: u } = await c.query<{ id: string }>(
      `INSERT INTO users (email, password_hash, role) VALUES ($1, 'x', 'reception') RETURNING id`,
      [email()],
    );
    const uid = u[0].id;
    expect(await heard('UPDATE users SET token_version = token_version + 1 WHERE id = $1', [uid], uid)).to.deep.equal([
      { kind: 'user', id: uid },
    ]);
    expect(await heard('UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1', [uid, 'y'], uid)).to.deep.equal([]);
    expect(await heard('UPDATE users SET role = role WHERE id = $1', [uid], uid), 'a column set to its own value').to.deep.equal([]);

    const { rows: k } = await c.query<{ id: string }>(
      `INSERT INTO api_keys (label, scopes, source, key_hash) VALUES ('t', '{doctors:read}', 'web', $1) RETURNING id`,
      [randomBytes(16).toString('hex')],
    );
    const kid = k[0].id;
    expect(await heard('UPDATE api_keys SET last_used_at = now() WHERE id = $1', [kid], kid), 'last_used_at').to.deep.equal([]);
    expect(await heard('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [kid], kid)).to.deep.equal([{ kind: 'api_key', id: kid }]);
    expect(await heard('DELETE FROM api_keys WHERE id = $1', [kid], kid)).to.deep.equal([{ kind: 'api_key', id: kid }]);

    const { rows: s } = await c.query<{ id: string }>(
      `INSERT INTO display_tokens (label, doctor_ids, token_hash) VALUES ('t', '{}', $1) RETURNING id`,
      [randomBytes(16).toString('hex')],
    );
    const sid = s[0].id;
    expect(await heard('UPDATE display_tokens SET revoked_at = now() WHERE id = $1', [sid], sid)).to.deep.equal([
      { kind: 'screen', id: sid },
    ]);
    await c.query('DELETE FROM users WHERE id = $1', [uid]);
  });

  it('parses the payloads the trigger sends and nothing else', () => {
    const id = '0b0f2c7e-3d0c-4f53-9f0e-5a6f2b1f9d11';
    expect(parseCredentialChange(`users:${id}`)).to.deep.equal({ kind: 'user', id });
    expect(parseCredentialChange(`display_tokens:${id.toUpperCase()}`)).to.deep.equal({ kind: 'screen', id });
    expect(parseCredentialChange('api_keys:*')).to.deep.equal({ kind: 'api_key', id: null });
    for (const bad of [undefined, '', 'patients:' + id, 'users:', 'users:not-a-uuid', `users:${id}:x`]) {
      expect(parseCredentialChange(bad), String(bad)).to.equal(null);
    }
  });
});
