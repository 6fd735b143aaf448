import type { Transaction } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { createSql, statement } from '../core/sql';
import type { DoctorBasics } from './plan-changes';
import {
  DOCTOR_DAY_PLAN_SQL as PLAN,
  type DoctorDayInputs,
  type LeaveSpan,
  type SessionSpec,
  type WeeklySession,
} from './doctor-day.rules';

/**
 * The doctor-day's capacity row (`doctor_day_capacity`, one per `(doctor_id, date)`): the row every booking,
 * cancellation, reschedule and plan change of that day serializes on. Locks are taken only inside a
 * transaction and held until its commit, so keep what happens between {@link DoctorDayRepository.lock} and
 * commit to single statements. Also the plan's inputs: weekly sessions, a day's own sessions, leaves.
 */

/** A session as stored, with its site's zone (NULL: CLINIC_TIMEZONE). */
export type StoredSession = SessionSpec & { timezone: string | null };

/** What a booking needs to know before it takes any lock, read in one round trip. */
export interface BookingContextRow {
  doctor_exists: boolean;
  is_active: boolean | null;
  code: string | null;
  default_daily_capacity: number | null;
  working_days: number[] | null;
  consult_minutes: number | null;
  /** Bumped by every plan change of the doctor; the booking statement re-checks it under the lock. */
  schedule_version: number | null;
  /** The day's override (`doctor_availability`), when one is set. */
  av_is_present: boolean | null;
  av_capacity: number | null;
  /** The override's own sessions, the doctor's weekly sessions, and the leaves covering the day. */
  day_sessions: Array<StoredSession>;
  weekly: Array<WeeklySession & { timezone: string | null }>;
  leaves: LeaveSpan[];
  /** The default site: where days without sessions are. */
  default_site: { id: string; timezone: string | null };
  /** The capacity row, when the day has had bookings or a capacity change. */
  cap_capacity: number | null;
  cap_booked: number | null;
  patient_exists: boolean;
  /** False when the patient is deactivated (or erased); null when there is no such patient. */
  patient_active: boolean | null;
  /** The patient's active appointment on this doctor-day, when there is one. */
  existing_id: string | null;
  /** A stored idempotency record for (actor, key), when one exists. */
  idem_fingerprint: string | null;
  idem_status: number | null;
  idem_body: Record<string, unknown> | null;
}

/** The rule's inputs as the booking context read holds them (see `doctorDayPlan`). */
export function planInputsOf(ctx: BookingContextRow): DoctorDayInputs {
  return {
    working_days: ctx.working_days ?? [],
    default_daily_capacity: ctx.default_daily_capacity ?? 0,
    consult_minutes: ctx.consult_minutes ?? 10,
    weekly: ctx.weekly,
    override: ctx.av_is_present === null ? null : { is_present: ctx.av_is_present, capacity: ctx.av_capacity, sessions: ctx.day_sessions },
    leaves: ctx.leaves,
  };
}

/** JSON of a session row aliased `x` with its site joined as `si`. */
const SESSION_JSON = `jsonb_build_object('site_id', x.site_id, 'start_time', to_char(x.start_time, 'HH24:MI'), 'end_time', to_char(x.end_time, 'HH24:MI'),
  'slot_minutes', x.slot_minutes, 'capacity', x.capacity, 'room', x.room, 'timezone', si.timezone)`;
/** JSON of a leave row aliased `l`. */
const LEAVE_JSON = `jsonb_build_object('id', l.id, 'from_date', to_char(l.from_date, 'YYYY-MM-DD'), 'to_date', to_char(l.to_date, 'YYYY-MM-DD'),
  'start_time', to_char(l.start_time, 'HH24:MI'), 'end_time', to_char(l.end_time, 'HH24:MI'))`;
/** The doctor's weekly sessions (`d` in scope), as a JSON array. */
const WEEKLY_JSON = `coalesce((SELECT jsonb_agg(${SESSION_JSON} || jsonb_build_object('weekday', x.weekday,
      'valid_from', to_char(x.valid_from, 'YYYY-MM-DD'), 'valid_to', to_char(x.valid_to, 'YYYY-MM-DD')) ORDER BY x.weekday, x.start_time)
    FROM doctor_sessions x JOIN sites si ON si.id = x.site_id WHERE x.doctor_id = d.id), '[]'::jsonb)`;
