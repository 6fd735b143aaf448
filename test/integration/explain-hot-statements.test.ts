import { expect } from 'chai';
import { Client } from 'pg';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-db';
import { createSequelize } from '../../server/core/db';
import { createLogger } from '../../server/core/logger';
import { migrateUp } from '../../server/core/migrator';
import { fillNetwork, networkAt, type FilledNetwork } from '../../bench/growth-fill';
import { statement, valuesFor } from '../../server/core/sql';
import { BOOKING_CONTEXT_SQL, CREATE_DOCTOR_DAY_SQL, LOCK_DOCTOR_DAY_SQL } from '../../server/doctor-days/doctor-day.repository';
import { INSERT_BOOKING_SQL, statusChangeSql } from '../../server/appointments/appointments.repository';
import { CLAIM_KEY_SQL, STORED_KEY_SQL } from '../../server/appointments/idempotency.repository';
import {
  CHECK_IN_TARGET_SQL,
  LOCK_COUNTER_SQL,
  NEXT_WAITING_SQL,
  PRUNE_QUEUE_EVENTS_SQL,
  PUBLIC_SNAPSHOT_SQL,
} from '../../server/queue/queue.repository';
import { NAME_SEARCH_SQL, PHONE_SEARCH_SQL, PHONE_SUFFIX_SEARCH_SQL } from '../../server/patients/patient-search';
import { DAY_REPORT_SQL } from '../../server/reports/reports.repository';
import { CLAIM_DELIVERIES_SQL, PRUNE_WEBHOOK_DELIVERIES_SQL, PRUNE_WEBHOOK_EVENTS_SQL } from '../../server/webhooks/webhooks.repository';

/** Tables that grow with the clinic's history: a hot statement must never read one whole. */
const LARGE_TABLES = new Set([
  'appointments',
  'appointment_events',
  'patients',
  'queue_entries',
  'queue_events',
  'idempotency_keys',
  'webhook_events',
  'webhook_deliveries',
  'webhook_attempts',
  'patient_history',
]);

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

const nodesOf = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodesOf)];

/**
 * EXPLAIN on every hot statement — the SQL text the server modules export, with realistic binds — against a
 * database holding a small clinic network (growth-fill.ts: 10,000 patients, 20,000 past appointments with their
 * audit and queue events, idempotency keys and webhook deliveries), ANALYZEd. Fails on a Seq Scan of a large
 * table. The fill goes into a database of this test's own (migrated like any), so no other test ever sees its
 * 10,000 patients (patient search ranks over all of them) or its webhook deliveries.
 */
