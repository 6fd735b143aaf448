import http from 'node:http';
import express from 'express';
import { Server as IoServer } from 'socket.io';
import swaggerUi from 'swagger-ui-express';
import cors from 'cors';
import type { Pool as PgPool } from 'pg';
import type { Sequelize } from 'sequelize-typescript';
import type { Config } from './core/config';
import { createLogger, type Logger } from './core/logger';
import { createSequelize } from './core/db';
import { migrateUp } from './core/migrator';
import { errorHandler, jsonBody, mountedAt, notFoundHandler, requestId, requestLog } from './core/http';
import { applyHeaders, originAllowed, securityHeaders } from './core/security-headers';
import { createHttpDrainer, runShutdownHooks } from './core/shutdown';
import { buildOpenApi } from './core/openapi';
import { countAccountSockets, sendSocketsElsewhere, type LiveServer } from './live/live.server';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from './live/live.events';
import { models } from './models';
import { createServices, type Services } from './services';
import { apiRouters, publicApiRouters, rootRouters } from './routes';
import { registerQueueSocket } from './queue/queue.socket';
import { useSocketAdapter } from './queue/socket-adapter';
import { runSeeders } from './cli/seed-runner';
import { authenticate } from './auth/authenticate';
import { registerActorRooms, socketAuth } from './auth/socket-auth';
import type { BootstrapAccount } from './users/bootstrap';
import { createMetrics } from './metrics/metrics';
import { httpMetrics } from './metrics/http-metrics';

export interface CreateAppOptions {
  /** A logger to use instead of a console one (tests pass one with a memory transport). */
  logger?: Logger;
  /** Run pending migrations in `start()` (default true). */
  migrate?: boolean;
  /** Tests only: drop after-commit queue publishes, as if the process died right after commit. */
  suppressAfterCommitPublish?: boolean;
  /** Run the seeders (demo doctors) in `start()`, after migrating (default false; main.ts sets it for the embedded default). */
  seed?: boolean;
  /**
   * Create demo accounts (admin, reception, doctor) with random passwords when no user exists and
   * ADMIN_EMAIL/ADMIN_PASSWORD are unset (default false; main.ts sets it for the embedded default).
   */
  demoAccounts?: boolean;
  /** Create the first accounts in `start()` when no user exists (default true; tests turn it off). */
  bootstrap?: boolean;
  /** Called once with the accounts that `start()` created (with their passwords), e.g. to print them. */
  onAccountsCreated?: (accounts: BootstrapAccount[]) => void;
}

/** What `createApp` returns: the pieces, plus `start()` / `stop()`. */
export interface App {
  app: express.Express;
  server: http.Server;
  io: LiveServer;
  sequelize: Sequelize;
  logger: Logger;
  /** The app's services, built once by the composition root (server/services.ts). */
  ctx: Services;
  /**
   * Migrates (under the advisory lock), seeds if asked, creates the first accounts when none exist, and listens
   * on `port` (default `config.port`; 0 = random). Resolves to the bound port.
   */
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
  const { databaseUrl, jwtSecret } = config;
  if (!databaseUrl) throw new Error('createApp needs config.databaseUrl');
  if (!jwtSecret) throw new Error('createApp needs config.jwtSecret');
  const logger = options.logger ?? createLogger(config.logLevel);
  const sequelize = createSequelize({
    url: databaseUrl,
    poolMax: config.dbPoolMax,
    acquireTimeoutMs: config.dbAcquireTimeoutMs,
    models,
    logger,
  });
  const app = express();
  // Slow clients (Slowloris, a body dribbled byte by byte) must not hold a connection for Node's default
  // 300 s: the headers must arrive within HTTP_HEADERS_TIMEOUT_MS and the whole request within
  // HTTP_REQUEST_TIMEOUT_MS, else 408 and close. Node checks these every `connectionsCheckingInterval`
  // (default 30 s, which would stretch a 30 s bound to 60 s), so check often. Answers and WebSockets are not
  // bounded by them (a long-poll or a slow database answer is not a slow client).
  const server = http.createServer({ connectionsCheckingInterval: Math.min(1000, Math.floor(config.httpHeadersTimeoutMs / 2)) }, app);
  server.requestTimeout = config.httpRequestTimeoutMs;
  server.headersTimeout = config.httpHeadersTimeoutMs;
  server.keepAliveTimeout = config.httpKeepAliveTimeoutMs;
  const io: LiveServer = new IoServer<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>(server, {
    serveClient: true,
    cors: config.corsOrigins.length ? { origin: config.corsOrigins } : undefined,
    // CORS does not cover WebSockets: check Origin on every polling request and upgrade (refused: 403 / 400).
    allowRequest: (req, done) => {
      const ok = originAllowed(req.headers.origin, req.headers.host, config.corsOrigins);
      done(ok ? null : 'Origin not allowed', ok);
    },
  });
  // The same security headers on every HTTP answer: prepended, so they are set before Socket.IO's handlers answer
  // /socket.io/ (polling, the client bundle) without Express ever seeing the request; and as an Engine.IO
  // middleware, which also runs for WebSocket upgrades (its headers go into the 101).
  const headers = securityHeaders();
  server.prependListener('request', (_req, res) => applyHeaders(res, headers));
  io.engine.use((_req: unknown, res: Pick<http.ServerResponse, 'setHeader'>, next: () => void) => {
    applyHeaders(res, headers);
    next();
  });
  const metrics = createMetrics(sequelize);
  const drainer = createHttpDrainer(server, logger);
  const ctx = createServices({
    config: { ...config, databaseUrl, jwtSecret },
    logger,
    sequelize,
    io,
    metrics,
    suppressAfterCommitPublish: options.suppressAfterCommitPublish,
  });
  ctx.onShutdown(() => ctx.publisher.stop()); // drain the outbox while the pool is still open
  ctx.onShutdown(() => ctx.credentialCache.close());
  ctx.onShutdown(() => ctx.integrations.stop()); // let webhook attempts in flight finish (each bounded by WEBHOOK_TIMEOUT_MS)
  io.use(
    socketAuth(ctx.resolveActor, logger, {
      maxSocketsPerScreen: config.screenMaxSocketsPerToken,
      countSockets: (actor) => countAccountSockets(io, actor),
    }),
  );
  registerActorRooms(io);
  registerQueueSocket(io, {
    repo: ctx.repos.queue,
    clinicTimezone: config.clinicTimezone,
    today: ctx.today,
    logger,
    screens: metrics.connectedScreens,
    siteCovers: ctx.doctorDays.siteCovers,
    maxRoomsPerSocket: config.socketMaxRoomsPerSocket,
  });

