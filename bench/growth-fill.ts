import type { Client } from 'pg';

/**
 * Fills a migrated database with a clinic network's history, in SQL (`generate_series`, INSERT … SELECT), fast:
 * sites, doctors with weekly sessions, patients, a past of appointments (with their audit events, queue entries,
 * queue counters and queue events, capacity rows), today's booked appointments, idempotency keys and webhook
 * events with their deliveries. Every row respects the schema's constraints: one active appointment per slot and
 * per (patient, doctor-day), `booked_count` = the day's active appointments ≤ capacity, unique queue positions and
 * versions, unique (phone, first name). Used by the growth bench (bench/sections/growth.ts, 400,000 patients and
 * 1,500,000 appointments at scale 1) and the EXPLAIN test (a small network).
 */
export interface NetworkSize {
  /** New sites (the default site is used too when `useDefaultSite`). */
  sites: number;
  doctors: number;
  patients: number;
  /** Appointments on past days (before today), spread evenly over the doctors' working days. */
  pastAppointments: number;
  /** Days of history before today. */
  pastDays: number;
  /** Booked (not yet checked-in) appointments per doctor today, for check-in and call-next workloads. */
  todayBooked: number;
  /** Served (and called, waiting) entries per doctor already in today's queue. */
  todayServed: number;
  idempotencyKeys: number;
  /** Webhook events (one delivery each to one endpoint), spread over the past days. */
  webhookEvents: number;
}

/** The sizes of the growth bench at `scale` (1 = a year of a 3-site network with 150 doctors). */
export function networkAt(scale: number): NetworkSize {
  const n = (x: number, min = 1) => Math.max(min, Math.round(x * scale));
  return {
    sites: 3,
    doctors: n(150, 6),
    patients: n(400_000, 2000),
    pastAppointments: n(1_500_000, 0),
    pastDays: 365,
    todayBooked: 40,
    todayServed: 10,
    idempotencyKeys: n(50_000, 0),
    webhookEvents: n(200_000, 0),
  };
}

/** What a fill created, for the workloads. */
export interface FilledNetwork {
  tag: string;
  siteIds: string[];
  doctorIds: string[];
  /** Per doctor (same order), today's booked appointments `{id, patient_id}` in slot order. */
  todayBooked: Array<Array<{ id: string; patient_id: string }>>;
  rows: Record<string, number>;
  seconds: number;
}

/** Capacity of every filled doctor-day: one 09:00–13:00 session of 6-minute slots. */
export const FILL_CAPACITY = 40;

/** First names and last names the fill draws from (a few with accents, as a real register has them). */
export const FIRST_NAMES =
  `Aarav Aditi Aisha Akash Amit Ananya Anil Anita Anjali Arjun Asha Bhavna Chetan Deepa Deepak Devika Dinesh Divya Farah
  Gaurav Geeta Harish Ishaan Jaya Jyoti Kabir Kavita Kiran Krishna Lakshmi Manish Meena Mohammed Mohan Nandini Naveen Neha Nikhil Nisha
  Pooja Prakash Pranav Priya Priyanka Rahul Rajesh Ravi Rekha Rohan Sanjay Sarita Shreya Sneha Sunil Sunita Suresh Tanvi Usha Varun
  Vikram Vinod Yash Zara José Zoë Renée Chloé Inés Noémie André Ángel Lucía Søren Anaïs Beatriz Carlos Diego Elena Fatima Hassan
  Ibrahim Joseph Maria Michael Omar Sara Thomas Yusuf Aliya Bilal Imran Salma Tariq Ayesha Kamala Lalitha Sowmya Venkat`
    .trim()
    .split(/\s+/);
