import { QueryTypes, type Transaction } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { Conflict, NotFound, Unprocessable } from '../core/errors';
import { clinicToday } from '../core/clinic-time';
import { withTransaction } from '../core/transaction';
import { getAppointmentRow, transitionAppointment } from '../appointments/appointments.service';
import { assertTransition } from '../appointments/appointment-status';
import { changeStatus } from '../appointments/appointments.sql';
import { bookWithinTransaction, type ActorRef, type BookingDeps } from '../appointments/booking.service';
import { claimKey, keyOwner, replayFor, storeResponse } from '../appointments/idempotency';
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

/** Reads an appointment for check-in; with `t`, locks its row (`FOR UPDATE`) until commit. */
async function readCheckInTarget(sequelize: Sequelize, appointmentId: string, t?: Transaction): Promise<CheckInTarget> {
  const [row] = await sequelize.query<CheckInTarget>(
    // No join: under FOR UPDATE, PostgreSQL re-checks only the locked row after a wait, so a joined doctors
    // row would stay the old doctor's and a moved appointment would vanish from the result.
    `SELECT a.id, a.patient_id, a.doctor_id, to_char(a.date, 'YYYY-MM-DD') AS date, a.slot, a.status,
            (SELECT d.code FROM doctors d WHERE d.id = a.doctor_id) AS code
       FROM appointments a WHERE a.id = $id${t ? ' FOR UPDATE' : ''}`,
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
    // Re-read and lock the appointment under the counter lock: a racing check-in may have got there first, or a
    // reschedule moved it (new doctor-day, new slot) since the first read — everything below uses this row.
    const now = await readCheckInTarget(deps.sequelize, target.id, t);
    if (now.doctor_id !== target.doctor_id || now.date !== target.date) {
      throw new Conflict('CONCURRENT_UPDATE', 'The appointment was moved while this request ran; retry', { doctor_id: now.doctor_id, date: now.date }, { 'Retry-After': '1' });
    }
    assertCheckInable(now.status);
    await transitionAppointment(deps.sequelize, t, now.id, 'checked_in', actor);
    const token = publicToken(now.code, now.slot);
    const row = await insertQueueEntry(deps.sequelize, t, { appointmentId: now.id, doctorId: now.doctor_id, date: now.date, position: counter.next_position, token });
    return {
      type: 'checked_in', entry: row.entry, nextPosition: counter.next_position + 1,
      result: {
        queue_entry_id: row.id, queue_position: counter.next_position, checked_in_at: row.checked_in_at, token,
        appointment_id: now.id, doctor_id: now.doctor_id, date: now.date,
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

/** A walk-in's idempotency: the key (validated), scoped to the actor, and the request's fingerprint. */
export interface WalkInKey { key: string | null; fingerprint: string }

/**
 * A walk-in: books today's lowest free slot (every booking rule applies) and checks in, in one transaction.
 * Locks: the idempotency key (when given), the day's capacity row (after the doctor row FOR SHARE when the day's
 * row is created), then its queue counter, then the new appointment row — always in that order.
 * A retry with the same key answers the first response (`replayed`), never a second booking.
 * @returns `{status, body: {appointment, ...CheckInResult}, replayed}`. @throws the booking errors and the check-in errors;
 *   Unprocessable `IDEMPOTENCY_KEY_REUSED`; Conflict `IDEMPOTENCY_KEY_IN_USE`.
 */
export async function walkIn(deps: QueueDeps, patientId: string, doctorId: string, actor: QueueActor, idem: WalkInKey = { key: null, fingerprint: '' }): Promise<{ status: number; body: Record<string, unknown>; replayed: boolean }> {
  const date = clinicToday(deps.clinicTimezone, deps.now?.());
  const owner = keyOwner(actor.id);
  return withTransaction(deps.sequelize, async (t) => {
    if (idem.key) {
      const stored = await claimKey(t, owner, idem.key, idem.fingerprint);
      if (stored) return { ...replayFor(stored, idem.fingerprint), replayed: true };
    }
    const appointment = await bookWithinTransaction(deps, t, { patientId, doctorId, date, actor, key: null, fingerprint: '', isWalkIn: true });
    const target = await readCheckInTarget(deps.sequelize, appointment.id as string, t);
    const checkin = await checkInWithin(deps, t, target, actor);
    const body = { ...checkin, appointment: { ...appointment, status: 'checked_in' } };
    if (idem.key) await storeResponse(t, owner, idem.key, 201, body);
    return { status: 201, body, replayed: false };
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
export async function actOnEntry(deps: QueueDeps, id: string, action: keyof typeof ENTRY_MOVES, actor: QueueActor, reason: string | null = null) {
  const move = ENTRY_MOVES[action];
  const e = await getQueueEntry(deps.sequelize, id);
  return withTransaction(deps.sequelize, (t) => queueChange(deps, t, e.doctor_id, e.date, actor, async (counter) => {
    const position = action === 'requeue' ? counter.next_position : undefined;
    const entry = await updateQueueEntry(deps.sequelize, t, { id, from: move.from, to: move.to, stamp: move.stamp, position });
    if (!entry) {
      const now = await readQueueEntry(deps.sequelize, id, t);
      throw new Conflict('INVALID_TRANSITION', `A queue entry that is ${now?.status} cannot be ${action === 'recall' ? 'recalled' : `${action}d`}`, { from: now?.status, action });
    }
    let appointment: Record<string, unknown> | null = null;
    if (action === 'serve') appointment = await transitionAppointment(deps.sequelize, t, e.appointment_id, 'completed', actor);
    if (action === 'skip') appointment = await transitionAppointment(deps.sequelize, t, e.appointment_id, 'no_show', actor, reason ?? 'skipped in queue');
    if (action === 'requeue') {
      appointment = await changeStatus(deps.sequelize, t, { id: e.appointment_id, from: ['no_show'], to: 'checked_in', actorId: actor.id, actorType: actor.type, reason: 'requeued' });
    }
    return {
      type: move.type, entry, nextPosition: position !== undefined ? position + 1 : undefined,
      result: { queue_entry_id: id, appointment_id: e.appointment_id, ...entry, appointment },
    };
  }));
}

/**
 * Marks an appointment a no-show. A checked-in patient still in the queue (waiting or called) is skipped
 * there in the same transaction — the screens drop the token — exactly as `POST /queue-entries/{id}/skip`.
 * @returns the appointment JSON.
 * @throws NotFound `APPOINTMENT_NOT_FOUND` · Conflict `INVALID_TRANSITION` · `CONCURRENT_UPDATE` (checked in meanwhile; retry)
 */
export async function markNoShow(deps: QueueDeps, appointmentId: string, actor: QueueActor, reason: string | null): Promise<Record<string, unknown>> {
  const entryId = await activeEntryOf(deps.sequelize, appointmentId);
  if (entryId) return (await actOnEntry(deps, entryId, 'skip', actor, reason ?? 'marked no-show')).appointment!;
  return withTransaction(deps.sequelize, async (t) => {
    // Only from booked here: a patient checked in since the read above must go through the queue (retry).
    const body = await changeStatus(deps.sequelize, t, { id: appointmentId, from: ['booked'], to: 'no_show', actorId: actor.id, actorType: actor.type, reason });
    if (body) return body;
    const now = await getAppointmentRow(deps.sequelize, appointmentId, t);
    if (now.status !== 'checked_in') assertTransition(now.status, 'no_show');
    throw new Conflict('CONCURRENT_UPDATE', 'The appointment changed while this request ran; retry', undefined, { 'Retry-After': '1' });
  });
}

async function activeEntryOf(sequelize: Sequelize, appointmentId: string): Promise<string | null> {
  const [row] = await sequelize.query<{ id: string }>(
    `SELECT id FROM queue_entries WHERE appointment_id = $appointmentId AND status IN ('waiting', 'called')`,
    { bind: { appointmentId }, type: QueryTypes.SELECT },
  );
  return row?.id ?? null;
}
