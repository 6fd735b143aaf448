import type { Transaction } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { runInTransaction, runPrepared, statement } from '../core/sql';

/**
 * The SQL of a doctor-day's capacity row (`doctor_day_capacity`), the row every booking, cancellation
 * and reschedule of that day serializes on. Locks are taken only inside a transaction and held until
 * its commit, so keep what happens between {@link lockDoctorDay} and commit to single statements.
 */

/** What a booking needs to know before it takes any lock, read in one round trip. */
export interface BookingContextRow {
  doctor_exists: boolean;
  is_active: boolean | null;
  code: string | null;
  default_daily_capacity: number | null;
  working_days: number[] | null;
  /** The availability row, when one is set for the day. */
  av_is_present: boolean | null;
  av_capacity: number | null;
  /** The capacity row, when the day has had bookings. */
  cap_capacity: number | null;
  cap_booked: number | null;
  patient_exists: boolean;
  /** The patient's active appointment on this doctor-day, when there is one. */
  existing_id: string | null;
  /** A stored idempotency record for (actor, key), when one exists. */
  idem_fingerprint: string | null;
  idem_status: number | null;
  idem_body: Record<string, unknown> | null;
}

/** Doctor, availability, capacity row, patient existence, the patient's booking that day and stored key, in one read. Binds: `$doctorId $patientId $date $actorKey $key`. */
export const BOOKING_CONTEXT_SQL = `SELECT (d.id IS NOT NULL) AS doctor_exists, d.is_active, d.code, d.default_daily_capacity, d.working_days,
            a.is_present AS av_is_present, a.capacity AS av_capacity,
            c.capacity AS cap_capacity, c.booked_count AS cap_booked,
            EXISTS (SELECT 1 FROM patients WHERE id = $patientId) AS patient_exists,
            (SELECT id FROM appointments WHERE patient_id = $patientId AND doctor_id = $doctorId AND date = $date AND status <> 'cancelled') AS existing_id,
            k.fingerprint AS idem_fingerprint, k.response_status AS idem_status, k.response_body AS idem_body
       FROM (SELECT 1) one
       LEFT JOIN doctors d ON d.id = $doctorId
       LEFT JOIN doctor_availability a ON a.doctor_id = $doctorId AND a.date = $date
       LEFT JOIN doctor_day_capacity c ON c.doctor_id = $doctorId AND c.date = $date
       LEFT JOIN idempotency_keys k ON k.actor_id = $actorKey AND k.key = $key`;

/** Reads doctor, availability, capacity row, patient existence and a stored idempotency key at once (no lock). */
export async function readBookingContext(sequelize: Sequelize, p: { doctorId: string; patientId: string; date: string; actorKey: string; key: string | null }, transaction?: Transaction): Promise<BookingContextRow> {
  const [row] = await runPrepared<BookingContextRow>(sequelize, CONTEXT, { ...p, key: p.key ?? '' }, transaction);
  return row;
}

/** Locks the capacity row. Binds: `$doctorId $date`. */
export const LOCK_DOCTOR_DAY_SQL = 'SELECT capacity, booked_count FROM doctor_day_capacity WHERE doctor_id = $doctorId AND date = $date FOR UPDATE';
/**
 * Creates the capacity row on a day's first use, its capacity computed here from the committed availability
 * override or the doctor's default (never from a value read before the lock). `FOR SHARE` on the doctor row
 * waits for a running change of the doctor's default (which holds that row `FOR UPDATE`), so the row is
 * created with the default that change leaves. Binds: `$doctorId $date`.
 */
export const CREATE_DOCTOR_DAY_SQL = `INSERT INTO doctor_day_capacity (doctor_id, date, capacity)
     SELECT d.id, $date::date,
            coalesce((SELECT a.capacity FROM doctor_availability a WHERE a.doctor_id = d.id AND a.date = $date::date), d.default_daily_capacity)
       FROM doctors d WHERE d.id = $doctorId FOR SHARE OF d
     ON CONFLICT (doctor_id, date) DO NOTHING`;

const CONTEXT = statement(BOOKING_CONTEXT_SQL);
const LOCK = statement(LOCK_DOCTOR_DAY_SQL);
const CREATE = statement(CREATE_DOCTOR_DAY_SQL);

