import Transport from 'winston-transport';
import supertest from 'supertest';
import { loadConfig, type Config } from '../../server/core/config';
import { createLogger } from '../../server/core/logger';
import { createApp, type App } from '../../server/app';
import { testDatabaseUrl } from './hooks';

/** A winston transport that keeps every log line (as the JSON it would print) in memory. */
export class MemoryTransport extends Transport {
  lines: string[] = [];
  override log(info: unknown, next: () => void): void {
    this.lines.push(JSON.stringify(info));
    next();
  }
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
  stop(): Promise<void>;
}

/**
 * Starts the real app on a random port against this run's test database. `env` overrides settings
 * (strings, as in the environment). Models are bound to the newest app, so run one app at a time.
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({ LOG_LEVEL: 'info', DATABASE_URL: testDatabaseUrl(), JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789', ...env });
  const logs = new MemoryTransport();
  const app = createApp(config, { logger: createLogger(config.logLevel, [logs]), migrate: false });
  const port = await app.start(0);
  return { app, http: supertest(app.server), baseUrl: `http://127.0.0.1:${port}`, port, logs, config, stop: () => app.stop() };
}
