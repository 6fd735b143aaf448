import type { Logger } from '../core/logger';
import { doctorDayRoom, type Ack, type QueueSubscribeResult } from '../live/live.events';
import type { LiveServer } from '../live/live.server';
import type { QueueRepository } from './queue.repository';
import { subscribeSchema } from './queue.schemas';

/** What the queue's socket handlers need; `screens` counts connected screen-token sockets (`clinic_connected_screens`). */
export interface QueueSocketDeps {
  repo: Pick<QueueRepository, 'publicSnapshot'>;
  clinicTimezone: string;
  /** Today, `YYYY-MM-DD`, in the clinic's zone (the default `date` of a subscription). */
  today: () => string;
  logger: Logger;
  screens?: { inc(): void; dec(): void };
}

const fail = (code: string, message: string) => ({ error: { code, message } });

/**
 * Registers the `queue:subscribe` / `queue:unsubscribe` handlers (see live.events.ts for the protocol).
 * The socket joins the room BEFORE the snapshot is read, so no committed change can fall between the
 * snapshot and the first event (an event the snapshot already holds has version ≤ snapshot.version and is
 * ignored by the client). A screen token may subscribe only to its own doctors.
 */
export function registerQueueSocket(io: LiveServer, deps: QueueSocketDeps): void {
  io.on('connection', (socket) => {
    if (socket.data.actor.type === 'screen') {
      // `clinic_connected_screens` counts screen-token sockets only (staff consoles are not screens).
      deps.screens?.inc();
      socket.on('disconnect', () => deps.screens?.dec());
    }

    socket.on('queue:subscribe', async (req, ack: (res: Ack<QueueSubscribeResult>) => void) => {
      if (typeof ack !== 'function') return;
      const { value, error } = subscribeSchema.validate(req ?? {}, { abortEarly: false });
      if (error) return ack(fail('VALIDATION_ERROR', error.details.map((d) => d.message).join('; ')));
      const actor = socket.data.actor;
      if (actor.type === 'screen' && !actor.doctor_ids.includes(value.doctor_id)) {
        return ack(fail('FORBIDDEN', 'This screen token is not for that doctor'));
      }
      const date: string = value.date ?? deps.today();
      const room = doctorDayRoom(value.doctor_id, date);
      try {
        await socket.join(room);
        const snapshot = await deps.repo.publicSnapshot(value.doctor_id, date);
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

    socket.on('queue:unsubscribe', async (req, ack) => {
      const { value, error } = subscribeSchema.validate(req ?? {});
      if (error) return ack?.(fail('VALIDATION_ERROR', error.message));
      const room = doctorDayRoom(value.doctor_id, value.date ?? deps.today());
      await socket.leave(room);
      ack?.({ data: { left: room } });
    });
  });
}
