import { NotFound } from '../core/errors';
import { addDays } from '../core/clinic-time';
import type { DoctorRepository } from '../doctors/doctors.repository';
import type { CalendarFeedDto, CalendarRepository } from './calendar.repository';
import { renderFeed, type BusyBlock, type FeedDocument } from './calendar.ical';
import { hashFeedToken, isFeedToken, newFeedToken } from './feed-token';

/** Days before today a feed still shows. */
export const FEED_PAST_DAYS = 7;
/** Days after today a feed shows. */
export const FEED_FUTURE_DAYS = 60;

/**
 * A doctor's leaves in `from`..`to`, as busy blocks. SEAM: doctor-days have no leaves yet; when schedules add them,
 * the composition root passes their read here (and `leave.created` is recorded where a leave is made).
 */
export type LeavesForFeed = (doctorId: string, from: string, to: string) => Promise<BusyBlock[]>;

export interface CalendarDeps {
  repo: CalendarRepository;
  doctors: Pick<DoctorRepository, 'findById'>;
  clinicTimezone: string;
  today: () => string;
  leaves?: LeavesForFeed;
}

/** A feed as minted: the only time its URL (with the token) is shown. */
export interface MintedFeed extends CalendarFeedDto {
  url: string;
  webcal_url: string;
}

const feedNotFound = () => new NotFound('No calendar feed with this id for this doctor', 'CALENDAR_FEED_NOT_FOUND');

/** Calendar feeds: a doctor's days as an iCalendar document that calendar apps subscribe to by a secret URL. */
export function createCalendarService({ repo, doctors, clinicTimezone, today, leaves = async () => [] }: CalendarDeps) {
  return {
    /**
     * Mints a feed for a doctor; the URL carries a random token of which only the SHA-256 is stored.
     * @throws NotFound `DOCTOR_NOT_FOUND`
     */
    async mint(
      doctorId: string,
      input: { label?: string | null; show_patient_names?: boolean },
      createdBy: string | null,
      baseUrl: string,
    ): Promise<MintedFeed> {
      if (!(await doctors.findById(doctorId))) throw new NotFound('No doctor with this id', 'DOCTOR_NOT_FOUND');
      const token = newFeedToken();
      const row = await repo.create({
        doctor_id: doctorId,
        label: input.label || null,
        show_patient_names: input.show_patient_names ?? false,
        token_hash: hashFeedToken(token),
        created_by: createdBy,
      });
      const url = `${baseUrl}/calendar/${token}.ics`;
      return { ...row, url, webcal_url: url.replace(/^https?:/, 'webcal:') };
    },

    /** A doctor's feeds (never their URLs). @throws NotFound `DOCTOR_NOT_FOUND` */
    async list(doctorId: string, includeRevoked: boolean) {
      if (!(await doctors.findById(doctorId))) throw new NotFound('No doctor with this id', 'DOCTOR_NOT_FOUND');
      return { data: await repo.list(doctorId, includeRevoked) };
    },

    /** Revokes a feed: its URL answers 404 from the next request. @throws NotFound `CALENDAR_FEED_NOT_FOUND` */
    async revoke(doctorId: string, feedId: string): Promise<void> {
      if (!(await repo.revoke(doctorId, feedId))) throw feedNotFound();
    },

    /**
     * The feed behind `token`: the last {@link FEED_PAST_DAYS} and next {@link FEED_FUTURE_DAYS} days of its doctor.
     * @returns null for a malformed, unknown or revoked token.
     */
    async feed(token: string): Promise<FeedDocument | null> {
      if (!isFeedToken(token)) return null;
      const feed = await repo.findActiveByHash(hashFeedToken(token));
      if (!feed) return null;
      const now = today();
      const from = addDays(now, -FEED_PAST_DAYS);
      const to = addDays(now, FEED_FUTURE_DAYS);
      const [appointments, busy] = await Promise.all([
        repo.appointments({ doctorId: feed.doctor_id, from, to, withNames: feed.show_patient_names }),
        leaves(feed.doctor_id, from, to),
      ]);
      return renderFeed({ doctorName: feed.doctor_name, zone: clinicTimezone, appointments, busy });
    },
  };
}
export type CalendarService = ReturnType<typeof createCalendarService>;
