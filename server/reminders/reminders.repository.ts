import type { Transaction } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { createSql, isoUtc } from '../core/sql';
import { TIMING_COLUMNS } from '../appointments/appointment-timing';

/** Transaction-scoped advisory lock: one reminder run at a time across every instance. */
const REMINDER_LOCK_KEY = 724_311_011;

/** A booked appointment that may still owe a reminder, with the lead times already handled. */
export interface ReminderCandidate {
  id: string;
  appointment_id: string;
  patient_id: string;
  doctor_id: string;
  date: string;
  slot: number;
  status: string;
  source: string;
  is_walk_in: boolean;
  created_at: string;
  updated_at: string;
  /** Lead hours already recorded (sent or skipped). */
  done: number[];
}

/** Storage of the reminder job: the candidates and `appointment_reminders` (once per appointment and lead time). */
/** `clinicTimezone`: the default site's zone (its own is NULL), for appointments' times. */
export function createReminderRepository(sequelize: Sequelize, clinicTimezone: string) {
  const sql = createSql(sequelize);
  return {
    /** Takes the reminder lock inside `t` if free. @returns false when another instance runs the job now. */
    async tryLock(t: Transaction): Promise<boolean> {
      const [row] = await sql.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($key) AS ok', { key: REMINDER_LOCK_KEY }, t);
      return row.ok;
    },

    /**
     * Booked appointments on days `from`..`to` that lack a reminder row for some of the `leads`, in (date, slot, id)
     * order after the key `after` (paging), with their times and site zone (`TIMING_COLUMNS`).
     */
    async candidates(
      p: { from: string; to: string; leads: number[]; after: { date: string; slot: number; id: string } | null; limit: number },
      t: Transaction,
    ): Promise<ReminderCandidate[]> {
      return sql.query<ReminderCandidate>(
        `SELECT a.id, a.id AS appointment_id, a.patient_id, a.doctor_id, to_char(a.date, 'YYYY-MM-DD') AS date, a.slot, a.status, a.source,
                a.is_walk_in, ${isoUtc('a.created_at')} AS created_at, ${isoUtc('a.updated_at')} AS updated_at,
                a.site_id, a.room, ${TIMING_COLUMNS},
                coalesce((SELECT array_agg(r.lead_hours) FROM appointment_reminders r WHERE r.appointment_id = a.id), '{}') AS done
           FROM appointments a
          WHERE a.status = 'booked' AND a.date BETWEEN $from AND $to
            AND (SELECT count(*) FROM appointment_reminders r WHERE r.appointment_id = a.id AND r.lead_hours = ANY($leads::int[])) < $n
            AND ($afterDate::date IS NULL OR (a.date, a.slot, a.id) > ($afterDate::date, $afterSlot::int, $afterId::uuid))
          ORDER BY a.date, a.slot, a.id LIMIT $limit`,
        {
          from: p.from,
          to: p.to,
          leads: p.leads,
          n: p.leads.length,
          afterDate: p.after?.date ?? null,
          afterSlot: p.after?.slot ?? null,
          afterId: p.after?.id ?? null,
          limit: p.limit,
          clinicTimezone,
        },
        t,
      );
    },

    /**
     * Records each (appointment, lead) once, all in one statement. @returns the `appointmentId:leadHours` pairs this
     * call recorded (a pair recorded before — by an earlier run, or another instance — is not among them).
     */
    async markMany(
      marks: Array<{ appointmentId: string; leadHours: number; outcome: 'sent' | 'skipped'; remindFor: Date }>,
      t: Transaction,
    ): Promise<Set<string>> {
      if (!marks.length) return new Set();
      const rows = await sql.query<{ appointment_id: string; lead_hours: number }>(
        `INSERT INTO appointment_reminders (appointment_id, lead_hours, outcome, remind_for)
         SELECT * FROM unnest($ids::uuid[], $leads::int[], $outcomes::text[], $fors::timestamptz[])
         ON CONFLICT (appointment_id, lead_hours) DO NOTHING RETURNING appointment_id, lead_hours`,
        {
          ids: marks.map((m) => m.appointmentId),
          leads: marks.map((m) => m.leadHours),
          outcomes: marks.map((m) => m.outcome),
          fors: marks.map((m) => m.remindFor.toISOString()),
        },
        t,
      );
      return new Set(rows.map((r) => `${r.appointment_id}:${r.lead_hours}`));
    },
  };
}
export type ReminderRepository = ReturnType<typeof createReminderRepository>;
