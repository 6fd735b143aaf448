import { expect } from 'chai';
import type { ServerProcess } from '../../scripts/lib/server-process';
import { dayFromToday, buildDoctor, buildPatient } from '../support/factories';
import { adminToken, api, startServerOnTestDb } from '../support/processes';
import { collect, connectClient, subscribe, waitFor } from '../support/socket';

describe('several instances (SOCKET_ADAPTER=postgres), as separate processes', function () {
  this.timeout(120_000);
  let a: ServerProcess;
  let b: ServerProcess;
  let token: string;
  const today = dayFromToday(0);

  before(async () => {
    [a, b] = await Promise.all(
      [0, 1].map(() => startServerOnTestDb({ SOCKET_ADAPTER: 'postgres', LOG_LEVEL: process.env.MULTI_LOG ?? 'warn' })),
    );
    token = await adminToken();
  });
  after(async () => {
    await Promise.all([a, b].map((s) => s?.stop()));
  });

  it('when changes are made on both instances, then screens on both get every event in version order; when one stops, a screen that reconnects to the other loses nothing', async () => {
    const doctor = (await api(a.url, token, 'POST', '/api/v1/doctors', buildDoctor({ working_days: [1, 2, 3, 4, 5, 6, 7] }))).body;
    const appts = [];
    for (let i = 0; i < 8; i++) {
      const p = (await api(a.url, token, 'POST', '/api/v1/patients', buildPatient())).body;
      const res = await api(i % 2 ? b.url : a.url, token, 'POST', '/api/v1/appointments', {
        patient_id: p.id,
        doctor_id: doctor.id,
        date: today,
      });
      expect(res.status).to.equal(201);
      appts.push(res.body);
    }
    const screenToken = (await api(a.url, token, 'POST', '/api/v1/display-tokens', { label: 'tv', doctor_ids: [doctor.id] })).body.token;
    const onA = await connectClient(a.url, screenToken);
    const onB = await connectClient(b.url, screenToken);
    await subscribe(onA, doctor.id);
    await subscribe(onB, doctor.id);
    const seenA = collect(onA);
    const seenB = collect(onB);

    // Check-ins alternate between instances; B calls the first patient.
    for (let i = 0; i < 6; i++) {
      const res = await api(i % 2 ? b.url : a.url, token, 'POST', '/api/v1/checkins', {
        appointment_id: appts[i].id,
        patient_id: appts[i].patient_id,
      });
      expect(res.status).to.equal(201);
    }
    expect((await api(b.url, token, 'POST', `/api/v1/doctors/${doctor.id}/queue/call-next`)).status).to.equal(200);
    await waitFor(() => seenA.length >= 7 && seenB.length >= 7, 5000, 'seven events on both screens');
    expect(seenA.map((e) => e.version)).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
    expect(seenB.map((e) => e.version)).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);

    // B stops; its screen reconnects to A (as a load balancer would send it) while changes go on.
    const shutdownNotice = new Promise((resolve) => onB.once('server:shutdown', resolve));
    const bGone = new Promise((resolve) => onB.once('disconnect', resolve));
    expect(await b.stop('SIGTERM')).to.equal(0);
    await bGone;
    await Promise.race([shutdownNotice, new Promise((r) => setTimeout(r, 100))]);
    for (let i = 6; i < 8; i++) {
      expect(
        (await api(a.url, token, 'POST', '/api/v1/checkins', { appointment_id: appts[i].id, patient_id: appts[i].patient_id })).status,
      ).to.equal(201);
    }
    const moved = await connectClient(a.url, screenToken);
    try {
      const { snapshot } = await subscribe(moved, doctor.id);
      const truth = (await api(a.url, token, 'GET', `/api/v1/doctors/${doctor.id}/queue/public`)).body;
      expect(snapshot).to.deep.equal(truth);
      expect(snapshot.version).to.equal(9);
      const after = collect(moved);
      expect((await api(a.url, token, 'POST', `/api/v1/doctors/${doctor.id}/queue/call-next`)).status).to.equal(200);
      // Events of versions 8–9 may still arrive after the snapshot (the relay moved to A meanwhile): a screen ignores those.
      const fresh = () => after.filter((e) => e.version > snapshot.version);
      await waitFor(() => fresh().length === 1 && seenA.length === 10, 5000, 'the next event after the move').catch((err) => {
        throw new Error(
          `${err.message}: A saw ${seenA.map((e) => e.version)}, the moved screen saw ${after.map((e) => e.version)}\n${a.output().slice(-3000)}`,
        );
      });
      expect(fresh()[0].version).to.equal(10);
      expect(seenA.map((e) => e.version)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    } finally {
      moved.close();
      onA.close();
      onB.close();
    }
  });
});
