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
import { streakAfter, type Priority } from './waiting-order';

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
  /** The doctor-day capacity row lock (`SELECT … FOR UPDATE`), the one every booking of that day takes. */
  lockDay: (doctorId: string, date: string, t: Transaction) => Promise<unknown>;
}

/** The answer to a transfer: the new entry (CheckInResult) plus where it came from. */
export interface TransferResult extends CheckInResult {
  /** True when a walk-in appointment was booked with the new doctor (false: the patient's booking there was checked in). */
  booked: boolean;
  transferred_from: { queue_entry_id: string; appointment_id: string; doctor_id: string; date: string };
}

/** The domain event of each queue change (a recall is announced again: `queue.called`). */
const QUEUE_EVENT: Record<QueueEventType, DomainEventType> = {
  checked_in: 'queue.checked_in',
  called: 'queue.called',
  recalled: 'queue.called',
  served: 'queue.served',
  skipped: 'queue.skipped',
  requeued: 'queue.requeued',
  reordered: 'queue.reordered',
  transferred: 'queue.transferred',
};

/** What one change of a doctor-day's queue did (see `queueChange`). */
interface ChangeOutcome<T> {
  type: QueueEventType;
  entry: PublicQueueEntry;
  nextPosition?: number;
  /** The counter's new priority streak (call-next only). */
  priorityStreak?: number;
  /** Extra fields of the recorded domain event (a transfer's other doctor). */
  eventData?: Record<string, unknown>;
  result: T;
}

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
export function createQueueService({
  tx,
  repo,
  appointments,
  booking,
  idempotency,
  todayIn,
  poke,
  lockDay,
  events = NO_EVENTS,
}: QueueDeps) {
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
    work: (counter: QueueCounter) => Promise<ChangeOutcome<T>>,
  ): Promise<T> {
    const counter = await repo.lockCounter(doctorId, date, t);
    const out = await work(counter);
    await publish(t, doctorId, date, counter, actor, out);
    return out.result;
  }

  /**
   * The second half of a queue change, with the day's counter already locked: bumps the version by exactly one,
   * writes the outbox row with the public snapshot after the change and records the domain event; the relay is
   * poked after commit. A transfer calls it once for each of its two days.
   */
  async function publish<T>(t: Transaction, doctorId: string, date: string, counter: QueueCounter, actor: ActorRef, out: ChangeOutcome<T>) {
    const version = counter.version + 1;
    await repo.bumpVersion({ doctorId, date, version, nextPosition: out.nextPosition, priorityStreak: out.priorityStreak }, t);
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
      { doctor_id: doctorId, date, version, type: out.type, appointment_id: appointmentId, queue_entry: out.entry, ...out.eventData },
      t,
      { doctorId },
    );
    t.afterCommit(poke);
  }

  async function target(appointmentId: string, t?: Transaction): Promise<CheckInTarget> {
    const row = await repo.checkInTarget(appointmentId, t);
    if (!row) throw appointmentNotFound();
    return row;
  }

  /** Check-in under the day's counter lock (`lockedCounter`: a transfer already holds it). */
  async function checkInWithin(
    first: CheckInTarget,
    actor: ActorRef,
    t: Transaction,
    opts: { priority?: Priority; queuedAt?: string | null; lockedCounter?: QueueCounter; reason?: string } = {},
  ): Promise<CheckInResult> {
    const work = async (counter: QueueCounter): Promise<ChangeOutcome<CheckInResult>> => {
      // Re-read and lock the appointment under the counter lock: a racing check-in may have got there first, or a
      // reschedule moved it (new doctor-day, new slot) since the first read — everything below uses this row.
      const now = await target(first.id, t);
      if (now.doctor_id !== first.doctor_id || now.date !== first.date) {
        throw new ConcurrentUpdate('The appointment was moved while this request ran; retry', { doctor_id: now.doctor_id, date: now.date });
      }
      assertCheckInable(now.status);
      await appointments.transition(now.id, 'checked_in', actor, opts.reason ?? null, t);
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
          priority: opts.priority ?? 'normal',
          queuedAt: opts.queuedAt ?? null,
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
    };
    if (!opts.lockedCounter) return queueChange(t, first.doctor_id, first.date, actor, work);
    const out = await work(opts.lockedCounter);
    await publish(t, first.doctor_id, first.date, opts.lockedCounter, actor, out);
    return out.result;
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

  /** INVALID_TRANSITION for an entry that is not (or no longer) waiting or called. */
  async function notMovable(id: string, action: string, t: Transaction): Promise<never> {
    const now = await repo.findEntry(id, t);
    throw new Conflict('INVALID_TRANSITION', `A queue entry that is ${now?.status} cannot be ${action}`, { from: now?.status, action });
  }

  /**
   * Changes a waiting or called entry's priority (`PATCH /queue-entries/{id}`): one queue change (one version,
   * type `reordered`), audited on the appointment (reason "priority changed", data `{from, to}`). The public entry
   * carries no priority: screens see only the new order.
   * @throws NotFound `QUEUE_ENTRY_NOT_FOUND` · Conflict `INVALID_TRANSITION`
   */
  async function setPriority(id: string, priority: Priority, actor: ActorRef) {
    const e = await entry(id);
    return tx((t) =>
      queueChange(t, e.doctor_id, e.date, actor, async () => {
        const changed = await repo.setPriority(id, priority, t);
        if (!changed) return notMovable(id, 'given a priority', t);
        await appointments.note(e.appointment_id, actor, 'priority changed', { from: changed.before, to: priority }, t);
        return {
          type: 'reordered',
          entry: changed.entry,
          result: { queue_entry_id: id, appointment_id: e.appointment_id, priority, ...changed.entry },
        };
      }),
    );
  }

  /**
   * Moves a waiting or called patient to another doctor's queue on the same day, atomically. Locks, in the one
   * order every path follows (capacity rows, then queue counters, then appointment rows): both days' capacity rows
   * in doctor-id order (the origin's, whose appointment is cancelled — freeing its slot — and the target's, where a
   * walk-in is booked when the patient has no booking there), then both queue counters in doctor-id order; so two
   * opposite transfers cannot deadlock. The entry here becomes `transferred`; the patient is checked in there at the
   * end, or with `keepPlace` ordered by their original queue time; priority goes with them. Each queue gets its own
   * version and event (`transferred` here, `checked_in` there); both appointments are audited.
   * @throws NotFound `QUEUE_ENTRY_NOT_FOUND`, `DOCTOR_NOT_FOUND` · Unprocessable `SAME_DOCTOR` and the booking rules' 422s ·
   *   Conflict `INVALID_TRANSITION`, `ALREADY_CHECKED_IN`, `CAPACITY_FULL`, `CONCURRENT_UPDATE`
   */
  async function transfer(id: string, toDoctorId: string, keepPlace: boolean, actor: ActorRef): Promise<TransferResult> {
    const e = await entry(id);
    if (e.doctor_id === toDoctorId) throw new Unprocessable('SAME_DOCTOR', "The patient is already in this doctor's queue");
    if (e.status !== 'waiting' && e.status !== 'called') {
      throw new Conflict('INVALID_TRANSITION', `A queue entry that is ${e.status} cannot be transferred`, {
        from: e.status,
        action: 'transfer',
      });
    }
    return tx(async (t) => {
      const existing = await repo.appointmentOf(e.patient_id, toDoctorId, e.date, t);
      if (existing?.status === 'checked_in') {
        throw new Conflict('ALREADY_CHECKED_IN', "The patient is already in that doctor's queue", { appointment_id: existing.id });
      }
      const made: { booked: AppointmentJson | null } = { booked: null };
      const bookThere = async () => {
        if (existing) return;
        made.booked = await booking.bookWithin(
          { patientId: e.patient_id, doctorId: toDoctorId, date: e.date, actor, key: null, fingerprint: '', isWalkIn: true },
          t,
        );
      };
      // Capacity rows in doctor-id order (bookWithin takes the target's).
      if (e.doctor_id < toDoctorId) {
        await lockDay(e.doctor_id, e.date, t);
        await bookThere();
      } else {
        await bookThere();
        await lockDay(e.doctor_id, e.date, t);
      }
      // The new walk-in is ours alone (lock it); an existing booking is read unlocked here — check-in locks it after
      // the counter, as every check-in does.
      const there = made.booked ? await target(made.booked.id, t) : await target(existing!.id);
      // Queue counters in doctor-id order.
      const [first, second] = e.doctor_id < toDoctorId ? [e.doctor_id, toDoctorId] : [toDoctorId, e.doctor_id];
      const counters = new Map<string, QueueCounter>();
      counters.set(first, await repo.lockCounter(first, e.date, t));
      counters.set(second, await repo.lockCounter(second, e.date, t));
      // Under the locks: the entry must still be waiting or called (a call, skip or another transfer may have won).
      const now = (await repo.findEntry(id, t))!;
      if (now.status !== 'waiting' && now.status !== 'called') return notMovable(id, 'transferred', t);
      const checkin = await checkInWithin(there, actor, t, {
        priority: now.priority,
        queuedAt: keepPlace ? now.queued_at : null,
        lockedCounter: counters.get(toDoctorId)!,
        reason: `transferred from ${now.token}`,
      });
      const moved = (await repo.moveEntry(
        { id, from: ['waiting', 'called'], to: 'transferred', stamp: null, transferredTo: checkin.queue_entry_id },
        t,
      ))!;
      await booking.cancelWithin(e.appointment_id, ['checked_in'], actor, `transferred to ${checkin.token}`, t);
      const transferred_from = { queue_entry_id: id, appointment_id: e.appointment_id, doctor_id: e.doctor_id, date: e.date };
      await publish(t, e.doctor_id, e.date, counters.get(e.doctor_id)!, actor, {
        type: 'transferred',
        entry: moved,
        eventData: { to_doctor_id: toDoctorId },
        result: { appointment_id: e.appointment_id },
      });
      return { ...checkin, booked: made.booked !== null, transferred_from };
    });
  }

  /**
   * Completes a visit without calling its token (`POST /appointments/{id}/complete`): booked, or checked in with
   * the entry waiting or called → `completed`; an entry still in the queue is closed as `served` in the same
   * change (one version, type `served`), under the counter lock call-next takes, so the two never both win.
   * Only on or after the appointment's day (in its site's zone).
   * @throws NotFound `APPOINTMENT_NOT_FOUND` · Unprocessable `NOT_APPOINTMENT_DAY` · Conflict `INVALID_TRANSITION`,
   *   `CONCURRENT_UPDATE` (checked in meanwhile; retry)
   */
  async function complete(appointmentId: string, actor: ActorRef, reason: string | null): Promise<AppointmentJson> {
    const a = await target(appointmentId);
    const day = todayIn(a.timezone);
    if (a.date > day) {
      throw new Unprocessable('NOT_APPOINTMENT_DAY', `A visit can be completed on its day (${a.date}) or later; today is ${day}`, {
        appointment_date: a.date,
        today: day,
      });
    }
    const entryId = await repo.activeEntryOf(appointmentId);
    if (entryId) {
      const e = await entry(entryId);
      return tx((t) =>
        queueChange(t, e.doctor_id, e.date, actor, async () => {
          const moved = await repo.moveEntry({ id: entryId, from: ['waiting', 'called'], to: 'served', stamp: 'served_at' }, t);
          if (!moved) return notMovable(entryId, 'completed', t);
          const appointment = await appointments.transition(appointmentId, 'completed', actor, reason ?? 'completed', t);
          return { type: 'served', entry: moved, result: appointment };
        }),
      );
    }
    return tx(async (t) => {
      // Only from booked here: a patient checked in since the read above is in the queue now (retry).
      const body = await appointments.move(appointmentId, ['booked'], 'completed', actor, reason ?? 'completed without the queue', t);
      if (body) return body;
      const now = await appointments.row(appointmentId, t);
      if (now.status !== 'checked_in') assertTransition(now.status, 'completed');
      throw new ConcurrentUpdate('The appointment changed while this request ran; retry');
    });
  }

  return {
    /** Loads a queue entry. @throws NotFound `QUEUE_ENTRY_NOT_FOUND` */
    entry,
    act,
    setPriority,
    transfer,
    complete,

    /**
     * Checks a patient in for today's appointment: the appointment becomes `checked_in` and a queue entry takes
     * the doctor-day's next position, in one transaction; screens hear of it after commit.
     * @throws NotFound `APPOINTMENT_NOT_FOUND` · Unprocessable `PATIENT_MISMATCH`, `NOT_APPOINTMENT_DAY` (not today in
     *   CLINIC_TIMEZONE) · Conflict `ALREADY_CHECKED_IN`, `APPOINTMENT_CANCELLED`, `INVALID_TRANSITION`, `CONCURRENT_UPDATE`
     */
    async checkIn(appointmentId: string, patientId: string, actor: ActorRef, priority: Priority = 'normal'): Promise<CheckInResult> {
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
      return tx((t) => checkInWithin(first, actor, t, { priority }));
    },

    /**
     * A walk-in: books today's lowest free slot (every booking rule applies) and checks in, in one transaction.
     * Locks: the idempotency key (when given), the day's capacity row (after the doctor row FOR SHARE when the day's
     * row is created), then its queue counter, then the new appointment row — always in that order.
     * A retry with the same key answers the first response (`replayed`), never a second booking.
     * @returns `{status, body: {appointment, ...CheckInResult}, replayed}`. @throws the booking errors and the check-in errors;
     *   Unprocessable `IDEMPOTENCY_KEY_REUSED`; Conflict `IDEMPOTENCY_KEY_IN_USE`.
     */
    async walkIn(
      patientId: string,
      doctorId: string,
      actor: ActorRef,
      idem: IdempotencyKey,
      priority: Priority = 'normal',
    ): Promise<BookResult> {
      const date = todayIn(null);
      const owner = keyOwner(actor.id);
      return tx(async (t) => {
        if (idem.key) {
          const stored = await idempotency.claim(owner, idem.key, idem.fingerprint, t);
          if (stored) return { ...replayFor(stored, idem.fingerprint), replayed: true };
        }
        const appointment = await booking.bookWithin({ patientId, doctorId, date, actor, key: null, fingerprint: '', isWalkIn: true }, t);
        const checkin = await checkInWithin(await target(appointment.id, t), actor, t, { priority });
        const body = { ...checkin, appointment: { ...appointment, status: 'checked_in' } };
        if (idem.key) await idempotency.store(owner, idem.key, 201, body, t);
        return { status: 201, body, replayed: false };
      });
    },

    /**
     * Calls the next waiting patient of a doctor-day by the waiting order (server/queue/waiting-order.ts: emergency,
     * then priority with the PRIORITY_STREAK rule, then check-in order). Two clerks pressing at once call two
     * different patients: both serialize on the counter lock. @throws Conflict `QUEUE_EMPTY`
     */
    async callNext(doctorId: string, date: string, actor: ActorRef) {
      return tx((t) =>
        queueChange(t, doctorId, date, actor, async (counter) => {
          const next = await repo.nextWaiting(doctorId, date, counter.priority_streak, t);
          if (!next) throw new Conflict('QUEUE_EMPTY', 'Nobody is waiting');
          const called = (await repo.moveEntry({ id: next.id, from: ['waiting'], to: 'called', stamp: 'called_at' }, t))!;
          return {
            type: 'called',
            entry: called,
            priorityStreak: streakAfter(next.priority, counter.priority_streak),
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
