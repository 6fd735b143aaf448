import type { Transaction } from 'sequelize';
import { doctorNotFound } from '../doctor-days/doctor-day.rules';
import type { ActorRef } from '../core/actor';
import { ConcurrentUpdate, Conflict, NotFound, Unprocessable } from '../core/errors';
import { NO_EVENTS, type DomainEvents, type DomainEventType } from '../core/events';
import type { Transactor } from '../core/transaction';
import {
  publicToken,
  type PublicQueueEntry,
  type QueueEntryStatus,
  type QueueEventType,
  type QueueUpdatedEvent,
} from '../live/live.events';
import { assertTransition } from '../appointments/appointment-status';
import type { AppointmentJson } from '../appointments/appointments.repository';
import { appointmentNotFound, type AppointmentsService } from '../appointments/appointments.service';
import type { BookingService, BookResult } from '../appointments/booking.service';
import { keyOwner, replayFor, type IdempotencyKey } from '../appointments/idempotency';
import type { IdempotencyRepository } from '../appointments/idempotency.repository';
import type { CheckInTarget, QueueCounter, QueueEntryRow, QueueRepository } from './queue.repository';

/** What the queue service needs. `poke` wakes the outbox relay after a commit. */
export interface QueueDeps {
  tx: Transactor;
  repo: QueueRepository;
  appointments: AppointmentsService;
  booking: BookingService;
  idempotency: IdempotencyRepository;
  /** Today, `YYYY-MM-DD`, in IANA zone `zone` (the appointment's site's; null: the default site's, CLINIC_TIMEZONE). */
  todayIn: (zone: string | null) => string;
  poke: () => void;
  /** Where queue.* events are recorded, in the change's transaction (default: nowhere). */
  events?: DomainEvents;
}

/** The domain event of each queue change (a recall is announced again: `queue.called`). */
const QUEUE_EVENT: Record<QueueEventType, DomainEventType> = {
  checked_in: 'queue.checked_in',
  called: 'queue.called',
  recalled: 'queue.called',
  served: 'queue.served',
  skipped: 'queue.skipped',
  requeued: 'queue.requeued',
};

/** The answer to a check-in or walk-in: `{queue_entry_id, queue_position, checked_in_at, token, appointment_id, doctor_id, date}`. */
export interface CheckInResult {
  queue_entry_id: string;
  queue_position: number;
  checked_in_at: string;
  token: string;
  appointment_id: string;
  doctor_id: string;
  date: string;
}

/** The queue entry actions: how each moves the entry, and the event it emits. */
const ENTRY_MOVES: Record<
  EntryAction,
  { from: QueueEntryStatus[]; to: QueueEntryStatus; stamp: 'called_at' | 'served_at' | 'skipped_at' | null; type: QueueEventType }
> = {
  serve: { from: ['called'], to: 'served', stamp: 'served_at', type: 'served' },
  skip: { from: ['waiting', 'called'], to: 'skipped', stamp: 'skipped_at', type: 'skipped' },
  recall: { from: ['called'], to: 'called', stamp: 'called_at', type: 'recalled' },
  requeue: { from: ['skipped'], to: 'waiting', stamp: null, type: 'requeued' },
};
/** `POST /queue-entries/{id}/{action}`. */
export type EntryAction = 'serve' | 'skip' | 'recall' | 'requeue';

function assertCheckInable(status: string): void {
  if (status === 'booked') return;
  if (status === 'checked_in' || status === 'completed') throw new Conflict('ALREADY_CHECKED_IN', 'This appointment is already checked in');
  if (status === 'cancelled') throw new Conflict('APPOINTMENT_CANCELLED', 'This appointment was cancelled');
  throw new Conflict('INVALID_TRANSITION', `An appointment that is ${status} cannot be checked in`, { from: status, to: 'checked_in' });
}

const entryNotFound = () => new NotFound('No queue entry with this id', 'QUEUE_ENTRY_NOT_FOUND');

