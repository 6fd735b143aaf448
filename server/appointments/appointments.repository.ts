import type { Transaction } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { createSql, isoUtc, statement } from '../core/sql';
import { DOCTOR_DAY_PLAN_SQL as PLAN } from '../doctor-days/doctor-day.rules';
import type { CandidateSlots } from '../doctor-days/day-view';
import { appointmentPayloadSql, recordEventCtes } from '../core/event-outbox';
import type { AppointmentStatus } from './appointment-status';

/**
 * The SQL of appointments. Every status change writes its audit event (`appointment_events`) in the same
 * statement. The statements that run under a doctor-day's lock are single round trips.
 */

/** The JSON an appointment is answered with, built in SQL so a stored idempotent response is byte-for-byte the original. */
export const APPOINTMENT_JSON = `jsonb_build_object(
  'id', ins.id, 'appointment_id', ins.id, 'patient_id', ins.patient_id, 'doctor_id', ins.doctor_id,
  'date', to_char(ins.date, 'YYYY-MM-DD'), 'slot', ins.slot, 'status', ins.status, 'is_walk_in', ins.is_walk_in,
  'site_id', ins.site_id, 'room', ins.room, 'start_time', to_char(ins.start_time, 'HH24:MI'), 'end_time', to_char(ins.end_time, 'HH24:MI'),
  'estimated_time', to_char(ins.estimated_time, 'HH24:MI'), 'needs_reschedule', ins.needs_reschedule,
  'source', ins.source, 'created_at', ${isoUtc('ins.created_at')},
  'updated_at', ${isoUtc('ins.updated_at')})`;

/**
 * The slots a booking may take, in order of preference, as parallel arrays (`$slots int[]`, `$sites uuid[]`,
 * `$rooms text[]`, `$starts $ends $ests text[]` as `HH:MM`), computed from the day's plan; `$slots` NULL means a
 * day without sessions: slots 1..capacity at `$defaultSite`, without times. Only slots up to the locked row's
 * `$capacity` count.
 */
const CANDIDATES = `cand AS (
       SELECT c.slot, c.site_id, c.room, c.start_time::time AS start_time, c.end_time::time AS end_time,
              c.estimated_time::time AS estimated_time, c.ord
         FROM unnest($slots::int[], $sites::uuid[], $rooms::text[], $starts::text[], $ends::text[], $ests::text[])
              WITH ORDINALITY AS c(slot, site_id, room, start_time, end_time, estimated_time, ord)
       UNION ALL
       SELECT s, $defaultSite::uuid, NULL, NULL, NULL, NULL, s FROM generate_series(1, $capacity::int) s WHERE $slots::int[] IS NULL)`;

/**
 * The booking itself, one statement under the day's lock (see {@link AppointmentRepository.insertBooking}): the
 * first free candidate slot; the presence re-check is the doctor-day rule's SQL, and `$planVersion` (the
 * doctor's `schedule_version` the candidates were computed from) must still hold. The same statement writes the
 * audit event, counts the booking on the capacity row, stores the idempotent answer and records the
 * `appointment.booked` webhook event (the outbox CTEs and payload of core/event-outbox.ts:
 * only when an endpoint subscribes), so the lock is held for this one round trip and COMMIT. Binds: the candidates,
 * `$doctorId $date $patientId $capacity $isWalkIn $source $actorId $actorType $actorKey $key $planVersion` (key ''
 * when none). Answers `body` (the appointment JSON) and `events` (webhook events written: 0 or 1).
 */
