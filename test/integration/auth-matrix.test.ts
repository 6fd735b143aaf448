import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { startTestApp, type Agent, type TestApp } from '../support/app';
import { buildDoctor, buildPatient } from '../support/factories';
import { clinicToday } from '../../server/core/clinic-time';
import { SCOPES } from '../../server/core/actor';

type Operation = {
  security?: unknown[];
  'x-roles'?: string[];
  'x-doctor-scope'?: boolean;
  'x-screen'?: boolean | 'site';
  'x-ends-session'?: boolean;
  'x-scopes'?: string[];
};
/** One column per API key scope: a key holding only that scope. */
type KeyIdentity = `key with ${(typeof SCOPES)[number]}`;
type Identity = 'none' | 'admin' | 'reception' | 'doctor of the day' | 'other doctor' | 'screen token' | 'site screen token' | KeyIdentity;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** What an identity must get from an operation: 401, 403, or "allowed" (neither). */
function expected(op: Operation, who: Identity): 401 | 403 | 'allowed' {
  if (who === 'none') return 401;
  if (who === 'screen token') return op['x-screen'] === true ? 'allowed' : 403;
  // A site screen reads its site's board and the queues of the doctors working there that day.
  if (who === 'site screen token') return op['x-screen'] ? 'allowed' : 403;
  if (who.startsWith('key with ')) return (op['x-scopes'] ?? []).includes(who.slice('key with '.length)) ? 'allowed' : 403;
  const role = who === 'admin' ? 'admin' : who === 'reception' ? 'reception' : 'doctor';
  if (role !== 'admin' && !(op['x-roles'] ?? []).includes(role)) return 403;
  if (who === 'other doctor' && op['x-doctor-scope']) return 403;
  return 'allowed';
}

