import http from 'node:http';
import express from 'express';
import { Server as IoServer } from 'socket.io';
import swaggerUi from 'swagger-ui-express';
import type { Sequelize } from 'sequelize-typescript';
import type { Config } from './core/config';
import { createLogger, type Logger } from './core/logger';
import { createSequelize } from './core/db';
import { migrateUp } from './core/migrator';
import { errorHandler, jsonBody, notFoundHandler, requestId, requestLog } from './core/http';
import { buildOpenApi } from './core/openapi';
import type { AppContext } from './core/context';
import { models } from './models';
import { apiRouters } from './routes';
import { healthRouter } from './health/health.routes';
import { displayRouter } from './display/display.routes';
import { purgeExpiredKeys } from './appointments/idempotency';

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
  /** Closes sockets, the HTTP server and the database pool. Idempotent. */
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
  const ctx: AppContext = { config, logger, sequelize, io };

  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(requestId());
  app.use(requestLog(logger));
  app.use(jsonBody());

  app.use(healthRouter(ctx));
  app.use(displayRouter(ctx));
  const openapi = buildOpenApi();
  app.get('/openapi.json', (_req, res) => { res.json(openapi); });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(openapi, { customSiteTitle: 'Clinic front desk API' }));
  for (const makeRouter of apiRouters) app.use('/api/v1', makeRouter(ctx));

  app.use(notFoundHandler());
  app.use(errorHandler(logger));

  let stopped = false;
  const timers: NodeJS.Timeout[] = [];
  return {
    app, server, io, sequelize, logger, ctx,
    async start(port = config.port) {
      if (options.migrate !== false) {
        const applied = await migrateUp(sequelize, logger);
        if (applied.length) logger.info('migrations applied', { applied });
      }
      timers.push(setInterval(() => {
        purgeExpiredKeys(sequelize).catch((err) => logger.warn('idempotency key purge failed', { error: (err as Error).message }));
      }, 3_600_000).unref());
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, () => { server.off('error', reject); resolve(); });
      });
      return (server.address() as { port: number }).port;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
      await sequelize.close();
    },
  };
}
