import 'reflect-metadata';
import { ConfigError, loadConfig } from './core/config';
import { createLogger } from './core/logger';
import { resolveDatabase } from './core/database-url';
import { createApp } from './app';
import { resolveJwtSecret } from './auth/jwt-secret';
import type { BootstrapAccount } from './users/bootstrap';

/** The demo accounts, printed once (on the start that created them); passwords are never logged. */
function printAccounts(accounts: BootstrapAccount[]): void {
  const lines = accounts.map(
    (a) => `    ${a.role.padEnd(10)} ${a.email.padEnd(24)} ${a.password}${a.doctor_code ? `   (doctor ${a.doctor_code})` : ''}`,
  );
  process.stdout.write(
    `\n  First start: staff accounts created. Note these passwords now; they are not shown again.\n${lines.join('\n')}\n`,
  );
}

/** The only place that reads the environment and starts things. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example for every setting.\n`);
      process.exit(1);
    }
    throw err;
  }
  const embedded = !config.databaseUrl;
  let jwtSecret: string;
  try {
    jwtSecret = resolveJwtSecret({ jwtSecret: config.jwtSecret, dataDir: config.dataDir, embedded });
  } catch (err) {
    process.stderr.write(`Invalid configuration:\n  - ${(err as Error).message}\nSee .env.example for every setting.\n`);
    process.exit(1);
  }
  const logger = createLogger(config.logLevel);
  const db = await resolveDatabase(config, logger);
  const app = createApp(
    { ...config, databaseUrl: db.url, jwtSecret },
    {
      logger,
      seed: db.embedded,
      demoAccounts: db.embedded,
      // Only the ADMIN_PASSWORD the operator chose would be echoed otherwise; print generated ones only.
      onAccountsCreated: (accounts) => {
        if (!config.adminPassword) printAccounts(accounts);
      },
    },
  );
  let port: number;
  try {
    port = await app.start();
  } catch (err) {
    await app.stop().catch(() => {});
    await db.stop();
    throw err;
  }
  const base = `http://localhost:${port}`;
  logger.info('clinic front desk listening', { url: base, docs: `${base}/docs`, ready: `${base}/ready`, embedded_database: db.embedded });
  process.stdout.write(`\n  Console  ${base}/console\n  API      ${base}/api/v1\n  Docs     ${base}/docs\n  Ready    ${base}/ready\n\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    // Last resort: app.stop() bounds the request drain and the hooks by SHUTDOWN_TIMEOUT_MS each.
    const timer = setTimeout(
      () => {
        logger.error('shutdown timed out');
        process.exit(1);
      },
      2 * config.shutdownTimeoutMs + 5000,
    );
    timer.unref();
    try {
      await app.stop();
      await db.stop();
      process.exit(0);
    } catch (err) {
      logger.error('shutdown failed', { error: err });
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`fatal: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