describe('authorization matrix: every documented route × every kind of caller', () => {
  let t: TestApp;
  let doctorOfDay: string;
  let patientOfDay: string;
  let appointmentOfDay: string;
  let queueEntryOfDay: string;
  let defaultSiteId: string;
  const agents = {} as Record<Identity, Agent>;

  before(async () => {
    t = await startTestApp();
    const admin = await t.as('admin');
    // Working every day, so that on any weekday the doctor of the day is at the default site today.
    doctorOfDay = (
      await admin
        .post('/api/v1/doctors')
        .send(buildDoctor({ working_days: [1, 2, 3, 4, 5, 6, 7] }))
        .expect(201)
    ).body.id;
    defaultSiteId = (await admin.get('/api/v1/sites').expect(200)).body.data[0].id;
    const otherDoctor = (await admin.post('/api/v1/doctors').send(buildDoctor()).expect(201)).body.id;
    patientOfDay = (await admin.post('/api/v1/patients').send(buildPatient()).expect(201)).body.id;
    const [[appt]] = (await t.app.sequelize.query(
      'INSERT INTO appointments (patient_id, doctor_id, date, slot) VALUES (:p, :d, :date, 1) RETURNING id',
      { replacements: { p: patientOfDay, d: doctorOfDay, date: clinicToday(t.config.clinicTimezone) } },
    )) as [Array<{ id: string }>, unknown];
    appointmentOfDay = appt.id;
    const [[entry]] = (await t.app.sequelize.query(
      `INSERT INTO queue_entries (appointment_id, doctor_id, date, position, token) VALUES (:a, :d, :date, 1, 'T-001') RETURNING id`,
      { replacements: { a: appointmentOfDay, d: doctorOfDay, date: clinicToday(t.config.clinicTimezone) } },
    )) as [Array<{ id: string }>, unknown];
    queueEntryOfDay = entry.id;
    agents.none = {
      get: (p) => t.http.get(p),
      post: (p) => t.http.post(p),
      put: (p) => t.http.put(p),
      patch: (p) => t.http.patch(p),
      delete: (p) => t.http.delete(p),
    };
    agents.admin = admin;
    agents.reception = await t.as('reception');
    agents['doctor of the day'] = await t.as('doctor', doctorOfDay);
    agents['other doctor'] = await t.as('doctor', otherDoctor);
    agents['screen token'] = t.withToken(await t.screenToken([doctorOfDay]));
    agents['site screen token'] = t.withToken(
      (await admin.post('/api/v1/display-tokens').send({ label: 'site TV', site_id: defaultSiteId }).expect(201)).body.token,
    );
    for (const scope of SCOPES) {
      const { key } = await t.app.ctx.apiKeys.mint({ label: `matrix ${scope}`, scopes: [scope], source: 'matrix' }, null);
      // Half the keys come as X-API-Key, half as a bearer token: both are the same credential.
      agents[`key with ${scope}`] =
        SCOPES.indexOf(scope) % 2
          ? t.withToken(key)
          : {
              get: (p) => t.http.get(p).set('X-API-Key', key),
              post: (p) => t.http.post(p).set('X-API-Key', key),
              put: (p) => t.http.put(p).set('X-API-Key', key),
              patch: (p) => t.http.patch(p).set('X-API-Key', key),
              delete: (p) => t.http.delete(p).set('X-API-Key', key),
            };
    }
  });
  after(async () => {
    await t.stop();
  });

  /** Fills path parameters: doctor, patient, appointment and queue-entry ids with the day's rows (where scope matters), dates with today, the rest random. */
  function fillPath(path: string): string {
    return path.replace(/\{(\w+)\}/g, (_m, name: string, offset: number) => {
      const before = path.slice(0, offset);
      if (/doctor/i.test(name) || (name === 'id' && /\/doctors\/$/.test(before))) return doctorOfDay;
      if (/patient/i.test(name) || (name === 'id' && /\/patients\/$/.test(before))) return patientOfDay;
      if (/date|day/i.test(name)) return clinicToday(t.config.clinicTimezone);
      if (name === 'id' && /\/appointments\/$/.test(before)) return appointmentOfDay;
      if (name === 'id' && /\/queue-entries\/$/.test(before)) return queueEntryOfDay;
      if (name === 'id' && /\/sites\/$/.test(before)) return defaultSiteId;
      return randomUUID();
    });
  }

  it('when each route is called with no token, each role, both doctors, a screen token and a key per scope, then 401/403/allowed match x-roles and x-scopes', async () => {
    const doc = (await t.http.get('/openapi.json').expect(200)).body as {
      security: unknown[];
      paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
    };
    const problems: string[] = [];
    let checked = 0;
    const operations: Array<{ path: string; method: (typeof METHODS)[number]; op: Operation }> = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/v1/')) continue;
      for (const method of METHODS) if (item[method]) operations.push({ path, method, op: item[method] });
    }
    // An operation that revokes the caller's own tokens (log out everywhere) runs last, so every agent's token is
    // still valid for the others; each identity is its own account, so one logging out does not affect the next.
    operations.sort((a, b) => Number(!!a.op['x-ends-session']) - Number(!!b.op['x-ends-session']));
    for (const { path, method, op } of operations) {
      const url = fillPath(path);
      const security = op.security ?? doc.security;
      if (security.length === 0) {
        const res = await agents.none[method](url).send(method === 'get' || method === 'delete' ? undefined : {});
        if (res.status === 401 || res.status === 403) problems.push(`${method.toUpperCase()} ${path} is public but answered ${res.status}`);
        continue;
      }
      if (!Array.isArray(op['x-roles'])) problems.push(`${method.toUpperCase()} ${path} has no x-roles`);
      for (const s of op['x-scopes'] ?? []) if (!(SCOPES as readonly string[]).includes(s)) problems.push(`${path}: unknown scope ${s}`);
      // Staff-only areas never admit a key: accounts, keys, webhooks, calendar feeds, audit history, queue actions.
      if (
        op['x-scopes']?.length &&
        /\/(users|api-keys|webhooks|display-tokens|calendar-feeds|history|queue-entries|call-next|no-show|checkins|walk-ins)\b/.test(path)
      ) {
        problems.push(`${method.toUpperCase()} ${path} is staff-only but lists x-scopes`);
      }
      for (const who of Object.keys(agents) as Identity[]) {
        const req = agents[who][method](url);
        const res = method === 'get' || method === 'delete' ? await req : await req.send({});
        const want = expected(op, who);
        checked++;
        const ok = want === 'allowed' ? res.status !== 401 && res.status !== 403 : res.status === want;
        if (!ok) problems.push(`${method.toUpperCase()} ${path} as ${who}: expected ${want}, got ${res.status} ${res.body?.error ?? ''}`);
        if (res.status === 401 && res.headers['www-authenticate'] !== 'Bearer')
          problems.push(`${method.toUpperCase()} ${path} as ${who}: 401 without WWW-Authenticate: Bearer`);
        if ((res.status === 401 || res.status === 403) && !/problem\+json/.test(res.headers['content-type'] ?? '')) {
          problems.push(`${method.toUpperCase()} ${path} as ${who}: ${res.status} is not problem+json`);
        }
      }
    }
    expect(checked).to.be.greaterThan(300);
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });
});
