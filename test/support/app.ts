import Transport from 'winston-transport';
import supertest from 'supertest';
import { loadConfig, type Config } from '../../server/core/config';
import { createLogger } from '../../server/core/logger';
import { createApp, type App, type CreateAppOptions } from '../../server/app';
import { testDatabaseUrl } from './hooks';

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
   * A client acting as a staff user of `role` (for `doctor`, bound to `doctorId`). Creates the account on
   * first use. Until the accounts issue lands this sends no token.
   */
  as(role: TestRole, doctorId?: string): Promise<Agent>;
  /** Mints a screen token for these doctors (placeholder until the accounts issue lands). */
  screenToken(doctorIds: string[]): Promise<string>;
  stop(): Promise<void>;
}

function agentWith(http: ReturnType<typeof supertest>, headers: Record<string, string>): Agent {
  const wrap = (t: supertest.Test) => { for (const [k, v] of Object.entries(headers)) t.set(k, v); return t; };
  return {
    get: (p) => wrap(http.get(p)), post: (p) => wrap(http.post(p)), patch: (p) => wrap(http.patch(p)),
    put: (p) => wrap(http.put(p)), delete: (p) => wrap(http.delete(p)),
  };
}

/**
 * Starts the real app on a random port against this run's test database. `env` overrides settings
 * (strings, as in the environment). Models are bound to the newest app, so run one app at a time.
 */
export async function startTestApp(env: Record<string, string> = {}, options: Pick<CreateAppOptions, 'suppressAfterCommitPublish'> = {}): Promise<TestApp> {
  const config = loadConfig({ LOG_LEVEL: 'info', DATABASE_URL: testDatabaseUrl(), JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789', ...env });
  const logs = new MemoryTransport();
  const app = createApp(config, { logger: createLogger(config.logLevel, [logs]), migrate: false, ...options });
  const port = await app.start(0);
  const http = supertest(app.server);
  return {
    app, http, baseUrl: `http://127.0.0.1:${port}`, port, logs, config,
    as: async () => agentWith(http, {}),
    screenToken: async () => 'placeholder-screen-token',
    stop: () => app.stop(),
  };
}
