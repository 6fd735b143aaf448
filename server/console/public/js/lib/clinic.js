/**
 * Clinic time: clinic days are `YYYY-MM-DD` strings in the clinic's time zone (learned from the queue
 * subscription ack), "now" is the server's clock (learned from answers' Date header), since desk PC clocks drift.
 */
import { locale } from '../../i18n/i18n.js';

const state = { timezone: undefined, offsetMs: 0 };

/** Records the server clock's offset from this PC's (ms); ignores sub-second noise of the 1 s Date header. */
export function setServerOffset(ms) {
  if (Math.abs(ms - state.offsetMs) > 1500) state.offsetMs = ms;
}

/** Records the clinic's IANA time zone (from a `queue:subscribe` ack). */
export function setClinicTimezone(zone) {
  try {
    new Intl.DateTimeFormat(locale, { timeZone: zone });
    state.timezone = zone;
  } catch {
    /* unknown zone: keep the browser's */
  }
}

/** The server's "now". */
export function clinicNow() {
  return new Date(Date.now() + state.offsetMs);
}

/** Today as this browser reckons it, in the clinic's zone when known. Used only until the server has said. */
export function localToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: state.timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    clinicNow(),
  );
}

/**
 * Today's clinic day as the server reckons it: the `date` of a doctor's public queue asked without a date
 * (the API's default is "today in CLINIC_TIMEZONE"). Falls back to {@link localToday} without a doctor.
 */
export async function fetchClinicToday(api, doctorId) {
  if (!doctorId) return localToday();
  try {
    return (await api.get(`/doctors/${doctorId}/queue/public`)).date;
  } catch {
    return localToday();
  }
}

/** `date` plus `n` days (`YYYY-MM-DD`, calendar arithmetic, no time zone involved). */
export function addDays(date, n) {
  const d = new Date(date + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** "Tue 2 Dec" for a clinic day. */
export function formatDay(date) {
  return new Intl.DateTimeFormat(locale, { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' }).format(
    new Date(date + 'T00:00:00Z'),
  );
}

/** "09:41" for an ISO instant, in the clinic's zone. */
export function formatTime(iso) {
  if (!iso) return '';
  return new Intl.DateTimeFormat(locale, { timeZone: state.timezone, hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

/** "2 Dec, 09:41" for an ISO instant, in the clinic's zone. */
export function formatDateTime(iso) {
  if (!iso) return '';
  return new Intl.DateTimeFormat(locale, {
    timeZone: state.timezone,
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(iso));
}

/** Whole minutes from an ISO instant until now (server clock); 0 for the future. */
export function minutesSince(iso) {
  return Math.max(0, Math.floor((clinicNow().getTime() - Date.parse(iso)) / 60000));
}

/** The public token of a slot: `DR_A-007` (the same rule as the server's publicToken). */
export function publicToken(doctorCode, slot) {
  return `${doctorCode}-${String(slot).padStart(3, '0')}`;
}
