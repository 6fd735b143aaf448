import { doctorDayPlan, type DoctorDayInputs, type SessionSpec } from '../doctor-days/doctor-day.rules';

/** A doctor-day's effective availability, as reception sees it. */
export interface EffectiveAvailability {
  doctor_id: string;
  /** Clinic day, `YYYY-MM-DD`. */
  date: string;
  is_present: boolean;
  /** The day's capacity: the doctor-day rule's (override, sessions, or the doctor's default). */
  capacity: number;
  /** Whether the row set it (`set`), the weekly schedule (`schedule`) or `working_days` (`default`). */
  source: 'set' | 'schedule' | 'default';
  notes: string | null;
  updated_by: string | null;
  updated_at: string | null;
  /** True when a full-day leave covers the day. */
  on_leave: boolean;
  /** The day's sessions (its own, or the weekly ones), times `HH:MM` in the site's zone. */
  sessions: SessionSpec[];
}

type DoctorLike = { id: string } & Omit<DoctorDayInputs, 'override'>;
interface RowLike {
  is_present: boolean;
  capacity: number | null;
  notes: string | null;
  updated_by: string | null;
  updated_at: Date;
}

/** The availability answer for a doctor-day: the doctor-day rule's decision plus the override's notes and stamps. */
export function effectiveAvailability(
  doctor: DoctorLike,
  date: string,
  row?: RowLike | null,
  ownSessions: readonly SessionSpec[] = [],
): EffectiveAvailability {
  const plan = doctorDayPlan({ ...doctor, override: row ? { ...row, sessions: ownSessions } : null }, date);
  return {
    doctor_id: doctor.id,
    date,
    is_present: plan.is_present,
    capacity: plan.capacity,
    source: plan.source,
    notes: row?.notes ?? null,
    updated_by: row?.updated_by ?? null,
    updated_at: row ? row.updated_at.toISOString() : null,
    on_leave: plan.on_leave,
    sessions: plan.sessions.map(({ site_id, start_time, end_time, slot_minutes, capacity, room }) => ({
      site_id,
      start_time,
      end_time,
      slot_minutes,
      capacity,
      room,
    })),
  };
}
