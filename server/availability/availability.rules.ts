import { doctorDayPlan } from '../doctor-days/doctor-day.rules';

/** A doctor-day's effective availability, as reception sees it. */
export interface EffectiveAvailability {
  doctor_id: string;
  /** Clinic day, `YYYY-MM-DD`. */
  date: string;
  is_present: boolean;
  /** The day's capacity: the row's override, else the doctor's default. */
  capacity: number;
  /** Whether the row set it (`set`) or it follows `working_days` (`default`). */
  source: 'set' | 'default';
  notes: string | null;
  updated_by: string | null;
  updated_at: string | null;
}

interface DoctorLike {
  id: string;
  default_daily_capacity: number;
  working_days: number[];
}
interface RowLike {
  is_present: boolean;
  capacity: number | null;
  notes: string | null;
  updated_by: string | null;
  updated_at: Date;
}

/** The availability answer for a doctor-day: the doctor-day rule's decision plus the override's notes and stamps. */
export function effectiveAvailability(doctor: DoctorLike, date: string, row?: RowLike | null): EffectiveAvailability {
  const plan = doctorDayPlan({ ...doctor, override: row ?? null }, date);
  return {
    doctor_id: doctor.id,
    date,
    is_present: plan.is_present,
    capacity: plan.capacity,
    source: plan.source,
    notes: row?.notes ?? null,
    updated_by: row?.updated_by ?? null,
    updated_at: row ? row.updated_at.toISOString() : null,
  };
}