const DEFAULT_SITE_JSON = `(SELECT jsonb_build_object('id', id, 'timezone', timezone) FROM sites WHERE is_default)`;

/**
 * Doctor, the day's override and its sessions, the weekly sessions, the leaves covering the day, the capacity
 * row, patient existence, the patient's booking that day and a stored idempotency key, in one read. Binds:
 * `$doctorId $patientId $date $actorKey $key` (patient, actor and key may be null: then the patient "does
 * not exist" and no key is found).
 */
export const BOOKING_CONTEXT_SQL = `SELECT (d.id IS NOT NULL) AS doctor_exists, d.is_active, d.code, d.default_daily_capacity, d.working_days,
            d.consult_minutes, d.schedule_version,
            av.is_present AS av_is_present, av.capacity AS av_capacity,
            coalesce((SELECT jsonb_agg(${SESSION_JSON} ORDER BY x.start_time)
                        FROM doctor_day_sessions x JOIN sites si ON si.id = x.site_id
                       WHERE x.doctor_id = $doctorId AND x.date = $date::date), '[]'::jsonb) AS day_sessions,
            CASE WHEN d.id IS NULL THEN '[]'::jsonb ELSE ${WEEKLY_JSON} END AS weekly,
            coalesce((SELECT jsonb_agg(${LEAVE_JSON}) FROM doctor_leaves l
                       WHERE l.doctor_id = $doctorId AND $date::date BETWEEN l.from_date AND l.to_date), '[]'::jsonb) AS leaves,
            ${DEFAULT_SITE_JSON} AS default_site,
            c.capacity AS cap_capacity, c.booked_count AS cap_booked,
            EXISTS (SELECT 1 FROM patients WHERE id = $patientId) AS patient_exists,
            (SELECT deactivated_at IS NULL FROM patients WHERE id = $patientId) AS patient_active,
            (SELECT id FROM appointments
              WHERE patient_id = $patientId AND doctor_id = $doctorId AND date = $date AND status <> 'cancelled') AS existing_id,
            k.fingerprint AS idem_fingerprint, k.response_status AS idem_status, k.response_body AS idem_body
       FROM (SELECT 1) one
       LEFT JOIN doctors d ON d.id = $doctorId
       LEFT JOIN doctor_availability av ON av.doctor_id = $doctorId AND av.date = $date
       LEFT JOIN doctor_day_capacity c ON c.doctor_id = $doctorId AND c.date = $date
       LEFT JOIN idempotency_keys k ON k.actor_id = $actorKey AND k.key = $key`;

/** Locks the capacity row. Binds: `$doctorId $date`. */
export const LOCK_DOCTOR_DAY_SQL =
  'SELECT capacity, booked_count FROM doctor_day_capacity WHERE doctor_id = $doctorId AND date = $date FOR UPDATE';

/**
 * Before a day's capacity row is created: the doctor row `FOR SHARE`, in its own statement. It waits for a
 * running plan change of the doctor (which holds that row `FOR NO KEY UPDATE`), so the next statement — a
 * new snapshot — reads the plan that change left. Binds: `$doctorId`.
 */
export const SHARE_DOCTOR_SQL = 'SELECT 1 FROM doctors WHERE id = $doctorId FOR SHARE';

/**
 * Creates the capacity row on a day's first use, its capacity computed here by the doctor-day rule from the
 * committed plan (never from a value read before the lock). Run after {@link SHARE_DOCTOR_SQL}. Binds: `$doctorId $date`.
 */
export const CREATE_DOCTOR_DAY_SQL = `INSERT INTO doctor_day_capacity (doctor_id, date, capacity)
     SELECT d.id, $date::date, ${PLAN.capacity('$date::date')}
       FROM doctors d ${PLAN.joinOverride('$date::date')}
      WHERE d.id = $doctorId
     ON CONFLICT (doctor_id, date) DO NOTHING`;

const CONTEXT = statement(BOOKING_CONTEXT_SQL);
const LOCK = statement(LOCK_DOCTOR_DAY_SQL);
const SHARE = statement(SHARE_DOCTOR_SQL);
const CREATE = statement(CREATE_DOCTOR_DAY_SQL);

