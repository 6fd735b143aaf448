import { expect } from 'chai';
import { assertBookable } from '../../server/appointments/booking.rules';
import { doctorDayPlan } from '../../server/doctor-days/doctor-day.rules';
import { planInputsOf, type BookingContextRow } from '../../server/doctor-days/doctor-day.repository';
import { canTransition, TRANSITIONS } from '../../server/appointments/appointment-status';
import { fingerprint, pickIdempotencyKey } from '../../server/appointments/idempotency';

const ctx = (o: Partial<BookingContextRow> = {}): BookingContextRow => ({
  doctor_exists: true,
  is_active: true,
  code: 'DR_A',
  default_daily_capacity: 10,
  working_days: [1, 2, 3, 4, 5],
  consult_minutes: 10,
  schedule_version: 0,
  av_is_present: null,
  av_capacity: null,
  day_sessions: [],
  weekly: [],
  leaves: [],
  default_site: { id: '00000000-0000-4000-8000-000000000001', timezone: null },
  cap_capacity: null,
  cap_booked: null,
  patient_exists: true,
  patient_active: true,
  existing_id: null,
  idem_fingerprint: null,
  idem_status: null,
  idem_body: null,
  ...o,
});
const window = { today: '2030-01-07', horizonDays: 90 };
const code = (fn: () => void) => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return (e as { code: string }).code;
  }
};

describe('booking rules', () => {
  it('when the day is a working day within the window, then it is bookable', () => {
    expect(code(() => assertBookable(ctx(), '2030-01-07', window))).to.equal('ok');
    expect(code(() => assertBookable(ctx({ working_days: [7] }), '2030-04-07', window))).to.equal('ok'); // today + 90, a Sunday
  });
  it('when a rule fails, then its code is thrown', () => {
    expect(code(() => assertBookable(ctx(), '2030-01-06', window))).to.equal('DATE_IN_PAST');
    expect(code(() => assertBookable(ctx(), '2030-04-08', window))).to.equal('BEYOND_BOOKING_HORIZON');
    expect(code(() => assertBookable(ctx(), '2030-01-12', window))).to.equal('DOCTOR_UNAVAILABLE'); // Saturday
    expect(code(() => assertBookable(ctx({ av_is_present: true }), '2030-01-12', window))).to.equal('ok');
    expect(code(() => assertBookable(ctx({ av_is_present: false }), '2030-01-08', window))).to.equal('DOCTOR_UNAVAILABLE');
    expect(code(() => assertBookable(ctx({ is_active: false }), '2030-01-08', window))).to.equal('DOCTOR_INACTIVE');
    expect(code(() => assertBookable(ctx({ doctor_exists: false }), '2030-01-08', window))).to.equal('DOCTOR_NOT_FOUND');
    expect(code(() => assertBookable(ctx({ patient_exists: false }), '2030-01-08', window))).to.equal('PATIENT_NOT_FOUND');
    expect(code(() => assertBookable(ctx({ patient_active: false }), '2030-01-08', window))).to.equal('PATIENT_INACTIVE');
  });
  it('when the day overrides capacity, then the override wins over the default', () => {
    const effectiveCapacity = (c: BookingContextRow) => doctorDayPlan(planInputsOf(c), '2030-01-07').capacity;
    expect(effectiveCapacity(ctx())).to.equal(10);
    expect(effectiveCapacity(ctx({ av_is_present: true, av_capacity: 3 }))).to.equal(3);
  });
});

describe('appointment status machine', () => {
  it('when moves follow the machine, then they are legal; all others are not', () => {
    const legal = Object.entries(TRANSITIONS)
      .flatMap(([from, tos]) => tos.map((to) => `${from}->${to}`))
      .sort();
    expect(legal).to.deep.equal([
      'booked->cancelled',
      'booked->checked_in',
      'booked->completed',
      'booked->no_show',
      'checked_in->completed',
      'checked_in->no_show',
    ]);
    expect(canTransition('completed', 'cancelled')).to.equal(false);
    expect(canTransition('cancelled', 'booked')).to.equal(false);
  });
});

describe('idempotency helpers', () => {
  it('when two bodies differ only in key order or the key itself, then their fingerprints match', () => {
    expect(fingerprint('op', { a: 1, b: 2, idempotency_key: 'x' })).to.equal(fingerprint('op', { b: 2, a: 1 }));
    expect(fingerprint('op', { a: 1 })).not.to.equal(fingerprint('op', { a: 2 }));
  });
  it('when header and body keys are given, then they must agree', () => {
    expect(pickIdempotencyKey('k', undefined)).to.equal('k');
    expect(pickIdempotencyKey(undefined, 'k')).to.equal('k');
    expect(pickIdempotencyKey(undefined, undefined)).to.equal(null);
    expect(() => pickIdempotencyKey('a', 'b')).to.throw();
  });
});
