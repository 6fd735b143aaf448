import { expect } from 'chai';
import { Client } from 'pg';
import { appointmentPayload, appointmentPayloadSql } from '../../server/core/event-outbox';
import { testDatabaseUrl } from '../support/hooks';

/**
 * The booking insert records appointment.booked in SQL (appointmentPayloadSql); every other event is shaped in
 * TypeScript (appointmentPayload). Both come from one field list: this checks they give the same data.
 */
describe('the appointment payload of webhooks, in TypeScript and in SQL', () => {
  let c: Client;
  before(async () => {
    c = new Client({ connectionString: testDatabaseUrl() });
    await c.connect();
  });
  after(async () => {
    await c?.end();
  });

  const full = {
    id: '5a0c2b8e-0f57-4c55-8f55-1d3d8c2f1a01',
    appointment_id: '5a0c2b8e-0f57-4c55-8f55-1d3d8c2f1a01',
    patient_id: '0d1f7c53-70a5-4f0e-9d5b-3b7c1a2f4e02',
    doctor_id: '9e3a1b77-2c0d-4b8e-8c1f-6a5d4e3f2b03',
    date: '2031-03-04',
    slot: 7,
    status: 'booked',
    is_walk_in: false,
    site_id: '1b2c3d4e-5f60-4718-9a2b-3c4d5e6f7a04',
    room: 'Room 4',
    start_time: '09:30',
    end_time: '09:45',
    estimated_time: '09:40',
    needs_reschedule: false,
    source: 'desk',
    created_at: '2031-03-01T08:00:00.000Z',
    updated_at: '2031-03-01T08:00:00.000Z',
  };
  const bare = { ...full, site_id: null, room: null, start_time: null, end_time: null, estimated_time: null, is_walk_in: true };

  for (const [what, appointment] of [
    ['with site, room and times', full],
    ['without them (a day without sessions, a walk-in)', bare],
  ] as const) {
    it(`when an appointment ${what} is shaped both ways, then the data is the same and carries nothing else`, async () => {
      const { rows } = await c.query<{ data: Record<string, unknown> }>(`SELECT ${appointmentPayloadSql('$1::jsonb')} AS data`, [
        JSON.stringify(appointment),
      ]);
      expect(rows[0].data).to.deep.equal(JSON.parse(JSON.stringify(appointmentPayload(appointment))));
      expect(rows[0].data).to.not.have.any.keys('needs_reschedule', 'created_at', 'updated_at', 'id');
    });
  }
});
