import { expect } from 'chai';
import { Client } from 'pg';
import { io as connect } from 'socket.io-client';
import type { ServerProcess } from '../../scripts/lib/server-process';
import { freePort } from '../../server/core/embedded-db';
import { dayFromToday, buildDoctor, buildPatient } from '../support/factories';
import { testDatabaseUrl } from '../support/hooks';
import { adminToken, api, startServerOnTestDb } from '../support/processes';
import { waitFor } from '../support/socket';
import type { PublicQueueSnapshot, QueueUpdatedEvent } from '../../server/live/live.events';

describe('crash: kill -9 during a burst of bookings and check-ins', function () {
  this.timeout(120_000);
  let server: ServerProcess | undefined;
  after(async () => {
    await server?.stop('SIGKILL');
  });

  it('when the server is killed mid-burst and restarted, then every answered 201 is stored, capacity holds, and screens converge within 5 s', async () => {
    const port = String(await freePort());
    server = await startServerOnTestDb({ PORT: port });
    const token = await adminToken();
    const today = dayFromToday(0);
    const doctor = (
      await api(
        server.url,
        token,
        'POST',
        '/api/v1/doctors',
        buildDoctor({ default_daily_capacity: 40, working_days: [1, 2, 3, 4, 5, 6, 7] }),
      )
    ).body;
    const patients: string[] = [];
    for (let i = 0; i < 80; i++) patients.push((await api(server.url, token, 'POST', '/api/v1/patients', buildPatient())).body.id);
    const screenToken = (await api(server.url, token, 'POST', '/api/v1/display-tokens', { label: 'tv', doctor_ids: [doctor.id] })).body
      .token;

    // A screen that keeps reconnecting to the same address, and resubscribes each time, as the page does.
    let snapshot: PublicQueueSnapshot | null = null;
    const screen = connect(server.url, {
      transports: ['websocket'],
      auth: { token: screenToken },
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
    });
    const resubscribe = () =>
      screen.emit('queue:subscribe', { doctor_id: doctor.id }, (res: { data?: { snapshot: PublicQueueSnapshot } }) => {
        if (res.data && (!snapshot || res.data.snapshot.version >= snapshot.version)) snapshot = res.data.snapshot;
      });
    screen.on('connect', resubscribe);
    screen.on('queue:updated', (e: QueueUpdatedEvent) => {
      if (!snapshot || e.version === snapshot.version + 1) snapshot = e.snapshot;
      else if (e.version > snapshot.version + 1) resubscribe();
    });

    // The burst: 80 bookings for 40 places, each booked one checked in at once; killed part-way.
    const booked: Array<{ id: string; patient_id: string }> = [];
    const checkedIn: string[] = [];
    const burst = patients.map(async (p, i) => {
      await new Promise((r) => setTimeout(r, i * 4));
      try {
        const res = await api(server!.url, token, 'POST', '/api/v1/appointments', { patient_id: p, doctor_id: doctor.id, date: today });
        if (res.status !== 201) return;
        booked.push(res.body);
        const ci = await api(server!.url, token, 'POST', '/api/v1/checkins', { appointment_id: res.body.id, patient_id: p });
        if (ci.status === 201) checkedIn.push(ci.body.queue_entry_id);
      } catch {
        /* the connection died with the server */
      }
    });
    await waitFor(() => booked.length >= 10, 10_000, 'some bookings before the kill');
    await server.stop('SIGKILL');
    await Promise.all(burst);
    expect(booked.length).to.be.greaterThan(0);

    server = await startServerOnTestDb({ PORT: port });
    const db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    try {
      const ids = booked.map((b) => b.id);
      const stored = await db.query(`SELECT count(*)::int AS n FROM appointments WHERE id = ANY($1::uuid[]) AND status <> 'cancelled'`, [
        ids,
      ]);
      expect(stored.rows[0].n, 'every answered booking is stored').to.equal(ids.length);
      const entries = await db.query('SELECT count(*)::int AS n FROM queue_entries WHERE id = ANY($1::uuid[])', [checkedIn]);
      expect(entries.rows[0].n, 'every answered check-in is stored').to.equal(checkedIn.length);
      const day = await db.query(
        `SELECT c.booked_count, c.capacity, (SELECT count(*)::int FROM appointments a WHERE a.doctor_id = c.doctor_id AND a.date = c.date AND a.status <> 'cancelled') AS active
           FROM doctor_day_capacity c WHERE c.doctor_id = $1 AND c.date = $2`,
        [doctor.id, today],
      );
      expect(day.rows[0].booked_count).to.equal(day.rows[0].active);
      expect(day.rows[0].active).to.be.at.most(40);
      const versions = await db.query('SELECT version::int AS v FROM queue_events WHERE doctor_id = $1 AND date = $2 ORDER BY version', [
        doctor.id,
        today,
      ]);
      expect(versions.rows.map((r) => r.v)).to.deep.equal(versions.rows.map((_r, i) => i + 1));
    } finally {
      await db.end();
    }
    const truth = (await api(server.url, token, 'GET', `/api/v1/doctors/${doctor.id}/queue/public`)).body as PublicQueueSnapshot;
    const started = Date.now();
    try {
      await waitFor(() => JSON.stringify(snapshot) === JSON.stringify(truth), 5000, 'the screen to show the truth');
    } finally {
      screen.close();
    }
    expect(Date.now() - started).to.be.below(5000);
  });
});
