import { expect } from 'chai';
import { runSeeders } from '../../server/cli/seed-runner';
import { createSequelize } from '../../server/core/db';
import { createLogger } from '../../server/core/logger';
import { createMigrator } from '../../server/core/migrator';
import { startTestApp, type TestApp } from '../support/app';
import { dayFromToday } from '../support/factories';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-db';

/** The demo seed (`npm run seed`, and `npm start` on the embedded database) on a database of its own. */
describe('demo seed: two sites, a morning timed session at one and an evening token session at the other', function () {
  this.timeout(60_000);
  let db: ScratchDatabase;
  let t: TestApp;
  before(async () => {
    db = await createScratchDatabase('clinic_seed');
    const sequelize = createSequelize({ url: db.url, poolMax: 2, acquireTimeoutMs: 10_000, models: [], logger: createLogger('error') });
    await createMigrator(sequelize, createLogger('error')).up();
    await sequelize.close();
    t = await startTestApp({ DATABASE_URL: db.url });
  });
  after(async () => {
    await t?.stop();
    await db?.drop();
  });

  it('when the seed runs (twice), then the sites, doctors and sessions exist once, and a weekday has timed slots in the morning and tokens in the evening', async () => {
    const logger = createLogger('error');
    expect(await runSeeders(t.app.sequelize, logger)).to.include('20261202300001-demo-schedules.js');
    await t.app.sequelize.query(`DELETE FROM schema_seeds`); // forget the bookkeeping: each seeder must be idempotent on its own
    await runSeeders(t.app.sequelize, logger);

    const admin = await t.as('admin');
    const sites = (await admin.get('/api/v1/sites').expect(200)).body.data as Array<{ id: string; code: string }>;
    expect(sites.map((s) => s.code).sort()).to.deep.equal(['MAIN', 'NORTH']);
    const doctors = (await admin.get('/api/v1/doctors').expect(200)).body.data as Array<{ id: string; code: string }>;
    expect(doctors.map((d) => d.code).sort()).to.deep.equal(['DR_A', 'DR_B', 'DR_C']);
    const drA = doctors.find((d) => d.code === 'DR_A')!;
    const schedule = (await admin.get(`/api/v1/doctors/${drA.id}/schedule`).expect(200)).body.sessions as Array<Record<string, unknown>>;
    expect(schedule).to.have.length(12);

    // The next Monday..Saturday within the booking window.
    let date = dayFromToday(1);
    for (let i = 2; new Date(`${date}T12:00:00Z`).getUTCDay() === 0; i++) date = dayFromToday(i);
    const slots = (await admin.get(`/api/v1/doctors/${drA.id}/slots`).query({ date }).expect(200)).body.slots as Array<
      Record<string, unknown>
    >;
    const main = sites.find((s) => s.code === 'MAIN')!.id;
    const north = sites.find((s) => s.code === 'NORTH')!.id;
    const morning = slots.filter((s) => s.site_id === main);
    const evening = slots.filter((s) => s.site_id === north);
    expect(morning).to.have.length(16);
    expect(morning[0]).to.include({ slot: 1, start_time: '09:00', end_time: '09:15', room: 'Room 4', status: 'free' });
    expect(morning[15]).to.include({ start_time: '12:45', end_time: '13:00' });
    expect(evening).to.have.length(20);
    expect(evening[0]).to.include({ slot: 17, start_time: null, estimated_time: '17:00', room: 'Room 2' });
    expect(evening[1]).to.include({ estimated_time: '17:10' }); // consult_minutes 10
    const drC = doctors.find((d) => d.code === 'DR_C')!;
    expect((await admin.get(`/api/v1/doctors/${drC.id}/schedule`).expect(200)).body.sessions).to.deep.equal([]);
  });
});
