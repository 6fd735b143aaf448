import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/app';

/** Headers helmet puts on Express answers that every Socket.IO answer must carry too. */
const SECURITY_HEADERS = [
  'content-security-policy',
  'x-content-type-options',
  'x-frame-options',
  'strict-transport-security',
  'referrer-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'x-dns-prefetch-control',
  'x-permitted-cross-domain-policies',
];

/** A raw WebSocket upgrade request to Socket.IO; resolves with the status and headers of the answer. */
function upgrade(port: number, origin?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      path: '/socket.io/?EIO=4&transport=websocket',
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        'Sec-WebSocket-Version': '13',
        ...(origin ? { Origin: origin } : {}),
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode!, headers: res.headers });
    });
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode!, headers: res.headers });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Engine.IO answers: security headers and Origin', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ CORS_ORIGINS: 'https://desk.clinic.example' });
  });
  after(async () => {
    await t.stop();
  });
  const polling = (origin?: string) => {
    const req = t.http.get('/socket.io/?EIO=4&transport=polling');
    return origin ? req.set('Origin', origin) : req;
  };

  it("when Socket.IO answers over HTTP (polling handshake, client bundle), then it carries helmet's headers, the same as the API's", async () => {
    const api = await t.http.get('/health').expect(200);
    const answers = { polling: await polling().expect(200), bundle: await t.http.get('/socket.io/socket.io.js').expect(200) };
    for (const [what, res] of Object.entries(answers)) {
      for (const h of SECURITY_HEADERS) expect(res.headers[h], `${what}: ${h}`).to.equal(api.headers[h]);
    }
    expect(api.headers['content-security-policy']).to.include("default-src 'self'");
  });

  it("when a WebSocket upgrade is accepted, then its 101 carries helmet's headers", async () => {
    const res = await upgrade(t.port);
    expect(res.status).to.equal(101);
    for (const h of SECURITY_HEADERS) expect(res.headers[h], h).to.be.a('string');
  });

  it('when a page on another origin opens a WebSocket or polls, then it is refused; no Origin, the same origin and CORS_ORIGINS are allowed', async () => {
    expect((await upgrade(t.port, 'https://evil.example')).status).to.equal(400);
    expect((await upgrade(t.port, 'null')).status).to.equal(400);
    expect((await upgrade(t.port, `http://127.0.0.1:${t.port + 1}`)).status, 'same host, other port').to.equal(400);
    const refused = await polling('https://evil.example').expect(403);
    expect(refused.body).to.include({ message: 'Origin not allowed' });
    expect((await upgrade(t.port)).status, 'no Origin').to.equal(101);
    expect((await upgrade(t.port, `http://127.0.0.1:${t.port}`)).status, 'same origin').to.equal(101);
    expect((await upgrade(t.port, 'https://desk.clinic.example')).status, 'CORS_ORIGINS').to.equal(101);
    await polling(`http://127.0.0.1:${t.port}`).expect(200);
    await polling('https://desk.clinic.example').expect(200);
  });
});
