import { QueryTypes, type Transaction } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import type { AppointmentStatus } from './appointment-status';
import { APPOINTMENT_JSON } from './doctor-day.sql';

/** Statements that change one appointment; each writes its audit event in the same statement. */

export interface AppointmentRow { id: string; patient_id: string; doctor_id: string; date: string; slot: number; status: AppointmentStatus }

/** Reads an appointment's key facts (no lock). */
export async function readAppointment(sequelize: Sequelize, id: string, t?: Transaction): Promise<AppointmentRow | null> {
  const [row] = await sequelize.query<AppointmentRow>(
    `SELECT id, patient_id, doctor_id, to_char(date, 'YYYY-MM-DD') AS date, slot, status FROM appointments WHERE id = $id`,
    { bind: { id }, type: QueryTypes.SELECT, transaction: t },
  );
  return row ?? null;
}

export interface ChangeActor { actorId: string | null; actorType: string | null; reason: string | null }

/**
 * Moves an appointment `from` one of the given statuses `to` another and writes the event. When
 * `releaseCapacity` is set (cancellation) the day's `booked_count` drops by one in the same statement;
 * the caller must hold that day's capacity row lock, and `expect` pins the doctor-day it locked.
 * @returns the changed appointment's JSON, or null when its status (or day) was no longer as expected.
 */
export async function changeStatus(
  sequelize: Sequelize, t: Transaction,
  p: { id: string; from: AppointmentStatus[]; to: AppointmentStatus; releaseCapacity?: { doctorId: string; date: string } } & ChangeActor,
): Promise<Record<string, unknown> | null> {
  const release = p.releaseCapacity;
  const [row] = await sequelize.query<{ body: Record<string, unknown> }>(
    `WITH old AS (SELECT status FROM appointments WHERE id = $id),
     ins AS (
       UPDATE appointments SET status = $to, updated_at = now()
        WHERE id = $id AND status = ANY($from::text[]) ${release ? 'AND doctor_id = $doctorId AND date = $date' : ''}
       RETURNING *),
     ev AS (
       INSERT INTO appointment_events (appointment_id, from_status, to_status, actor_id, actor_type, reason)
       SELECT ins.id, (SELECT status FROM old), ins.status, $actorId, $actorType, $reason FROM ins)
     ${release ? `, cap AS (UPDATE doctor_day_capacity SET booked_count = booked_count - 1, updated_at = now()
        WHERE doctor_id = $doctorId AND date = $date AND EXISTS (SELECT 1 FROM ins))` : ''}
     SELECT ${APPOINTMENT_JSON} AS body FROM ins`,
    {
      bind: { id: p.id, to: p.to, from: p.from, actorId: p.actorId, actorType: p.actorType, reason: p.reason, ...(release ?? {}) },
      type: QueryTypes.SELECT, transaction: t,
    },
  );
  return row?.body ?? null;
}

/**
 * Moves a booked appointment to another doctor-day, into that day's lowest free slot, releasing one unit
 * of the old day's capacity and taking one of the new day's. The caller holds both days' row locks.
 * @returns the moved appointment's JSON, or null when no slot is free, the patient already holds the new
 *   day, or the appointment is no longer booked on the old day.
 */
export async function moveAppointment(
  sequelize: Sequelize, t: Transaction,
  p: { id: string; oldDoctorId: string; oldDate: string; newDoctorId: string; newDate: string; capacity: number } & ChangeActor,
): Promise<Record<string, unknown> | null> {
  const [row] = await sequelize.query<{ body: Record<string, unknown> }>(
    `WITH free AS (
       SELECT s FROM generate_series(1, $capacity::int) s
        WHERE NOT EXISTS (SELECT 1 FROM appointments x WHERE x.doctor_id = $newDoctorId AND x.date = $newDate AND x.slot = s AND x.status <> 'cancelled')
        ORDER BY s LIMIT 1),
     old AS (SELECT slot FROM appointments WHERE id = $id),
     ins AS (
       UPDATE appointments a SET doctor_id = $newDoctorId, date = $newDate, slot = free.s, updated_at = now()
         FROM free
        WHERE a.id = $id AND a.status = 'booked' AND a.doctor_id = $oldDoctorId AND a.date = $oldDate
          AND NOT EXISTS (SELECT 1 FROM appointments y WHERE y.patient_id = a.patient_id AND y.doctor_id = $newDoctorId AND y.date = $newDate AND y.status <> 'cancelled')
       RETURNING a.*),
     ev AS (
       INSERT INTO appointment_events (appointment_id, from_status, to_status, actor_id, actor_type, reason, data)
       SELECT ins.id, 'booked', 'booked', $actorId, $actorType, coalesce($reason, 'rescheduled'),
              jsonb_build_object('from', jsonb_build_object('doctor_id', $oldDoctorId::uuid, 'date', $oldDate::date, 'slot', (SELECT slot FROM old)),
                                 'to', jsonb_build_object('doctor_id', ins.doctor_id, 'date', ins.date, 'slot', ins.slot))
         FROM ins),
     dec AS (UPDATE doctor_day_capacity SET booked_count = booked_count - 1, updated_at = now()
              WHERE doctor_id = $oldDoctorId AND date = $oldDate AND EXISTS (SELECT 1 FROM ins)),
     inc AS (UPDATE doctor_day_capacity SET booked_count = booked_count + 1, updated_at = now()
              WHERE doctor_id = $newDoctorId AND date = $newDate AND EXISTS (SELECT 1 FROM ins))
     SELECT ${APPOINTMENT_JSON} AS body FROM ins`,
    { bind: { ...p }, type: QueryTypes.SELECT, transaction: t },
  );
  return row?.body ?? null;
}
