import type { Server as IoServer } from 'socket.io';
import type { Sequelize } from 'sequelize-typescript';
import type { Config } from './config';
import type { Logger } from './logger';
import type { QueuePublisher } from '../queue/queue.publisher';
import type { ShutdownHook } from './shutdown';
import type { Metrics } from '../metrics/metrics';

/** What every feature's router factory receives: built once per app by `createApp`. */
export interface AppContext {
  config: Config;
  logger: Logger;
  sequelize: Sequelize;
  io: IoServer;
  /** The queue outbox relay: poked after each committed queue change. */
  queue: QueuePublisher;
  /** This app's Prometheus instruments (its own registry); features increment them. */
  metrics: Metrics;
  /**
   * Registers `hook` to run during graceful shutdown: after in-flight HTTP requests have finished and
   * Socket.IO clients were sent elsewhere, before the Socket.IO adapters and the database pool close
   * (so a hook may still query and broadcast, e.g. drain the outbox relay). Hooks run in registration
   * order, each bounded by `SHUTDOWN_TIMEOUT_MS`; a failure is logged and does not stop the shutdown.
   */
  onShutdown(hook: ShutdownHook): void;
}
