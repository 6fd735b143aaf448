import type { Transaction } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { Conflict } from '../core/errors';
import { clinicToday } from '../core/clinic-time';
import { withTransaction } from '../core/transaction';
import { assertBookable, type BookingWindow } from './booking.rules';
import { insertBooking, lockDoctorDay, readBookingContext } from './doctor-day.sql';
import { claimKey, keyOwner, replayFor } from './idempotency';

export interface BookingDeps {
  sequelize: Sequelize;
  clinicTimezone: string;
  bookingHorizonDays: number;
  /** Clock, injectable for tests. */
  now?: () => Date;
}

/** Who acts, for audit rows and idempotency scope. */
export interface ActorRef { id: string | null; type: string | null }

export interface BookRequest {
  patientId: string;
  doctorId: string;
  /** Clinic day `YYYY-MM-DD`. */
  date: string;
  actor: ActorRef;
  /** Idempotency key (already validated) and the request's fingerprint. */
  key: string | null;
  fingerprint: string;
  isWalkIn?: boolean;
}

/** What the route answers: a fresh 201, or a replay of the first answer (`replayed`). */
export interface BookResult { status: number; body: Record<string, unknown>; replayed: boolean }

/** Today in the clinic's zone and the booking horizon: the window {@link assertBookable} checks against. */
export function bookingWindow(deps: BookingDeps): BookingWindow {
  return { today: clinicToday(deps.clinicTimezone, deps.now?.()), horizonDays: deps.bookingHorizonDays };
}

const alreadyBooked = (existingId: string) => new Conflict('ALREADY_BOOKED', 'The patient already has an appointment with this doctor on this day', { existing_id: existingId });
const capacityFull = () => new Conflict('CAPACITY_FULL', 'This doctor-day is fully booked');

/**
 * Says why nothing was booked, from a fresh read (after the lock, so it sees what the locked statement saw):
 * a rule that stopped holding meanwhile (doctor deactivated, day marked absent), the patient's booking, or a full day.
 */
async function whyNothingBooked(deps: BookingDeps, t: Transaction | undefined, req: BookRequest): Promise<never> {
  const ctx = await readBookingContext(deps.sequelize, { doctorId: req.doctorId, patientId: req.patientId, date: req.date, actorKey: keyOwner(req.actor.id), key: null }, t);
  assertBookable(ctx, req.date, bookingWindow(deps));
  throw ctx.existing_id ? alreadyBooked(ctx.existing_id) : capacityFull();
}

/**
 * Books inside a transaction the caller owns (walk-ins check in within the same one): takes the day's
 * capacity row lock and inserts in one statement. No idempotency handling here.
 * @throws the rule errors of {@link assertBookable} · Conflict `CAPACITY_FULL` · `ALREADY_BOOKED` (details `{existing_id}`)
 * @returns the appointment JSON (`{id, appointment_id, patient_id, doctor_id, date, slot, status, is_walk_in, created_at, updated_at}`).
 */
export async function bookWithinTransaction(deps: BookingDeps, t: Transaction, req: BookRequest): Promise<Record<string, unknown>> {
  const ctx = await readBookingContext(deps.sequelize, { doctorId: req.doctorId, patientId: req.patientId, date: req.date, actorKey: keyOwner(req.actor.id), key: null }, t);
  assertBookable(ctx, req.date, bookingWindow(deps));
  try {
    return await lockAndInsert(t, req);
  } catch (err) {
    if (err instanceof NothingBooked) return whyNothingBooked(deps, t, req);
    throw err;
  }
}

/** Thrown inside the transaction when no booking was made, so it rolls back (and with it any claimed key). */
class NothingBooked extends Error {}

async function lockAndInsert(t: Transaction, req: BookRequest): Promise<Record<string, unknown>> {
  const day = await lockDoctorDay(t, req.doctorId, req.date);
  if (!day || day.booked_count >= day.capacity) throw new NothingBooked();
  const body = await insertBooking(t, {
    doctorId: req.doctorId, date: req.date, patientId: req.patientId, capacity: day.capacity, isWalkIn: req.isWalkIn ?? false,
    actorId: req.actor.id, actorType: req.actor.type, actorKey: keyOwner(req.actor.id), key: req.key,
  });
  if (!body) throw new NothingBooked();
  return body;
}

/**
 * Books the lowest free slot of a doctor-day — exact under concurrency: every booking of the day
 * serializes on its capacity row (`SELECT … FOR UPDATE`), so at most `capacity` succeed.
 *
 * Before any lock, one read answers what needs none: a stored idempotent response (replay, or 422 for a
 * different body), the rules (422s), and an already-full day (409 without queueing on the lock).
 * @throws see {@link bookWithinTransaction}; Unprocessable `IDEMPOTENCY_KEY_REUSED`; Conflict `IDEMPOTENCY_KEY_IN_USE`.
 */
export async function bookAppointment(deps: BookingDeps, req: BookRequest): Promise<BookResult> {
  const owner = keyOwner(req.actor.id);
  const ctx = await readBookingContext(deps.sequelize, { doctorId: req.doctorId, patientId: req.patientId, date: req.date, actorKey: owner, key: req.key });
  if (req.key && ctx.idem_fingerprint) {
    return { ...replayFor({ fingerprint: ctx.idem_fingerprint, status: ctx.idem_status, body: ctx.idem_body }, req.fingerprint), replayed: true };
  }
  assertBookable(ctx, req.date, bookingWindow(deps));
  if (ctx.existing_id) throw alreadyBooked(ctx.existing_id);
  if (ctx.cap_booked !== null && ctx.cap_capacity !== null && ctx.cap_booked >= ctx.cap_capacity) throw capacityFull();
  try {
    return await withTransaction(deps.sequelize, async (t) => {
      if (req.key) {
        const stored = await claimKey(t, owner, req.key, req.fingerprint);
        if (stored) return { ...replayFor(stored, req.fingerprint), replayed: true };
      }
      const body = await lockAndInsert(t, req);
      return { status: 201, body, replayed: false };
    });
  } catch (err) {
    // Full, already booked, or the day closed meanwhile: say which after the lock is released.
    if (err instanceof NothingBooked) return whyNothingBooked(deps, undefined, req);
    throw err;
  }
}
