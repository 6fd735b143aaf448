import { QueryTypes, type Transaction } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { Conflict, NotFound, Unprocessable } from '../core/errors';
import { withTransaction } from '../core/transaction';
import { page } from '../core/schemas';
import { assertTransition, type AppointmentStatus } from './appointment-status';
import { assertBookable, effectiveCapacity, isPresent } from './booking.rules';
import { lockDoctorDay, readBookingContext } from './doctor-day.sql';
import { changeStatus, moveAppointment, readAppointment, type AppointmentRow } from './appointments.sql';
import { bookingWindow, type ActorRef, type BookingDeps } from './booking.service';
import { keyOwner } from './idempotency';

const notFound = () => new NotFound('No appointment with this id', 'APPOINTMENT_NOT_FOUND');

/** @throws NotFound `APPOINTMENT_NOT_FOUND` */
export async function getAppointmentRow(sequelize: Sequelize, id: string, t?: Transaction): Promise<AppointmentRow> {
  const a = await readAppointment(sequelize, id, t);
  if (!a) throw notFound();
  return a;
}

/**
 * Changes status along the machine (see appointment-status.ts), with its audit event, inside the caller's
 * transaction. Not for cancellation, which also frees capacity ({@link cancelAppointment}).
 * @throws NotFound · Conflict `INVALID_TRANSITION`
 */
export async function transitionAppointment(sequelize: Sequelize, t: Transaction, id: string, to: AppointmentStatus, actor: ActorRef, reason: string | null = null): Promise<Record<string, unknown>> {
  const a = await getAppointmentRow(sequelize, id, t);
  assertTransition(a.status, to);
  const body = await changeStatus(sequelize, t, { id, from: [a.status], to, actorId: actor.id, actorType: actor.type, reason });
  if (body) return body;
  const now = await getAppointmentRow(sequelize, id, t);
  assertTransition(now.status, to);
  throw new Conflict('CONCURRENT_UPDATE', 'The appointment changed while this request ran; retry', undefined, { 'Retry-After': '1' });
}

/**
 * Cancels a booked appointment: frees its slot and one unit of the day's capacity, under the day's row lock.
 * @throws NotFound · Conflict `INVALID_TRANSITION` (not booked) · `CONCURRENT_UPDATE` (moved meanwhile; retry)
 */
export async function cancelAppointment(sequelize: Sequelize, id: string, actor: ActorRef, reason: string | null): Promise<Record<string, unknown>> {
  return withTransaction(sequelize, async (t) => {
    const a = await getAppointmentRow(sequelize, id, t);
    assertTransition(a.status, 'cancelled');
    await lockDoctorDay(t, a.doctor_id, a.date);
    const body = await changeStatus(sequelize, t, {
      id, from: ['booked'], to: 'cancelled', releaseCapacity: { doctorId: a.doctor_id, date: a.date }, actorId: actor.id, actorType: actor.type, reason,
    });
    if (body) return body;
    const now = await getAppointmentRow(sequelize, id, t);
    assertTransition(now.status, 'cancelled');
    throw new Conflict('CONCURRENT_UPDATE', 'The appointment was moved while this request ran; retry', undefined, { 'Retry-After': '1' });
  });
}

/**
 * Moves a booked appointment to another date (and optionally doctor) atomically: the doctor rows (FOR SHARE),
 * then both days' capacity rows, are locked in a fixed order (doctor_id, then date) so two opposite
 * reschedules, or a reschedule and a change of a doctor's default capacity, cannot deadlock; the new
 * day's lowest free slot is taken and the old one freed in one statement.
 * @throws NotFound · Conflict `INVALID_TRANSITION` · `CAPACITY_FULL` · `ALREADY_BOOKED` · Unprocessable
 *   `SAME_DOCTOR_DAY` and the booking rules' 422s for the new day.
 */