/** A locked capacity row's counts. */
export interface DayCounts {
  capacity: number;
  booked_count: number;
}

/** What {@link DoctorDayRepository.readBookingContext} takes. */
export interface BookingContextKey {
  doctorId: string;
  /** Clinic day `YYYY-MM-DD`. */
  date: string;
  patientId: string | null;
  /** Idempotency scope (the acting account, see `keyOwner`) and key; null when none. */
  actorKey: string | null;
  key: string | null;
}

/** An active appointment of a day, with where and when it was booked (for reconciling a changed plan). */
export interface BookedSlot {
  id: string;
  date: string;
  slot: number;
  status: string;
  site_id: string | null;
  room: string | null;
  start_time: string | null;
  end_time: string | null;
  estimated_time: string | null;
  needs_reschedule: boolean;
}

const TIME = (col: string) => `to_char(${col}, 'HH24:MI')`;

/** Storage of doctor-days and their plans. Every method that locks needs the caller's managed transaction (last argument). */
export function createDoctorDayRepository(sequelize: Sequelize) {
  const sql = createSql(sequelize);
  const insertSessions = async (table: 'doctor_sessions' | 'doctor_day_sessions', rows: Array<Record<string, unknown>>, t: Transaction) => {
    if (!rows.length) return;
    const extra = table === 'doctor_sessions' ? ', weekday, valid_from, valid_to' : ', date';
    await sql.exec(
      `INSERT INTO ${table} (doctor_id, site_id, start_time, end_time, slot_minutes, capacity, room${extra})
       SELECT doctor_id, site_id, start_time, end_time, slot_minutes, capacity, room${extra}
         FROM jsonb_to_recordset($rows::jsonb) AS r(doctor_id uuid, site_id uuid, start_time time, end_time time, slot_minutes smallint,
              capacity smallint, room text, weekday smallint, valid_from date, valid_to date, date date)`,
      { rows: JSON.stringify(rows) },
      t,
    );
  };
  return {
    /** The booking context read ({@link BOOKING_CONTEXT_SQL}); no lock, or inside `t` when given. */
    async readBookingContext(p: BookingContextKey, t?: Transaction): Promise<BookingContextRow> {
      const [row] = await sql.prepared<BookingContextRow>(CONTEXT, { ...p, key: p.key ?? '' }, t);
      return row;
    },

    /**
     * Locks a doctor-day's capacity row (`SELECT … FOR UPDATE`), creating it on first use (the doctor row
     * `FOR SHARE` first, then `INSERT … ON CONFLICT DO NOTHING`, so concurrent first uses never collide).
     * @returns the locked row's counts; null when the doctor does not exist.
     */
    async lock(doctorId: string, date: string, t: Transaction): Promise<DayCounts | null> {
      let [row] = await sql.prepared<DayCounts>(LOCK, { doctorId, date }, t);
      if (!row) {
        await sql.prepared(SHARE, { doctorId }, t);
        await sql.prepared(CREATE, { doctorId, date }, t);
        [row] = await sql.prepared<DayCounts>(LOCK, { doctorId, date }, t);
      }
      return row ?? null;
    },

    /** Sets a locked day's capacity. */
    async setCapacity(doctorId: string, date: string, capacity: number, t: Transaction): Promise<void> {
      await sql.exec(
        'UPDATE doctor_day_capacity SET capacity = $capacity, updated_at = now() WHERE doctor_id = $doctorId AND date = $date',
        { doctorId, date, capacity },
        t,
      );
    },

    /** Sets several locked days' capacities in one statement. */
    async setCapacities(doctorId: string, days: Array<{ date: string; capacity: number }>, t: Transaction): Promise<void> {
      if (!days.length) return;
      await sql.exec(
        `UPDATE doctor_day_capacity c SET capacity = n.capacity, updated_at = now()
           FROM jsonb_to_recordset($days::jsonb) AS n(date date, capacity int)
          WHERE c.doctor_id = $doctorId AND c.date = n.date`,
        { doctorId, days: JSON.stringify(days) },
        t,
      );
    },

    /**
     * Takes the doctor rows `FOR SHARE`, by id: the first step of the lock order (doctor rows, then capacity
     * rows, then queue counters) for a change that touches two doctors' days.
     */
    async lockDoctorsShared(doctorIds: string[], t: Transaction): Promise<void> {
      await sql.query('SELECT 1 FROM doctors WHERE id = ANY($ids::uuid[]) ORDER BY id FOR SHARE', { ids: doctorIds }, t);
    },

    /**
     * Before a plan change (schedule, a day's sessions, a leave, the doctor's default, working days or consult
     * minutes): locks the doctor row `FOR NO KEY UPDATE` and bumps `schedule_version`, so bookings that read the
     * old plan find out under their lock. Never blocks the foreign-key checks of bookings (`FOR KEY SHARE`).
     * @returns what the plan needs of the doctor, or null when the doctor does not exist.
     */
    async beginPlanChange(doctorId: string, t: Transaction): Promise<DoctorBasics | null> {
      const [row] = await sql.query<DoctorBasics>(
        `UPDATE doctors SET schedule_version = schedule_version + 1 WHERE id = $doctorId
         RETURNING working_days, default_daily_capacity, consult_minutes`,
        { doctorId },
        t,
      );
      return row ? { ...row, working_days: row.working_days.map(Number) } : null;
    },

    /**
     * Locks the capacity rows of a doctor's days from `fromDate` to `toDate` (inclusive; open when null), in
     * date order (after the doctor row the caller holds), and returns each with the capacity the doctor-day
     * rule gives it now — inside `t`, so after the caller changed the plan it sees the new one.
     */
    async lockDays(doctorId: string, fromDate: string, toDate: string | null, t: Transaction) {
      return sql.query<{ date: string; booked_count: number; capacity: number; planned_capacity: number }>(
        `SELECT to_char(c.date, 'YYYY-MM-DD') AS date, c.booked_count, c.capacity, p.planned_capacity
           FROM doctor_day_capacity c JOIN doctors d ON d.id = c.doctor_id ${PLAN.joinOverride('c.date')}
          CROSS JOIN LATERAL (SELECT ${PLAN.capacity('c.date')} AS planned_capacity) p
          WHERE c.doctor_id = $doctorId AND c.date >= $fromDate AND ($toDate::date IS NULL OR c.date <= $toDate::date)
          ORDER BY c.date FOR UPDATE OF c`,
        { doctorId, fromDate, toDate },
        t,
      );
    },

    /** The plan inputs of a doctor for the days `from`..`to`: weekly sessions, overrides with their sessions, leaves. */
    async planInputs(doctorId: string, from: string, to: string, t?: Transaction) {
      const [row] = await sql.query<{
        weekly: BookingContextRow['weekly'];
        leaves: LeaveSpan[];
        default_site: BookingContextRow['default_site'];
        overrides: Array<{ date: string; is_present: boolean; capacity: number | null; sessions: StoredSession[] }>;
      }>(
        `SELECT ${WEEKLY_JSON} AS weekly,
                coalesce((SELECT jsonb_agg(${LEAVE_JSON} ORDER BY l.from_date) FROM doctor_leaves l
                           WHERE l.doctor_id = d.id AND l.to_date >= $from::date AND l.from_date <= $to::date), '[]'::jsonb) AS leaves,
                coalesce((SELECT jsonb_agg(jsonb_build_object('date', to_char(av.date, 'YYYY-MM-DD'), 'is_present', av.is_present,
                                   'capacity', av.capacity,
                                   'sessions', coalesce((SELECT jsonb_agg(${SESSION_JSON} ORDER BY x.start_time)
                                                           FROM doctor_day_sessions x JOIN sites si ON si.id = x.site_id
                                                          WHERE x.doctor_id = d.id AND x.date = av.date), '[]'::jsonb)))
                            FROM doctor_availability av WHERE av.doctor_id = d.id AND av.date BETWEEN $from::date AND $to::date), '[]'::jsonb) AS overrides,
                ${DEFAULT_SITE_JSON} AS default_site
           FROM doctors d WHERE d.id = $doctorId`,
        { doctorId, from, to },
        t,
      );
      return row ?? null;
    },

    /** The doctor's weekly sessions, by weekday and start. */
    async weeklySessions(doctorId: string, t?: Transaction): Promise<Array<WeeklySession & { id: string }>> {
      return sql.query(
        `SELECT id, weekday, site_id, ${TIME('start_time')} AS start_time, ${TIME('end_time')} AS end_time, slot_minutes, capacity, room,
                to_char(valid_from, 'YYYY-MM-DD') AS valid_from, to_char(valid_to, 'YYYY-MM-DD') AS valid_to
           FROM doctor_sessions WHERE doctor_id = $doctorId ORDER BY weekday, start_time`,
        { doctorId },
        t,
      );
    },

    /** Replaces the doctor's weekly sessions inside `t` (the caller began a plan change). */
    async replaceWeeklySessions(doctorId: string, sessions: WeeklySession[], t: Transaction): Promise<void> {
      await sql.exec('DELETE FROM doctor_sessions WHERE doctor_id = $doctorId', { doctorId }, t);
      await insertSessions(
        'doctor_sessions',
        sessions.map((s) => ({ ...s, doctor_id: doctorId })),
        t,
      );
    },

    /** Replaces one day's own sessions inside `t` (the caller holds the day's lock). */
    async replaceDaySessions(doctorId: string, date: string, sessions: SessionSpec[], t: Transaction): Promise<void> {
      await sql.exec('DELETE FROM doctor_day_sessions WHERE doctor_id = $doctorId AND date = $date', { doctorId, date }, t);
      await insertSessions(
        'doctor_day_sessions',
        sessions.map((s) => ({ ...s, doctor_id: doctorId, date })),
        t,
      );
    },

    async insertLeave(
      p: {
        doctorId: string;
        from: string;
        to: string;
        startTime: string | null;
        endTime: string | null;
        reason: string | null;
        actorId: string | null;
      },
      t: Transaction,
    ): Promise<LeaveRow> {
      const [row] = await sql.query<LeaveRow>(
        `INSERT INTO doctor_leaves AS l (doctor_id, from_date, to_date, start_time, end_time, reason, created_by)
         VALUES ($doctorId, $from, $to, $startTime, $endTime, $reason, $actorId) RETURNING ${LEAVE_COLUMNS}`,
        p,
        t,
      );
      return row;
    },

    /** Deletes a leave of the doctor; returns it, or null when there is none. */
    async deleteLeave(doctorId: string, leaveId: string, t: Transaction): Promise<LeaveRow | null> {
      const [row] = await sql.query<LeaveRow>(
        `DELETE FROM doctor_leaves l WHERE l.id = $leaveId AND l.doctor_id = $doctorId RETURNING ${LEAVE_COLUMNS}`,
        { doctorId, leaveId },
        t,
      );
      return row ?? null;
    },

    /** The doctor's leaves that end on or after `from`, by start. */
    async listLeaves(doctorId: string, from: string): Promise<LeaveRow[]> {
      return sql.query<LeaveRow>(
        `SELECT ${LEAVE_COLUMNS} FROM doctor_leaves l WHERE l.doctor_id = $doctorId AND l.to_date >= $from
                                   ORDER BY l.from_date, l.start_time NULLS FIRST`,
        { doctorId, from },
      );
    },

    /** The slots of a doctor-day that hold an appointment (any status but cancelled). */
    async bookedSlots(doctorId: string, date: string, t?: Transaction): Promise<Set<number>> {
      const rows = await sql.query<{ slot: number }>(
        `SELECT slot FROM appointments WHERE doctor_id = $doctorId AND date = $date AND status <> 'cancelled'`,
        { doctorId, date },
        t,
      );
      return new Set(rows.map((r) => r.slot));
    },

    /**
     * The plan inputs, on `date`, of every active doctor who may work at site `siteId` that day: a weekly
     * session there, a day session there that date, or — for a doctor without a schedule — the default site.
     * (Whether each one does work there that day is the doctor-day rule's to say.)
     */
    async siteDayCandidates(siteId: string, date: string): Promise<Array<BookingContextRow & { doctor_id: string; name: string }>> {
      return sql.query(
        `SELECT d.id AS doctor_id, d.name, true AS doctor_exists, d.is_active, d.code, d.default_daily_capacity, d.working_days,
                d.consult_minutes, d.schedule_version, av.is_present AS av_is_present, av.capacity AS av_capacity,
                coalesce((SELECT jsonb_agg(${SESSION_JSON} ORDER BY x.start_time) FROM doctor_day_sessions x JOIN sites si ON si.id = x.site_id
                           WHERE x.doctor_id = d.id AND x.date = $date::date), '[]'::jsonb) AS day_sessions,
                ${WEEKLY_JSON} AS weekly,
                coalesce((SELECT jsonb_agg(${LEAVE_JSON}) FROM doctor_leaves l
                           WHERE l.doctor_id = d.id AND $date::date BETWEEN l.from_date AND l.to_date), '[]'::jsonb) AS leaves,
                ${DEFAULT_SITE_JSON} AS default_site
           FROM doctors d LEFT JOIN doctor_availability av ON av.doctor_id = d.id AND av.date = $date::date
          WHERE d.is_active
            AND (EXISTS (SELECT 1 FROM doctor_sessions s WHERE s.doctor_id = d.id AND s.site_id = $siteId)
                 OR EXISTS (SELECT 1 FROM doctor_day_sessions x WHERE x.doctor_id = d.id AND x.date = $date::date AND x.site_id = $siteId)
                 OR (NOT EXISTS (SELECT 1 FROM doctor_sessions s WHERE s.doctor_id = d.id)
                     AND EXISTS (SELECT 1 FROM sites WHERE id = $siteId AND is_default)))
          ORDER BY d.name, d.id`,
        { siteId, date },
      );
    },

    /** True when the doctor exists. */
    async doctorExists(doctorId: string): Promise<boolean> {
      return (await sql.query('SELECT 1 FROM doctors WHERE id = $doctorId', { doctorId })).length > 0;
    },

    /** Active (booked or checked-in) appointments of a doctor's days `from`..`to`, with where and when they were booked. */
    async activeAppointments(doctorId: string, from: string, to: string, t?: Transaction): Promise<BookedSlot[]> {
      return sql.query<BookedSlot>(
        `SELECT id, to_char(date, 'YYYY-MM-DD') AS date, slot, status, site_id, room, ${TIME('start_time')} AS start_time,
                ${TIME('end_time')} AS end_time, ${TIME('estimated_time')} AS estimated_time, needs_reschedule
           FROM appointments WHERE doctor_id = $doctorId AND date BETWEEN $from AND $to AND status IN ('booked', 'checked_in')
          ORDER BY date, slot`,
        { doctorId, from, to },
        t,
      );
    },

    /**
     * Flags appointments that no longer fit their day's plan (`needs_reschedule = true`) and writes an audit event
     * for each (status unchanged; `reason`, `data` say why), inside `t`. Never cancels anything.
     */
    async flagForReschedule(
      ids: string[],
      p: { actorId: string | null; actorType: string | null; reason: string; data: object },
      t: Transaction,
    ) {
      if (!ids.length) return;
      await sql.exec(
        `WITH f AS (UPDATE appointments SET needs_reschedule = true, updated_at = now() WHERE id = ANY($ids::uuid[]) RETURNING id, status)
         INSERT INTO appointment_events (appointment_id, from_status, to_status, actor_id, actor_type, reason, data)
         SELECT f.id, f.status, f.status, $actorId, $actorType, $reason, $data::jsonb FROM f`,
        { ids, actorId: p.actorId, actorType: p.actorType, reason: p.reason, data: JSON.stringify(p.data) },
        t,
      );
    },
  };
}
export type DoctorDayRepository = ReturnType<typeof createDoctorDayRepository>;

/** A leave as the API answers it (dates `YYYY-MM-DD`, times `HH:MM` in the doctor-day's zone). */
export interface LeaveRow {
  id: string;
  doctor_id: string;
  from: string;
  to: string;
  start_time: string | null;
  end_time: string | null;
  reason: string | null;
  created_by: string | null;
  created_at: string;
}
const LEAVE_COLUMNS = `l.id, l.doctor_id, to_char(l.from_date, 'YYYY-MM-DD') AS "from", to_char(l.to_date, 'YYYY-MM-DD') AS "to",
  to_char(l.start_time, 'HH24:MI') AS start_time, to_char(l.end_time, 'HH24:MI') AS end_time, l.reason, l.created_by,
  to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at`;
