import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { SignJWT } from 'jose';
import { io as connect, type Socket } from 'socket.io-client';
import { startTestApp, type Agent, type TestApp } from '../support/app';
import { buildDoctor } from '../support/factories';
import { JWT_AUDIENCE, JWT_ISSUER, JWT_TYPE } from '../../server/auth/tokens';

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const newEmail = (tag: string) => `${tag}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}@Clinic.Test`;

describe('staff accounts, login and tokens', () => {
  let t: TestApp;
  let admin: Agent;
  before(async () => {
    t = await startTestApp();
    admin = await t.as('admin');
  });
  after(async () => {
    await t.stop();
  });

  const createUser = async (o: Record<string, unknown> = {}) => {
    const body = { email: newEmail('u'), password: 'correct horse battery', role: 'reception', ...o };
    const res = await admin.post('/api/v1/users').send(body).expect(201);
    return { ...res.body, password: body.password } as { id: string; email: string; password: string; role: string };
  };
  const sign = (claims: Record<string, unknown>, opts: { secret?: string; aud?: string; exp?: number; typ?: string } = {}) =>
    new SignJWT({ role: 'admin', ...claims })
      .setProtectedHeader({ alg: 'HS256', typ: opts.typ ?? JWT_TYPE })
      .setIssuer(JWT_ISSUER)
      .setAudience(opts.aud ?? JWT_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(opts.exp ?? Math.floor(Date.now() / 1000) + 600)
      .sign(new TextEncoder().encode(opts.secret ?? t.config.jwtSecret!));

  describe('login and /auth/me', () => {
    it('when the e-mail (any case) and password are right, then 200 with a Bearer token that opens /auth/me', async () => {
      const u = await createUser();
      const res = await t.http.post('/api/v1/auth/login').send({ email: u.email.toUpperCase(), password: u.password }).expect(200);
      expect(res.body).to.include({ token_type: 'Bearer', expires_in: 8 * 3600 });
      expect(res.body.user).to.include({ id: u.id, email: u.email, role: 'reception' });
      const [header, payload] = res.body.access_token
        .split('.')
        .slice(0, 2)
        .map((p: string) => JSON.parse(Buffer.from(p, 'base64url').toString()));
      expect(header).to.deep.equal({ alg: 'HS256', typ: 'at+jwt' });
      expect(payload).to.include({ iss: JWT_ISSUER, aud: JWT_AUDIENCE, sub: u.id });
      expect(payload.exp - payload.iat).to.equal(8 * 3600);
      const me = await t.withToken(res.body.access_token).get('/api/v1/auth/me').expect(200);
      expect(me.body).to.include({ id: u.id, email: u.email, role: 'reception', is_active: true });
      expect(me.body).not.to.have.property('password_hash');
    });

    it('when the password is wrong, the e-mail unknown or the account deactivated, then the same 401 for all', async () => {
      const u = await createUser();
      const off = await createUser();
      await admin.patch(`/api/v1/users/${off.id}`).send({ is_active: false }).expect(200);
      const answers = [
        await t.http.post('/api/v1/auth/login').send({ email: u.email, password: 'wrong password!!' }).expect(401),
        await t.http
          .post('/api/v1/auth/login')
          .send({ email: newEmail('nobody'), password: u.password })
          .expect(401),
        await t.http.post('/api/v1/auth/login').send({ email: off.email, password: off.password }).expect(401),
      ];
      for (const a of answers) {
        expect(a.headers['content-type']).to.match(/problem\+json/);
        expect(a.body).to.include({ error: 'INVALID_CREDENTIALS', message: answers[0].body.message });
      }
      await t.http.post('/api/v1/auth/login').send({ email: u.email }).expect(400);
    });

    it('when no token is sent, then 401 with WWW-Authenticate: Bearer', async () => {
      const res = await t.http.get('/api/v1/auth/me').expect(401);
      expect(res.headers['www-authenticate']).to.equal('Bearer');
      expect(res.headers['content-type']).to.match(/problem\+json/);
      await t.http.get('/api/v1/auth/me').set('Authorization', 'Basic YWJjOmRlZg==').expect(401);
    });
  });

  describe('forged and dead tokens', () => {
    it('when a token is unsigned (alg none), signed with another key, for another audience, or expired, then 401', async () => {
      const { id } = await t.account('admin');
      const now = Math.floor(Date.now() / 1000);
      const forged = {
        'alg none': `${b64({ alg: 'none', typ: JWT_TYPE })}.${b64({ iss: JWT_ISSUER, aud: JWT_AUDIENCE, sub: id, exp: now + 600, role: 'admin' })}.`,
        'wrong signature': await sign({ sub: id }, { secret: 'another-secret-another-secret-0123456789' }),
        'wrong aud': await sign({ sub: id }, { aud: 'some-other-api' }),
        expired: await sign({ sub: id }, { exp: now - 60 }),
        'wrong typ': await sign({ sub: id }, { typ: 'JWT' }),
        garbage: 'not.a.jwt',
      };
      await t
        .withToken(await sign({ sub: id }))
        .get('/api/v1/auth/me')
        .expect(200); // the control: a well-made token works
      for (const [what, token] of Object.entries(forged)) {
        const res = await t.withToken(token).get('/api/v1/users');
        expect(res.status, what).to.equal(401);
        expect(res.headers['www-authenticate'], what).to.equal('Bearer');
      }
    });

    it('when a user is deactivated, then their existing token fails at once; reactivated, it works again', async () => {
      const u = await createUser();
      const { access_token } = (await t.http.post('/api/v1/auth/login').send({ email: u.email, password: u.password }).expect(200)).body;
      const me = () => t.withToken(access_token).get('/api/v1/auth/me');
      await me().expect(200);
      await admin.patch(`/api/v1/users/${u.id}`).send({ is_active: false }).expect(200);
      await me().expect(401);
      await admin.patch(`/api/v1/users/${u.id}`).send({ is_active: true }).expect(200);
      await me().expect(200);
    });

    it('when a role changes, then the same token carries the new role at once', async () => {
      const u = await createUser({ role: 'admin' });
      const { access_token } = (await t.http.post('/api/v1/auth/login').send({ email: u.email, password: u.password }).expect(200)).body;
      await t.withToken(access_token).get('/api/v1/users').expect(200);
      await admin.patch(`/api/v1/users/${u.id}`).send({ role: 'reception' }).expect(200);
      await t.withToken(access_token).get('/api/v1/users').expect(403);
    });
  });

  describe('accounts (admin)', () => {
    it('when an admin creates, lists and changes users, then the password never comes back and changes apply', async () => {
      const doctor = (await admin.post('/api/v1/doctors').send(buildDoctor()).expect(201)).body;
      const u = await createUser({ role: 'doctor', doctor_id: doctor.id });
      expect(u).to.include({ role: 'doctor', doctor_id: doctor.id, is_active: true });
      expect(u.email).to.equal(u.email.toLowerCase());
      expect(u).not.to.have.any.keys('password_hash');
      const list = await admin.get('/api/v1/users').query({ role: 'doctor', limit: 200 }).expect(200);
      expect(list.body.data.some((x: { id: string }) => x.id === u.id)).to.equal(true);
      expect(JSON.stringify(list.body)).not.to.include('argon2');
      const moved = await admin.patch(`/api/v1/users/${u.id}`).send({ role: 'reception' }).expect(200);
      expect(moved.body).to.include({ role: 'reception', doctor_id: null });
      await admin.patch(`/api/v1/users/${u.id}`).send({ role: 'doctor' }).expect(400); // doctor_id needed
      await admin.patch('/api/v1/users/6f1c1d5e-0000-4000-8000-000000000000').send({ is_active: false }).expect(404);
      const [[row]] = (await t.app.sequelize.query('SELECT password_hash FROM users WHERE id = :id', { replacements: { id: u.id } })) as [
        Array<{ password_hash: string }>,
        unknown,
      ];
      expect(row.password_hash).to.match(/^\$argon2id\$v=19\$/);
      expect(row.password_hash.split('$')[3].split(',').sort()).to.deep.equal(['m=19456', 'p=1', 't=2']);
    });

    it('when a password is reset, then only the new one logs in', async () => {
      const u = await createUser();
      await admin.patch(`/api/v1/users/${u.id}`).send({ password: 'a brand new passphrase' }).expect(200);
      await t.http.post('/api/v1/auth/login').send({ email: u.email, password: u.password }).expect(401);
      await t.http.post('/api/v1/auth/login').send({ email: u.email, password: 'a brand new passphrase' }).expect(200);
    });

    it('when the password is shorter than 12 characters, then 400 on body.password', async () => {
      const res = await admin
        .post('/api/v1/users')
        .send({ email: newEmail('short'), password: 'elevenchars', role: 'reception' })
        .expect(400);
      expect(res.body.details.map((d: { path: string }) => d.path)).to.deep.equal(['body.password']);
      const u = await createUser();
      await admin.patch(`/api/v1/users/${u.id}`).send({ password: 'short' }).expect(400);
    });

    it('when the e-mail exists already in any case, then 409 EMAIL_TAKEN', async () => {
      const u = await createUser();
      const res = await admin
        .post('/api/v1/users')
        .send({ email: u.email.toUpperCase(), password: 'another good password', role: 'admin' })
        .expect(409);
      expect(res.body.error).to.equal('EMAIL_TAKEN');
    });

    it('when a doctor account has no doctor, or an unknown one, then 400 or 422', async () => {
      await admin
        .post('/api/v1/users')
        .send({ email: newEmail('d'), password: 'correct horse battery', role: 'doctor' })
        .expect(400);
      const res = await admin
        .post('/api/v1/users')
        .send({
          email: newEmail('d'),
          password: 'correct horse battery',
          role: 'doctor',
          doctor_id: '6f1c1d5e-0000-4000-8000-000000000000',
        })
        .expect(422);
      expect(res.body.error).to.equal('DOCTOR_NOT_FOUND');
      await admin
        .post('/api/v1/users')
        .send({ email: newEmail('r'), password: 'correct horse battery', role: 'reception', doctor_id: null })
        .expect(201);
    });
  });

  describe('screen tokens', () => {
    it('when reception mints a screen token, then it is shown once, listed without it, stored hashed, and revoked at once', async () => {
      const desk = await t.as('reception');
      const doctor = (await admin.post('/api/v1/doctors').send(buildDoctor()).expect(201)).body;
      const minted = await desk
        .post('/api/v1/display-tokens')
        .send({ label: 'Waiting room TV', doctor_ids: [doctor.id] })
        .expect(201);
      expect(minted.body).to.include({ label: 'Waiting room TV' });
      expect(minted.body.doctor_ids).to.deep.equal([doctor.id]);
      expect(minted.body.token).to.match(/^scr_[A-Za-z0-9_-]{43}$/);
      const token: string = minted.body.token;

      const listed = await desk.get('/api/v1/display-tokens').query({ limit: 200 }).expect(200);
      const mine = listed.body.data.find((x: { id: string }) => x.id === minted.body.id);
      expect(mine).to.include({ label: 'Waiting room TV', revoked_at: null });
      expect(JSON.stringify(listed.body)).not.to.include(token.slice(4));
      expect(mine).not.to.have.any.keys('token', 'token_hash');
      const [[row]] = (await t.app.sequelize.query('SELECT token_hash FROM display_tokens WHERE id = :id', {
        replacements: { id: minted.body.id },
      })) as [Array<{ token_hash: string }>, unknown];
      expect(row.token_hash).to.equal(createHash('sha256').update(token).digest('hex'));

      const screen = t.withToken(token);
      await screen.get('/api/v1/auth/me').expect(403); // authenticated, but a screen reads nothing but the public queue
      await screen.get('/api/v1/patients').expect(403);
      await desk.delete(`/api/v1/display-tokens/${minted.body.id}`).expect(204);
      await desk.delete(`/api/v1/display-tokens/${minted.body.id}`).expect(204);
      const revoked = await screen.get('/api/v1/auth/me').expect(401);
      expect(revoked.headers['www-authenticate']).to.equal('Bearer');
      const after = await desk.get('/api/v1/display-tokens').query({ limit: 200 }).expect(200);
      expect(after.body.data.some((x: { id: string }) => x.id === minted.body.id)).to.equal(false);
      const all = await desk.get('/api/v1/display-tokens').query({ include_revoked: true, limit: 200 }).expect(200);
      expect(all.body.data.find((x: { id: string }) => x.id === minted.body.id).revoked_at).to.be.a('string');
      await desk.delete('/api/v1/display-tokens/6f1c1d5e-0000-4000-8000-000000000000').expect(404);
    });

    it('when a doctor id is unknown, then 422 DOCTOR_NOT_FOUND listing it', async () => {
      const missing = '6f1c1d5e-0000-4000-8000-000000000000';
      const res = await admin
        .post('/api/v1/display-tokens')
        .send({ label: 'TV', doctor_ids: [missing] })
        .expect(422);
      expect(res.body).to.include({ error: 'DOCTOR_NOT_FOUND' });
      expect(res.body.details).to.deep.equal({ missing: [missing] });
    });
  });

  describe('Socket.IO handshake', () => {
    const open: Socket[] = [];
    afterEach(() => {
      for (const s of open.splice(0)) s.disconnect();
    });
    const attempt = (auth?: Record<string, unknown>) =>
      new Promise<{ ok: true; socket: Socket } | { ok: false; err: Error & { data?: { code?: string } } }>((resolve) => {
        const socket = connect(t.baseUrl, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
        open.push(socket);
        socket.once('connect', () => resolve({ ok: true, socket }));
        socket.once('connect_error', (err) => resolve({ ok: false, err }));
      });

    it('when a client connects without a token or with a bad one, then it is refused with UNAUTHORIZED', async () => {
      for (const auth of [undefined, {}, { token: 'not-a-token' }, { token: `scr_${'A'.repeat(43)}` }]) {
        const r = await attempt(auth);
        expect(r.ok, JSON.stringify(auth)).to.equal(false);
        if (!r.ok) expect(r.err.data?.code).to.equal('UNAUTHORIZED');
      }
    });

    it('when a client connects with a staff JWT or a screen token, then it is accepted with its actor', async () => {
      const { id: userId, token } = await t.account('reception');
      const doctor = (await admin.post('/api/v1/doctors').send(buildDoctor()).expect(201)).body;
      const staff = await attempt({ token });
      const screen = await attempt({ token: await t.screenToken([doctor.id]) });
      expect(staff.ok).to.equal(true);
      expect(screen.ok).to.equal(true);
      const actors = (await t.app.io.fetchSockets()).map((s) => s.data.actor);
      expect(actors).to.deep.include({
        type: 'user',
        id: userId,
        role: 'reception',
        doctor_id: null,
        email: (await t.account('reception')).email,
      });
      expect(actors.some((a) => a.type === 'screen' && a.doctor_ids.includes(doctor.id))).to.equal(true);
    });

    it('when a screen token is revoked or a user deactivated, then their live sockets close at once and reconnecting is refused', async () => {
      const doctor = (await admin.post('/api/v1/doctors').send(buildDoctor()).expect(201)).body;
      const minted = (
        await admin
          .post('/api/v1/display-tokens')
          .send({ label: 'TV 2', doctor_ids: [doctor.id] })
          .expect(201)
      ).body;
      const u = await createUser();
      const { access_token } = (await t.http.post('/api/v1/auth/login').send({ email: u.email, password: u.password }).expect(200)).body;
      const other = await attempt({ token: await t.screenToken([doctor.id]) });
      const screen = await attempt({ token: minted.token });
      const staff = await attempt({ token: access_token });
      if (!screen.ok || !staff.ok || !other.ok) throw new Error('setup: all three should connect');
      const closed = (s: Socket) => new Promise<string>((resolve) => s.once('disconnect', (reason) => resolve(reason)));
      const screenClosed = closed(screen.socket);
      await admin.delete(`/api/v1/display-tokens/${minted.id}`).expect(204);
      expect(await screenClosed).to.equal('io server disconnect');
      const staffClosed = closed(staff.socket);
      await admin.patch(`/api/v1/users/${u.id}`).send({ is_active: false }).expect(200);
      expect(await staffClosed).to.equal('io server disconnect');
      expect(other.socket.connected, 'another screen stays connected').to.equal(true);
      for (const token of [minted.token, access_token]) {
        const again = await attempt({ token });
        expect(again.ok).to.equal(false);
        if (!again.ok) expect(again.err.data?.code).to.equal('UNAUTHORIZED');
      }
    });

    it('when screens and a staff console connect, then clinic_connected_screens counts the screens only', async () => {
      const doctor = (await admin.post('/api/v1/doctors').send(buildDoctor()).expect(201)).body;
      const gauge = async () => Number(/^clinic_connected_screens (\d+)$/m.exec((await t.http.get('/metrics').expect(200)).text)![1]);
      const before = await gauge();
      const s1 = await attempt({ token: await t.screenToken([doctor.id]) });
      const s2 = await attempt({ token: await t.screenToken([doctor.id]) });
      const staff = await attempt({ token: (await t.account('reception')).token });
      expect([s1.ok, s2.ok, staff.ok]).to.deep.equal([true, true, true]);
      expect(await gauge()).to.equal(before + 2);
      if (s1.ok) s1.socket.disconnect();
      const end = Date.now() + 2000;
      while ((await gauge()) !== before + 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      expect(await gauge()).to.equal(before + 1);
    });
  });
});
