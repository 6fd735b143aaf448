import type { Transaction } from 'sequelize';
import type { ActorRef } from '../core/actor';
import { ConcurrentUpdate, Conflict, Unprocessable } from '../core/errors';
import { NO_EVENTS, type DomainEvents } from '../core/events';
import type { Transactor } from '../core/transaction';
import type { BookingWindow } from '../doctor-days/doctor-day.rules';
import type { BookingContextRow, DoctorDayRepository } from '../doctor-days/doctor-day.repository';
import { candidatesFor, dayViewOf, noSlotError, type CandidateSlots, type DayView, type SlotWish } from '../doctor-days/day-view';
import { assertTransition, type AppointmentStatus } from './appointment-status';
import type { AppointmentJson, AppointmentRepository } from './appointments.repository';
import { appointmentNotFound } from './appointments.service';
import { alreadyBooked, assertBookable, capacityFull } from './booking.rules';
import { keyOwner, replayFor, type IdempotencyKey } from './idempotency';
import type { IdempotencyRepository } from './idempotency.repository';

/** What booking needs. */
export interface BookingDeps {
  tx: Transactor;
  doctorDays: DoctorDayRepository;
  appointments: AppointmentRepository;
  idempotency: IdempotencyRepository;
  /** Today and the booking horizon, now, in IANA zone `zone` (a day's zone). */
  windowIn: (zone: string) => BookingWindow;
  /** The default site's zone (`CLINIC_TIMEZONE`). */
  clinicTimezone: string;
  /** Where appointment.* events are recorded, in the change's transaction (default: nowhere). */
  events?: DomainEvents;
  /** Booking by mobile number: finds or creates the patient (the patients repository, from the composition root). */
  patients?: PatientsByPhone;
}

/** A patient named by mobile number instead of an id (`POST /appointments {patient: …}`); `phone` as given (normalized by {@link PatientsByPhone}). */
export interface PatientByPhone {
  first_name: string;
  last_name: string | null;
  phone: string;
  age: number | null;
  email: string | null;
}

/** How booking finds or creates a patient by (phone, lower(first_name)), the key patients are unique by. */
export interface PatientsByPhone {
  /** The id of the patient with this phone and first name, or null. No lock. */
  find(p: PatientByPhone): Promise<string | null>;
  /**
   * The id of that patient, created inside `t` when there is none (`INSERT … ON CONFLICT DO NOTHING`, then a select:
   * of two racing requests one creates it and the other waits on the unique index, then finds it).
   */
  ensure(p: PatientByPhone, createdBy: string | null, t: Transaction): Promise<string>;
}

/** One booking request: the lowest free slot of the day, or of one site (`siteId`), or one slot (`startTime`). */
export interface BookRequest extends IdempotencyKey, SlotWish {
  patientId: string;
  doctorId: string;
  /** Clinic day `YYYY-MM-DD`. */
  date: string;
  actor: ActorRef;
  isWalkIn?: boolean;
}

/** A booking as the route asks for it: a patient id, or `patient` by mobile number (then `patientId` is null). */
export type BookInput = Omit<BookRequest, 'patientId'> & { patientId: string | null; patient?: PatientByPhone };

/** What the route answers: a fresh 201, or a replay of the first answer (`replayed`). */
export interface BookResult {
  status: number;
  body: Record<string, unknown>;
  replayed: boolean;
}

/** Thrown inside the transaction when no booking was made, so it rolls back (and with it any claimed key and any patient created by phone). */
class NothingBooked extends Error {
  constructor(readonly patientId: string) {
    super('nothing booked');
  }
}

/** Who booked, from the caller: a walk-in, an API key's source, else the desk. Never from the body. */
export function bookingSource(actor: ActorRef, isWalkIn: boolean): string {
  return isWalkIn ? 'walk_in' : (actor.source ?? 'desk');
}

/** How often a booking starts again when the doctor's plan changed between its read and its lock (rare). */
const PLAN_RETRIES = 3;

const notFound = appointmentNotFound;

/**
 * Booking, cancellation and reschedule: every change of a doctor-day's bookings, each under the day's
 * capacity row lock (see the README's "Booking: how it stays exact").
 */
