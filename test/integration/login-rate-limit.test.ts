import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/app';

describe('login rate limit', () => {
  let t: TestApp;
  // Pair (e-mail, address) 3, per address 6, per e-mail from all addresses 9.
  before(async () => {
    t = await startTestApp({ LOGIN_RATE_LIMIT: '3', LOGIN_RATE_LIMIT_PER_IP: '6', LOGIN_RATE_LIMIT_PER_EMAIL: '9' });
  });
  after(async () => {
    await t.stop();
  });
  // trust proxy is 'loopback', so X-Forwarded-For from the test client stands for the caller's IP.
  const login = (ip: string, email: string, password: string) =>
    t.http.post('/api/v1/auth/login').set('X-Forwarded-For', ip).send({ email, password });
  const expect429 = (res: Awaited<ReturnType<typeof login>>) => {
    expect(res.status).to.equal(429);
    expect(res.headers['content-type']).to.match(/problem\+json/);
    expect(res.body.error).to.equal('RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).to.be.within(1, 15 * 60);
  };

  it("when an attacker's address fails LOGIN_RATE_LIMIT times for an e-mail, then that address is throttled for it (429 even with the right password), while the owner at their own desk still logs in", async () => {
    const { email, password } = await t.account('reception');
    for (let i = 1; i <= 3; i++) expect((await login('10.0.0.66', email, 'wrong password!!')).status).to.equal(401);
    expect429(await login('10.0.0.66', email.toUpperCase(), password));
    expect((await login('10.0.0.9', email, password)).status).to.equal(200);
    // The admin included: someone else's guesses never lock the owner out.
    const admin = await t.account('admin');
    for (let i = 1; i <= 3; i++) expect((await login('10.0.0.67', admin.email, 'wrong password!!')).status).to.equal(401);
    expect((await login('10.0.0.10', admin.email, admin.password)).status).to.equal(200);
  });

  it('when one address fails LOGIN_RATE_LIMIT_PER_IP times over many e-mails, then its next attempt is 429; other addresses still log in', async () => {
    const { email, password } = await t.account('admin');
    for (let i = 1; i <= 6; i++) expect((await login('10.0.1.1', `nobody${i}@clinic.test`, 'wrong password!!')).status).to.equal(401);
    expect429(await login('10.0.1.1', email, password));
    expect((await login('10.0.1.2', email, password)).status).to.equal(200);
  });

  it('when failures for one e-mail come from many addresses (a distributed attack), then LOGIN_RATE_LIMIT_PER_EMAIL answers 429 from any address', async () => {
    const { email, password } = await t.account('doctor');
    for (let i = 1; i <= 9; i++) expect((await login(`10.0.3.${i}`, email, 'wrong password!!')).status).to.equal(401);
    expect429(await login('10.0.3.200', email, password));
  });

  it('when requests are malformed (400) or logins succeed, then they are not counted', async () => {
    const password = 'a long enough passphrase';
    const { email } = await t.app.ctx.users.create({ email: `fresh-${Date.now()}@test.clinic`, password, role: 'reception' });
    const noPassword = () => t.http.post('/api/v1/auth/login').set('X-Forwarded-For', '10.0.2.1').send({ email });
    for (let i = 0; i < 5; i++) expect((await noPassword()).status).to.equal(400);
    for (let i = 0; i < 5; i++) expect((await login('10.0.2.1', email, password)).status).to.equal(200);
  });
});
