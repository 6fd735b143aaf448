import { expect } from 'chai';
import { effectiveAvailability } from '../../server/availability/availability.rules';

describe('effectiveAvailability', () => {
  const doctor = { id: 'd1', default_daily_capacity: 12, working_days: [1, 2, 3, 4, 5] };

  it('when no row exists, then presence follows the ISO weekday and capacity the default', () => {
    expect(effectiveAvailability(doctor, '2030-01-07')).to.include({ is_present: true, capacity: 12, source: 'default' }); // Monday
    expect(effectiveAvailability(doctor, '2030-01-05')).to.include({ is_present: false, source: 'default' }); // Saturday
  });

  it('when a row exists, then it decides presence and may override capacity', () => {
    const row = { is_present: true, capacity: 3, notes: null, updated_by: null, updated_at: new Date(0) };
    expect(effectiveAvailability(doctor, '2030-01-05', row)).to.include({ is_present: true, capacity: 3, source: 'set' });
    expect(effectiveAvailability(doctor, '2030-01-05', { ...row, capacity: null })).to.include({ capacity: 12 });
  });
});
