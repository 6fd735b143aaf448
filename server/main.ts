import 'reflect-metadata';
import { ConfigError, loadConfig } from './core/config';
import { createLogger } from './core/logger';
import { resolveDatabase } from './core/database-url';
import { createApp } from './app';
import { runSeeders } from './cli/seed-runner';

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
  const logger = createLogger(config.logLevel);
  const db = await resolveDatabase(config, logger);
  const app = createApp({ ...config, databaseUrl: db.url }, { logger });
  let port: number;
  try {
    port = await app.start();
    if (db.embedded) await runSeeders(app.sequelize, logger);
  } catch (err) {
    await app.stop().catch(() => {});
    await db.stop();
    throw err;
  }
  const base = `http://localhost:${port}`;
  logger.info('clinic front desk listening', { url: base, docs: `${base}/docs`, ready: `${base}/ready`, embedded_database: db.embedded });
  process.stdout.write(`\n  API      ${base}/api/v1\n  Docs     ${base}/docs\n  Ready    ${base}/ready\n\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    // Last resort: app.stop() bounds the request drain and the hooks by SHUTDOWN_TIMEOUT_MS each.
    const timer = setTimeout(() => { logger.error('shutdown timed out'); process.exit(1); }, 2 * config.shutdownTimeoutMs + 5000);
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