export const LAST_NAMES =
  `Sharma Verma Gupta Singh Kumar Patel Shah Mehta Reddy Rao Nair Menon Iyer Iyengar Pillai Das Bose Banerjee Chatterjee
  Mukherjee Ghosh Sen Roy Dutta Joshi Kulkarni Deshpande Patil Pawar Jadhav Shinde Chavan Gaikwad More Naidu Chowdary Varma Yadav Mishra
  Tiwari Pandey Dubey Srivastava Saxena Agarwal Bansal Goel Mittal Jain Kapoor Malhotra Khanna Chopra Sethi Bhatia Arora Gill Sandhu Sidhu
  Grewal Dhillon Bajwa Qureshi Khan Ansari Siddiqui Sheikh Syed Hussain Ahmed Ali Fernandes D'Souza Pereira Rodrigues Gomes Dias Lobo
  Pinto Coelho Núñez García Martínez López Müller Lefèvre Østergaard Björk Thomas Mathew George Varghese Kurian Abraham Jacob Joseph
  Chacko Raghunathan Ranganathan Subramanian Venkataraman Krishnan Natarajan Balakrishnan Gopalan Ramachandran Sundaram Swaminathan`
    .trim()
    .split(/\s+/);

const sqlArray = (xs: string[]) => `ARRAY[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}]::text[]`;

/**
 * Fills the database `c` is connected to (as the schema's owner). `today` is the clinic day (`YYYY-MM-DD`);
 * `actorId` the staff account the rows are attributed to. Runs VACUUM (ANALYZE) on the filled tables at the end, as
 * autovacuum would after such growth, then a CHECKPOINT. `log` is told each step and its time.
 */
