import type { Transaction } from 'sequelize';

/**
 * Domain events: what the outside world may hear of a change (webhooks). A service records an event inside the
 * transaction of the change it describes, so a rolled-back change records nothing; who receives it, how it is
 * shaped and how it leaves is the sink's business (server/webhooks/ implements it: an outbox in PostgreSQL).
 * Declared here, low in the stack, so that every feature can record without importing the webhooks module.
 */

/** Every event type a webhook endpoint may subscribe to. */
export const DOMAIN_EVENT_TYPES = [
  'appointment.booked',
  'appointment.cancelled',
  'appointment.rescheduled',
  'appointment.no_show',
  'appointment.reminder',
  'queue.checked_in',
  'queue.called',
  'queue.served',
  'queue.skipped',
  'queue.requeued',
  'queue.reordered',
  'queue.transferred',
  'doctor.created',
  'doctor.updated',
  'leave.created',
] as const;
export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

/** Options of one recorded event. */
export interface RecordOptions {
  /** The patient the event concerns: endpoints created with `include_patient_contact` get their first name and phone. */
  patientId?: string | null;
  /** The doctor the event concerns: the payload gains `doctor {id, name, code, specialty}` (and `token` with `slot`). */
  doctorId?: string | null;
  /** With `doctorId`: the day's slot, so the payload carries the public token (`DR_A-007`). */
  slot?: number | null;
}

/** Where services record domain events (see server/webhooks/domain-events.ts). */
export interface DomainEvents {
  /**
   * Records `type` with `data` (ids, times, statuses — never patient contact data) inside `t`, the change's own
   * transaction. Resolves once written; it is delivered (at least once) only if `t` commits.
   */
  record(type: DomainEventType, data: Record<string, unknown>, t: Transaction, opts?: RecordOptions): Promise<void>;
  /**
   * Says that the change's own statement recorded an event in `t` (the booking insert writes `appointment.booked`
   * itself: one round trip less under the doctor-day lock), so that delivery starts as soon as `t` commits.
   */
  recordedInStatement(t: Transaction): void;
  /**
   * Whether some endpoint subscribes to `type` now (read inside `t`). An event nobody subscribes to is not stored
   * anyway; a job recording many at once (the reminders) asks once per page instead of sending each.
   */
  subscribed(type: DomainEventType, t: Transaction): Promise<boolean>;
}

/** A sink that drops everything (unit tests, scripts). */
export const NO_EVENTS: DomainEvents = { record: async () => {}, recordedInStatement: () => {}, subscribed: async () => false };