/** The check-in queue of each doctor-day: check-in, walk-in, call, serve, skip, recall, requeue, no-show. */
export function createQueueService({ tx, repo, appointments, booking, idempotency, todayIn, poke, events = NO_EVENTS }: QueueDeps) {
  /**
   * One queue change: locks the doctor-day's counter, runs `work`, bumps the version by exactly one and
   * writes the outbox row with the public snapshot after the change — in the caller's transaction; the relay
   * is poked only after commit.
   */
  async function queueChange<T>(
    t: Transaction,
    doctorId: string,
    date: string,
    actor: ActorRef,
    work: (counter: QueueCounter) => Promise<{ type: QueueEventType; entry: PublicQueueEntry; nextPosition?: number; result: T }>,
  ): Promise<T> {
    const counter = await repo.lockCounter(doctorId, date, t);
    const out = await work(counter);
    const version = counter.version + 1;
    await repo.bumpVersion({ doctorId, date, version, nextPosition: out.nextPosition }, t);
    const snapshot = (await repo.publicSnapshot(doctorId, date, t))!;
    const event: QueueUpdatedEvent = {
      doctor_id: doctorId,
      date,
      version,
      type: out.type,
      entry: out.entry,
      snapshot,
      at: new Date().toISOString(),
    };
    await repo.writeOutbox(event, actor.requestId, t);
    const appointmentId = (out.result as { appointment_id?: string }).appointment_id ?? null;
    await events.record(
      QUEUE_EVENT[out.type],
      { doctor_id: doctorId, date, version, type: out.type, appointment_id: appointmentId, queue_entry: out.entry },
      t,
      { doctorId },
    );
    t.afterCommit(poke);
    return out.result;
  }

  async function target(appointmentId: string, t?: Transaction): Promise<CheckInTarget> {
    const row = await repo.checkInTarget(appointmentId, t);
    if (!row) throw appointmentNotFound();
    return row;
  }

  async function checkInWithin(first: CheckInTarget, actor: ActorRef, t: Transaction): Promise<CheckInResult> {
    return queueChange(t, first.doctor_id, first.date, actor, async (counter) => {
      // Re-read and lock the appointment under the counter lock: a racing check-in may have got there first, or a
      // reschedule moved it (new doctor-day, new slot) since the first read — everything below uses this row.
      const now = await target(first.id, t);
      if (now.doctor_id !== first.doctor_id || now.date !== first.date) {
        throw new ConcurrentUpdate('The appointment was moved while this request ran; retry', { doctor_id: now.doctor_id, date: now.date });
      }
      assertCheckInable(now.status);
      await appointments.transition(now.id, 'checked_in', actor, null, t);
      const token = publicToken(now.code, now.slot);
      const row = await repo.insertEntry(
        {
          appointmentId: now.id,
          doctorId: now.doctor_id,
          date: now.date,
          position: counter.next_position,
          token,
          siteId: now.site_id,
          room: now.room,
        },
        t,
      );
      return {
        type: 'checked_in',
        entry: row.entry,
        nextPosition: counter.next_position + 1,
        result: {
          queue_entry_id: row.id,
          queue_position: counter.next_position,
          checked_in_at: row.checked_in_at,
          token,
          appointment_id: now.id,
          doctor_id: now.doctor_id,
          date: now.date,
        },
      };
    });
  }

  async function entry(id: string): Promise<QueueEntryRow> {
    const e = await repo.findEntry(id);
    if (!e) throw entryNotFound();
    return e;
  }

  /**
   * Acts on one queue entry, with the appointment following in the same transaction:
   * `serve` (called → served; appointment → completed), `skip` (waiting|called → skipped; appointment → no_show),
   * `recall` (called → called again, new called_at: announced again), `requeue` (skipped → waiting at the end;
   * the appointment's no_show is reverted to checked_in — the one move outside the machine, audited as `requeued`).
   * @throws NotFound · Conflict `INVALID_TRANSITION`
   */
  async function act(id: string, action: EntryAction, actor: ActorRef, reason: string | null = null) {
    const move = ENTRY_MOVES[action];
    const e = await entry(id);
    return tx((t) =>
      queueChange(t, e.doctor_id, e.date, actor, async (counter) => {
        const position = action === 'requeue' ? counter.next_position : undefined;
        const moved = await repo.moveEntry({ id, from: move.from, to: move.to, stamp: move.stamp, position }, t);
        if (!moved) {
          const now = await repo.findEntry(id, t);
          throw new Conflict(
            'INVALID_TRANSITION',
            `A queue entry that is ${now?.status} cannot be ${action === 'recall' ? 'recalled' : `${action}d`}`,
            {
              from: now?.status,
              action,
            },
          );
        }
        let appointment: AppointmentJson | null = null;
        if (action === 'serve') appointment = await appointments.transition(e.appointment_id, 'completed', actor, null, t);
        if (action === 'skip')
          appointment = await appointments.transition(e.appointment_id, 'no_show', actor, reason ?? 'skipped in queue', t);
        if (action === 'requeue') appointment = await appointments.move(e.appointment_id, ['no_show'], 'checked_in', actor, 'requeued', t);
        return {
          type: move.type,
          entry: moved,
          nextPosition: position !== undefined ? position + 1 : undefined,
          result: { queue_entry_id: id, appointment_id: e.appointment_id, ...moved, appointment },
        };
      }),
    );
  }

  return {
    /** Loads a queue entry. @throws NotFound `QUEUE_ENTRY_NOT_FOUND` */
    entry,
    act,

    /**
     * Checks a patient in for today's appointment: the appointment becomes `checked_in` and a queue entry takes
     * the doctor-day's next position, in one transaction; screens hear of it after commit.
     * @throws NotFound `APPOINTMENT_NOT_FOUND` · Unprocessable `PATIENT_MISMATCH`, `NOT_APPOINTMENT_DAY` (not today in
     *   CLINIC_TIMEZONE) · Conflict `ALREADY_CHECKED_IN`, `APPOINTMENT_CANCELLED`, `INVALID_TRANSITION`, `CONCURRENT_UPDATE`
     */
    async checkIn(appointmentId: string, patientId: string, actor: ActorRef): Promise<CheckInResult> {
      const first = await target(appointmentId);
      if (first.patient_id !== patientId) throw new Unprocessable('PATIENT_MISMATCH', 'This appointment belongs to another patient');
      const day = todayIn(first.timezone);
      if (first.date !== day) {
        throw new Unprocessable(
          'NOT_APPOINTMENT_DAY',
          `Check-in is only possible on the appointment's day (${first.date}); today is ${day}`,
          {
            appointment_date: first.date,
            today: day,
          },
        );
      }
      assertCheckInable(first.status);
      return tx((t) => checkInWithin(first, actor, t));
    },

    /**
     * A walk-in: books today's lowest free slot (every booking rule applies) and checks in, in one transaction.
     * Locks: the idempotency key (when given), the day's capacity row (after the doctor row FOR SHARE when the day's
     * row is created), then its queue counter, then the new appointment row — always in that order.
     * A retry with the same key answers the first response (`replayed`), never a second booking.
     * @returns `{status, body: {appointment, ...CheckInResult}, replayed}`. @throws the booking errors and the check-in errors;
     *   Unprocessable `IDEMPOTENCY_KEY_REUSED`; Conflict `IDEMPOTENCY_KEY_IN_USE`.
     */
    async walkIn(patientId: string, doctorId: string, actor: ActorRef, idem: IdempotencyKey): Promise<BookResult> {
      const date = todayIn(null);
      const owner = keyOwner(actor.id);
      return tx(async (t) => {
        if (idem.key) {
          const stored = await idempotency.claim(owner, idem.key, idem.fingerprint, t);
          if (stored) return { ...replayFor(stored, idem.fingerprint), replayed: true };
        }
        const appointment = await booking.bookWithin({ patientId, doctorId, date, actor, key: null, fingerprint: '', isWalkIn: true }, t);
        const checkin = await checkInWithin(await target(appointment.id, t), actor, t);
        const body = { ...checkin, appointment: { ...appointment, status: 'checked_in' } };
        if (idem.key) await idempotency.store(owner, idem.key, 201, body, t);
        return { status: 201, body, replayed: false };
      });
    },

    /**
     * Calls the lowest waiting position of a doctor-day. Two clerks pressing at once call two different
     * patients: both serialize on the counter lock. @throws Conflict `QUEUE_EMPTY`
     */
    async callNext(doctorId: string, date: string, actor: ActorRef) {
      return tx((t) =>
        queueChange(t, doctorId, date, actor, async () => {
          const next = await repo.firstWaiting(doctorId, date, t);
          if (!next) throw new Conflict('QUEUE_EMPTY', 'Nobody is waiting');
          const called = (await repo.moveEntry({ id: next.id, from: ['waiting'], to: 'called', stamp: 'called_at' }, t))!;
          return {
            type: 'called',
            entry: called,
            result: { queue_entry_id: next.id, appointment_id: next.appointment_id, checked_in_at: next.checked_in_at, ...called },
          };
        }),
      );
    },

    /**
     * Marks an appointment a no-show. A checked-in patient still in the queue (waiting or called) is skipped
     * there in the same transaction — the screens drop the token — exactly as `POST /queue-entries/{id}/skip`.
     * @returns the appointment JSON.
     * @throws NotFound `APPOINTMENT_NOT_FOUND` · Conflict `INVALID_TRANSITION` · `CONCURRENT_UPDATE` (checked in meanwhile; retry)
     */
    async markNoShow(appointmentId: string, actor: ActorRef, reason: string | null): Promise<AppointmentJson> {
      const entryId = await repo.activeEntryOf(appointmentId);
      if (entryId) return (await act(entryId, 'skip', actor, reason ?? 'marked no-show')).appointment!;
      return tx(async (t) => {
        // Only from booked here: a patient checked in since the read above must go through the queue (retry).
        const body = await appointments.move(appointmentId, ['booked'], 'no_show', actor, reason, t);
        if (body) return body;
        const now = await appointments.row(appointmentId, t);
        if (now.status !== 'checked_in') assertTransition(now.status, 'no_show');
        throw new ConcurrentUpdate('The appointment changed while this request ran; retry');
      });
    },

    /** The staff view of a doctor-day's queue (with names). @throws NotFound `DOCTOR_NOT_FOUND` */
    async staffView(doctorId: string, date: string) {
      const view = await repo.staffView(doctorId, date);
      if (!view) throw doctorNotFound();
      const { called, ...rest } = view;
      return { ...rest, now_serving: called[0] ?? null, called };
    },

    /** The public (no-PHI) snapshot. @throws NotFound `DOCTOR_NOT_FOUND` */
    async publicView(doctorId: string, date: string) {
      const s = await repo.publicSnapshot(doctorId, date);
      if (!s) throw doctorNotFound();
      return s;
    },

    /** Stored `queue:updated` payloads after `sinceVersion` (at most `limit`): `{doctor_id, date, version (current), events}`. */
    async eventsSince(doctorId: string, date: string, sinceVersion: number, limit: number) {
      const { version, events } = await repo.eventsSince(doctorId, date, sinceVersion, limit);
      return { doctor_id: doctorId, date, version, events };
    },
  };
}
export type QueueService = ReturnType<typeof createQueueService>;
