import { expect } from 'chai';
import {
  bookingWindow,
  daySlots,
  doctorDayPlan,
  type LeaveSpan,
  type SessionSpec,
  type WeeklySession,
} from '../../server/doctor-days/doctor-day.rules';
import { candidatesFor, instantOf, noSlotError, type DayView } from '../../server/doctor-days/day-view';
import { scheduleProblems } from '../../server/doctor-days/schedule.rules';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const morning: WeeklySession = {
  weekday: 1,
  site_id: A,
  start_time: '09:00',
  end_time: '10:00',
  slot_minutes: 15,
  capacity: 4,
  room: 'Room 4',
  valid_from: null,
  valid_to: null,
};
const evening: WeeklySession = {
  weekday: 1,
  site_id: B,
  start_time: '17:00',
  end_time: '19:00',
  slot_minutes: null,
  capacity: 3,
  room: 'OPD 2',
  valid_from: null,
  valid_to: null,
};
const doctor = { working_days: [1, 2, 3, 4, 5], default_daily_capacity: 10, consult_minutes: 12, override: null };
const MONDAY = '2030-01-07';

function view(sessions: WeeklySession[], date = MONDAY, leaves: LeaveSpan[] = []): DayView {
  const plan = doctorDayPlan({ ...doctor, weekly: sessions, leaves }, date);
  return { date, plan, slots: daySlots(plan, date, 12, 'default-site', leaves), zone: 'UTC', defaultSiteId: 'default-site', version: 0 };
}
const code = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return (e as { code: string }).code;
  }
};

