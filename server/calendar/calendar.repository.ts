import type { Sequelize } from 'sequelize-typescript';
import { createSql, isoUtc } from '../core/sql';
import { TIMING_COLUMNS } from '../appointments/appointment-timing';

/** A calendar feed as listed (never its token or URL). */
export interface CalendarFeedDto {
  id: string;
  doctor_id: string;
  label: string | null;
  show_patient_names: boolean;
  created_by: string | null;
  created_at: string;
  revoked_at: string | null;
}

/** One appointment as the feed shows it. Patient names only when the feed asked for them. */
export interface FeedAppointment {
  id: string;
  date: string;
  slot: number;
  status: string;
  updated_at: string;
  code: string;
  first_name: string | null;
  last_name: string | null;
}

const COLUMNS = `id, doctor_id, label, show_patient_names, created_by, ${isoUtc('created_at')} AS created_at, ${isoUtc('revoked_at')} AS revoked_at`;

/** Storage of calendar feeds (`calendar_feeds`) and the feed's read of a doctor's appointments. */
/** `clinicTimezone`: the default site's zone (its own is NULL), for appointments' times. */
export function createCalendarRepository(sequelize: Sequelize, clinicTimezone: string) {
  const sql = createSql(sequelize);
  return {
    async create(p: {
      doctor_id: string;
      label: string | null;
      show_patient_names: boolean;
      token_hash: string;
      created_by: string | null;
    }) {
      const [row] = await sql.query<CalendarFeedDto>(
        `INSERT INTO calendar_feeds (doctor_id, label, show_patient_names, token_hash, created_by)
         VALUES ($doctor_id, $label, $show_patient_names, $token_hash, $created_by) RETURNING ${COLUMNS}`,
        { ...p },
      );
      return row;
    },

    /** A doctor's feeds, newest first; revoked ones only with `include_revoked`. */
    async list(doctorId: string, includeRevoked: boolean): Promise<CalendarFeedDto[]> {
      return sql.query<CalendarFeedDto>(
        `SELECT ${COLUMNS} FROM calendar_feeds WHERE doctor_id = $doctorId AND ($all OR revoked_at IS NULL) ORDER BY created_at DESC, id`,
        { doctorId, all: includeRevoked },
      );
    },

    /** Revokes one of a doctor's feeds. @returns false when the doctor has no such feed. */
    async revoke(doctorId: string, feedId: string): Promise<boolean> {
      const rows = await sql.query(
        'UPDATE calendar_feeds SET revoked_at = coalesce(revoked_at, now()) WHERE id = $feedId AND doctor_id = $doctorId RETURNING id',
        { doctorId, feedId },
      );
      return rows.length > 0;
    },

    /** The active feed with this token hash, with its doctor's name, or null. */
    async findActiveByHash(hash: string) {
      const [row] = await sql.query<{ id: string; doctor_id: string; show_patient_names: boolean; doctor_name: string }>(
        `SELECT f.id, f.doctor_id, f.show_patient_names, d.name AS doctor_name
           FROM calendar_feeds f JOIN doctors d ON d.id = f.doctor_id WHERE f.token_hash = $hash AND f.revoked_at IS NULL`,
        { hash },
      );
      return row ?? null;
    },

    /**
     * The doctor's appointments on days `from`..`to`: every one not cancelled, and cancelled ones for 7 days after
     * they were cancelled, with their times and site zone (`TIMING_COLUMNS`). Names are read only when `withNames`.
     */
    async appointments(p: { doctorId: string; from: string; to: string; withNames: boolean }): Promise<FeedAppointment[]> {
      return sql.query<FeedAppointment>(
        `SELECT a.id, to_char(a.date, 'YYYY-MM-DD') AS date, a.slot, a.status, ${isoUtc('a.updated_at')} AS updated_at, d.code, a.room,
                ${TIMING_COLUMNS},
                CASE WHEN $withNames THEN p.first_name END AS first_name, CASE WHEN $withNames THEN p.last_name END AS last_name
           FROM appointments a JOIN doctors d ON d.id = a.doctor_id JOIN patients p ON p.id = a.patient_id
          WHERE a.doctor_id = $doctorId AND a.date BETWEEN $from AND $to
            AND (a.status <> 'cancelled' OR a.updated_at > now() - interval '7 days')
          ORDER BY a.date, a.slot, a.id`,
        { ...p, clinicTimezone },
      );
    },
  };
}
export type CalendarRepository = ReturnType<typeof createCalendarRepository>;
