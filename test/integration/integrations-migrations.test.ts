import { expect } from 'chai';
import type { Sequelize } from 'sequelize-typescript';
import { createLogger } from '../../server/core/logger';
import { createSequelize } from '../../server/core/db';
import { createMigrator } from '../../server/core/migrator';
import { createScratchDatabase } from '../support/scratch-db';

const LAST_BEFORE = '20261122000005-socket-io-attachments.js';
const OURS = [
  '20261202100001-api-keys.js',
  '20261202100002-appointment-source.js',
  '20261202100003-webhooks.js',
  '20261202100004-calendar-feeds.js',
];

describe('integration migrations: up over the previous version with data, and down', function () {
  this.timeout(120_000);
  let sequelize: Sequelize;
  let dropDb: () => Promise<void>;
  before(async () => {
    // A database of its own: going down and up must not disturb the suite's shared one.
    const db = await createScratchDatabase('clinic_mig');
    sequelize = createSequelize({ url: db.url, poolMax: 2, acquireTimeoutMs: 10_000, models: [], logger: createLogger('error') });
    dropDb = async () => {
      await sequelize.close();
      await db.drop();
    };
  });
  after(async () => {
    await dropDb();
  });
  const q = async <T>(sql: string) => (await sequelize.query(sql))[0] as T[];
  const tables = async () =>
    (await q<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`)).map(
      (r) => r.t,
    );

  it('when the previous schema holds desk and walk-in bookings, then up backfills source and adds the tables; down removes them again', async () => {
    const umzug = createMigrator(sequelize, createLogger('error'));
    await umzug.up({ to: LAST_BEFORE });
    expect((await umzug.executed()).map((m) => m.name)).to.not.include(OURS[0]);
    const [doctor] = await q<{ id: string }>(`INSERT INTO doctors (name, code) VALUES ('Dr. Old', 'OLD') RETURNING id`);
    const [p1] = await q<{ id: string }>(`INSERT INTO patients (first_name, phone) VALUES ('A', '+919800000001') RETURNING id`);
    const [p2] = await q<{ id: string }>(`INSERT INTO patients (first_name, phone) VALUES ('B', '+919800000002') RETURNING id`);
    await q(`INSERT INTO appointments (patient_id, doctor_id, date, slot, is_walk_in) VALUES
               ('${p1.id}', '${doctor.id}', '2026-11-30', 1, false), ('${p2.id}', '${doctor.id}', '2026-11-30', 2, true)`);

    await umzug.up();
    expect((await umzug.executed()).map((m) => m.name)).to.include.members(OURS);
    const rows = await q<{ slot: number; source: string }>(`SELECT slot, source FROM appointments ORDER BY slot`);
    expect(rows).to.deep.equal([
      { slot: 1, source: 'desk' },
      { slot: 2, source: 'walk_in' },
    ]);
    expect(await tables()).to.include.members([
      'api_keys',
      'api_key_usage',
      'webhook_endpoints',
      'webhook_events',
      'webhook_deliveries',
      'webhook_attempts',
      'appointment_reminders',
      'calendar_feeds',
    ]);
    // New rows default to desk; a bad source is refused by the schema.
    const [p3] = await q<{ id: string }>(`INSERT INTO patients (first_name, phone) VALUES ('C', '+919800000003') RETURNING id`);
    await q(`INSERT INTO appointments (patient_id, doctor_id, date, slot) VALUES ('${p3.id}', '${doctor.id}', '2026-11-30', 3)`);
    expect((await q<{ source: string }>(`SELECT source FROM appointments WHERE slot = 3`))[0].source).to.equal('desk');
    let refused = false;
    await q(`UPDATE appointments SET source = 'Not OK!' WHERE slot = 3`).catch(() => (refused = true));
    expect(refused).to.equal(true);

    await umzug.down({ to: OURS[0] });
    expect((await umzug.executed()).map((m) => m.name)).to.not.include.members([OURS[0]]);
    const after = await tables();
    for (const t of ['api_keys', 'webhook_events', 'calendar_feeds', 'appointment_reminders']) expect(after).to.not.include(t);
    const cols = await q<{ c: string }>(`SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'appointments'`);
    expect(cols.map((c) => c.c)).to.not.include('source');
    expect((await q<{ n: number }>('SELECT count(*)::int AS n FROM appointments'))[0].n).to.equal(3);

    await umzug.up();
    expect((await q<{ source: string }>(`SELECT source FROM appointments WHERE slot = 2`))[0].source).to.equal('walk_in');
  });
});
