import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/app';
import { registeredRoutes } from '../support/routes';
import { randomUUID } from 'node:crypto';
import { signStaffToken } from '../../server/auth/tokens';

describe('platform: health, docs, errors', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.stop();
  });

  it('when /health and /ready are asked, then both answer 200 on a migrated database', async () => {
    expect((await t.http.get('/health').expect(200)).body.status).to.equal('ok');
    expect((await t.http.get('/ready').expect(200)).body.status).to.equal('ready');
  });

  it('when /openapi.json is fetched, then every registered route is documented there', async () => {
    const doc = (await t.http.get('/openapi.json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    const routes = registeredRoutes(t.app);
    expect(routes.length).to.be.greaterThan(8);
    const missing = routes.filter((r) => !doc.paths[r.openapiPath]?.[r.method]).map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(missing, `routes without an @openapi block: ${missing.join(', ')}`).to.deep.equal([]);
  });

  it('when /docs is opened, then Swagger UI is served', async () => {
    const res = await t.http.get('/docs/').expect(200);
    expect(res.text).to.include('swagger-ui');
  });

  it('when /docs is served under helmet, then the CSP allows its same-origin scripts and the page has no inline script', async () => {
    const res = await t.http.get('/docs/').expect(200);
    expect(res.headers['content-security-policy']).to.include("script-src 'self'");
    expect(res.headers['content-security-policy']).not.to.include('upgrade-insecure-requests');
    const scripts = res.text.match(/<script[^>]*>/g) ?? [];
    expect(scripts.length).to.be.greaterThan(0);
    for (const tag of scripts) expect(tag).to.match(/src="\.\//);
    await t.http.get('/docs/swagger-ui-init.js').expect(200);
  });

  it('when a route does not exist, then 404 problem+json', async () => {
    const res = await (await t.as('reception')).get('/api/v1/nothing-here').expect(404);
    expect(res.headers['content-type']).to.match(/application\/problem\+json/);
    expect(res.body).to.include({ error: 'ROUTE_NOT_FOUND', status: 404 });
    expect(res.body).to.have.keys('type', 'title', 'status', 'detail', 'instance', 'error', 'message', 'details', 'request_id');
  });

  // Last in this file: Sequelize models are bound to the newest app, here one whose database is gone.
  it('when the database is gone, then /ready and the API answer 503', async () => {
    const other = await startTestApp({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', DB_ACQUIRE_TIMEOUT_MS: '500' });
    try {
      const res = await other.http.get('/ready').expect(503);
      expect(res.body.error).to.equal('DATABASE_UNAVAILABLE');
      const { access_token } = await signStaffToken(other.config.jwtSecret!, randomUUID(), 'admin', 60);
      const api = await other.withToken(access_token).get('/api/v1/doctors').expect(503);
      expect(api.headers['retry-after']).to.equal('2');
    } finally {
      await other.stop();
    }
  });
});
