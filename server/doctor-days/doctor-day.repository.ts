import type { Transaction } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { createSql, statement } from '../core/sql';
import { DOCTOR_DAY_PLAN_SQL as PLAN, type DoctorDayInputs } from './doctor-day.rules';

/**
 * The doctor-day's capacity row (`doctor_day_capacity`, one per `(doctor_id, date)`): the row every booking,
 * cancellation, reschedule and capacity change of that day serializes on. Locks are taken only inside a
 * transaction and held until its commit, so keep what happens between {@link DoctorDayRepository.lock} and
 * commit to single statements.
 */

/** What a booking needs to know before it takes any lock, read in one round trip. */
export interface BookingContextRow {
  doctor_exists: boolean;
  is_active: boolean | null;
  code: string | null;
  default_daily_capacity: number | null;
  working_days: number[] | null;
  /** The day's override (`doctor_availability`), when one is set. */
  av_is_present: boolean | null;
  av_capacity: number | null;
  /** The capacity row, when the day has had bookings or a capacity change. */
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

/** The rule's inputs as the booking context read holds them (see {@link doctorDayPlan}). */
export function planInputsOf(ctx: BookingContextRow): DoctorDayInputs {
  return {
    working_days: ctx.working_days ?? [],
    default_daily_capacity: ctx.default_daily_capacity ?? 0,
    override: ctx.av_is_present === null ? null : { is_present: ctx.av_is_present, capacity: ctx.av_capacity },
  };
}

/**
 * Doctor, the day's override, capacity row, patient existence, the patient's booking that day and a stored
 * idempotency key, in one read. Binds: `$doctorId $patientId $date $actorKey $key` (patient, actor and key
 * may be null: then the patient "does not exist" and no key is found).
 */
export const BOOKING_CONTEXT_SQL = `SELECT (d.id IS NOT NULL) AS doctor_exists, d.is_active, d.code, d.default_daily_capacity, d.working_days,
            av.is_present AS av_is_present, av.capacity AS av_capacity,
            c.capacity AS cap_capacity, c.booked_count AS cap_booked,
            EXISTS (SELECT 1 FROM patients WHERE id = $patientId) AS patient_exists,
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
 * Creates the capacity row on a day's first use, its capacity computed here by the doctor-day rule from the
 * committed override and default (never from a value read before the lock). `FOR SHARE OF d` waits for a
 * running change of the doctor's default (which holds that row `FOR NO KEY UPDATE`), and the row it then
 * reads is the one that change left. Binds: `$doctorId $date`.
 */
export const CREATE_DOCTOR_DAY_SQL = `INSERT INTO doctor_day_capacity (doctor_id, date, capacity)
     SELECT d.id, $date::date, ${PLAN.capacity}
       FROM doctors d ${PLAN.joinOverride('$date::date')}
      WHERE d.id = $doctorId FOR SHARE OF d
     ON CONFLICT (doctor_id, date) DO NOTHING`;

const CONTEXT = statement(BOOKING_CONTEXT_SQL);
const LOCK = statement(LOCK_DOCTOR_DAY_SQL);
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

/** Storage of doctor-days. Every method that locks needs the caller's managed transaction (last argument). */
export function createDoctorDayRepository(sequelize: Sequelize) {
  const sql = createSql(sequelize);
  return {
    /** The booking context read ({@link BOOKING_CONTEXT_SQL}); no lock, or inside `t` when given. */
    async readBookingContext(p: BookingContextKey, t?: Transaction): Promise<BookingContextRow> {
      const [row] = await sql.prepared<BookingContextRow>(CONTEXT, { ...p, key: p.key ?? '' }, t);
      return row;
    },

    /**
     * Locks a doctor-day's capacity row (`SELECT … FOR UPDATE`), creating it on first use with
     * `INSERT … ON CONFLICT DO NOTHING` so concurrent first uses never collide.
     * @returns the locked row's counts; null when the doctor does not exist.
     */
    async lock(doctorId: string, date: string, t: Transaction): Promise<DayCounts | null> {
      let [row] = await sql.prepared<DayCounts>(LOCK, { doctorId, date }, t);
      if (!row) {
        await sql.prepared(CREATE, { doctorId, date }, t);
        [row] = await sql.prepared<DayCounts>(LOCK, { doctorId, date }, t);
      }
      return row ?? null;
    },

    /**
     * Takes the doctor rows `FOR SHARE`, by id: the first step of the lock order (doctor rows, then capacity
     * rows, then queue counters) for a change that touches two doctors' days.
     */
    async lockDoctorsShared(doctorIds: string[], t: Transaction): Promise<void> {
      await sql.query('SELECT 1 FROM doctors WHERE id = ANY($ids::uuid[]) ORDER BY id FOR SHARE', { ids: doctorIds }, t);
    },

    /** Sets a locked day's capacity. */
    async setCapacity(doctorId: string, date: string, capacity: number, t: Transaction): Promise<void> {
      await sql.exec(
        'UPDATE doctor_day_capacity SET capacity = $capacity, updated_at = now() WHERE doctor_id = $doctorId AND date = $date',
        { doctorId, date, capacity },
        t,
      );
    },

    /**
     * Locks the capacity rows of a doctor's days from `fromDate` on (in date order, after the doctor row the
     * caller holds) and returns each with the capacity the doctor-day rule gives it now — inside `t`, so after
     * the caller changed the doctor's default it sees the new one.
     */
    async lockDaysFrom(doctorId: string, fromDate: string, t: Transaction) {
      return sql.query<{ date: string; booked_count: number; capacity: number; planned_capacity: number }>(
        `SELECT to_char(c.date, 'YYYY-MM-DD') AS date, c.booked_count, c.capacity, ${PLAN.capacity} AS planned_capacity
           FROM doctor_day_capacity c JOIN doctors d ON d.id = c.doctor_id ${PLAN.joinOverride('c.date')}
          WHERE c.doctor_id = $doctorId AND c.date >= $fromDate
          ORDER BY c.date FOR UPDATE OF c`,
        { doctorId, fromDate },
        t,
      );
    },
  };
}
export type DoctorDayRepository = ReturnType<typeof createDoctorDayRepository>;
