import { DateTime } from 'luxon';

/**
 * THE SEAM between appointments and clock time. Today a doctor-day is a date with numbered slots, so no
 * appointment has a time of day; the schedules work (sites, weekly sessions, timed slots) adds `start_time`,
 * `end_time` and `estimated_time`. Everything that needs an appointment's time — reminder lead times
 * (server/reminders/), calendar events (server/calendar/), webhook payloads (server/webhooks/) — asks
 * {@link appointmentTiming} and nothing else, so wiring schedules in is: select those columns where the rows are
 * read (marked "TIMING COLUMNS" in those repositories) and keep this function's contract.
 */

/** What an appointment row may tell about its time. All absent today. */
export interface TimingSource {
  /** Start of a timed slot (ISO-8601 instant or Date). */
  start_time?: string | Date | null;
  /** End of a timed slot. */
  end_time?: string | Date | null;
  /** When the doctor is expected to see the patient (a queue's estimate), when there is no timed slot. */
  estimated_time?: string | Date | null;
  /** Consultation length for an estimated time (minutes); default {@link DEFAULT_CONSULT_MINUTES}. */
  consult_minutes?: number | null;
}

/** A known time: a timed slot, or an estimated time plus the consultation length. */
export interface AppointmentTime {
  start: Date;
  end: Date;
  kind: 'slot' | 'estimated';
}

/** Consultation length used with an estimated time when the row names none. */
export const DEFAULT_CONSULT_MINUTES = 15;

const toDate = (v: string | Date | null | undefined): Date | null => {
  if (v === null || v === undefined || v === '') return null;
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
};

/**
 * The appointment's time, or null for "no time known" (every appointment today): a timed slot (`start_time` and
 * `end_time`), else `estimated_time` + consultation minutes. Callers decide what null means: the calendar
 * shows an all-day event on the appointment's date; reminders use {@link reminderBaseTime}'s fallback.
 */
export function appointmentTiming(row: TimingSource): AppointmentTime | null {
  const start = toDate(row.start_time);
  const end = toDate(row.end_time);
  if (start && end && end > start) return { start, end, kind: 'slot' };
  const estimated = toDate(row.estimated_time);
  if (estimated) {
    const minutes = row.consult_minutes && row.consult_minutes > 0 ? row.consult_minutes : DEFAULT_CONSULT_MINUTES;
    return { start: estimated, end: new Date(estimated.getTime() + minutes * 60_000), kind: 'estimated' };
  }
  return null;
}

/**
 * The instant reminders count back from: the appointment's start (or estimated) time, else — no time known —
 * `dayStart` (`HH:MM`, REMINDER_DAY_START) on the appointment's date in the clinic's zone.
 */
export function reminderBaseTime(row: TimingSource & { date: string }, zone: string, dayStart: string): { at: Date; timeKnown: boolean } {
  const known = appointmentTiming(row);
  if (known) return { at: known.start, timeKnown: true };
  const [hour, minute] = dayStart.split(':').map(Number);
  return { at: DateTime.fromISO(row.date, { zone }).set({ hour, minute, second: 0, millisecond: 0 }).toJSDate(), timeKnown: false };
}