export async function rescheduleAppointment(deps: BookingDeps, id: string, to: { date: string; doctor_id?: string }, actor: ActorRef, reason: string | null): Promise<Record<string, unknown>> {
  const { sequelize } = deps;
  return withTransaction(sequelize, async (t) => {
    const a = await getAppointmentRow(sequelize, id, t);
    if (a.status !== 'booked') throw new Conflict('INVALID_TRANSITION', `An appointment that is ${a.status} cannot be rescheduled`, { from: a.status });
    const newDoctorId = to.doctor_id ?? a.doctor_id;
    if (newDoctorId === a.doctor_id && to.date === a.date) throw new Unprocessable('SAME_DOCTOR_DAY', 'The appointment is already on this doctor-day');
    const days = [{ doctorId: a.doctor_id, date: a.date }, { doctorId: newDoctorId, date: to.date }]
      .sort((x, y) => (x.doctorId === y.doctorId ? x.date.localeCompare(y.date) : x.doctorId.localeCompare(y.doctorId)));
    // The lock order: doctor rows (FOR SHARE, by id) before capacity rows, as setAvailability and a day's
    // first booking take them, so a change of a doctor's default capacity cannot deadlock with this.
    await sequelize.query('SELECT 1 FROM doctors WHERE id IN ($a, $b) ORDER BY id FOR SHARE', { bind: { a: a.doctor_id, b: newDoctorId }, transaction: t });
    const locked = new Map<string, { capacity: number; booked_count: number } | null>();
    for (const d of days) locked.set(`${d.doctorId}|${d.date}`, await lockDoctorDay(t, d.doctorId, d.date));
    const target = locked.get(`${newDoctorId}|${to.date}`);
    // The rules are read under the locks, so a concurrent availability change is seen.
    const ctx = await readBookingContext(sequelize, { doctorId: newDoctorId, patientId: a.patient_id, date: to.date, actorKey: keyOwner(actor.id), key: null }, t);
    assertBookable(ctx, to.date, bookingWindow(deps));
    if (ctx.existing_id) throw new Conflict('ALREADY_BOOKED', 'The patient already has an appointment with this doctor on that day', { existing_id: ctx.existing_id });
    if (!target || target.booked_count >= target.capacity) throw new Conflict('CAPACITY_FULL', 'The new doctor-day is fully booked');
    const body = await moveAppointment(sequelize, t, {
      id, oldDoctorId: a.doctor_id, oldDate: a.date, newDoctorId, newDate: to.date, capacity: target.capacity, actorId: actor.id, actorType: actor.type, reason,
    });
    if (!body) throw new Conflict('CONCURRENT_UPDATE', 'The appointment changed while this request ran; retry', undefined, { 'Retry-After': '1' });
    return body;
  });
}

const APPOINTMENT_COLUMNS = `a.id, a.id AS appointment_id, a.patient_id, a.doctor_id, to_char(a.date, 'YYYY-MM-DD') AS date, a.slot, a.status, a.is_walk_in,
  to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
  to_char(a.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at`;

/** One appointment as JSON. @throws NotFound */
export async function getAppointment(sequelize: Sequelize, id: string): Promise<Record<string, unknown> & { doctor_id: string; patient_id: string }> {
  const [row] = await sequelize.query<Record<string, unknown> & { doctor_id: string; patient_id: string }>(
    `SELECT ${APPOINTMENT_COLUMNS} FROM appointments a WHERE a.id = $id`, { bind: { id }, type: QueryTypes.SELECT });
  if (!row) throw notFound();
  return row;
}

