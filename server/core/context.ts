import type { Server as IoServer } from 'socket.io';
import type { Sequelize } from 'sequelize-typescript';
import type { Config } from './config';
import type { Logger } from './logger';
import type { QueuePublisher } from '../queue/queue.publisher';

/** What every feature's router factory receives: built once per app by `createApp`. */
export interface AppContext {
  config: Config;
  logger: Logger;
  sequelize: Sequelize;
  io: IoServer;
  /** The queue outbox relay: poked after each committed queue change. */
  queue: QueuePublisher;
}
