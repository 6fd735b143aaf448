import { createHash } from 'node:crypto';
import ical, { ICalCalendarMethod, ICalEventBusyStatus, ICalEventStatus, ICalEventTransparency } from 'ical-generator';
import { DateTime } from 'luxon';
import { publicToken } from '../live/live.events';
import { appointmentTiming } from '../appointments/appointment-timing';
import type { FeedAppointment } from './calendar.repository';

/** A busy block in the doctor's calendar (a leave, once schedules have them). */
export interface BusyBlock {
  id: string;
  /** Clinic days, inclusive, `YYYY-MM-DD`; or instants when the leave has hours. */
  start: string;
  end: string;
  all_day: boolean;
  summary: string;
  updated_at: string;
}

/** A feed's text and its strong ETag (a hash of exactly those bytes). */
export interface FeedDocument {
  body: string;
  etag: string;
}

/** `Asha R.`: the first name and the initial of the last name — all a feed ever shows, and only when asked. */
export function shortName(first: string | null, last: string | null): string | null {
  if (!first) return null;
  const initial = last?.trim().charAt(0);
  return initial ? `${first} ${initial.toUpperCase()}.` : first;
}

/**
 * A doctor's days as an iCalendar (RFC 5545) document: one VEVENT per appointment with a stable UID
 * (`<appointment id>@clinic-front-desk`), timed when {@link appointmentTiming} knows a time (a slot, or the estimated
 * time plus the consultation length), else an all-day event on its date; SUMMARY is the public token, plus
 * `· Asha R.` only when the feed shows names; cancelled ones are `STATUS:CANCELLED`; busy blocks are opaque.
 * DTSTAMP is each row's last change, so the same data gives the same bytes (and ETag).
 */
export function renderFeed(p: { doctorName: string; zone: string; appointments: FeedAppointment[]; busy: BusyBlock[] }): FeedDocument {
  const cal = ical({
    name: `${p.doctorName} — clinic appointments`,
    prodId: { company: 'clinic-front-desk', product: 'doctor-calendar', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
    // No calendar time zone: timed events are written in UTC (…Z), which every client converts; all-day events
    // are plain dates (the clinic day).
    ttl: 15 * 60,
  });
  for (const a of p.appointments) {
    const time = appointmentTiming(a);
    const name = shortName(a.first_name, a.last_name);
    const day = DateTime.fromISO(a.date, { zone: p.zone });
    cal.createEvent({
      id: `${a.id}@clinic-front-desk`,
      start: time ? time.start : day,
      end: time ? time.end : day.plus({ days: 1 }),
      allDay: !time,
      summary: `${publicToken(a.code, a.slot)}${name ? ` · ${name}` : ''}`,
      status: a.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      busystatus: a.status === 'cancelled' ? ICalEventBusyStatus.FREE : ICalEventBusyStatus.BUSY,
      transparency: a.status === 'cancelled' ? ICalEventTransparency.TRANSPARENT : ICalEventTransparency.OPAQUE,
      stamp: new Date(a.updated_at),
    });
  }
  for (const b of p.busy) {
    const start = b.all_day ? DateTime.fromISO(b.start, { zone: p.zone }) : new Date(b.start);
    const end = b.all_day ? DateTime.fromISO(b.end, { zone: p.zone }).plus({ days: 1 }) : new Date(b.end);
    cal.createEvent({
      id: `${b.id}@clinic-front-desk`,
      start,
      end,
      allDay: b.all_day,
      summary: b.summary,
      busystatus: ICalEventBusyStatus.BUSY,
      transparency: ICalEventTransparency.OPAQUE,
      stamp: new Date(b.updated_at),
    });
  }
  const body = cal.toString();
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url')}"` };
}