export function createBookingService({
  tx,
  doctorDays,
  appointments,
  idempotency,
  windowIn,
  clinicTimezone,
  events = NO_EVENTS,
  patients,
}: BookingDeps) {
  const context = async (
    req: { doctorId: string; patientId: string | null; date: string; actor: ActorRef },
    key: string | null,
    t?: Transaction,
    /** A patient about to be created by phone: count them as existing. */
    newPatient = false,
  ) => {
    const ctx = await doctorDays.readBookingContext(
      { doctorId: req.doctorId, patientId: req.patientId, date: req.date, actorKey: keyOwner(req.actor.id), key },
      t,
    );
    return newPatient && !ctx.patient_exists ? { ...ctx, patient_exists: true, patient_active: true } : ctx;
  };

  /** The rules that need no lock, against the day's own zone; then the candidate slots of the wish. */
  function plan(ctx: BookingContextRow, req: BookRequest): { view: DayView; candidates: CandidateSlots } {
    const view = dayViewOf(ctx, req.date, clinicTimezone);
    assertBookable(ctx, req.date, windowIn(view.zone), view.plan);
    return { view, candidates: candidatesFor(view, req) };
  }

  /**
   * Says why nothing was booked, from a fresh read (after the lock, so it sees what the locked statement saw):
   * a rule that stopped holding meanwhile (doctor deactivated, day closed), the patient's booking, a taken slot,
   * only leave time left, or a full day (or site). Returns `'replan'` when the doctor's plan changed meanwhile.
   */
  async function whyNothingBooked(req: BookRequest, planVersion: number, t?: Transaction, newPatient = false): Promise<'replan'> {
    const ctx = await context(req, null, t, newPatient);
    if ((ctx.schedule_version ?? 0) !== planVersion && ctx.doctor_exists) return 'replan';
    const { view } = plan(ctx, req);
    if (ctx.existing_id) throw alreadyBooked(ctx.existing_id);
    throw noSlotError(view, req, await doctorDays.bookedSlots(req.doctorId, req.date, t));
  }

  async function lockAndInsert(req: BookRequest, c: CandidateSlots, planVersion: number, t: Transaction): Promise<AppointmentJson> {
    const day = await doctorDays.lock(req.doctorId, req.date, t);
    if (!day || day.booked_count >= day.capacity) throw new NothingBooked(req.patientId);
    const booked = await appointments.insertBooking(
      {
        ...c,
        doctorId: req.doctorId,
        date: req.date,
        patientId: req.patientId,
        capacity: day.capacity,
        isWalkIn: req.isWalkIn ?? false,
        source: bookingSource(req.actor, req.isWalkIn ?? false),
        actorId: req.actor.id,
        actorType: req.actor.type,
        actorKey: keyOwner(req.actor.id),
        key: req.key,
        planVersion,
      },
      t,
    );
    if (!booked) throw new NothingBooked(req.patientId);
    // The statement recorded appointment.booked itself (when an endpoint subscribes): start its delivery at commit.
    if (booked.events) events.recordedInStatement(t);
    return booked.body;
  }

  async function book(input: BookInput, attempt = 1): Promise<BookResult> {
    const owner = keyOwner(input.actor.id);
    if (!input.patientId && (!input.patient || !patients)) throw new Unprocessable('PATIENT_NOT_FOUND', 'No patient given');
    const known = input.patientId ?? (await patients!.find(input.patient!));
    const newPatient = known === null;
    const req = { ...input, patientId: known };
    const ctx = await context(req, req.key, undefined, newPatient);
    if (req.key && ctx.idem_fingerprint) {
      return {
        ...replayFor({ fingerprint: ctx.idem_fingerprint, status: ctx.idem_status, body: ctx.idem_body }, req.fingerprint),
        replayed: true,
      };
    }
    const { candidates } = plan(ctx, req as BookRequest);
    if (ctx.existing_id) throw alreadyBooked(ctx.existing_id);
    if (ctx.cap_booked !== null && ctx.cap_capacity !== null && ctx.cap_booked >= ctx.cap_capacity) throw capacityFull();
    const planVersion = ctx.schedule_version ?? 0;
    try {
      return await tx(async (t) => {
        if (req.key) {
          const stored = await idempotency.claim(owner, req.key, req.fingerprint, t);
          if (stored) return { ...replayFor(stored, req.fingerprint), replayed: true };
        }
        const patientId = known ?? (await patients!.ensure(input.patient!, req.actor.id, t));
        return { status: 201, body: await lockAndInsert({ ...req, patientId }, candidates, planVersion, t), replayed: false };
      });
    } catch (err) {
      if (!(err instanceof NothingBooked)) throw err;
      // Full, already booked, or the day changed meanwhile: say which after the lock is released.
      await whyNothingBooked({ ...req, patientId: err.patientId }, planVersion, undefined, newPatient); // throws the reason, or says the plan changed
      if (attempt < PLAN_RETRIES) return book(input, attempt + 1);
      throw new ConcurrentUpdate("The doctor's schedule changed while this request ran; retry");
    }
  }

  async function cancelWithin(id: string, from: AppointmentStatus[], actor: ActorRef, reason: string | null, t: Transaction) {
    const a = await appointments.findRow(id, t);
    if (!a) throw notFound();
    if (!from.includes(a.status)) assertTransition(a.status, 'cancelled');
    await doctorDays.lock(a.doctor_id, a.date, t);
    const body = await appointments.changeStatus(
      {
        id,
        from,
        to: 'cancelled',
        releaseCapacity: { doctorId: a.doctor_id, date: a.date },
        actorId: actor.id,
        actorType: actor.type,
        reason,
      },
      t,
    );
    if (body) {
      await events.record('appointment.cancelled', { appointment: body, reason }, t, {
        patientId: a.patient_id,
        doctorId: a.doctor_id,
        slot: a.slot,
      });
      return body;
    }
    const now = await appointments.findRow(id, t);
    if (now && !from.includes(now.status)) assertTransition(now.status, 'cancelled');
    throw new ConcurrentUpdate('The appointment was moved while this request ran; retry');
  }

  return {
    /**
     * Books the lowest free slot of a doctor-day (of one site with `siteId`; one slot with `startTime`) — exact under
     * concurrency: every booking of the day serializes on its capacity row (`SELECT … FOR UPDATE`), so at most
     * `capacity` succeed, a site never takes more than its sessions' slots, and a slot holds one active booking.
     *
     * Before any lock, one read answers what needs none: a stored idempotent response (replay, or 422 for a
     * different body), the rules (422s), and an already-full day (409 without queueing on the lock).
     * By mobile number (`patient` instead of `patientId`): the patient with that phone and first name is used, or
     * created inside the booking's transaction (a failed booking creates nobody; two racing requests create one).
     * @throws see {@link bookWithin}; Conflict `SLOT_TAKEN` (details `{start_time, alternatives}`); Unprocessable
     *   `NO_SUCH_SLOT`, `DOCTOR_NOT_AT_SITE`, `DOCTOR_ON_LEAVE`, `IDEMPOTENCY_KEY_REUSED`; Conflict `IDEMPOTENCY_KEY_IN_USE`.
     */
    book: (input: BookInput) => book(input),

    /**
     * Books inside a transaction the caller owns (walk-ins check in within the same one): takes the day's
     * capacity row lock and inserts in one statement. No idempotency handling here.
     * @throws the rule errors of {@link assertBookable} · Conflict `CAPACITY_FULL` · `ALREADY_BOOKED` (details `{existing_id}`)
     * @returns the appointment JSON.
     */
    async bookWithin(req: BookRequest, t: Transaction): Promise<AppointmentJson> {
      const ctx = await context(req, null, t);
      const { candidates } = plan(ctx, req);
      const planVersion = ctx.schedule_version ?? 0;
      try {
        return await lockAndInsert(req, candidates, planVersion, t);
      } catch (err) {
        if (!(err instanceof NothingBooked)) throw err;
        await whyNothingBooked(req, planVersion, t); // throws the reason, or says the plan changed
        throw new ConcurrentUpdate("The doctor's schedule changed while this request ran; retry");
      }
    },

    /**
     * Cancels a booked appointment: frees its slot and one unit of the day's capacity, under the day's row lock.
     * @throws NotFound · Conflict `INVALID_TRANSITION` (not booked) · `CONCURRENT_UPDATE` (moved meanwhile; retry)
     */
    async cancel(id: string, actor: ActorRef, reason: string | null): Promise<AppointmentJson> {
      return tx((t) => cancelWithin(id, ['booked'], actor, reason, t));
    },

    /**
     * Cancels inside the caller's transaction: takes the day's capacity row lock, frees the slot and records
     * `appointment.cancelled`. `from` is `['booked']` for the desk's cancel; a transfer cancels the checked-in
     * appointment it moves away from (`['checked_in']`, outside the machine, audited with its reason).
     * @throws NotFound · Conflict `INVALID_TRANSITION` · `CONCURRENT_UPDATE`
     */
    cancelWithin: (id: string, from: AppointmentStatus[], actor: ActorRef, reason: string | null, t: Transaction) =>
      cancelWithin(id, from, actor, reason, t),

    /**
     * Moves a booked appointment to another date (and optionally doctor; `site_id` or `start_time` as in
     * booking) atomically: the doctor rows (FOR SHARE), then both days' capacity rows, are locked in a fixed
     * order (doctor_id, then date) so two opposite reschedules, or a reschedule and a plan change, cannot
     * deadlock; the new day's slot is taken and the old one freed in one statement. Clears `needs_reschedule`.
     * @throws NotFound · Conflict `INVALID_TRANSITION` · `CAPACITY_FULL` · `SLOT_TAKEN` · `ALREADY_BOOKED` · Unprocessable
     *   `SAME_DOCTOR_DAY` and the booking rules' 422s for the new day.
     */
    async reschedule(
      id: string,
      to: { date: string; doctor_id?: string; site_id?: string; start_time?: string },
      actor: ActorRef,
      reason: string | null,
    ): Promise<AppointmentJson> {
      return tx(async (t) => {
        const a = await appointments.findRow(id, t);
        if (!a) throw notFound();
        if (a.status !== 'booked')
          throw new Conflict('INVALID_TRANSITION', `An appointment that is ${a.status} cannot be rescheduled`, { from: a.status });
        const newDoctorId = to.doctor_id ?? a.doctor_id;
        const sameDay = newDoctorId === a.doctor_id && to.date === a.date;
        if (sameDay && !to.site_id && !to.start_time)
          throw new Unprocessable('SAME_DOCTOR_DAY', 'The appointment is already on this doctor-day');
        if (sameDay) throw new Unprocessable('SAME_DOCTOR_DAY', 'Moving within the same doctor-day: cancel and book the new slot');
        const days = [
          { doctorId: a.doctor_id, date: a.date },
          { doctorId: newDoctorId, date: to.date },
        ].sort((x, y) => (x.doctorId === y.doctorId ? x.date.localeCompare(y.date) : x.doctorId.localeCompare(y.doctorId)));
        await doctorDays.lockDoctorsShared([a.doctor_id, newDoctorId], t);
        let target: { capacity: number; booked_count: number } | null = null;
        for (const d of days) {
          const counts = await doctorDays.lock(d.doctorId, d.date, t);
          if (d.doctorId === newDoctorId && d.date === to.date) target = counts;
        }
        // The rules and the plan are read under the locks, so a concurrent availability or plan change is seen.
        const req: BookRequest = {
          patientId: a.patient_id,
          doctorId: newDoctorId,
          date: to.date,
          actor,
          key: null,
          fingerprint: '',
          siteId: to.site_id,
          startTime: to.start_time,
        };
        const ctx = await doctorDays.readBookingContext(
          { doctorId: newDoctorId, patientId: a.patient_id, date: to.date, actorKey: null, key: null },
          t,
        );
        const { view, candidates } = plan(ctx, req);
        if (ctx.existing_id) throw alreadyBooked(ctx.existing_id, 'The patient already has an appointment with this doctor on that day');
        if (!target || target.booked_count >= target.capacity) throw capacityFull('The new doctor-day is fully booked');
        const body = await appointments.move(
          {
            ...candidates,
            id,
            oldDoctorId: a.doctor_id,
            oldDate: a.date,
            newDoctorId,
            newDate: to.date,
            capacity: target.capacity,
            planVersion: view.version,
            actorId: actor.id,
            actorType: actor.type,
            reason,
          },
          t,
        );
        if (body) {
          await events.record(
            'appointment.rescheduled',
            { appointment: body, from: { doctor_id: a.doctor_id, date: a.date, slot: a.slot }, reason },
            t,
            { patientId: a.patient_id, doctorId: newDoctorId, slot: body.slot as number },
          );
          return body;
        }
        const now = await appointments.findRow(id, t);
        if (now && now.status === 'booked' && now.doctor_id === a.doctor_id && now.date === a.date) {
          throw noSlotError(view, req, await doctorDays.bookedSlots(newDoctorId, to.date, t));
        }
        throw new ConcurrentUpdate('The appointment changed while this request ran; retry');
      });
    },
  };
}
export type BookingService = ReturnType<typeof createBookingService>;
