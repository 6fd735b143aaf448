import { expect } from 'chai';
import { redact } from '../../server/core/logger';

describe('redact', () => {
  it('when an object holds PHI keys, then their values are masked at any depth', () => {
    const out = redact({ patient: { first_name: 'Asha', phone: '+919812345678', id: 'p1' }, list: [{ email: 'a@b.c' }] });
    expect(out).to.deep.equal({ patient: { first_name: '[REDACTED]', phone: '[REDACTED]', id: 'p1' }, list: [{ email: '[REDACTED]' }] });
  });

  it('when a key is written in another case or style (firstName, Date-Of-Birth, ACCESS_TOKEN), then it is masked all the same', () => {
    const out = redact({
      firstName: 'Asha',
      lastName: 'Rao',
      'Date-Of-Birth': '1990-04-01',
      dob: '1990-04-01',
      ACCESS_TOKEN: 'x',
      age: 34,
    });
    expect(Object.values(out as object)).to.deep.equal(Array(6).fill('[REDACTED]'));
  });

  it('when free text carries an e-mail or phone number, then they are masked', () => {
    expect(redact('call +91 98123 45678 or mail x.y@example.org')).to.equal('call [REDACTED] or mail [REDACTED]');
  });

  it('when free text carries phone numbers in E.164 or usual local writings, then each is masked and the text around it kept', () => {
    const phones = [
      '+919812345678',
      '+91 98123 45678',
      '+91-98123-45678',
      '98123 45678',
      '9812345678',
      '(022) 2345 6789',
      '022-2345-6789',
      '+1 (415) 555-2671',
      '415.555.2671',
      '+44 20 7946 0958',
      '+55 27 99999-8888',
      '(+91) 98123 45678',
    ];
    for (const phone of phones) {
      expect(redact(`patient ${phone}, please call back.`), phone).to.match(/^patient \(?\[REDACTED\]\)?, please call back\.$/);
      expect(redact(`Key (phone)=(${phone}) already exists`), phone).not.to.match(/\d{4}/);
    }
    expect(redact('on 2026-12-01 9812345678 called')).to.equal('on 2026-12-01 [REDACTED] called');
    expect(redact('98123 45678 on 2026-12-01')).to.equal('[REDACTED] on 2026-12-01');
  });

  it('when free text carries a bearer credential (JWT, screen token), then it is masked', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    expect(redact(`Authorization: Bearer ${jwt}`)).to.equal('Authorization: Bearer [REDACTED]');
    expect(redact(`token scr_${'A'.repeat(43)} revoked`)).to.equal('token [REDACTED] revoked');
  });

  it('when a value is a bare UUID (a request or row id), then it is kept even if its digits look like a phone', () => {
    for (const id of [
      'f5c47285-27cf-4422-9714-237c3d713f0a',
      '12345678-1234-4123-8123-123456789012',
      '98123456-7890-4abc-8def-981234567890',
    ]) {
      expect(redact({ request_id: id })).to.deep.equal({ request_id: id });
      expect(redact(`appointment ${id} booked`)).to.equal(`appointment ${id} booked`);
    }
  });

  it('when values are what operators read — dates, times, migration names, versions, durations, addresses of hosts — then they are kept', () => {
    const kept = [
      '2026-12-01',
      '2026-12-01T10:15:30.123Z',
      '2026-12-01 10:15:30.123+05:30',
      '01.12.2026',
      '01-12-2026',
      'from 2026-12-01 to 2026-12-31',
      '2026-12-01..2026-12-31',
      '20261122000001-patients-doctors-availability.js',
      '20261202000001-users-token-version',
      'migrations applied: 20261122000003-booking, 20261122000004-queue',
      '18.4.0-beta.17',
      'v1.2.3',
      'node v20.20.2, PostgreSQL 18.4',
      'took 1234.56 ms',
      '95012.55',
      'outbox_wait_ms=12345',
      '192.168.100.200',
      '10.0.0.5:5432',
      'http://127.0.0.1:43117/api/v1',
      'timeout exceeded after 15000 ms',
      '/work/dist/server/core/sql.js:84:12',
      'DR_A-007',
    ];
    for (const text of kept) expect(redact(text), text).to.equal(text);
    const line = {
      date: '2026-12-01',
      applied: ['20261122000001-patients-doctors-availability'],
      name: '20261122000002-users-display-tokens',
    };
    expect(redact(line)).to.deep.equal(line);
    expect(redact({ at: '2026-12-01T10:15:30.123Z', version: 12, duration_ms: 95012.55 })).to.deep.equal({
      at: '2026-12-01T10:15:30.123Z',
      version: 12,
      duration_ms: 95012.55,
    });
  });

  it('when an error is logged, then its name is kept and its message and stack are masked', () => {
    const err = new Error('patient 9812345678 not found');
    const out = redact(err) as { name: string; message: string; stack: string };
    expect(out.name).to.equal('Error');
    expect(out.message).to.equal('patient [REDACTED] not found');
    expect(out.stack).not.to.include('9812345678');
  });
});
