import type { Server as IoServer, Socket } from 'socket.io';
import type { Sequelize } from 'sequelize-typescript';
import type { Actor } from '../core/actor';
import type { Logger } from '../core/logger';
import { clinicToday } from '../core/clinic-time';
import { subscribeSchema } from './queue.schemas';
import { readPublicSnapshot } from './queue.sql';
import {
  doctorDayRoom, type Ack, type ClientToServerEvents, type QueueSubscribeRequest, type QueueSubscribeResult, type ServerToClientEvents,
} from './queue.events';

type QueueSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { actor?: Actor }>;

const fail = (code: string, message: string) => ({ error: { code, message } });

/**
 * Registers the `queue:subscribe` / `queue:unsubscribe` handlers (see queue.events.ts for the protocol).
 * The socket joins the room BEFORE the snapshot is read, so no committed change can fall between the
 * snapshot and the first event (an event the snapshot already holds has version ≤ snapshot.version and is
 * ignored by the client). A screen token may subscribe only to its own doctors. `screens` counts the
 * connected screen-token sockets (the `clinic_connected_screens` gauge).
 */
export function registerQueueSocket(io: IoServer, deps: { sequelize: Sequelize; clinicTimezone: string; logger: Logger; screens?: { inc(): void; dec(): void } }): void {
  io.on('connection', (raw) => {
    const socket = raw as unknown as QueueSocket;
    if (socket.data.actor?.type === 'screen') {
      // `clinic_connected_screens` counts screen-token sockets only (staff consoles are not screens).
      deps.screens?.inc();
      socket.on('disconnect', () => deps.screens?.dec());
    }

    socket.on('queue:subscribe', async (req: QueueSubscribeRequest, ack: (res: Ack<QueueSubscribeResult>) => void) => {
      if (typeof ack !== 'function') return;
      const { value, error } = subscribeSchema.validate(req ?? {}, { abortEarly: false });
      if (error) return ack(fail('VALIDATION_ERROR', error.details.map((d) => d.message).join('; ')));
      const actor = socket.data.actor;
      if (actor?.type === 'screen' && !actor.doctor_ids.includes(value.doctor_id)) {
        return ack(fail('FORBIDDEN', 'This screen token is not for that doctor'));
      }
      const date = value.date ?? clinicToday(deps.clinicTimezone);
      const room = doctorDayRoom(value.doctor_id, date);
      try {
        await socket.join(room);
        const snapshot = await readPublicSnapshot(deps.sequelize, value.doctor_id, date);
        if (!snapshot) {
          await socket.leave(room);
          return ack(fail('DOCTOR_NOT_FOUND', 'No doctor with this id'));
        }
        ack({ data: { snapshot, clinic_timezone: deps.clinicTimezone, server_time: new Date().toISOString() } });
      } catch (err) {
        await socket.leave(room);
        deps.logger.warn('queue:subscribe failed', { error: (err as Error).message });
        ack(fail('SERVICE_UNAVAILABLE', 'Could not read the queue; retry shortly'));
      }
    });

    socket.on('queue:unsubscribe', async (req: QueueSubscribeRequest, ack?: (res: Ack<{ left: string }>) => void) => {
      const { value, error } = subscribeSchema.validate(req ?? {});
      if (error) return ack?.(fail('VALIDATION_ERROR', error.message));
      const room = doctorDayRoom(value.doctor_id, value.date ?? clinicToday(deps.clinicTimezone));
      await socket.leave(room);
      ack?.({ data: { left: room } });
    });
  });
}
