import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/app';

describe('login rate limit', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ LOGIN_RATE_LIMIT: '3' });
  });
  after(async () => {
    await t.stop();
  });
  // trust proxy is 'loopback', so X-Forwarded-For from the test client stands for the caller's IP.
  const login = (ip: string, email: string, password: string) =>
    t.http.post('/api/v1/auth/login').set('X-Forwarded-For', ip).send({ email, password });

  it('when one e-mail fails LOGIN_RATE_LIMIT times (from any IPs), then the next attempt is 429 with Retry-After, even with the right password', async () => {
    const { email, password } = await t.account('reception');
    for (let i = 1; i <= 3; i++) expect((await login(`10.0.0.${i}`, email, 'wrong password!!')).status).to.equal(401);
    const res = await login('10.0.0.9', email.toUpperCase(), password);
    expect(res.status).to.equal(429);
    expect(res.headers['content-type']).to.match(/problem\+json/);
    expect(res.body.error).to.equal('RATE_LIMITED');
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).to.be.within(1, 15 * 60);
  });

  it('when one IP fails LOGIN_RATE_LIMIT times (any e-mails), then its next attempt is 429; other IPs still log in', async () => {
    const { email, password } = await t.account('admin');
    for (let i = 1; i <= 3; i++) expect((await login('10.0.1.1', `nobody${i}@clinic.test`, 'wrong password!!')).status).to.equal(401);
    expect((await login('10.0.1.1', email, password)).status).to.equal(429);
    expect((await login('10.0.1.2', email, password)).status).to.equal(200);
  });

  it('when logins succeed, then they are not counted', async () => {
    const { email, password } = await t.account('doctor');
    for (let i = 0; i < 5; i++) expect((await login('10.0.2.1', email, password)).status).to.equal(200);
  });
});
