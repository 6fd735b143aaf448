import { QueryTypes, type Transaction } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { Conflict, NotFound, Unprocessable } from '../core/errors';
import { clinicToday } from '../core/clinic-time';
import { withTransaction } from '../core/transaction';
import { transitionAppointment } from '../appointments/appointments.service';
import { bookWithinTransaction, type ActorRef, type BookingDeps } from '../appointments/booking.service';
import type { QueuePublisher } from './queue.publisher';
import { publicToken, type PublicQueueEntry, type QueueEntryStatus, type QueueEventType } from './queue.events';
import {
  firstWaiting, insertQueueEntry, lockQueueCounter, readQueueEntry, recordQueueEvent, updateQueueEntry, type QueueEntryRow,
} from './queue.sql';

export interface QueueDeps extends BookingDeps { publisher: QueuePublisher }

/** Who acts and which request caused it (logged with the event). */
export interface QueueActor extends ActorRef { requestId: string | null }

/** The answer to a check-in or walk-in: `{queue_entry_id, queue_position, checked_in_at, token, appointment_id, doctor_id, date}`. */
export interface CheckInResult {
  queue_entry_id: string; queue_position: number; checked_in_at: string; token: string;
  appointment_id: string; doctor_id: string; date: string;
}

/**
 * One queue change: locks the doctor-day's counter, runs `work`, bumps the version by exactly one and
 * writes the outbox row — in the caller's transaction; the publisher is poked only after commit.
 */
async function queueChange<T>(
  deps: QueueDeps, t: Transaction, doctorId: string, date: string, actor: QueueActor,
  work: (counter: { next_position: number; version: number }) => Promise<{ type: QueueEventType; entry: PublicQueueEntry; nextPosition?: number; result: T }>,
): Promise<T> {
  const counter = await lockQueueCounter(deps.sequelize, t, doctorId, date);
  const out = await work(counter);
  await recordQueueEvent(deps.sequelize, t, {
    doctorId, date, version: counter.version + 1, type: out.type, entry: out.entry, requestId: actor.requestId, nextPosition: out.nextPosition,
  });
  t.afterCommit(() => deps.publisher.poke());
  return out.result;
}

interface CheckInTarget { id: string; patient_id: string; doctor_id: string; date: string; slot: number; status: string; code: string }

async function readCheckInTarget(sequelize: Sequelize, appointmentId: string, t?: Transaction): Promise<CheckInTarget> {
  const [row] = await sequelize.query<CheckInTarget>(
    `SELECT a.id, a.patient_id, a.doctor_id, to_char(a.date, 'YYYY-MM-DD') AS date, a.slot, a.status, d.code
       FROM appointments a JOIN doctors d ON d.id = a.doctor_id WHERE a.id = $id`,
    { bind: { id: appointmentId }, type: QueryTypes.SELECT, transaction: t },
  );
  if (!row) throw new NotFound('No appointment with this id', 'APPOINTMENT_NOT_FOUND');
  return row;
}

function assertCheckInable(status: string): void {
  if (status === 'booked') return;
  if (status === 'checked_in' || status === 'completed') throw new Conflict('ALREADY_CHECKED_IN', 'This appointment is already checked in');
  if (status === 'cancelled') throw new Conflict('APPOINTMENT_CANCELLED', 'This appointment was cancelled');
  throw new Conflict('INVALID_TRANSITION', `An appointment that is ${status} cannot be checked in`, { from: status, to: 'checked_in' });
}

async function checkInWithin(deps: QueueDeps, t: Transaction, target: CheckInTarget, actor: QueueActor): Promise<CheckInResult> {
  return queueChange(deps, t, target.doctor_id, target.date, actor, async (counter) => {
    const now = await readCheckInTarget(deps.sequelize, target.id, t); // re-read under the lock: a racing check-in got there first
    assertCheckInable(now.status);
    await transitionAppointment(deps.sequelize, t, target.id, 'checked_in', actor);
    const token = publicToken(target.code, target.slot);
    const row = await insertQueueEntry(deps.sequelize, t, { appointmentId: target.id, doctorId: target.doctor_id, date: target.date, position: counter.next_position, token });
    return {
      type: 'checked_in', entry: row.entry, nextPosition: counter.next_position + 1,
      result: {
        queue_entry_id: row.id, queue_position: counter.next_position, checked_in_at: row.checked_in_at, token,
        appointment_id: target.id, doctor_id: target.doctor_id, date: target.date,
      },
    };
  });
}

/**
 * Checks a patient in for today's appointment: the appointment becomes `checked_in` and a queue entry takes
 * the doctor-day's next position, in one transaction; screens hear of it after commit.
 * @throws NotFound `APPOINTMENT_NOT_FOUND` · Unprocessable `PATIENT_MISMATCH`, `NOT_APPOINTMENT_DAY` (not today in
 *   CLINIC_TIMEZONE) · Conflict `ALREADY_CHECKED_IN`, `APPOINTMENT_CANCELLED`, `INVALID_TRANSITION`
 */
export async function checkIn(deps: QueueDeps, appointmentId: string, patientId: string, actor: QueueActor): Promise<CheckInResult> {
  const target = await readCheckInTarget(deps.sequelize, appointmentId);
  if (target.patient_id !== patientId) throw new Unprocessable('PATIENT_MISMATCH', 'This appointment belongs to another patient');
  const today = clinicToday(deps.clinicTimezone, deps.now?.());
  if (target.date !== today) throw new Unprocessable('NOT_APPOINTMENT_DAY', `Check-in is only possible on the appointment's day (${target.date}); today is ${today}`, { appointment_date: target.date, today });
  assertCheckInable(target.status);
  return withTransaction(deps.sequelize, (t) => checkInWithin(deps, t, target, actor));
}

