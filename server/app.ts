import http from 'node:http';
import express from 'express';
import { Server as IoServer } from 'socket.io';
import swaggerUi from 'swagger-ui-express';
import type { Sequelize } from 'sequelize-typescript';
import type { Config } from './core/config';
import { createLogger, type Logger } from './core/logger';
import { createSequelize } from './core/db';
import { migrateUp } from './core/migrator';
import { errorHandler, jsonBody, mountedAt, notFoundHandler, requestId, requestLog } from './core/http';
import { createHttpDrainer, runShutdownHooks, sendSocketsElsewhere, type ShutdownHook } from './core/shutdown';
import { buildOpenApi } from './core/openapi';
import type { AppContext } from './core/context';
import { models } from './models';
import { apiRouters } from './routes';
import { healthRouter } from './health/health.routes';
import { createMetrics } from './metrics/metrics';
import { httpMetrics } from './metrics/http-metrics';
import { metricsRouter } from './metrics/metrics.routes';

export interface CreateAppOptions {
  /** A logger to use instead of a console one (tests pass one with a memory transport). */
  logger?: Logger;
  /** Run pending migrations in `start()` (default true). */
  migrate?: boolean;
}

/** What `createApp` returns: the pieces, plus `start()` / `stop()`. */
export interface App {
  app: express.Express;
  server: http.Server;
  io: IoServer;
  sequelize: Sequelize;
  logger: Logger;
  ctx: AppContext;
  /** Migrates (under the advisory lock) and listens on `port` (default `config.port`; 0 = random). Resolves to the bound port. */
  start(port?: number): Promise<number>;
  /**
   * Graceful stop, bounded by `config.shutdownTimeoutMs` per phase: stops accepting connections; tells
   * Socket.IO clients to reconnect elsewhere (`server:shutdown`, then a transport close); lets in-flight
   * requests finish (then destroys what is left); runs the `ctx.onShutdown` hooks; closes the Socket.IO
   * adapters and the database pool. Idempotent: later calls return the same promise.
   */
  stop(): Promise<void>;
}

/**
 * The app factory: Express and Socket.IO on one `http.Server`, bound to one Sequelize instance.
 * Does no I/O until `start()`. `config.databaseUrl` must be set (main.ts starts the embedded database first).
 */
export function createApp(config: Config, options: CreateAppOptions = {}): App {
  if (!config.databaseUrl) throw new Error('createApp needs config.databaseUrl');
  const logger = options.logger ?? createLogger(config.logLevel);
  const sequelize = createSequelize({
    url: config.databaseUrl, poolMax: config.dbPoolMax, acquireTimeoutMs: config.dbAcquireTimeoutMs, models, logger,
  });
  const app = express();
  const server = http.createServer(app);
  const io = new IoServer(server, { serveClient: true, cors: config.corsOrigins.length ? { origin: config.corsOrigins } : undefined });
  const metrics = createMetrics(sequelize);
  const shutdownHooks: ShutdownHook[] = [];
  const drainer = createHttpDrainer(server, logger);
  const ctx: AppContext = { config, logger, sequelize, io, metrics, onShutdown: (hook) => { shutdownHooks.push(hook); } };

  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(drainer.middleware);
  app.use(requestId());
  app.use(requestLog(logger));
  app.use(httpMetrics(metrics));
  app.use(jsonBody());

  app.use(healthRouter(ctx));
  app.use(metricsRouter(ctx));
  const openapi = buildOpenApi();
  app.get('/openapi.json', (_req, res) => { res.json(openapi); });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(openapi, { customSiteTitle: 'Clinic front desk API' }));
  for (const makeRouter of apiRouters) app.use('/api/v1', mountedAt(), makeRouter(ctx));

  app.use(notFoundHandler());
  app.use(errorHandler(logger));

  let stopping: Promise<void> | undefined;
  const gracefulStop = async () => {
    const started = Date.now();
    const timeoutMs = config.shutdownTimeoutMs;
    const draining = drainer.drain(timeoutMs); // stops accepting now; resolves when in-flight requests are done
    sendSocketsElsewhere(io);
    const forced = await draining;
    await runShutdownHooks(shutdownHooks, timeoutMs, logger);
    await new Promise<void>((resolve) => io.close(() => resolve())); // adapters; the HTTP server is already closed
    await sequelize.close();
    logger.info('stopped', { duration_ms: Date.now() - started, connections_forced_closed: forced });
  };
  return {
    app, server, io, sequelize, logger, ctx,
    async start(port = config.port) {
      if (options.migrate !== false) {
        const applied = await migrateUp(sequelize, logger);
        if (applied.length) logger.info('migrations applied', { applied });
      }
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, () => { server.off('error', reject); resolve(); });
      });
      return (server.address() as { port: number }).port;
    },
    stop() {
      stopping ??= gracefulStop();
      return stopping;
    },
  };
}
