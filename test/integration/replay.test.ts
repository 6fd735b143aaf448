import path from 'node:path';
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/app';
import { loadDay } from '../../scripts/replay/dataset';
import { runReplay } from '../../scripts/replay/replay';

// The slice ships with the tests (test/fixtures/README.md: source, licence); the full day stays for npm run replay.
const DATA = path.resolve(__dirname, '../../../test/fixtures/noshow-vitoria-2016-04-29-first300.csv');

describe('replay of a real clinic day (first 300 rows)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.stop();
  });

  it('when the slice is replayed through REST and Socket.IO, then every check passes', async function () {
    this.timeout(120_000);
    const day = loadDay(DATA, 300);
    const admin = await t.account('admin');
    const report = await runReplay({ baseUrl: t.baseUrl, token: admin.token, day, concurrency: 8, speed: 0 });
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    expect(
      report.checks.filter((c) => !c.ok),
      JSON.stringify([report.checks, report.incomplete_screens]),
    ).to.deep.equal([]);
    expect(byName['appointments booked'].actual).to.equal(300);
    expect(Number(byName['patients served'].actual) + Number(byName['no-shows skipped'].actual)).to.equal(300);
    expect(byName['no-shows skipped'].actual).to.equal(day.rows.filter((r) => r.noShow).length);
    expect(report.statuses['500'] ?? 0).to.equal(0);
    const [[db]] = (await t.app.sequelize.query(
      `SELECT count(*) FILTER (WHERE status = 'completed')::int AS completed, count(*) FILTER (WHERE status = 'no_show')::int AS no_show
         FROM appointments a JOIN doctors d ON d.id = a.doctor_id WHERE d.specialty = 'Primary care'`,
    )) as [Array<{ completed: number; no_show: number }>, unknown];
    expect(db.completed).to.equal(byName['patients served'].actual);
    expect(db.no_show).to.equal(byName['no-shows skipped'].actual);
  });
});