export const INSERT_BOOKING_SQL = `WITH ${CANDIDATES},
     free AS (
       SELECT cand.* FROM cand
        WHERE cand.slot <= $capacity::int
          AND NOT EXISTS (SELECT 1 FROM appointments x
                           WHERE x.doctor_id = $doctorId AND x.date = $date AND x.slot = cand.slot AND x.status <> 'cancelled')
        ORDER BY cand.ord LIMIT 1),
     -- the patient is active: FOR KEY SHARE waits for a deactivation or erasure holding the row, then re-reads it
     pat AS (SELECT 1 FROM patients WHERE id = $patientId AND deactivated_at IS NULL FOR KEY SHARE),
     ins AS (
       INSERT INTO appointments (patient_id, doctor_id, date, slot, status, is_walk_in, source, created_by, site_id, room, start_time, end_time,
                                 estimated_time)
       SELECT $patientId, $doctorId, $date, free.slot, 'booked', $isWalkIn, $source, $actorId, free.site_id, free.room, free.start_time,
              free.end_time, free.estimated_time
         FROM free
        WHERE EXISTS (SELECT 1 FROM pat) AND NOT EXISTS (SELECT 1 FROM appointments y
                           WHERE y.patient_id = $patientId AND y.doctor_id = $doctorId AND y.date = $date AND y.status <> 'cancelled')
          AND EXISTS (SELECT 1 FROM doctors d ${PLAN.joinOverride('$date::date')}
                       WHERE d.id = $doctorId AND d.is_active AND d.schedule_version = $planVersion::int AND ${PLAN.isPresent('$date::date')})
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
        WHERE actor_id = $actorKey AND key = $key AND EXISTS (SELECT 1 FROM ins)),
     ${recordEventCtes({
       type: `'appointment.booked'::text`,
       data: `(SELECT ${appointmentPayloadSql('b.body')} FROM body b)`,
       doctorId: '$doctorId::uuid',
       slot: '(SELECT slot FROM ins)',
       patientId: '$patientId::uuid',
       when: 'EXISTS (SELECT 1 FROM ins)',
     })}
     SELECT body, (SELECT count(*)::int FROM wh_ev) AS events FROM body`;

const INSERT = statement(INSERT_BOOKING_SQL);

/** An appointment's key facts. */
export interface AppointmentRow {
  id: string;
  patient_id: string;
  doctor_id: string;
  date: string;
  slot: number;
  status: AppointmentStatus;
}
/** An appointment as the API answers it (see {@link APPOINTMENT_JSON}). */
export type AppointmentJson = Record<string, unknown> & { id: string; doctor_id: string; patient_id: string };
/** Who changed it and why, for the audit event. */
export interface ChangeActor {
  actorId: string | null;
  actorType: string | null;
  reason: string | null;
}

/** The slots a booking may take, in order of preference; `slots` null = a day without sessions (1..capacity, no times). */
export type Candidates = CandidateSlots;

export interface InsertBookingParams extends Candidates {
  doctorId: string;
  date: string;
  patientId: string;
  capacity: number;
  isWalkIn: boolean;
  /** `desk`, `walk_in` or an API key's source: who booked, set from the caller (never from the body). */
  source: string;
  actorId: string | null;
  actorType: string | null;
  actorKey: string;
  key: string | null;
  /** The doctor's `schedule_version` the candidates were computed from. */
  planVersion: number;
}

/**
 * Moves an appointment from one of `$from` to `$to` with its audit event (check-in, completion, no-show, cancel);
 * `release` also gives back one unit of the doctor-day's capacity. Binds: `$id $to $from $actorId $actorType $reason`
 * (and `$doctorId $date` with `release`).
 */
export function statusChangeSql(release: boolean): string {
  return `WITH old AS (SELECT status FROM appointments WHERE id = $id),
         ins AS (
           UPDATE appointments SET status = $to, updated_at = now()
            WHERE id = $id AND status = ANY($from::text[]) ${release ? 'AND doctor_id = $doctorId AND date = $date' : ''}
           RETURNING *),
         ev AS (
           INSERT INTO appointment_events (appointment_id, from_status, to_status, actor_id, actor_type, reason)
           SELECT ins.id, (SELECT status FROM old), ins.status, $actorId, $actorType, $reason FROM ins)
         ${
           release
             ? `, cap AS (UPDATE doctor_day_capacity SET booked_count = booked_count - 1, updated_at = now()
            WHERE doctor_id = $doctorId AND date = $date AND EXISTS (SELECT 1 FROM ins))`
             : ''
         }
         SELECT ${APPOINTMENT_JSON} AS body FROM ins`;
}

const APPOINTMENT_COLUMNS = `a.id, a.id AS appointment_id, a.patient_id, a.doctor_id, to_char(a.date, 'YYYY-MM-DD') AS date, a.slot, a.status,
  a.is_walk_in, a.site_id, a.room, to_char(a.start_time, 'HH24:MI') AS start_time, to_char(a.end_time, 'HH24:MI') AS end_time,
  to_char(a.estimated_time, 'HH24:MI') AS estimated_time, a.needs_reschedule, a.source,
  ${isoUtc('a.created_at')} AS created_at, ${isoUtc('a.updated_at')} AS updated_at`;

