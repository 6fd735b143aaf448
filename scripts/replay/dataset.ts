import fs from 'node:fs';
import { parse } from 'csv-parse/sync';

/** One appointment row of the "Medical Appointment No Shows" data set (see shared/data/README.md). */
export interface DayRow {
  /** PatientId as written (a float in the file): an opaque key, never a number. */
  patientKey: string;
  appointmentId: string;
  /** When it was booked, ISO-8601 UTC. */
  scheduledAt: string;
  age: number;
  /** The health unit: replayed as one doctor. */
  unit: string;
  /** true when the patient did not come. */
  noShow: boolean;
  /** Booked on the day itself: replayed as a walk-in. */
  walkIn: boolean;
}

/** A parsed day: its date as in the file and its rows in booking (`ScheduledDay`) order. */
export interface Day {
  date: string;
  rows: DayRow[];
}

/**
 * Reads the CSV (first `limit` rows when given). Rows are sorted by `ScheduledDay` (ties by AppointmentID)
 * because that is the order the bookings were made in.
 * @throws Error when a required column is missing or the file holds more than one appointment day.
 */
export function loadDay(file: string, limit?: number): Day {
  const records: Record<string, string>[] = parse(fs.readFileSync(file), { columns: true, skip_empty_lines: true, trim: true });
  const taken = limit ? records.slice(0, limit) : records;
  for (const col of ['PatientId', 'AppointmentID', 'ScheduledDay', 'AppointmentDay', 'Age', 'Neighbourhood', 'No-show']) {
    if (taken.length && !(col in taken[0])) throw new Error(`column ${col} is missing from ${file}`);
  }
  const days = new Set(taken.map((r) => r.AppointmentDay.slice(0, 10)));
  if (days.size !== 1) throw new Error(`expected one appointment day, found ${[...days].join(', ')}`);
  const date = [...days][0];
  const rows = taken.map((r) => ({
    patientKey: r.PatientId,
    appointmentId: r.AppointmentID,
    scheduledAt: r.ScheduledDay,
    age: Math.max(0, Math.min(130, Number.parseInt(r.Age, 10) || 0)),
    unit: r.Neighbourhood,
    noShow: r['No-show'] === 'Yes',
    walkIn: r.ScheduledDay.slice(0, 10) === date,
  }));
  rows.sort((a, b) => a.scheduledAt.localeCompare(b.scheduledAt) || a.appointmentId.localeCompare(b.appointmentId));
  return { date, rows };
}

/** Appointments per unit, busiest first. */
export function unitsOf(day: Day): Array<{ unit: string; count: number }> {
  const counts = new Map<string, number>();
  for (const r of day.rows) counts.set(r.unit, (counts.get(r.unit) ?? 0) + 1);
  return [...counts].map(([unit, count]) => ({ unit, count })).sort((a, b) => b.count - a.count || a.unit.localeCompare(b.unit));
}