  app.disable('x-powered-by');
  app.set('etag', false); // API answers are small and not cached; hashing each body is wasted work
  app.set('trust proxy', config.trustProxy);
  app.use(drainer.middleware);
  app.use(requestId());
  app.use(requestLog(logger));
  app.use(httpMetrics(metrics));
  app.use(cors({ origin: config.corsOrigins.length ? config.corsOrigins : false }));
  app.use(jsonBody());

  for (const makeRouter of rootRouters) app.use(makeRouter(ctx));
  const openapi = buildOpenApi();
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(openapi, { customSiteTitle: 'Clinic front desk API' }));
  for (const makeRouter of publicApiRouters) app.use('/api/v1', mountedAt(), makeRouter(ctx));
  app.use('/api/v1', authenticate(ctx.resolveActor), ctx.apiKeyRateLimit);
  for (const makeRouter of apiRouters) app.use('/api/v1', mountedAt(), makeRouter(ctx));

  app.use(notFoundHandler());
  app.use(errorHandler(logger));

  const timers: NodeJS.Timeout[] = [];
  let adapterPool: PgPool | undefined;
  let stopping: Promise<void> | undefined;
  const gracefulStop = async () => {
    const started = Date.now();
    const timeoutMs = config.shutdownTimeoutMs;
    const draining = drainer.drain(timeoutMs); // stops accepting now; resolves when in-flight requests are done
    sendSocketsElsewhere(io);
    const forced = await draining;
    for (const timer of timers) clearInterval(timer);
    await runShutdownHooks(ctx.shutdownHooks, timeoutMs, logger);
    await new Promise<void>((resolve) => io.close(() => resolve())); // adapters; the HTTP server is already closed
    await adapterPool?.end().catch(() => {});
    await sequelize.close();
    logger.info('stopped', { duration_ms: Date.now() - started, connections_forced_closed: forced });
  };
  return {
    app,
    server,
    io,
    sequelize,
    logger,
    ctx,
    async start(port = config.port) {
      if (options.migrate !== false) {
        const applied = await migrateUp(sequelize, logger);
        if (applied.length) logger.info('migrations applied', { applied });
      }
      if (options.seed) await runSeeders(sequelize, logger);
      if (options.bootstrap !== false) {
        const created = await ctx.bootstrap(options.demoAccounts ?? false);
        if (created.length) options.onAccountsCreated?.(created);
      }
      timers.push(
        setInterval(() => {
          ctx.repos.idempotency
            .purgeExpired()
            .catch((err: unknown) => logger.warn('idempotency key purge failed', { error: (err as Error).message }));
        }, 3_600_000).unref(),
      );
      timers.push(
        setInterval(() => {
          ctx.repos.apiKeys
            .pruneUsage()
            .catch((err: unknown) => logger.warn('API key usage prune failed', { error: (err as Error).message }));
        }, 60_000).unref(),
      );
      if (config.socketAdapter === 'postgres') adapterPool = useSocketAdapter(io, databaseUrl, logger);
      ctx.credentialCache.start();
      ctx.publisher.start();
      ctx.integrations.start();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, () => {
          server.off('error', reject);
          resolve();
        });
      });
      return (server.address() as { port: number }).port;
    },
    stop() {
      stopping ??= gracefulStop();
      return stopping;
    },
  };
}
