import { expect } from 'chai';
import { Client } from 'pg';
import { createScratchDatabase } from '../support/scratch-db';
import { createLogger } from '../../server/core/logger';
import { createSequelize } from '../../server/core/db';
import { createMigrator } from '../../server/core/migrator';

const SCHEDULES = '20261202000001-schedules.js';

describe('migration: schedules, on a database holding the previous version’s data', () => {
  const logger = createLogger('error');
  let url: string;
  let drop: () => Promise<void>;
  before(async function () {
    this.timeout(30_000);
    // A database of this test's own on the test server, so migrating it down touches no other test.
    ({ url, drop } = await createScratchDatabase('clinic_migr'));
  });
  after(async () => {
    await drop?.();
  });

  it('when it runs up over old rows and down again, then every doctor-day is at the default site, nothing is lost, and down restores the old shape', async function () {
    this.timeout(60_000);
    const sequelize = createSequelize({ url, poolMax: 2, acquireTimeoutMs: 10_000, models: [], logger });
    const db = new Client({ connectionString: url });
    try {
      const migrator = createMigrator(sequelize, logger);
      const names = (await migrator.pending()).map((m) => m.name);
      const before = names[names.indexOf(SCHEDULES) - 1];
      await migrator.up({ to: before });
      await db.connect();
      // The previous version's data: a doctor, a patient, a booked and a checked-in appointment, a queue entry, a screen token.
      const {
        rows: [doctor],
      } = await db.query(`INSERT INTO doctors (name, code) VALUES ('Dr. Old', 'OLD_1') RETURNING id`);
      const {
        rows: [patient],
      } = await db.query(`INSERT INTO patients (first_name, phone) VALUES ('Asha', '+919812345678') RETURNING id`);
      const {
        rows: [appt],
      } = await db.query(
        `INSERT INTO appointments (patient_id, doctor_id, date, slot, status) VALUES ($1, $2, '2026-12-01', 3, 'checked_in') RETURNING id`,
        [patient.id, doctor.id],
      );
      await db.query(
        `INSERT INTO queue_entries (appointment_id, doctor_id, date, position, token) VALUES ($1, $2, '2026-12-01', 1, 'OLD_1-003')`,
        [appt.id, doctor.id],
      );
      await db.query(`INSERT INTO display_tokens (label, doctor_ids, token_hash) VALUES ('TV', ARRAY[$1::uuid], 'h')`, [doctor.id]);

      await migrator.up({ to: SCHEDULES });
      const { rows: sites } = await db.query(`SELECT id, code, timezone, is_default FROM sites`);
      expect(sites).to.have.length(1);
      expect(sites[0]).to.include({ code: 'MAIN', timezone: null, is_default: true });
      const {
        rows: [a],
      } = await db.query(`SELECT site_id, room, start_time, needs_reschedule, slot, status FROM appointments WHERE id = $1`, [appt.id]);
      expect(a).to.deep.equal({
        site_id: sites[0].id,
        room: null,
        start_time: null,
        needs_reschedule: false,
        slot: 3,
        status: 'checked_in',
      });
      const {
        rows: [e],
      } = await db.query(`SELECT site_id, token FROM queue_entries WHERE appointment_id = $1`, [appt.id]);
      expect(e).to.deep.equal({ site_id: sites[0].id, token: 'OLD_1-003' });
      const {
        rows: [d],
      } = await db.query(`SELECT consult_minutes, languages, consultation_type, schedule_version FROM doctors WHERE id = $1`, [doctor.id]);
      expect(d).to.deep.equal({ consult_minutes: 10, languages: [], consultation_type: 'in_person', schedule_version: 0 });

      await migrator.down({ to: SCHEDULES });
      const { rows: cols } = await db.query(
        `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name IN ('site_id', 'consult_minutes', 'needs_reschedule')`,
      );
      expect(cols).to.deep.equal([]);
      const { rows: tables } = await db.query(
        `SELECT to_regclass('sites') AS s, to_regclass('doctor_sessions') AS w, to_regclass('doctor_leaves') AS l`,
      );
      expect(tables[0]).to.deep.equal({ s: null, w: null, l: null });
      const { rows: kept } = await db.query(
        `SELECT count(*)::int AS n FROM appointments a JOIN queue_entries q ON q.appointment_id = a.id WHERE a.id = $1`,
        [appt.id],
      );
      expect(kept[0].n).to.equal(1);
      // And up again: the same result.
      await migrator.up({ to: SCHEDULES });
      expect((await db.query(`SELECT count(*)::int AS n FROM appointments WHERE site_id IS NOT NULL`)).rows[0].n).to.equal(1);
    } finally {
      await db.end().catch(() => {});
      await sequelize.close();
    }
  });
});
