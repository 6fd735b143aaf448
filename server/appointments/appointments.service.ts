import type { Transaction } from 'sequelize';
import type { ActorRef } from '../core/actor';
import { daysBetween } from '../core/clinic-time';
import { ConcurrentUpdate, NotFound, Unprocessable } from '../core/errors';
import { NO_EVENTS, type DomainEvents } from '../core/events';
import { page } from '../core/schemas';
import { assertTransition, type AppointmentStatus } from './appointment-status';
import type { AppointmentJson, AppointmentRepository, AppointmentRow } from './appointments.repository';

/** 404 `APPOINTMENT_NOT_FOUND`: the one factory of it. */
export const appointmentNotFound = () => new NotFound('No appointment with this id', 'APPOINTMENT_NOT_FOUND');
const notFound = appointmentNotFound;

/** Appointments: reads, lists, the audit trail, and status moves that free no capacity (used by the queue). */
export function createAppointmentsService({ repo, events = NO_EVENTS }: { repo: AppointmentRepository; events?: DomainEvents }) {
  /** A move to no_show, from any path (desk, queue skip), is an `appointment.no_show` event. */
  const recordNoShow = async (body: AppointmentJson, reason: string | null, t: Transaction) => {
    if (body.status !== 'no_show') return;
    await events.record('appointment.no_show', { appointment: body, reason }, t, {
      patientId: body.patient_id,
      doctorId: body.doctor_id,
      slot: body.slot as number,
    });
  };
  const row = async (id: string, t?: Transaction): Promise<AppointmentRow> => {
    const a = await repo.findRow(id, t);
    if (!a) throw notFound();
    return a;
  };
  return {
    /** An appointment's key facts (doctor, day, status). @throws NotFound `APPOINTMENT_NOT_FOUND` */
    row,

    /** One appointment as the API answers it. @throws NotFound `APPOINTMENT_NOT_FOUND` */
    async get(id: string): Promise<AppointmentJson> {
      const a = await repo.findJson(id);
      if (!a) throw notFound();
      return a;
    },

    /**
     * Changes status along the machine (see appointment-status.ts), with its audit event, inside the caller's
     * transaction. Not for cancellation, which also frees capacity (the booking service's `cancel`).
     * @throws NotFound · Conflict `INVALID_TRANSITION` · `CONCURRENT_UPDATE`
     */
    async transition(id: string, to: AppointmentStatus, actor: ActorRef, reason: string | null, t: Transaction): Promise<AppointmentJson> {
      const a = await row(id, t);
      assertTransition(a.status, to);
      const body = await repo.changeStatus({ id, from: [a.status], to, actorId: actor.id, actorType: actor.type, reason }, t);
      if (body) {
        await recordNoShow(body, reason, t);
        return body;
      }
      assertTransition((await row(id, t)).status, to);
      throw new ConcurrentUpdate('The appointment changed while this request ran; retry');
    },

    /**
     * Moves an appointment from one of `from` to `to` with its audit event, inside `t`, without the machine's
     * check (the queue's requeue reverts a no-show). @returns the JSON, or null when its status was not in `from`.
     */
    async move(id: string, from: AppointmentStatus[], to: AppointmentStatus, actor: ActorRef, reason: string | null, t: Transaction) {
      const body = await repo.changeStatus({ id, from, to, actorId: actor.id, actorType: actor.type, reason }, t);
      if (body) await recordNoShow(body, reason, t);
      return body;
    },

    /** Records an audit event that changes no status (reason and data), inside `t`. */
    async note(id: string, actor: ActorRef, reason: string, data: Record<string, unknown>, t: Transaction): Promise<void> {
      if (!(await repo.recordNote({ id, actorId: actor.id, actorType: actor.type, reason, data }, t))) throw notFound();
    },

    /** A doctor-day's appointments by slot, with patient names (staff only); `{data, total, limit, offset}`. */
    async listDoctorDay(doctorId: string, date: string, opts: { status?: AppointmentStatus; limit: number; offset: number }) {
      const { rows, total } = await repo.listDoctorDay({
        doctorId,
        date,
        status: opts.status ?? null,
        limit: opts.limit,
        offset: opts.offset,
      });
      return page(rows, total, opts.limit, opts.offset);
    },

    /**
     * A patient's appointments, newest day first; `doctorId` narrows to one doctor (a doctor sees only their own).
     * @throws NotFound `PATIENT_NOT_FOUND`
     */
    async listPatient(patientId: string, opts: { doctorId?: string; limit: number; offset: number }) {
      if (!(await repo.patientExists(patientId))) throw new NotFound('No patient with this id', 'PATIENT_NOT_FOUND');
      const { rows, total } = await repo.listPatient({
        patientId,
        doctorId: opts.doctorId ?? null,
        limit: opts.limit,
        offset: opts.offset,
      });
      return page(rows, total, opts.limit, opts.offset);
    },

    /**
     * The call-back list: active appointments flagged `needs_reschedule` from `from` to `to` (inclusive), by day
     * and slot, with the patient's name and phone. @throws Unprocessable `INVALID_RANGE` (reversed, or over 92 days)
     */
    async callBackList(from: string, to: string, opts: { limit: number; offset: number }) {
      const span = daysBetween(from, to);
      if (span < 0 || span > 91) throw new Unprocessable('INVALID_RANGE', 'Give a range of at most 92 days, "to" not before "from"');
      const { rows, total } = await repo.listNeedingReschedule({ from, to, limit: opts.limit, offset: opts.offset });
      return page(rows, total, opts.limit, opts.offset);
    },

    /** The audit trail of an appointment, oldest first: `{appointment_id, events}`. @throws NotFound */
    async history(id: string) {
      await row(id);
      return { appointment_id: id, events: await repo.history(id) };
    },
  };
}
export type AppointmentsService = ReturnType<typeof createAppointmentsService>;
