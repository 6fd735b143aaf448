import Transport from 'winston-transport';
import supertest from 'supertest';
import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../server/core/config';
import { createLogger } from '../../server/core/logger';
import { createApp, type App, type CreateAppOptions } from '../../server/app';
import { testDatabaseUrl } from './hooks';
import { signStaffToken } from '../../server/auth/tokens';
import { buildDoctor } from './factories';

/** A winston transport that keeps every log line (as the JSON it would print) in memory. */
export class MemoryTransport extends Transport {
  lines: string[] = [];
  override log(info: unknown, next: () => void): void {
    this.lines.push(JSON.stringify(info));
    next();
  }
}

export type TestRole = 'admin' | 'reception' | 'doctor';

/** A supertest client whose every request carries one identity's `Authorization` header. */
export interface Agent {
  get(path: string): supertest.Test;
  post(path: string): supertest.Test;
  patch(path: string): supertest.Test;
  put(path: string): supertest.Test;
  delete(path: string): supertest.Test;
}

export interface TestApp {
  app: App;
  /** supertest bound to the running server. */
  http: ReturnType<typeof supertest>;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  port: number;
  logs: MemoryTransport;
  config: Config;
  /**
   * A client acting as a staff user of `role` (for `doctor`, bound to `doctorId`, or to a fresh doctor when
   * omitted). Creates the account on first use (random strong password) and signs a real token for it;
   * both are cached per role + doctorId for this app.
   */
  as(role: TestRole, doctorId?: string): Promise<Agent>;
  /** Like {@link as}, but the account itself: `{id, email, token}`. */
  account(role: TestRole, doctorId?: string): Promise<TestAccount>;
  /** Mints a screen token for `doctorIds` (as an admin would) and returns the token string (`scr_…`). */
  screenToken(doctorIds: string[]): Promise<string>;
  /** A client sending `Authorization: Bearer <token>`. */
  withToken(token: string): Agent;
  stop(): Promise<void>;
}

/** A test account: its id, e-mail, password and a signed access token. */
export interface TestAccount {
  id: string;
  email: string;
  password: string;
  token: string;
  doctor_id: string | null;
}

function agentWith(http: ReturnType<typeof supertest>, headers: Record<string, string>): Agent {
  const wrap = (t: supertest.Test) => {
    for (const [k, v] of Object.entries(headers)) t.set(k, v);
    return t;
  };
  return {
    get: (p) => wrap(http.get(p)),
    post: (p) => wrap(http.post(p)),
    patch: (p) => wrap(http.patch(p)),
    put: (p) => wrap(http.put(p)),
    delete: (p) => wrap(http.delete(p)),
  };
}

/**
 * Starts the real app on a random port against this run's test database. `env` overrides settings
 * (strings, as in the environment). Several apps may run at once (each has its own Sequelize instance).
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: Pick<CreateAppOptions, 'suppressAfterCommitPublish'> = {},
): Promise<TestApp> {
  const config = loadConfig({
    LOG_LEVEL: 'info',
    DATABASE_URL: testDatabaseUrl(),
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    ...env,
  });
  const logs = new MemoryTransport();
  const app = createApp(config, { logger: createLogger(config.logLevel, [logs]), migrate: false, bootstrap: false, ...options });
  const port = await app.start(0);
  const http = supertest(app.server);
  const accounts = new Map<string, Promise<TestAccount>>();
  const makeAccount = async (role: TestRole, doctorId?: string): Promise<TestAccount> => {
    const doctor_id = role === 'doctor' ? (doctorId ?? (await app.ctx.doctors.create(buildDoctor())).id) : null;
    const email = `${role}-${randomBytes(6).toString('hex')}@test.clinic`;
    const password = randomBytes(18).toString('base64url');
    const user = await app.ctx.users.create({ email, password, role, doctor_id });
    const { access_token } = await signStaffToken(config.jwtSecret!, user.id, role, config.jwtTtlSeconds);
    return { id: user.id, email, password, token: access_token, doctor_id };
  };
  const account = (role: TestRole, doctorId?: string) => {
    const key = `${role}:${doctorId ?? ''}`;
    if (!accounts.has(key)) accounts.set(key, makeAccount(role, doctorId));
    return accounts.get(key)!;
  };
  const withToken = (token: string) => agentWith(http, { Authorization: `Bearer ${token}` });
  return {
    app,
    http,
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    logs,
    config,
    account,
    as: async (role, doctorId) => withToken((await account(role, doctorId)).token),
    screenToken: async (doctorIds) =>
      (await app.ctx.displayTokens.mint({ label: 'test screen', doctor_ids: doctorIds }, (await account('admin')).id)).token,
    withToken,
    stop: () => app.stop(),
  };
}
