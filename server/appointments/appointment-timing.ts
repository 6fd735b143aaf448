import { DateTime } from 'luxon';

/**
 * An appointment's place in clock time. Appointments keep the wall-clock times of their slot (`start_time`,
 * `end_time` for timed slots; `estimated_time` for tokens), `HH:MM` in the zone of their site — what the desk
 * told the patient. Everything that needs instants — reminder lead times (server/reminders/), calendar events
 * (server/calendar/) — asks {@link appointmentTiming}, given the appointment's date and its site's zone
 * ({@link TIMING_COLUMNS} selects them all).
 */

/** What an appointment row tells about its time. */
export interface TimingSource {
  /** The clinic day, `YYYY-MM-DD`. */
  date?: string;
  /** A timed slot's start and end, `HH:MM` in `timezone`. */
  start_time?: string | null;
  end_time?: string | null;
  /** When the doctor is expected to see the patient (a token's estimate), `HH:MM` in `timezone`. */
  estimated_time?: string | null;
  /** The IANA zone of the appointment's site. */
  timezone?: string | null;
  /** Consultation length for an estimated time (minutes); default {@link DEFAULT_CONSULT_MINUTES}. */
  consult_minutes?: number | null;
}

/**
 * The columns {@link TimingSource} reads, for a query over `appointments a` (binds `$clinicTimezone`: the zone of
 * the default site, whose own zone is NULL). One place, so reminders and calendars read times the same way.
 */
export const TIMING_COLUMNS = `to_char(a.start_time, 'HH24:MI') AS start_time, to_char(a.end_time, 'HH24:MI') AS end_time,
  to_char(a.estimated_time, 'HH24:MI') AS estimated_time,
  coalesce((SELECT si.timezone FROM sites si WHERE si.id = a.site_id), $clinicTimezone) AS timezone,
  (SELECT dd.consult_minutes FROM doctors dd WHERE dd.id = a.doctor_id) AS consult_minutes`;

/** A known time: a timed slot, or an estimated time plus the consultation length. */
export interface AppointmentTime {
  start: Date;
  end: Date;
  kind: 'slot' | 'estimated';
}

/** Consultation length used with an estimated time when the row names none. */
export const DEFAULT_CONSULT_MINUTES = 15;

const instant = (date: string | undefined, time: string | null | undefined, zone: string | null | undefined): Date | null => {
  if (!date || !time || !zone) return null;
  const dt = DateTime.fromISO(`${date}T${time}`, { zone });
  return dt.isValid ? dt.toJSDate() : null;
};

/**
 * The appointment's time, or null for "no time known" (a day without sessions): a timed slot (`start_time` and
 * `end_time`), else `estimated_time` + consultation minutes. Callers decide what null means: the calendar
 * shows an all-day event on the appointment's date; reminders use {@link reminderBaseTime}'s fallback.
 */
export function appointmentTiming(row: TimingSource): AppointmentTime | null {
  const start = instant(row.date, row.start_time, row.timezone);
  const end = instant(row.date, row.end_time, row.timezone);
  if (start && end && end > start) return { start, end, kind: 'slot' };
  const estimated = instant(row.date, row.estimated_time, row.timezone);
  if (estimated) {
    const minutes = row.consult_minutes && row.consult_minutes > 0 ? row.consult_minutes : DEFAULT_CONSULT_MINUTES;
    return { start: estimated, end: new Date(estimated.getTime() + minutes * 60_000), kind: 'estimated' };
  }
  return null;
}

/**
 * The instant reminders count back from: the appointment's start (or estimated) time, else — no time known —
 * `dayStart` (`HH:MM`, REMINDER_DAY_START) on the appointment's date in its site's zone (or `zone`).
 */
export function reminderBaseTime(row: TimingSource & { date: string }, zone: string, dayStart: string): { at: Date; timeKnown: boolean } {
  const known = appointmentTiming(row);
  if (known) return { at: known.start, timeKnown: true };
  const [hour, minute] = dayStart.split(':').map(Number);
  return {
    at: DateTime.fromISO(row.date, { zone: row.timezone ?? zone })
      .set({ hour, minute, second: 0, millisecond: 0 })
      .toJSDate(),
    timeKnown: false,
  };
}