describe('EXPLAIN of the hot statements on a filled database', function () {
  this.timeout(120_000);
  const today = '2031-03-04';
  let c: Client;
  let db: ScratchDatabase;
  let net: FilledNetwork;
  let actorId: string;
  let endpointId: string | undefined;
  const tops: string[] = [];

  before(async () => {
    db = await createScratchDatabase('clinic_explain');
    const logger = createLogger('error');
    const sequelize = createSequelize({ url: db.url, poolMax: 2, acquireTimeoutMs: 10_000, models: [], logger });
    await migrateUp(sequelize, logger);
    await sequelize.close();
    c = new Client({ connectionString: db.url });
    await c.connect();
    const [u] = (
      await c.query<{ id: string }>(
        `INSERT INTO users (email, password_hash, role) VALUES ('explain-${Date.now()}@clinic.local', 'not-a-hash', 'admin') RETURNING id`,
      )
    ).rows;
    actorId = u.id;
    net = await fillNetwork(c, {
      size: { ...networkAt(0), patients: 10_000, pastAppointments: 20_000, idempotencyKeys: 2_000, webhookEvents: 5_000 },
      today,
      actorId,
    });
    const ep = await c.query<{ id: string }>(`SELECT id FROM webhook_endpoints WHERE created_by = $1`, [actorId]);
    endpointId = ep.rows[0]?.id;
    await c.query(`UPDATE webhook_endpoints SET disabled_at = now() WHERE id = $1`, [endpointId]);
    await c.query(`UPDATE webhook_deliveries SET status = 'failed', failed_at = now() WHERE endpoint_id = $1 AND status = 'pending'`, [
      endpointId,
    ]);
    await c.query('ANALYZE webhook_deliveries');
  });

  after(async () => {
    if (tops.length) process.stdout.write(`\n${tops.join('\n')}\n`);
    await c?.end();
    await db?.drop();
  });

  /** EXPLAIN (FORMAT JSON) of `sql` (`$name` binds, as the repositories send it) with `params`. */
  async function explain(what: string, sql: string, params: Record<string, unknown>): Promise<PlanNode> {
    const stmt = statement(sql);
    const { rows } = await c.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
      `EXPLAIN (FORMAT JSON) ${stmt.text}`,
      valuesFor(stmt, params),
    );
    const plan = rows[0]['QUERY PLAN'][0].Plan;
    const top =
      plan['Node Type'] === 'ModifyTable' && plan.Plans?.[0] ? `${plan['Node Type']} ← ${plan.Plans[0]['Node Type']}` : plan['Node Type'];
    tops.push(`    ${what.padEnd(44)} ${top}${plan['Relation Name'] ? ` on ${plan['Relation Name']}` : ''}`);
    return plan;
  }

  function expectNoLargeSeqScan(what: string, plan: PlanNode) {
    const scans = nodesOf(plan).filter((n) => n['Node Type'] === 'Seq Scan' && LARGE_TABLES.has(n['Relation Name'] ?? ''));
    expect(
      scans.map((n) => n['Relation Name']),
      `${what}: sequential scan of a large table`,
    ).to.deep.equal([]);
  }

  it('when the fill is there, then the large tables hold its rows (the plans below are judged on them)', async () => {
    expect(net.rows.appointments).to.be.at.least(20_000);
    expect(net.rows.patients).to.equal(10_000);
    expect(net.rows.queue_events).to.be.at.least(20_000);
    const { rows } = await c.query<{ n: string }>(`SELECT reltuples::bigint AS n FROM pg_class WHERE relname = 'appointment_events'`);
    expect(Number(rows[0].n)).to.be.greaterThan(40_000);
  });

  it('when each hot statement is explained, then no plan reads a large table sequentially', async () => {
    const doctorId = net.doctorIds[1];
    const booked = net.todayBooked[1];
    const [someone] = (
      await c.query<{ id: string; phone: string }>(`SELECT id, phone FROM patients WHERE created_by = $1 LIMIT 1`, [actorId])
    ).rows;
    const tomorrow = '2031-03-05';
    const slots = Array.from({ length: 40 }, (_, i) => i + 1);
    const hhmm = (m: number) => `${String(9 + Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    const booking = {
      doctorId,
      date: tomorrow,
      patientId: someone.id,
      capacity: 40,
      isWalkIn: false,
      source: 'desk',
      actorId,
      actorType: 'user',
      actorKey: actorId,
      key: 'growth-key-1',
      planVersion: 0,
      slots,
      sites: slots.map(() => net.siteIds[1]),
      rooms: slots.map(() => 'Room 2'),
      starts: slots.map((s) => hhmm((s - 1) * 6)),
      ends: slots.map((s) => hhmm(s * 6)),
      ests: slots.map((s) => hhmm((s - 1) * 6)),
      defaultSite: net.siteIds[0],
    };
    // The job's default batch (RETENTION_BATCH_SIZE 5000) is 2.5 % of the full network's 200,000 webhook events;
    // the same share of this small fill keeps the plans those of production (a fifth of a tiny table is read whole).
    const batch = Math.max(25, Math.round((5000 * net.rows.webhook_events) / 200_000));
    const statements: Array<[string, string, Record<string, unknown>]> = [
      ['booking: context read', BOOKING_CONTEXT_SQL, booking],
      ['booking: lock the doctor-day', LOCK_DOCTOR_DAY_SQL, booking],
      ['booking: create the doctor-day', CREATE_DOCTOR_DAY_SQL, booking],
      ['booking: insert', INSERT_BOOKING_SQL, booking],
      [
        'booking: claim the idempotency key',
        CLAIM_KEY_SQL,
        {
          owner: actorId,
          key: 'growth-key-1',
          fp: 'abc',
        },
      ],
      [
        'booking: stored idempotent answer',
        STORED_KEY_SQL,
        {
          owner: actorId,
          key: 'growth-key-1',
        },
      ],
      ['check-in: the appointment', `${CHECK_IN_TARGET_SQL} FOR UPDATE`, { id: booked[0].id }],
      ['check-in / call-next: lock the counter', LOCK_COUNTER_SQL, { doctorId, date: today }],
      [
        'check-in: status change with audit event',
        statusChangeSql(false),
        { id: booked[0].id, to: 'checked_in', from: ['booked'], actorId, actorType: 'user', reason: null },
      ],
      ['call-next: next waiting entry', NEXT_WAITING_SQL, { doctorId, date: today, streak: 0, priorityStreak: 3 }],
      ['public queue read (snapshot)', PUBLIC_SNAPSHOT_SQL, { doctorId, date: today, priorityStreak: 3 }],
      [
        'patient search: phone suffix',
        PHONE_SUFFIX_SEARCH_SQL,
        { phoneSuffix: `${[...someone.phone.slice(-6)].reverse().join('')}%`, limit: 20, offset: 0 },
      ],
      ['patient search: exact phone', PHONE_SEARCH_SQL, { phone: someone.phone, limit: 20, offset: 0 }],
      ['patient search: name prefix', NAME_SEARCH_SQL, { name: 'Priy', limit: 20, offset: 0 }],
      ['patient search: misspelt name', NAME_SEARCH_SQL, { name: 'Shrama', limit: 20, offset: 0 }],
      ['day report (one site)', DAY_REPORT_SQL, { date: today, siteId: net.siteIds[1] }],
      ['day report (every site, yesterday)', DAY_REPORT_SQL, { date: '2031-03-03', siteId: null }],
      ['retention: queue events batch', PRUNE_QUEUE_EVENTS_SQL, { before: '2030-06-01', after: '0', batch }],
      ['retention: webhook deliveries batch', PRUNE_WEBHOOK_DELIVERIES_SQL, { before: new Date(Date.now() - 30 * 86_400_000), batch }],
      ['retention: webhook events batch', PRUNE_WEBHOOK_EVENTS_SQL, { before: new Date(Date.now() - 30 * 86_400_000), batch }],
      ['webhook dispatcher: claim due deliveries', CLAIM_DELIVERIES_SQL, { limit: 20, leaseSeconds: 30 }],
    ];
    const failures: string[] = [];
    for (const [what, sql, params] of statements) {
      const plan = await explain(what, sql, params);
      try {
        expectNoLargeSeqScan(what, plan);
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
    expect(failures).to.deep.equal([]);
  });
});
