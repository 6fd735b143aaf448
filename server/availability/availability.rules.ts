import { isoWeekday } from '../core/clinic-time';

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

interface DoctorLike { id: string; default_daily_capacity: number; working_days: number[] }
interface RowLike { is_present: boolean; capacity: number | null; notes: string | null; updated_by: string | null; updated_at: Date }

/**
 * The rule for a doctor-day: a row, when present, decides presence and may override capacity;
 * with no row the doctor is present on their ISO `working_days` with the default capacity.
 */
export function effectiveAvailability(doctor: DoctorLike, date: string, row?: RowLike | null): EffectiveAvailability {
  if (row) {
    return {
      doctor_id: doctor.id, date, is_present: row.is_present, capacity: row.capacity ?? doctor.default_daily_capacity,
      source: 'set', notes: row.notes, updated_by: row.updated_by, updated_at: row.updated_at.toISOString(),
    };
  }
  return {
    doctor_id: doctor.id, date, is_present: doctor.working_days.map(Number).includes(isoWeekday(date)),
    capacity: doctor.default_daily_capacity, source: 'default', notes: null, updated_by: null, updated_at: null,
  };
}