/**
 * Locks a doctor-day's capacity row (`SELECT … FOR UPDATE`) inside `t`, creating it on first use with
 * `INSERT … ON CONFLICT DO NOTHING` ({@link CREATE_DOCTOR_DAY_SQL}) so concurrent first uses of a day never
 * collide. Every writer of a day's capacity (booking, cancel, reschedule, availability, the doctor's default)
 * goes through this row, so they serialize.
 * @returns the locked row's capacity and booked count; null when the doctor does not exist.
 */
export async function lockDoctorDay(t: Transaction, doctorId: string, date: string): Promise<{ capacity: number; booked_count: number } | null> {
  const select = () => runInTransaction<{ capacity: number; booked_count: number }>(t, LOCK, { doctorId, date });
  let [row] = await select();
  if (!row) {
    await runInTransaction(t, CREATE, { doctorId, date });
    [row] = await select();
  }
  return row ?? null;
}

/** The JSON an appointment is answered with, built in SQL so a stored idempotent response is byte-for-byte the original. */
export const APPOINTMENT_JSON = `jsonb_build_object(
  'id', ins.id, 'appointment_id', ins.id, 'patient_id', ins.patient_id, 'doctor_id', ins.doctor_id,
  'date', to_char(ins.date, 'YYYY-MM-DD'), 'slot', ins.slot, 'status', ins.status, 'is_walk_in', ins.is_walk_in,
  'created_at', to_char(ins.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'updated_at', to_char(ins.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;

/**
 * The booking itself, one statement under the lock (see {@link insertBooking}).
 * Binds: `$doctorId $date $patientId $capacity $isWalkIn $actorId $actorType $actorKey $key` (key '' when none).
 */
export const INSERT_BOOKING_SQL = `WITH free AS (
       SELECT s FROM generate_series(1, $capacity::int) s
        WHERE NOT EXISTS (SELECT 1 FROM appointments x WHERE x.doctor_id = $doctorId AND x.date = $date AND x.slot = s AND x.status <> 'cancelled')
        ORDER BY s LIMIT 1),
     ins AS (
       INSERT INTO appointments (patient_id, doctor_id, date, slot, status, is_walk_in, created_by)
       SELECT $patientId, $doctorId, $date, free.s, 'booked', $isWalkIn, $actorId FROM free
        WHERE NOT EXISTS (SELECT 1 FROM appointments y WHERE y.patient_id = $patientId AND y.doctor_id = $doctorId AND y.date = $date AND y.status <> 'cancelled')
          AND EXISTS (SELECT 1 FROM doctors d LEFT JOIN doctor_availability a ON a.doctor_id = d.id AND a.date = $date
                       WHERE d.id = $doctorId AND d.is_active
                         AND coalesce(a.is_present, extract(isodow FROM $date::date)::smallint = ANY (d.working_days)))
       RETURNING *),
     ev AS (
       INSERT INTO appointment_events (appointment_id, from_status, to_status, actor_id, actor_type, data)
       SELECT ins.id, NULL, 'booked', $actorId, $actorType, jsonb_build_object('slot', ins.slot, 'walk_in', ins.is_walk_in) FROM ins),
     cap AS (
       UPDATE doctor_day_capacity SET booked_count = booked_count + 1, updated_at = now()
        WHERE doctor_id = $doctorId AND date = $date AND EXISTS (SELECT 1 FROM ins)),
     body AS (SELECT ${APPOINTMENT_JSON} AS body FROM ins),
     idem AS (
       UPDATE idempotency_keys SET response_status = 201, response_body = (SELECT body FROM body)
        WHERE actor_id = $actorKey AND key = $key AND EXISTS (SELECT 1 FROM ins))
     SELECT body FROM body`;

const INSERT = statement(INSERT_BOOKING_SQL);

export interface InsertBookingParams {
  doctorId: string; date: string; patientId: string; capacity: number; isWalkIn: boolean;
  actorId: string | null; actorType: string | null; actorKey: string; key: string | null;
}

/**
 * With the day's row locked: takes the lowest free slot (1..capacity; a cancelled slot is free again),
 * inserts the appointment unless the patient already holds one that day or the day closed meanwhile (doctor
 * deactivated, or marked absent — a statement after the lock sees those committed), writes the audit event, bumps
 * `booked_count` and stores the idempotent response — all in one statement, one round trip under the lock.
 * @returns the appointment JSON, or null when nothing was booked (already booked, no free slot, day closed).
 */
export async function insertBooking(t: Transaction, p: InsertBookingParams): Promise<Record<string, unknown> | null> {
  const [row] = await runInTransaction<{ body: Record<string, unknown> }>(t, INSERT, { ...p, key: p.key ?? '' });
  return row?.body ?? null;
}