describe('a day plan: slots, times, wishes', () => {
  it('when a day has a timed and a token session, then slots are numbered in time order across both, with times and estimates', () => {
    const slots = view([evening, morning]).slots;
    expect(slots.map((s) => [s.slot, s.site_id, s.start_time, s.end_time, s.estimated_time, s.room])).to.deep.equal([
      [1, A, '09:00', '09:15', '09:00', 'Room 4'],
      [2, A, '09:15', '09:30', '09:15', 'Room 4'],
      [3, A, '09:30', '09:45', '09:30', 'Room 4'],
      [4, A, '09:45', '10:00', '09:45', 'Room 4'],
      [5, B, null, null, '17:00', 'OPD 2'], // token: session start + (position − 1) × consult minutes (12)
      [6, B, null, null, '17:12', 'OPD 2'],
      [7, B, null, null, '17:24', 'OPD 2'],
    ]);
  });

  it('when a day has no sessions, then it has capacity slots at the default site without times', () => {
    const slots = view([]).slots;
    expect(slots).to.have.length(10);
    expect(slots[9]).to.include({ slot: 10, site_id: 'default-site', start_time: null, estimated_time: null });
  });

  it('when a part-day leave covers 09:20–09:40, then exactly the slots it touches are on leave, and the day stays open', () => {
    const v = view([morning], MONDAY, [{ from_date: MONDAY, to_date: MONDAY, start_time: '09:20', end_time: '09:40' }]);
    expect(v.plan.is_present).to.equal(true);
    expect(v.slots.map((s) => s.on_leave)).to.deep.equal([false, true, true, false]);
    expect(code(() => candidatesFor(v, { startTime: '09:15' }))).to.equal('DOCTOR_ON_LEAVE');
    expect(candidatesFor(v, {}).slots).to.deep.equal([1, 4]);
  });

  it('when a wish names a site or a start time, then the candidates are that site’s slots or that slot; unknown ones are 422', () => {
    const v = view([morning, evening]);
    expect(candidatesFor(v, { siteId: B }).slots).to.deep.equal([5, 6, 7]);
    expect(candidatesFor(v, { startTime: '09:30' }).slots).to.deep.equal([3]);
    expect(code(() => candidatesFor(v, { startTime: '09:20' }))).to.equal('NO_SUCH_SLOT');
    expect(code(() => candidatesFor(v, { siteId: 'cccccccc-0000-4000-8000-000000000003' }))).to.equal('DOCTOR_NOT_AT_SITE');
  });

  it('when a start time is taken, then SLOT_TAKEN offers the nearest free start times', () => {
    const err = noSlotError(view([morning]), { startTime: '09:15' }, new Set([2, 3])) as Error & {
      code: string;
      details: { alternatives: string[] };
    };
    expect(err.code).to.equal('SLOT_TAKEN');
    expect(err.details.alternatives).to.deep.equal(['09:00', '09:45']);
    expect((noSlotError(view([morning]), { siteId: A }, new Set([1, 2, 3, 4])) as Error & { code: string }).code).to.equal('CAPACITY_FULL');
  });

  it('when wall times are read across a DST change or in a half-hour zone, then the instants carry the zone’s offset that day', () => {
    // America/New_York: EST (−05:00) until 2026-03-08 02:00, EDT (−04:00) after; back on 2026-11-01 02:00.
    expect(instantOf('2026-03-07', '09:00', 'America/New_York')).to.equal('2026-03-07T14:00:00Z');
    expect(instantOf('2026-03-08', '09:00', 'America/New_York')).to.equal('2026-03-08T13:00:00Z');
    expect(instantOf('2026-03-08', '02:30', 'America/New_York')).to.equal('2026-03-08T07:30:00Z'); // skipped hour: shifted forward
    expect(instantOf('2026-10-31', '09:00', 'America/New_York')).to.equal('2026-10-31T13:00:00Z');
    expect(instantOf('2026-11-01', '09:00', 'America/New_York')).to.equal('2026-11-01T14:00:00Z');
    expect(instantOf('2026-12-07', '09:00', 'Asia/Kolkata')).to.equal('2026-12-07T03:30:00Z');
    // The slots themselves are wall-clock times: the same on a DST day as on any other.
    const sunday = { ...morning, weekday: 7 };
    expect(view([sunday], '2026-03-08').slots.map((s) => s.start_time)).to.deep.equal(
      view([sunday], '2026-03-01').slots.map((s) => s.start_time),
    );
  });

  it('when "today" is reckoned in the site’s zone, then Kolkata is already tomorrow while UTC is not', () => {
    const at = new Date('2026-12-01T19:00:00Z'); // 00:30 on 2026-12-02 in Kolkata (+05:30)
    expect(bookingWindow('Asia/Kolkata', 90, at).today).to.equal('2026-12-02');
    expect(bookingWindow('UTC', 90, at).today).to.equal('2026-12-01');
    expect(bookingWindow('America/New_York', 90, at).today).to.equal('2026-12-01');
  });

  it('when a schedule breaks several rules, then every reason is given at once', () => {
    const zones: Record<string, string> = { [A]: 'Asia/Kolkata', [B]: 'Europe/Berlin' };
    const problems = scheduleProblems(
      [
        { ...morning, end_time: '08:00' }, // end before start
        { ...morning, start_time: '09:30', end_time: '11:00' }, // overlaps nothing valid… but with [3] below
        { ...evening, start_time: '10:00', end_time: '12:00' }, // another zone on Monday, overlaps [1]
        { ...morning, site_id: 'dddddddd-0000-4000-8000-000000000004' }, // unknown site
        { ...morning, weekday: 2, capacity: 9 }, // 9 slots of 15 minutes do not fit in an hour
      ] as Array<SessionSpec & WeeklySession>,
      (id) => zones[id],
    );
    const codes = problems.map((p) => `${p.path}:${p.code}`);
    expect(codes).to.include.members([
      'sessions[0].end_time:END_NOT_AFTER_START',
      'sessions[2].start_time:OVERLAPPING_SESSIONS',
      'sessions[2].site_id:MIXED_TIME_ZONES',
      'sessions[3].site_id:UNKNOWN_SITE',
      'sessions[4].capacity:CAPACITY_OVER_SLOTS',
    ]);
  });
});
