import { expect } from 'chai';
import { migrationScratch } from '../support/scratch-db';

const MINE = '20261202700001-queue-desk.js';

describe('migration 20261202700001-queue-desk on a database holding the previous version’s data', () => {
  const h = migrationScratch();
  const q = h.q;
  const columns = async (table: string) =>
    (await q<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_name = :table`, { table })).map(
      (r) => r.column_name,
    );

  it("when migrated up over a live queue and down again, then today's waiting order is kept exactly and every row survives both ways", async () => {
    const umzug = await h.upToBefore(MINE);

    const [doctor] = await q<{ id: string }>(`INSERT INTO doctors (name, code) VALUES ('Dr. Old', 'OLD') RETURNING id`);
    const entry = async (slot: number, status: string, checkedInMinAgo: number, extra = '') => {
      const [p] = await q<{ id: string }>(
        `INSERT INTO patients (first_name, last_name, age, phone) VALUES ('P${slot}', 'Old', 40, '+91980000000${slot}') RETURNING id`,
      );
      const [a] = await q<{ id: string }>(
        `INSERT INTO appointments (patient_id, doctor_id, date, slot, status) VALUES (:p, :d, current_date, :slot, 'checked_in') RETURNING id`,
        { p: p.id, d: doctor.id, slot },
      );
      const [e] = await q<{ id: string }>(
        `INSERT INTO queue_entries (appointment_id, doctor_id, date, position, token, status, checked_in_at${extra ? ', skipped_at, updated_at' : ''})
         VALUES (:a, :d, current_date, :slot, :token, :status, now() - make_interval(mins => :ago)${extra}) RETURNING id`,
        { a: a.id, d: doctor.id, slot, token: `OLD-00${slot}`, status, ago: checkedInMinAgo },
      );
      return e.id;
    };
    await entry(1, 'served', 40);
    const requeued = await entry(2, 'waiting', 30, `, now() - interval '20 minutes', now() - interval '5 minutes'`); // skipped, then requeued 5 min ago
    const waiting = await entry(3, 'waiting', 10);
    await q(`INSERT INTO queue_counters (doctor_id, date, next_position, version) VALUES (:d, current_date, 4, 7)`, { d: doctor.id });

    await umzug.up();
    const rows = await q<{ id: string; priority: string; position: number }>(
      `SELECT id, priority, position FROM queue_entries WHERE status = 'waiting' ORDER BY queued_at, position`,
    );
    expect(
      rows.map((r) => r.id),
      'the requeued entry stays behind the one checked in later',
    ).to.deep.equal([waiting, requeued]);
    expect(rows.every((r) => r.priority === 'normal')).to.equal(true);
    const [c] = await q<{ priority_streak: number; version: string }>('SELECT priority_streak, version FROM queue_counters');
    expect(c).to.deep.equal({ priority_streak: 0, version: '7' });
    const bad = await q(`UPDATE queue_entries SET priority = 'urgent' WHERE id = :id`, { id: waiting }).catch((err: Error) => err);
    expect(bad).to.be.instanceOf(Error);
    await q(`UPDATE queue_entries SET status = 'transferred', priority = 'emergency' WHERE id = :id`, { id: waiting });

    await umzug.down({ to: MINE });
    expect(await columns('queue_entries')).to.not.include.members(['priority', 'queued_at', 'transferred_to']);
    expect(await columns('queue_counters')).to.not.include('priority_streak');
    const after = await q<{ status: string; token: string }>('SELECT status, token FROM queue_entries ORDER BY position');
    expect(after).to.deep.equal([
      { status: 'served', token: 'OLD-001' },
      { status: 'waiting', token: 'OLD-002' },
      { status: 'skipped', token: 'OLD-003' },
    ]);
    await umzug.up();
    expect(await columns('queue_entries')).to.include.members(['priority', 'queued_at', 'transferred_to']);
  });
});