export async function fillNetwork(
  c: Client,
  o: { size: NetworkSize; today: string; actorId: string; log?: (s: string) => void; seed?: number },
): Promise<FilledNetwork> {
  const started = performance.now();
  const s = o.size;
  const tag = Math.random().toString(36).slice(2, 7).toUpperCase();
  const rows: Record<string, number> = {};
  const step = async (what: string, sql: string, values: unknown[] = []) => {
    const t0 = performance.now();
    const r = await c.query(sql, values);
    if (r.rowCount !== null && r.command === 'INSERT') rows[what] = (rows[what] ?? 0) + r.rowCount;
    o.log?.(`    ${what}: ${r.command === 'INSERT' ? `${r.rowCount} rows, ` : ''}${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return r;
  };
  await c.query('SET synchronous_commit = off');
  await c.query(`SET maintenance_work_mem = '256MB'`);
  await c.query(`SELECT setseed($1)`, [o.seed ?? 0.17]);
  const { rows: phoneBaseRows } = await c.query<{ n: string }>('SELECT count(*) AS n FROM patients');
  // Phones +9197xxxxxxxx, numbered after every patient already there: unique whatever ran before.
  const phoneBase = 10_000_000 + Number(phoneBaseRows[0].n) + Math.floor(Math.random() * 1_000_000);

  await c.query('BEGIN');
  try {
    await step(
      'temp tables',
      `CREATE TEMP TABLE g_site ON COMMIT DROP AS
         SELECT i AS idx, gen_random_uuid() AS id FROM generate_series(0, $1::int - 1) i`,
      [s.sites],
    );
    await step(
      'sites',
      `INSERT INTO sites (id, code, name, address, timezone)
       SELECT id, 'G' || $1 || '_' || idx, 'Growth site ' || idx, idx || ' Hospital Road', 'UTC' FROM g_site`,
      [tag],
    );
    await step(
      'temp doctors',
      `CREATE TEMP TABLE g_doc ON COMMIT DROP AS
         SELECT i AS idx, gen_random_uuid() AS id, (SELECT id FROM g_site WHERE idx = i % $2::int) AS site_id, (i % 7) + 1 AS off_day
           FROM generate_series(0, $1::int - 1) i`,
      [s.doctors, s.sites],
    );
    await step(
      'doctors',
      `INSERT INTO doctors (id, name, code, specialty, default_daily_capacity, working_days, consult_minutes)
       SELECT id, 'Dr. Growth ' || idx, 'G' || $1 || '_' || idx,
              (ARRAY['General Medicine','Paediatrics','Cardiology','Dermatology','Orthopaedics','Gynaecology'])[1 + idx % 6],
              ${FILL_CAPACITY}, ARRAY(SELECT w FROM generate_series(1, 7) w WHERE w <> off_day)::smallint[], 6
         FROM g_doc`,
      [tag],
    );
    await step(
      'doctor_sessions',
      `INSERT INTO doctor_sessions (doctor_id, weekday, site_id, start_time, end_time, slot_minutes, capacity, room)
       SELECT d.id, w, d.site_id, '09:00', '13:00', 6, ${FILL_CAPACITY}, 'Room ' || (1 + d.idx % 12)
         FROM g_doc d CROSS JOIN generate_series(1, 7) w WHERE w <> d.off_day`,
    );
    await step(
      'temp patients',
      `CREATE TEMP TABLE g_pat ON COMMIT DROP AS SELECT i AS idx, gen_random_uuid() AS id FROM generate_series(0, $1::int - 1) i`,
      [s.patients],
    );
    await c.query('ALTER TABLE g_pat ADD PRIMARY KEY (idx)');
    await step(
      'patients',
      `INSERT INTO patients (id, first_name, last_name, age, phone, gender, date_of_birth, created_by, created_at, updated_at)
       SELECT p.id, f.names[1 + floor(random() * cardinality(f.names))::int], l.names[1 + floor(random() * cardinality(l.names))::int],
              a.age, '+9197' || lpad(($1::bigint + p.idx)::text, 8, '0'),
              (ARRAY['female','male','female','male','other','unknown'])[1 + floor(random() * 6)::int],
              CASE WHEN p.idx % 3 = 0 THEN ($2::date - make_interval(years => a.age) - (floor(random() * 300)::int || ' days')::interval)::date END,
              $3, now() - (floor(random() * 1500)::int || ' days')::interval, now()
         FROM g_pat p, (SELECT ${sqlArray(FIRST_NAMES)} AS names) f, (SELECT ${sqlArray(LAST_NAMES)} AS names) l,
              LATERAL (SELECT 1 + floor(random() * 85)::int + (p.idx * 0) AS age) a`,
      [phoneBase, o.today, o.actorId],
    );
    // Doctor-days of the past (each doctor works 6 days a week), with how many appointments each gets.
    await step(
      'temp past days',
      `CREATE TEMP TABLE g_day ON COMMIT DROP AS
         SELECT row_number() OVER (ORDER BY day, d.idx) - 1 AS idx, d.idx AS didx, d.id AS doctor_id, d.site_id, day::date AS date
           FROM g_doc d CROSS JOIN generate_series($1::date - $2::int, $1::date - 1, '1 day') day
          WHERE extract(isodow FROM day) <> d.off_day`,
      [o.today, s.pastDays],
    );
    const {
      rows: [{ n: pastDays }],
    } = await c.query<{ n: string }>('SELECT count(*) AS n FROM g_day');
    const perDay = Math.floor(s.pastAppointments / Math.max(1, Number(pastDays)));
    const extra = s.pastAppointments - perDay * Number(pastDays);
    if (perDay + (extra ? 1 : 0) > FILL_CAPACITY)
      throw new Error(`fill: ${perDay + 1} appointments a doctor-day exceed capacity ${FILL_CAPACITY}`);
    await c.query(`ALTER TABLE g_day ADD COLUMN n int`);
    await c.query(`UPDATE g_day SET n = $1::int + CASE WHEN idx < $2::int THEN 1 ELSE 0 END`, [perDay, extra]);
    // Every appointment, past and today, in one temp table first: slot s of doctor-day k goes to patient (k·37 + s) mod P,
    // so a doctor-day never holds one patient twice. Past statuses: 7 % cancelled, 10 % no-show, the rest completed.
    await step(
      'temp appointments',
      `CREATE TEMP TABLE g_app ON COMMIT DROP AS
         SELECT gen_random_uuid() AS id, g.doctor_id, g.site_id, g.date, s AS slot, g.didx,
                (SELECT id FROM g_pat WHERE idx = (g.idx * 37 + s) % $1::int) AS patient_id,
                CASE WHEN r < 0.07 THEN 'cancelled' WHEN r < 0.17 THEN 'no_show' ELSE 'completed' END AS status,
                (r > 0.9) AS is_walk_in,
                (g.date + time '08:00' - (floor(random() * 20)::int || ' days')::interval) AS booked_at
           FROM g_day g CROSS JOIN LATERAL generate_series(1, g.n) s CROSS JOIN LATERAL (SELECT random() + s * 0 AS r) x`,
      [s.patients],
    );
    // Today: per doctor, served ones first, then one called, then waiting (checked in), then booked.
    await step(
      'temp today',
      `INSERT INTO g_app (id, doctor_id, site_id, date, slot, didx, patient_id, status, is_walk_in, booked_at)
       SELECT gen_random_uuid(), d.id, d.site_id, $2::date, s, d.idx,
              (SELECT id FROM g_pat WHERE idx = (d.idx * 7919 + s * 13) % $1::int),
              CASE WHEN s <= $3::int THEN 'completed' WHEN s <= $3::int + 3 THEN 'checked_in' ELSE 'booked' END, false,
              $2::date + time '07:00'
         FROM g_doc d CROSS JOIN generate_series(1, least(${FILL_CAPACITY}, $3::int + 3 + $4::int)) s`,
      [s.patients, o.today, s.todayServed, s.todayBooked],
    );
    await step(
      'appointments',
      `INSERT INTO appointments (id, patient_id, doctor_id, date, slot, status, is_walk_in, source, created_by, site_id, room,
                                 start_time, end_time, estimated_time, created_at, updated_at)
       SELECT a.id, a.patient_id, a.doctor_id, a.date, a.slot, a.status, a.is_walk_in, CASE WHEN a.is_walk_in THEN 'walk_in' ELSE 'desk' END,
              $1, a.site_id, 'Room ' || (1 + a.didx % 12), time '09:00' + (a.slot - 1) * interval '6 minutes',
              time '09:00' + a.slot * interval '6 minutes', time '09:00' + (a.slot - 1) * interval '6 minutes',
              a.booked_at, a.date + time '13:00'
         FROM g_app a ORDER BY a.date, a.doctor_id, a.slot`,
      [o.actorId],
    );
    await step(
      'doctor_day_capacity',
      `INSERT INTO doctor_day_capacity (doctor_id, date, capacity, booked_count)
       SELECT doctor_id, date, ${FILL_CAPACITY}, count(*) FILTER (WHERE status <> 'cancelled') FROM g_app GROUP BY doctor_id, date`,
    );
    // Queue entries: every appointment that was checked in (completed, and today's checked-in), in slot order.
    await step(
      'temp queue',
      `CREATE TEMP TABLE g_q ON COMMIT DROP AS
         SELECT a.id AS appointment_id, a.doctor_id, a.site_id, a.date, a.didx, a.slot,
                row_number() OVER (PARTITION BY a.doctor_id, a.date ORDER BY a.slot) AS position,
                a.status = 'completed' AS served,
                a.status = 'checked_in' AND a.slot = min(a.slot) FILTER (WHERE a.status = 'checked_in') OVER (PARTITION BY a.doctor_id, a.date) AS called,
                a.date + time '09:00' + (a.slot - 1) * interval '6 minutes' - interval '20 minutes' AS checked_in_at
           FROM g_app a WHERE a.status IN ('completed', 'checked_in')`,
    );
    await step(
      'queue_entries',
      `INSERT INTO queue_entries (appointment_id, doctor_id, date, position, token, status, checked_in_at, called_at, first_called_at,
                                  served_at, created_at, updated_at, site_id, room)
       SELECT q.appointment_id, q.doctor_id, q.date, q.position, 'G' || $1 || '_' || q.didx || '-' || lpad(q.slot::text, 3, '0'),
              CASE WHEN q.served THEN 'served' WHEN q.called THEN 'called' ELSE 'waiting' END, q.checked_in_at,
              CASE WHEN q.served OR q.called THEN q.checked_in_at + interval '22 minutes' END,
              CASE WHEN q.served OR q.called THEN q.checked_in_at + interval '22 minutes' END,
              CASE WHEN q.served THEN q.checked_in_at + interval '28 minutes' END, q.checked_in_at, q.checked_in_at + interval '28 minutes',
              q.site_id, 'Room ' || (1 + q.didx % 12)
         FROM g_q q ORDER BY q.date, q.doctor_id, q.position`,
      [tag],
    );
    // Queue events: check-in, call (and serve) of each entry, versions 1..n per doctor-day in that order.
    await step(
      'queue_events',
      `INSERT INTO queue_events (doctor_id, date, version, type, entry, payload, request_id, created_at, published_at)
       SELECT e.doctor_id, e.date, row_number() OVER (PARTITION BY e.doctor_id, e.date ORDER BY e.position, e.k), e.type, e.entry,
              jsonb_build_object('doctor_id', e.doctor_id, 'date', e.date, 'type', e.type, 'entry', e.entry,
                                 'snapshot', jsonb_build_object('doctor_id', e.doctor_id, 'date', e.date, 'doctor_code', 'G' || $1 || '_' || e.didx,
                                   'now_serving', e.entry, 'waiting', '[]'::jsonb)),
              NULL, e.at, e.at
         FROM (SELECT q.*, k.k, k.type, k.at,
                      jsonb_build_object('token', 'G' || $1 || '_' || q.didx || '-' || lpad(q.slot::text, 3, '0'), 'position', q.position,
                                         'status', k.type, 'called_at', NULL, 'room', 'Room ' || (1 + q.didx % 12)) AS entry
                 FROM g_q q CROSS JOIN LATERAL (VALUES (1, 'checked_in', q.checked_in_at),
                                                       (2, CASE WHEN q.served OR q.called THEN 'called' END, q.checked_in_at + interval '22 minutes'),
                                                       (3, CASE WHEN q.served THEN 'served' END, q.checked_in_at + interval '28 minutes')) k(k, type, at)
                WHERE k.type IS NOT NULL) e
        ORDER BY e.date, e.doctor_id, e.position, e.k`,
      [tag],
    );
    await step(
      'queue_counters',
      `INSERT INTO queue_counters (doctor_id, date, next_position, version)
       SELECT q.doctor_id, q.date, max(q.position) + 1, (SELECT max(version) FROM queue_events v WHERE v.doctor_id = q.doctor_id AND v.date = q.date)
         FROM g_q q GROUP BY q.doctor_id, q.date`,
    );
    // The audit trail: booked; then checked_in and completed, or no_show, or cancelled.
    await step(
      'appointment_events',
      `INSERT INTO appointment_events (appointment_id, from_status, to_status, actor_id, actor_type, reason, data, at)
       SELECT a.id, e.from_status, e.to_status, $1, 'user', e.reason, e.data, e.at
         FROM g_app a CROSS JOIN LATERAL (VALUES
                (1, NULL, 'booked', NULL, jsonb_build_object('slot', a.slot, 'walk_in', a.is_walk_in), a.booked_at),
                (2, CASE WHEN a.status IN ('completed', 'checked_in') THEN 'booked' END, 'checked_in', NULL, NULL::jsonb,
                    a.date + time '09:00' + (a.slot - 1) * interval '6 minutes' - interval '20 minutes'),
                (3, CASE WHEN a.status = 'completed' THEN 'checked_in' WHEN a.status IN ('no_show', 'cancelled') THEN 'booked' END, a.status,
                    CASE WHEN a.status = 'cancelled' THEN 'patient called' END, NULL::jsonb, a.date + time '13:00')) e(k, from_status, to_status, reason, data, at)
        WHERE e.k = 1 OR e.from_status IS NOT NULL
        ORDER BY e.at`,
      [o.actorId],
    );
    await step(
      'idempotency_keys',
      `INSERT INTO idempotency_keys (actor_id, key, fingerprint, response_status, response_body, created_at)
       SELECT $1, 'growth-' || $2 || '-' || i, md5(i::text), 201, jsonb_build_object('id', gen_random_uuid(), 'slot', 1 + i % 40),
              now() - (random() * interval '47 hours')
         FROM generate_series(1, $3::int) i`,
      [o.actorId, tag, s.idempotencyKeys],
    );
    if (s.webhookEvents > 0) {
      const {
        rows: [ep],
      } = await step(
        'webhook_endpoints',
        `INSERT INTO webhook_endpoints (url, description, events, secret, created_by)
         VALUES ('https://hooks.example.org/clinic', 'growth fill', ARRAY['appointment.booked'], 'whsec_' || md5(random()::text), $1) RETURNING id`,
        [o.actorId],
      );
      await step(
        'temp webhook events',
        `CREATE TEMP TABLE g_ev ON COMMIT DROP AS
           SELECT gen_random_uuid() AS id, now() - ((i::float8 / $1::int) * $2::int * interval '1 day') AS at, i
             FROM generate_series(1, $1::int) i`,
        [s.webhookEvents, s.pastDays],
      );
      await step(
        'webhook_events',
        `INSERT INTO webhook_events (id, type, data, created_at)
         SELECT id, 'appointment.booked', jsonb_build_object('appointment_id', gen_random_uuid(), 'slot', 1 + i % 40), at FROM g_ev ORDER BY at`,
      );
      // Delivered, except 1 % failed for good and the last 20 still pending.
      await step(
        'webhook_deliveries',
        `INSERT INTO webhook_deliveries (event_id, endpoint_id, status, attempts, next_attempt_at, last_response_status, delivered_at, failed_at,
                                         created_at, updated_at)
         SELECT e.id, $1, st, 1, e.at, CASE WHEN st = 'delivered' THEN 200 END, CASE WHEN st = 'delivered' THEN e.at + interval '1 second' END,
                CASE WHEN st = 'failed' THEN e.at + interval '1 day' END, e.at,
                e.at + CASE WHEN st = 'failed' THEN interval '1 day' ELSE interval '1 second' END
           FROM g_ev e, LATERAL (SELECT CASE WHEN e.i <= 20 THEN 'pending' WHEN e.i % 100 = 0 THEN 'failed' ELSE 'delivered' END AS st) x
          ORDER BY e.at`,
        [ep.id],
      );
    }
    const { rows: docs } = await c.query<{ id: string }>('SELECT id FROM g_doc ORDER BY idx');
    const { rows: booked } = await c.query<{ doctor_id: string; id: string; patient_id: string }>(
      `SELECT doctor_id, id, patient_id FROM g_app WHERE date = $1 AND status = 'booked' ORDER BY didx, slot`,
      [o.today],
    );
    const { rows: sites } = await c.query<{ id: string }>('SELECT id FROM g_site ORDER BY idx');
    await c.query('COMMIT');
    const t0 = performance.now();
    for (const t of [
      'patients',
      'appointments',
      'appointment_events',
      'queue_entries',
      'queue_events',
      'queue_counters',
      'doctor_day_capacity',
    ]) {
      await c.query(`VACUUM (ANALYZE) ${t}`);
    }
    await c.query('VACUUM (ANALYZE) idempotency_keys, webhook_events, webhook_deliveries, doctors, doctor_sessions, sites');
    o.log?.(`    vacuum analyze: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // The fill wrote gigabytes at once; a year of ordinary days never leaves such a checkpoint pending. Write it now,
    // so the workloads after the fill do not measure its I/O (needs superuser or pg_checkpoint; skipped otherwise).
    const t1 = performance.now();
    await c.query('CHECKPOINT').then(
      () => o.log?.(`    checkpoint: ${((performance.now() - t1) / 1000).toFixed(1)} s`),
      (err: Error) => o.log?.(`    checkpoint skipped: ${err.message}`),
    );
    const byDoctor = new Map(docs.map((d) => [d.id, [] as Array<{ id: string; patient_id: string }>]));
    for (const b of booked) byDoctor.get(b.doctor_id)!.push({ id: b.id, patient_id: b.patient_id });
    return {
      tag,
      siteIds: sites.map((x) => x.id),
      doctorIds: docs.map((d) => d.id),
      todayBooked: docs.map((d) => byDoctor.get(d.id)!),
      rows,
      seconds: (performance.now() - started) / 1000,
    };
  } catch (err) {
    await c.query('ROLLBACK').catch(() => {});
    throw err;
  }
}