/** Storage of appointments; returns plain objects. */
export function createAppointmentRepository(sequelize: Sequelize) {
  const sql = createSql(sequelize);
  return {
    /**
     * With the day's row locked: takes the lowest free slot (1..capacity; a cancelled slot is free again),
     * inserts the appointment unless the patient already holds one that day, was deactivated, or the day closed
     * meanwhile (doctor deactivated, or absent — a statement after the lock sees those committed), writes the audit event, bumps
     * `booked_count` and stores the idempotent response — all in one statement, one round trip under the lock.
     * @returns the appointment JSON and how many webhook events were recorded with it (0 or 1), or null when nothing
     *   was booked (already booked, no free slot, day closed).
     */
    async insertBooking(p: InsertBookingParams, t: Transaction): Promise<{ body: AppointmentJson; events: number } | null> {
      const [row] = await sql.prepared<{ body: AppointmentJson; events: number }>(INSERT, { ...p, key: p.key ?? '' }, t);
      return row ?? null;
    },

    /** An appointment's key facts (no lock). */
    async findRow(id: string, t?: Transaction): Promise<AppointmentRow | null> {
      const [row] = await sql.query<AppointmentRow>(
        `SELECT id, patient_id, doctor_id, to_char(date, 'YYYY-MM-DD') AS date, slot, status FROM appointments WHERE id = $id`,
        { id },
        t,
      );
      return row ?? null;
    },

    /** One appointment as the API answers it. */
    async findJson(id: string): Promise<AppointmentJson | null> {
      const [row] = await sql.query<AppointmentJson>(`SELECT ${APPOINTMENT_COLUMNS} FROM appointments a WHERE a.id = $id`, { id });
      return row ?? null;
    },

    /**
     * Moves an appointment `from` one of the given statuses `to` another and writes the event. When
     * `releaseCapacity` is set (cancellation) the day's `booked_count` drops by one in the same statement;
     * the caller must hold that day's capacity row lock, and it pins the doctor-day locked.
     * @returns the changed appointment's JSON, or null when its status (or day) was no longer as expected.
     */
    /**
     * An audit event that changes no status (`from_status` = `to_status` = the current one): a queue priority change.
     * @returns false when the appointment does not exist.
     */
    async recordNote(p: { id: string; data: Record<string, unknown> } & ChangeActor, t: Transaction): Promise<boolean> {
      const rows = await sql.query<{ id: string }>(
        `INSERT INTO appointment_events (appointment_id, from_status, to_status, actor_id, actor_type, reason, data)
         SELECT a.id, a.status, a.status, $actorId, $actorType, $reason, $data FROM appointments a WHERE a.id = $id RETURNING id`,
        { id: p.id, actorId: p.actorId, actorType: p.actorType, reason: p.reason, data: JSON.stringify(p.data) },
        t,
      );
      return rows.length > 0;
    },

    async changeStatus(
      p: {
        id: string;
        from: AppointmentStatus[];
        to: AppointmentStatus;
        releaseCapacity?: { doctorId: string; date: string };
      } & ChangeActor,
      t: Transaction,
    ): Promise<AppointmentJson | null> {
      const release = p.releaseCapacity;
      const [row] = await sql.query<{ body: AppointmentJson }>(
        statusChangeSql(!!release),
        { id: p.id, to: p.to, from: p.from, actorId: p.actorId, actorType: p.actorType, reason: p.reason, ...(release ?? {}) },
        t,
      );
      return row?.body ?? null;
    },

    /**
     * Moves a booked appointment to another doctor-day, into that day's lowest free slot, releasing one unit
     * of the old day's capacity and taking one of the new day's. The caller holds both days' row locks.
     * @returns the moved appointment's JSON, or null when no slot is free, the patient already holds the new
     *   day, or the appointment is no longer booked on the old day.
     */
    async move(
      p: {
        id: string;
        oldDoctorId: string;
        oldDate: string;
        newDoctorId: string;
        newDate: string;
        capacity: number;
        planVersion: number;
      } & Candidates &
        ChangeActor,
      t: Transaction,
    ): Promise<AppointmentJson | null> {
      const [row] = await sql.query<{ body: AppointmentJson }>(
        `WITH ${CANDIDATES},
         free AS (
           SELECT cand.* FROM cand
            WHERE cand.slot <= $capacity::int
              AND NOT EXISTS (SELECT 1 FROM appointments x
                               WHERE x.doctor_id = $newDoctorId AND x.date = $newDate AND x.slot = cand.slot AND x.status <> 'cancelled')
            ORDER BY cand.ord LIMIT 1),
         old AS (SELECT slot FROM appointments WHERE id = $id),
         ins AS (
           UPDATE appointments a SET doctor_id = $newDoctorId, date = $newDate, slot = free.slot, site_id = free.site_id, room = free.room,
                  start_time = free.start_time, end_time = free.end_time, estimated_time = free.estimated_time, needs_reschedule = false,
                  updated_at = now()
             FROM free
            WHERE a.id = $id AND a.status = 'booked' AND a.doctor_id = $oldDoctorId AND a.date = $oldDate
              AND EXISTS (SELECT 1 FROM doctors d WHERE d.id = $newDoctorId AND d.schedule_version = $planVersion::int)
              AND NOT EXISTS (SELECT 1 FROM appointments y WHERE y.patient_id = a.patient_id AND y.doctor_id = $newDoctorId
                                 AND y.date = $newDate AND y.status <> 'cancelled')
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
        { ...p },
        t,
      );
      return row?.body ?? null;
    },

    /** A doctor-day's appointments by slot, with the patient's name (staff only); one page and the total. */
    async listDoctorDay(p: { doctorId: string; date: string; status: AppointmentStatus | null; limit: number; offset: number }) {
      const where = `a.doctor_id = $doctorId AND a.date = $date AND ($status::text IS NULL OR a.status = $status)`;
      const rows = await sql.query<Record<string, unknown> & { total: string }>(
        `SELECT ${APPOINTMENT_COLUMNS}, jsonb_build_object('id', p.id, 'first_name', p.first_name, 'last_name', p.last_name) AS patient,
                count(*) OVER () AS total
           FROM appointments a JOIN patients p ON p.id = a.patient_id
          WHERE ${where} ORDER BY a.slot, a.created_at LIMIT $limit OFFSET $offset`,
        p,
      );
      const total = rows.length
        ? Number(rows[0].total)
        : Number(
            (
              await sql.query<{ n: string }>(`SELECT count(*) AS n FROM appointments a WHERE ${where}`, {
                doctorId: p.doctorId,
                date: p.date,
                status: p.status,
              })
            )[0].n,
          );
      return { rows: rows.map(({ total: _t, ...r }) => r), total };
    },

    /** Active appointments flagged `needs_reschedule` between two days, with the patient's name and phone; one page and the total. */
    async listNeedingReschedule(p: { from: string; to: string; limit: number; offset: number }) {
      const rows = await sql.query<Record<string, unknown> & { total: string }>(
        `SELECT ${APPOINTMENT_COLUMNS},
                jsonb_build_object('id', p.id, 'first_name', p.first_name, 'last_name', p.last_name, 'phone', p.phone) AS patient,
                count(*) OVER () AS total
           FROM appointments a JOIN patients p ON p.id = a.patient_id
          WHERE a.needs_reschedule AND a.date BETWEEN $from AND $to AND a.status IN ('booked', 'checked_in')
          ORDER BY a.date, a.doctor_id, a.slot LIMIT $limit OFFSET $offset`,
        p,
      );
      return { rows: rows.map(({ total: _t, ...r }) => r), total: rows.length ? Number(rows[0].total) : 0 };
    },

    /** A patient's appointments, newest day first; `doctorId` narrows to one doctor. One page and the total. */
    async listPatient(p: { patientId: string; doctorId: string | null; limit: number; offset: number }) {
      const where = `a.patient_id = $patientId AND ($doctorId::uuid IS NULL OR a.doctor_id = $doctorId)`;
      const rows = await sql.query<Record<string, unknown>>(
        `SELECT ${APPOINTMENT_COLUMNS} FROM appointments a WHERE ${where} ORDER BY a.date DESC, a.created_at DESC LIMIT $limit OFFSET $offset`,
        p,
      );
      const [count] = await sql.query<{ n: string }>(`SELECT count(*) AS n FROM appointments a WHERE ${where}`, {
        patientId: p.patientId,
        doctorId: p.doctorId,
      });
      return { rows, total: Number(count.n) };
    },

    async patientExists(patientId: string): Promise<boolean> {
      const [row] = await sql.query<{ exists: boolean }>('SELECT EXISTS (SELECT 1 FROM patients WHERE id = $patientId) AS exists', {
        patientId,
      });
      return row.exists;
    },

    /** The audit trail of an appointment, oldest first. */
    async history(id: string) {
      return sql.query<Record<string, unknown>>(
        `SELECT id::text AS id, from_status, to_status, actor_id, actor_type, reason, data, ${isoUtc('at')} AS at
           FROM appointment_events ev WHERE appointment_id = $id ORDER BY ev.id`, // the bigint, not the text alias ('100' < '99')
        { id },
      );
    },
  };
}
export type AppointmentRepository = ReturnType<typeof createAppointmentRepository>;
