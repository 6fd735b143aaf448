import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/app';
import { connect, readAll } from '../support/server-process';

/** Writes `first`, then one byte of `drip` every `everyMs`, until the server closes the socket or `giveUpMs` pass. */
async function dribble(port: number, first: string, drip: string, everyMs: number, giveUpMs: number) {
  const socket = await connect(port);
  const started = Date.now();
  const answer = readAll(socket);
  socket.write(first);
  let i = 0;
  const timer = setInterval(() => {
    if (!socket.destroyed && socket.writable) socket.write(drip[i++ % drip.length]);
  }, everyMs);
  const closed = await Promise.race([
    answer.then((text) => ({ text, ms: Date.now() - started })),
    new Promise<null>((r) => setTimeout(() => r(null), giveUpMs)),
  ]);
  clearInterval(timer);
  socket.destroy();
  return closed;
}

describe('HTTP timeouts: slow clients are cut off', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_HEADERS_TIMEOUT_MS: '500', HTTP_KEEP_ALIVE_TIMEOUT_MS: '400' });
  });
  after(async () => {
    await t.stop();
  });

  it('when a body is sent one byte at a time, then the server answers 408 and closes within HTTP_REQUEST_TIMEOUT_MS (plus the check interval)', async () => {
    const head = 'POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{';
    const closed = await dribble(t.port, head, ' ', 100, 5000);
    expect(closed, 'still open after 5 s').not.to.equal(null);
    expect(closed!.text).to.match(/^HTTP\/1\.1 408 /);
    expect(closed!.ms).to.be.within(900, 2500);
  });

  it('when headers are sent one line at a time, then the connection is closed within HTTP_HEADERS_TIMEOUT_MS (plus the check interval)', async () => {
    const closed = await dribble(t.port, 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X-Slow: 1\r\n', 50, 5000);
    expect(closed, 'still open after 5 s').not.to.equal(null);
    expect(closed!.ms).to.be.within(400, 2000);
  });

  it('when requests arrive at a normal pace, then they are answered; the configured values are on the server', async () => {
    await t.http.get('/health').expect(200);
    await t.http.post('/api/v1/auth/login').send({ email: 'nobody@clinic.test', password: 'wrong password!!' }).expect(401);
    expect(t.app.server).to.include({ requestTimeout: 1000, headersTimeout: 500, keepAliveTimeout: 400 });
  });
});
