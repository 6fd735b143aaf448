import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { QueryTypes } from 'sequelize';
import { startTestApp, type Agent, type TestApp } from '../support/app';
import { loadDay, type Day } from '../../scripts/replay/dataset';
import { runReplay, type ReplayReport } from '../../scripts/replay/replay';

// The slice ships with the tests (test/fixtures/README.md: source, licence); the full day stays for npm run replay.
const DATA = path.resolve(__dirname, '../../../test/fixtures/noshow-vitoria-2016-04-29-first300.csv');

/** percentile_cont as PostgreSQL computes it: linear interpolation between the two nearest ranks. */
function percentileCont(values: number[], p: number): number | null {
  if (!values.length) return null;
  const v = [...values].sort((a, b) => a - b);
  const pos = p * (v.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return v[lo] + (pos - lo) * (v[hi] - v[lo]);
}
const round2 = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);

/** The value of one sample line `name{labels} value` in a Prometheus text body, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[4]);
  }
  return undefined;
}

describe('replay of a real clinic day (first 300 rows)', () => {
  let t: TestApp;
  let desk: Agent;
  let day: Day;
  let replay: ReplayReport;
  let today: string;
  before(async function () {
    this.timeout(150_000);
    t = await startTestApp();
    desk = await t.as('reception');
    day = loadDay(DATA, 300);
    const admin = await t.account('admin');
    replay = await runReplay({ baseUrl: t.baseUrl, token: admin.token, day, concurrency: 8, speed: 0 });
    today = (await desk.get(`/api/v1/doctors/${replay.doctors[0].doctor_id}/queue/public`).expect(200)).body.date;
  });
  after(async () => {
    await t.stop();
  });

  it('when the slice is replayed through REST and Socket.IO, then every check passes', async () => {
    const report = replay;
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
         FROM appointments a WHERE a.doctor_id IN (:ids)`,
      { replacements: { ids: replay.doctors.map((d) => d.doctor_id) } },
    )) as [Array<{ completed: number; no_show: number }>, unknown];
    expect(db.completed).to.equal(byName['patients served'].actual);
    expect(db.no_show).to.equal(byName['no-shows skipped'].actual);
  });
  it("when the manager's day report is read, then each doctor's figures are what the replay did and the waits agree with queue_entries", async () => {
    expect(replay.ok, JSON.stringify(replay.checks)).to.equal(true);

    const report = (await desk.get('/api/v1/reports/day').query({ date: today }).expect(200)).body;
    expect(report.date).to.equal(today);
    const rows = new Map<string, Record<string, any>>(report.doctors.map((d: Record<string, any>) => [d.doctor_id, d]));
    for (const did of replay.doctors) {
      const row = rows.get(did.doctor_id);
      expect(row, did.code).to.not.equal(undefined);
      const figures = (({ booked, checked_in, served, no_show, walk_ins, cancelled }) => ({
        booked,
        checked_in,
        served,
        no_show,
        walk_ins,
        cancelled,
      }))(row!);
      expect(figures, did.code).to.deep.equal({
        booked: did.booked,
        checked_in: did.checked_in,
        served: did.served,
        no_show: did.no_show,
        walk_ins: did.walk_ins,
        cancelled: 0,
      });
      expect(row!.doctor_code).to.equal(did.code);
    }
    // ... and what the replay did is the data set's day
    const sum = (k: 'booked' | 'served' | 'no_show' | 'walk_ins') => replay.doctors.reduce((n, d) => n + rows.get(d.doctor_id)![k], 0);
    expect(sum('booked')).to.equal(300);
    expect(sum('served')).to.equal(day.rows.filter((r) => !r.noShow).length);
    expect(sum('no_show')).to.equal(day.rows.filter((r) => r.noShow).length);
    expect(sum('walk_ins')).to.equal(day.rows.filter((r) => r.walkIn && !r.noShow).length);

    // Waits and consultations, recomputed here from the raw queue rows.
    const entries = await t.app.sequelize.query<{
      doctor_id: string;
      wait: number | null;
      consult: number | null;
      first: Date | null;
      last: Date | null;
    }>(
      `SELECT e.doctor_id, extract(epoch FROM e.first_called_at - e.checked_in_at)::float8 / 60 AS wait,
              extract(epoch FROM e.served_at - e.called_at)::float8 / 60 AS consult, e.first_called_at AS first, e.called_at AS last
         FROM queue_entries e WHERE e.date = :today AND e.doctor_id IN (:ids)`,
      { replacements: { today, ids: replay.doctors.map((d) => d.doctor_id) }, type: QueryTypes.SELECT },
    );
    for (const did of replay.doctors) {
      const mine = entries.filter((e) => e.doctor_id === did.doctor_id);
      const waits = mine.map((e) => e.wait).filter((x): x is number => x !== null);
      const consults = mine.map((e) => e.consult).filter((x): x is number => x !== null);
      const row = rows.get(did.doctor_id)!;
      expect(mine.length, `${did.code} queue entries`).to.equal(row.checked_in);
      const agrees = (got: number | null, want: number | null, what: string) => {
        if (want === null) expect(got, `${did.code} ${what}`).to.equal(null);
        else expect(got, `${did.code} ${what}`).to.be.closeTo(round2(want)!, 0.011);
      };
      agrees(row.median_wait_minutes, percentileCont(waits, 0.5), 'median wait');
      agrees(row.p90_wait_minutes, percentileCont(waits, 0.9), 'p90 wait');
      agrees(row.median_consult_minutes, percentileCont(consults, 0.5), 'median consult');
      if (waits.length) expect(row.p90_wait_minutes).to.be.at.least(row.median_wait_minutes);
      const firsts = mine.filter((e) => e.first).map((e) => new Date(e.first!).getTime());
      const lasts = mine.filter((e) => e.last).map((e) => new Date(e.last!).getTime());
      expect(row.first_called_at).to.equal(firsts.length ? new Date(Math.min(...firsts)).toISOString() : null);
      expect(row.last_called_at).to.equal(lasts.length ? new Date(Math.max(...lasts)).toISOString() : null);
    }

    // The same rows as CSV.
    const csv = await desk.get('/api/v1/reports/day').query({ date: today }).set('Accept', 'text/csv').expect(200);
    expect(csv.headers['content-type']).to.match(/^text\/csv/);
    const lines = csv.text.trimEnd().split(/\r\n/);
    expect(lines[0].split(',')[0]).to.equal('date');
    expect(lines).to.have.length(report.doctors.length + 1);
    const records: Record<string, string>[] = parse(csv.text, { columns: true });
    expect(records.map((r) => r.doctor_id)).to.deep.equal(report.doctors.map((d: { doctor_id: string }) => d.doctor_id));
    for (const [i, r] of records.entries()) {
      const j = report.doctors[i];
      expect(r.date).to.equal(today);
      for (const k of ['booked', 'served', 'no_show', 'walk_ins', 'checked_in', 'cancelled']) expect(Number(r[k]), k).to.equal(j[k]);
      expect(r.median_wait_minutes === '' ? null : Number(r.median_wait_minutes)).to.equal(j.median_wait_minutes);
      expect(r.last_called_at === '' ? null : r.last_called_at).to.equal(j.last_called_at);
    }

    // Every call-next was observed in the wait histogram; nobody is left waiting.
    const metrics = (await t.http.get('/metrics').expect(200)).text;
    expect(sample(metrics, 'clinic_wait_seconds_count')).to.equal(sum('served'));
    const [waiting] = await t.app.sequelize.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM queue_entries WHERE date = :today AND status = 'waiting' AND site_id = (SELECT id FROM sites WHERE is_default)`,
      { replacements: { today }, type: QueryTypes.SELECT },
    );
    expect(sample(metrics, 'clinic_waiting_patients', { site: 'MAIN' })).to.equal(waiting.n);
    expect(entries.filter((e) => e.first === null)).to.have.length(0);
  });
});
