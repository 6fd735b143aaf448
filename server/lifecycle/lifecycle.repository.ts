import type { Transaction } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { createSql } from '../core/sql';
import { ACTIVE_STATUSES } from '../appointments/appointment-status';
import { scrubJson } from './lifecycle.rules';

/** An appointment that blocks a deactivation or erasure. */
export interface UpcomingAppointment {
  id: string;
  /** Clinic day `YYYY-MM-DD`. */
  date: string;
  doctor_id: string;
  slot: number;
}

/**
 * The statements of deactivation and erasure that reach beyond the patients, doctors and history tables (whose own
 * repositories change them): upcoming appointments, and the scrubbing of the appointment audit trail and of stored
 * idempotent answers. Every erasure step that a new table needs goes here (test/integration/erasure.test.ts searches
 * every table for what is left).
 */
export function createLifecycleRepository(sequelize: Sequelize) {
  const sql = createSql(sequelize);
  return {
    /**
     * Active appointments (booked or checked in) on `fromDate` or later, of a doctor or of a patient: the first
     * `limit` by date and slot, and how many there are.
     */
    async upcoming(
      by: { doctorId: string } | { patientId: string },
      fromDate: string,
      limit: number,
      t: Transaction,
    ): Promise<{ total: number; appointments: UpcomingAppointment[] }> {
      const column = 'doctorId' in by ? 'doctor_id' : 'patient_id';
      const rows = await sql.query<UpcomingAppointment & { total: number }>(
        `SELECT id, to_char(date, 'YYYY-MM-DD') AS date, doctor_id, slot, count(*) OVER ()::int AS total
           FROM appointments
          WHERE ${column} = $id AND date >= $fromDate AND status = ANY($statuses::text[])
          ORDER BY date, slot, id LIMIT $limit`,
        { id: 'doctorId' in by ? by.doctorId : by.patientId, fromDate, statuses: [...ACTIVE_STATUSES], limit },
        t,
      );
      return { total: rows[0]?.total ?? 0, appointments: rows.map(({ total: _t, ...a }) => a) };
    },

    /** How many appointment rows a patient has (kept by the erasure, for statistics and audit). */
    async appointmentCount(patientId: string, t: Transaction): Promise<number> {
      const [row] = await sql.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM appointments WHERE patient_id = $patientId',
        { patientId },
        t,
      );
      return row.n;
    },

    /**
     * The audit trail of a patient's appointments keeps who changed what when (statuses, actors, times, slots);
     * its free text goes: every `reason` becomes `[erased]`, and in `data` every string that holds one of
     * `values` (case-insensitive) does too. @returns how many events changed.
     */
    async scrubAppointmentEvents(patientId: string, values: string[], t: Transaction): Promise<number> {
      const withReason = await sql.exec(
        `UPDATE appointment_events ev SET reason = '[erased]'
          WHERE ev.reason IS NOT NULL AND ev.reason <> '[erased]'
            AND ev.appointment_id IN (SELECT id FROM appointments WHERE patient_id = $patientId)`,
        { patientId },
        t,
      );
      const events = await sql.query<{ id: string; data: unknown }>(
        `SELECT ev.id::text AS id, ev.data FROM appointment_events ev
          WHERE ev.data IS NOT NULL AND ev.appointment_id IN (SELECT id FROM appointments WHERE patient_id = $patientId)`,
        { patientId },
        t,
      );
      let withData = 0;
      for (const ev of events) {
        const scrubbed = scrubJson(ev.data, values);
        if (JSON.stringify(scrubbed) === JSON.stringify(ev.data)) continue;
        await sql.exec(
          'UPDATE appointment_events SET data = $data::jsonb WHERE id = $id::bigint',
          { id: ev.id, data: JSON.stringify(scrubbed) },
          t,
        );
        withData++;
      }
      return withReason + withData;
    },

    /**
     * Stored idempotent answers that concern the patient (their body names the patient's id) are deleted: they are
     * a 48-hour replay cache, not a record, and their key (chosen by the client) may hold a name. A retry of such a
     * request is then refused like any booking of an erased patient. @returns how many were deleted.
     */
    async dropIdempotencyKeys(patientId: string, t: Transaction): Promise<number> {
      return sql.exec(`DELETE FROM idempotency_keys WHERE strpos(response_body::text, $patientId::text) > 0`, { patientId }, t);
    },
  };
}
export type LifecycleRepository = ReturnType<typeof createLifecycleRepository>;
