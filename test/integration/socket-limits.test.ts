import { expect } from 'chai';
import { io as connect, type Socket } from 'socket.io-client';
import { startTestApp, type Agent, type TestApp } from '../support/app';
import { buildDoctor, dayFromToday } from '../support/factories';
import { connectClient, subscribe, waitFor, type QueueClient } from '../support/socket';
import type { Ack, QueueHeartbeatEvent, QueueSubscribeResult } from '../../server/live/live.events';

describe('Socket.IO limits: one bad room harms no other, rooms per socket, sockets per screen token', () => {
  let t: TestApp;
  let admin: Agent;
  const open: Socket[] = [];
  before(async () => {
    t = await startTestApp({ HEARTBEAT_INTERVAL_MS: '100', SOCKET_MAX_ROOMS_PER_SOCKET: '2', SCREEN_MAX_SOCKETS_PER_TOKEN: '2' });
    admin = await t.as('admin');
  });
  afterEach(() => {
    for (const s of open.splice(0)) s.disconnect();
  });
  after(async () => {
    await t.stop();
  });
  const newDoctor = async () => (await admin.post('/api/v1/doctors').send(buildDoctor()).expect(201)).body as { id: string };
  const client = async (token: string) => {
    const s = await connectClient(t.baseUrl, token);
    open.push(s);
    return s;
  };
  const attempt = (token: string) =>
    new Promise<{ ok: boolean; code?: string; socket: Socket }>((resolve) => {
      const socket = connect(t.baseUrl, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
      open.push(socket);
      socket.once('connect', () => resolve({ ok: true, socket }));
      socket.once('connect_error', (err: Error & { data?: { code?: string } }) => resolve({ ok: false, code: err.data?.code, socket }));
    });
  const trySubscribe = (s: QueueClient, doctor_id: string, date?: string) =>
    new Promise<Ack<QueueSubscribeResult>>((resolve) => s.emit('queue:subscribe', { doctor_id, date }, resolve));

  it('when another socket sits in a malformed room, then the heartbeat still reaches every good room and nothing fails', async () => {
    const doctor = await newDoctor();
    const screen = await client(await t.screenToken([doctor.id]));
    await subscribe(screen, doctor.id);
    const other = await client((await t.account('reception')).token);
    // Rooms that no subscription can create any more (validated at join), planted directly: the heartbeat must not trust names.
    t.app.io
      .in(other.id!)
      .socketsJoin(['queue:[5b1e6c1e-8a57-4c43-9d8f-2f8b1f0c0d11]:2026-12-01', 'queue:not-a-uuid:0000-01-01', 'queue:x']);
    const beats: QueueHeartbeatEvent[] = [];
    screen.on('queue:heartbeat', (e) => beats.push(e));
    await waitFor(() => beats.length >= 3, 3000, 'three heartbeats');
    expect(beats[0]).to.include({ doctor_id: doctor.id, date: dayFromToday(0), version: 0 });
    const failures = t.logs.lines.filter((l) => l.includes('queue heartbeat failed'));
    expect(failures, failures.join('\n')).to.deep.equal([]);
  });

  it('when a socket follows SOCKET_MAX_ROOMS_PER_SOCKET doctor-days, then the next subscription is TOO_MANY_SUBSCRIPTIONS until it leaves one', async () => {
    const [d1, d2, d3] = [await newDoctor(), await newDoctor(), await newDoctor()];
    const s = await client((await t.account('reception')).token);
    await subscribe(s, d1.id);
    await subscribe(s, d2.id);
    const third = await trySubscribe(s, d3.id);
    expect('error' in third && third.error).to.include({ code: 'TOO_MANY_SUBSCRIPTIONS' });
    await subscribe(s, d1.id); // a room it is in already: a fresh snapshot, not a new room
    await new Promise((resolve) => s.emit('queue:unsubscribe', { doctor_id: d2.id }, resolve));
    await subscribe(s, d3.id);
    const [server] = await t.app.io.in(s.id!).fetchSockets();
    expect([...server.rooms].filter((r) => r.startsWith('queue:')).length).to.equal(2);
  });

  it('when a screen token holds SCREEN_MAX_SOCKETS_PER_TOKEN sockets, then the next handshake is refused with TOO_MANY_CONNECTIONS; another token is unaffected; closing one makes room', async () => {
    const doctor = await newDoctor();
    const token = await t.screenToken([doctor.id]);
    const a = await attempt(token);
    const b = await attempt(token);
    expect([a.ok, b.ok]).to.deep.equal([true, true]);
    const c = await attempt(token);
    expect(c).to.include({ ok: false, code: 'TOO_MANY_CONNECTIONS' });
    expect((await attempt(await t.screenToken([doctor.id]))).ok, 'another token').to.equal(true);
    const gone = a.socket.id!;
    a.socket.disconnect();
    await waitFor(() => !t.app.io.sockets.sockets.has(gone), 2000, 'the server to drop the closed socket');
    expect((await attempt(token)).ok).to.equal(true);
  });

  it('when many handshakes of one screen token arrive at once, then no more than SCREEN_MAX_SOCKETS_PER_TOKEN get in', async () => {
    const doctor = await newDoctor();
    const token = await t.screenToken([doctor.id]);
    const results = await Promise.all(Array.from({ length: 12 }, () => attempt(token)));
    expect(results.filter((r) => r.ok).length).to.equal(2);
    expect(results.filter((r) => !r.ok).every((r) => r.code === 'TOO_MANY_CONNECTIONS')).to.equal(true);
  });
});
