import type { Transaction } from 'sequelize';
import type { DomainEvents, DomainEventType, RecordOptions } from '../core/events';
import { eventData } from './payloads';
import type { WebhookRepository } from './webhooks.repository';

/**
 * The outbox implementation of {@link DomainEvents}: each event is written to `webhook_events`, with one
 * `webhook_deliveries` row per subscribed endpoint, in the change's own transaction — one statement, one round
 * trip (see RECORD_EVENT_SQL). A rolled-back change therefore sends nothing; a committed one is delivered at least
 * once by the relay. `onCommitted` (the local relay's poke) runs after commit, so it usually goes out at once.
 */
export function createDomainEvents(repo: WebhookRepository, onCommitted: () => void = () => {}): DomainEvents {
  return {
    async record(type: DomainEventType, recorded: Record<string, unknown>, t: Transaction, opts: RecordOptions = {}) {
      const data = eventData(type, recorded);
      if (!data) return;
      // The doctor object comes from the doctor row in SQL; a doctor.* event already carries its own.
      const doctorId = type.startsWith('doctor.') ? null : (opts.doctorId ?? null);
      await repo.record({ type, data, doctorId, slot: doctorId ? (opts.slot ?? null) : null, patientId: opts.patientId ?? null }, t);
      t.afterCommit(onCommitted);
    },
    recordedInStatement(t: Transaction) {
      t.afterCommit(onCommitted);
    },
    subscribed: (type: DomainEventType, t: Transaction) => repo.subscribed(type, t),
  };
}