/**
 * A walk-in: books today's lowest free slot (every booking rule applies) and checks in, in one transaction.
 * Locks: the day's capacity row, then its queue counter (always in that order).
 * @returns the appointment and the check-in. @throws the booking errors and the check-in errors.
 */
export async function walkIn(deps: QueueDeps, patientId: string, doctorId: string, actor: QueueActor): Promise<{ appointment: Record<string, unknown> } & CheckInResult> {
  const date = clinicToday(deps.clinicTimezone, deps.now?.());
  return withTransaction(deps.sequelize, async (t) => {
    const appointment = await bookWithinTransaction(deps, t, { patientId, doctorId, date, actor, key: null, fingerprint: '', isWalkIn: true });
    const target = await readCheckInTarget(deps.sequelize, appointment.id as string, t);
    const checkin = await checkInWithin(deps, t, target, actor);
    return { ...checkin, appointment: { ...appointment, status: 'checked_in' } };
  });
}

/**
 * Calls the lowest waiting position of a doctor-day. Two clerks pressing at once call two different
 * patients: both serialize on the counter lock. @throws Conflict `QUEUE_EMPTY`
 */
export async function callNext(deps: QueueDeps, doctorId: string, date: string, actor: QueueActor) {
  return withTransaction(deps.sequelize, (t) => queueChange(deps, t, doctorId, date, actor, async () => {
    const next = await firstWaiting(deps.sequelize, t, doctorId, date);
    if (!next) throw new Conflict('QUEUE_EMPTY', 'Nobody is waiting');
    const entry = (await updateQueueEntry(deps.sequelize, t, { id: next.id, from: ['waiting'], to: 'called', stamp: 'called_at' }))!;
    return { type: 'called', entry, result: { queue_entry_id: next.id, appointment_id: next.appointment_id, ...entry } };
  }));
}

const ENTRY_MOVES: Record<'serve' | 'skip' | 'recall' | 'requeue', { from: QueueEntryStatus[]; to: QueueEntryStatus; stamp: 'called_at' | 'served_at' | 'skipped_at' | null; type: QueueEventType }> = {
  serve: { from: ['called'], to: 'served', stamp: 'served_at', type: 'served' },
  skip: { from: ['waiting', 'called'], to: 'skipped', stamp: 'skipped_at', type: 'skipped' },
  recall: { from: ['called'], to: 'called', stamp: 'called_at', type: 'recalled' },
  requeue: { from: ['skipped'], to: 'waiting', stamp: null, type: 'requeued' },
};

/** Loads a queue entry. @throws NotFound `QUEUE_ENTRY_NOT_FOUND` */
export async function getQueueEntry(sequelize: Sequelize, id: string): Promise<QueueEntryRow> {
  const e = await readQueueEntry(sequelize, id);
  if (!e) throw new NotFound('No queue entry with this id', 'QUEUE_ENTRY_NOT_FOUND');
  return e;
}

/**
 * Acts on one queue entry, with the appointment following in the same transaction:
 * `serve` (called → served; appointment → completed), `skip` (waiting|called → skipped; appointment → no_show),
 * `recall` (called → called again, new called_at: announced again), `requeue` (skipped → waiting at the end;
 * the appointment's no_show is reverted to checked_in — the one move outside the machine, audited as `requeued`).
 * @throws NotFound · Conflict `INVALID_TRANSITION`
 */
export async function actOnEntry(deps: QueueDeps, id: string, action: keyof typeof ENTRY_MOVES, actor: QueueActor) {
  const move = ENTRY_MOVES[action];
  const e = await getQueueEntry(deps.sequelize, id);
  return withTransaction(deps.sequelize, (t) => queueChange(deps, t, e.doctor_id, e.date, actor, async (counter) => {
    const position = action === 'requeue' ? counter.next_position : undefined;
    const entry = await updateQueueEntry(deps.sequelize, t, { id, from: move.from, to: move.to, stamp: move.stamp, position });
    if (!entry) {
      const now = await readQueueEntry(deps.sequelize, id, t);
      throw new Conflict('INVALID_TRANSITION', `A queue entry that is ${now?.status} cannot be ${action === 'recall' ? 'recalled' : `${action}d`}`, { from: now?.status, action });
    }
    if (action === 'serve') await transitionAppointment(deps.sequelize, t, e.appointment_id, 'completed', actor);
    if (action === 'skip') await transitionAppointment(deps.sequelize, t, e.appointment_id, 'no_show', actor, 'skipped in queue');
    if (action === 'requeue') {
      await deps.sequelize.query(
        `WITH upd AS (UPDATE appointments SET status = 'checked_in', updated_at = now() WHERE id = $id AND status = 'no_show' RETURNING id)
         INSERT INTO appointment_events (appointment_id, from_status, to_status, actor_id, actor_type, reason) SELECT id, 'no_show', 'checked_in', $actorId, $actorType, 'requeued' FROM upd`,
        { bind: { id: e.appointment_id, actorId: actor.id, actorType: actor.type }, transaction: t },
      );
    }
    return { type: move.type, entry, nextPosition: position !== undefined ? position + 1 : undefined, result: { queue_entry_id: id, appointment_id: e.appointment_id, ...entry } };
  }));
}
