import { expect } from 'chai';
import { io as ioClient, type Socket } from 'socket.io-client';
import { connect, readAll, sleep, spawnServer, type ServerProcess } from '../support/server-process';
import { startTestApp, type TestApp } from '../support/app';

describe('graceful shutdown', () => {
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.stop('SIGKILL');
    server = undefined;
  });

  it('when SIGTERM arrives during requests, then in-flight requests finish 2xx, new connections are refused, exit 0', async function () {
    this.timeout(30_000);
    server = await spawnServer();
    const { port } = server;

    // In flight: headers complete, the JSON body still arriving (express.json reads bodies on any method).
    const slow = await connect(port);
    const slowReply = readAll(slow);
    slow.write('GET /ready HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{');
    // A used keep-alive connection, idle now: closed at once. A pre-connected one that never sent a byte:
    // closed once no request is in progress.
    const used = await connect(port);
    const usedReply = readAll(used);
    used.write('GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const preconnected = await connect(port);
    const preconnectedClosed = readAll(preconnected);
    await sleep(300);

    server.child.kill('SIGTERM');
    await sleep(300);
    const refused = await connect(port).then(
      (s) => {
        s.destroy();
        return 'connected';
      },
      (err: NodeJS.ErrnoException) => err.code,
    );
    expect(refused, 'a new connection after SIGTERM').to.equal('ECONNREFUSED');
    expect(used.destroyed || used.readableEnded, 'the idle keep-alive connection is closed').to.equal(true);
    expect(await usedReply).to.match(/^HTTP\/1\.1 200 /);
    expect(server.child.exitCode, 'still draining the in-flight request').to.equal(null);

    slow.write('}');
    const reply = await slowReply;
    expect(reply, server.output()).to.match(/^HTTP\/1\.1 200 /);
    expect(reply.toLowerCase()).to.include('connection: close');
    expect(reply).to.include('"status":"ready"');
    expect(await preconnectedClosed).to.equal('');

    const { code } = await server.exited;
    expect(code, server.output()).to.equal(0);
  });

  it('when an in-flight request outlasts SHUTDOWN_TIMEOUT_MS, then its connection is closed and the process still exits 0', async function () {
    this.timeout(30_000);
    server = await spawnServer({ SHUTDOWN_TIMEOUT_MS: '500' });
    const stuck = await connect(server.port);
    const stuckClosed = readAll(stuck);
    stuck.write('GET /ready HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{'); // body never finished
    await sleep(200);
    const started = Date.now();
    server.child.kill('SIGTERM');
    const { code } = await server.exited;
    const took = Date.now() - started;
    expect(code, server.output()).to.equal(0);
    expect(took).to.be.within(450, 5_000);
    await stuckClosed;
    expect(stuck.destroyed || stuck.readableEnded).to.equal(true);
  });

  describe('Socket.IO clients', () => {
    let t: TestApp | undefined;
    let client: Socket | undefined;
    after(async () => {
      client?.close();
    });

    it('when the app stops, then clients get server:shutdown {reconnect: true} and a transport close (so they reconnect elsewhere); hooks run before the pool closes', async () => {
      t = await startTestApp();
      const nsp = t.app.io.of('/shutdown-probe'); // a namespace without auth: the notice goes to every namespace
      nsp.on('connection', () => {});
      client = ioClient(`${t.baseUrl}/shutdown-probe`, { transports: ['websocket'], reconnectionDelay: 60_000 });
      await new Promise<void>((resolve, reject) => {
        client!.once('connect', resolve);
        client!.once('connect_error', reject);
      });
      const notice = new Promise<unknown>((resolve) => client!.once('server:shutdown', resolve));
      const reason = new Promise<string>((resolve) => client!.once('disconnect', resolve));
      const order: string[] = [];
      t.app.ctx.onShutdown(async () => {
        const [rows] = await t!.app.sequelize.query('SELECT 1 AS one');
        order.push(`hook saw db: ${(rows as Array<{ one: number }>)[0].one}`);
      });
      t.app.ctx.onShutdown(() => {
        throw new Error('a failing hook does not stop the shutdown');
      });
      t.app.ctx.onShutdown(() => {
        order.push('third hook');
      });

      await t.stop();
      expect(await notice).to.deep.equal({ reconnect: true });
      expect(await reason).to.equal('transport close'); // not 'io server disconnect', which disables auto-reconnect
      expect(client.active, 'socket.io-client will try to reconnect').to.equal(true);
      expect(order).to.deep.equal(['hook saw db: 1', 'third hook']);
      expect(t.logs.lines.some((l) => l.includes('shutdown hook failed'))).to.equal(true);
      await t.stop(); // idempotent
    });
  });
});