/** A doctor-day's appointments by slot, with the patient's name for staff; paginated. */
export async function listDoctorDayAppointments(sequelize: Sequelize, doctorId: string, date: string, opts: { status?: AppointmentStatus; limit: number; offset: number }) {
  const bind = { doctorId, date, status: opts.status ?? null, limit: opts.limit, offset: opts.offset };
  const where = `a.doctor_id = $doctorId AND a.date = $date AND ($status::text IS NULL OR a.status = $status)`;
  const rows = await sequelize.query<Record<string, unknown> & { total: string }>(
    `SELECT ${APPOINTMENT_COLUMNS}, jsonb_build_object('id', p.id, 'first_name', p.first_name, 'last_name', p.last_name) AS patient,
            count(*) OVER () AS total
       FROM appointments a JOIN patients p ON p.id = a.patient_id
      WHERE ${where} ORDER BY a.slot, a.created_at LIMIT $limit OFFSET $offset`,
    { bind, type: QueryTypes.SELECT },
  );
  const total = rows.length ? Number(rows[0].total) : (await sequelize.query<{ n: string }>(`SELECT count(*) AS n FROM appointments a WHERE ${where}`, { bind: { doctorId, date, status: bind.status }, type: QueryTypes.SELECT }))[0].n;
  return page(rows.map(({ total: _t, ...r }) => r), Number(total), opts.limit, opts.offset);
}

/** A patient's appointments, newest day first; `doctorId` narrows to one doctor (a doctor sees only their own). */
export async function listPatientAppointments(sequelize: Sequelize, patientId: string, opts: { doctorId?: string; limit: number; offset: number }) {
  const [{ exists }] = await sequelize.query<{ exists: boolean }>('SELECT EXISTS (SELECT 1 FROM patients WHERE id = $patientId) AS exists', { bind: { patientId }, type: QueryTypes.SELECT });
  if (!exists) throw new NotFound('No patient with this id', 'PATIENT_NOT_FOUND');
  const bind = { patientId, doctorId: opts.doctorId ?? null, limit: opts.limit, offset: opts.offset };
  const where = `a.patient_id = $patientId AND ($doctorId::uuid IS NULL OR a.doctor_id = $doctorId)`;
  const rows = await sequelize.query<Record<string, unknown>>(
    `SELECT ${APPOINTMENT_COLUMNS} FROM appointments a WHERE ${where} ORDER BY a.date DESC, a.created_at DESC LIMIT $limit OFFSET $offset`,
    { bind, type: QueryTypes.SELECT },
  );
  const [{ n }] = await sequelize.query<{ n: string }>(`SELECT count(*) AS n FROM appointments a WHERE ${where}`, { bind: { patientId, doctorId: bind.doctorId }, type: QueryTypes.SELECT });
  return page(rows, Number(n), opts.limit, opts.offset);
}

/** The audit trail of an appointment, oldest first. @throws NotFound */
export async function appointmentHistory(sequelize: Sequelize, id: string) {
  await getAppointmentRow(sequelize, id);
  const events = await sequelize.query(
    `SELECT id::text AS id, from_status, to_status, actor_id, actor_type, reason, data,
            to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
       FROM appointment_events ev WHERE appointment_id = $id ORDER BY ev.id`, // ev.id: the bigint, not the text alias (which sorts '100' before '99')
    { bind: { id }, type: QueryTypes.SELECT },
  );
  return { appointment_id: id, events };
}

/**
 * A doctor-day at a glance for the reception screen: `{doctor_id, date, capacity, booked, remaining, is_present, bookable}`.
 * `bookable` is true when a booking made now would pass every rule and find a free slot.
 * @throws NotFound `DOCTOR_NOT_FOUND`
 */
export async function doctorDaySummary(deps: BookingDeps, doctorId: string, date: string) {
  const ctx = await readBookingContext(deps.sequelize, { doctorId, patientId: '00000000-0000-0000-0000-000000000000', date, actorKey: keyOwner(null), key: null });
  if (!ctx.doctor_exists) throw new NotFound('No doctor with this id', 'DOCTOR_NOT_FOUND');
  const capacity = ctx.cap_capacity ?? effectiveCapacity(ctx);
  const booked = ctx.cap_booked ?? 0;
  const present = isPresent(ctx, date);
  let rulesOk = true;
  try {
    assertBookable({ ...ctx, patient_exists: true }, date, bookingWindow(deps));
  } catch { rulesOk = false; }
  const remaining = Math.max(0, capacity - booked);
  return { doctor_id: doctorId, date, capacity, booked, remaining, is_present: present, is_active: Boolean(ctx.is_active), bookable: rulesOk && remaining > 0 };
}
