import { expect } from 'chai';
import { ageOn } from '../../server/patients/patient.rules';
import { scrubJson } from '../../server/lifecycle/lifecycle.rules';
import { dayReportCsv } from '../../server/reports/reports.service';
import { redact } from '../../server/core/logger';

describe('patient record rules', () => {
  it('when the birthday is today, tomorrow or was yesterday, then the age turns on the day itself', () => {
    expect(ageOn('1990-06-15', '2026-06-14')).to.equal(35);
    expect(ageOn('1990-06-15', '2026-06-15')).to.equal(36);
    expect(ageOn('1990-06-15', '2026-12-31')).to.equal(36);
    expect(ageOn('2026-06-15', '2026-06-15')).to.equal(0);
  });

  it('when born on 29 February, then a year is added on 1 March in other years and on 29 February in leap years', () => {
    expect(ageOn('2000-02-29', '2027-02-28')).to.equal(26);
    expect(ageOn('2000-02-29', '2027-03-01')).to.equal(27);
    expect(ageOn('2000-02-29', '2028-02-29')).to.equal(28);
  });

  it('when free JSON holds a personal value, then that string is erased and ids, dates and other text stay', () => {
    const data = {
      from: { doctor_id: 'adadadad-0000-4000-8000-000000000000', date: '2026-12-01', slot: 3 },
      note: 'called Asha Rao back',
      list: ['ok', 'ASHA'],
      n: 1,
    };
    expect(scrubJson(data, ['Asha', 'ada', 'x'])).to.deep.equal({
      from: { doctor_id: 'adadadad-0000-4000-8000-000000000000', date: '2026-12-01', slot: 3 },
      note: '[erased]',
      list: ['ok', '[erased]'],
      n: 1,
    });
  });

  it('when the day report is written as CSV, then there is one header line and one line per doctor, nulls empty', () => {
    const csv = dayReportCsv({
      date: '2026-12-02',
      site_id: null,
      doctors: [
        {
          doctor_id: 'd1',
          doctor_code: 'DR_A',
          booked: 3,
          checked_in: 2,
          served: 2,
          no_show: 1,
          cancelled: 0,
          walk_ins: 1,
          median_wait_minutes: 12.5,
          p90_wait_minutes: 20,
          median_consult_minutes: null,
          first_called_at: '2026-12-02T09:00:00.000Z',
          last_called_at: null,
        },
      ],
    });
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).to.have.length(2);
    expect(lines[0]).to.equal(
      'date,doctor_id,doctor_code,booked,checked_in,served,no_show,cancelled,walk_ins,median_wait_minutes,p90_wait_minutes,median_consult_minutes,first_called_at,last_called_at',
    );
    expect(lines[1]).to.equal('2026-12-02,d1,DR_A,3,2,2,1,0,1,12.5,20,,2026-12-02T09:00:00.000Z,');
  });

  it('when clinical fields are logged, then they are redacted', () => {
    const out = redact({
      symptoms: 'cough',
      conditions: ['asthma'],
      allergies: ['penicillin'],
      notes: 'x',
      date_of_birth: '1990-01-01',
      gender: 'female',
    });
    expect(Object.values(out as Record<string, unknown>).every((v) => v === '[REDACTED]')).to.equal(true);
  });
});
