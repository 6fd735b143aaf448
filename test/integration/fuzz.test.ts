import { expect } from 'chai';
import fc from 'fast-check';
import { QueryTypes } from 'sequelize';
import { startTestApp, type Agent, type TestApp } from '../support/app';
import { buildDoctor, buildPatient } from '../support/factories';

type Method = 'post' | 'patch' | 'put' | 'delete';
interface WriteRoute {
  method: Method;
  path: string;
  keys: string[];
}
interface OpenApiDoc {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
  components?: { schemas?: Record<string, Schema> };
}
interface Schema {
  $ref?: string;
  properties?: Record<string, unknown>;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
}

const RUNS_PER_ROUTE = 50;
const SQL = [
  "' OR '1'='1",
  "'; DROP TABLE patients; --",
  '1; SELECT pg_sleep(10)',
  "admin'--",
  '%_%',
  '$1',
  "') UNION SELECT * FROM users --",
  '::uuid',
];
const SCRIPT = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '{{7*7}}',
  '${7*7}',
  '../../../etc/passwd',
];
const ODD = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uFEFF',
  '\u202Eevil',
  '𝕏𝕐',
  'ß',
  '🏥🩺',
  'null',
  'true',
  '0',
  '-1',
  '1e309',
  'NaN',
  '2026-02-30',
  '2026-13-01',
  '25:61',
  '00000000-0000-0000-0000-000000000000',
];
const EXTRA_KEYS = ['__proto__', 'constructor', 'prototype', 'id', 'created_at', 'role', 'is_admin', '$where', ''];

/** A value of any shape: wrong types, huge and exotic strings, injection fragments, nesting. */
const weird: fc.Arbitrary<unknown> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(...SQL, ...SCRIPT, ...ODD),
  fc.integer(),
  fc.integer({ min: -1, max: 1000 }),
  fc.double(),
  fc.maxSafeInteger(),
  fc.boolean(),
  fc.constant(null),
  fc.integer({ min: 256, max: 150_000 }).map((n) => 'x'.repeat(n)),
  fc.uuid(),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.array(fc.oneof(fc.integer(), fc.string(), fc.constant(null)), { maxLength: 8 }),
  fc.object({ maxDepth: 2, maxKeys: 4 }),
);

/**
 * Valid bodies for the routes we know, so that one odd field at a time reaches the service and the
 * database instead of stopping at validation. Routes not listed here get the generic bodies only.
 */
const VALID: Record<string, () => Record<string, unknown>> = {
  'post /api/v1/patients': () => buildPatient(),
  'patch /api/v1/patients/{id}': () => ({ last_name: 'Fuzz', age: 41 }),
  'post /api/v1/doctors': () => buildDoctor(),
  'patch /api/v1/doctors/{id}': () => ({ specialty: 'Fuzzology', default_daily_capacity: 12 }),
  'post /api/v1/doctors/{id}/availability': () => ({
    date: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10),
    is_present: true,
    capacity: 9,
  }),
};

/** Bodies: the route's own fields with odd values, plus extra fields, random objects, and non-objects. */
function bodyFor(keys: string[], valid?: () => Record<string, unknown>): fc.Arbitrary<unknown> {
  const known = keys.length ? keys : ['name'];
  const oneOdd = valid
    ? [{ arbitrary: fc.tuple(fc.constantFrom(...known, ...EXTRA_KEYS), weird).map(([k, v]) => ({ ...valid(), [k]: v })), weight: 4 }]
    : [];
  return fc.oneof(
    ...oneOdd,
    { arbitrary: fc.record(Object.fromEntries(known.map((k) => [k, weird])), { requiredKeys: [] }), weight: 4 },
    { arbitrary: fc.dictionary(fc.constantFrom(...known, ...EXTRA_KEYS), weird, { maxKeys: 6 }), weight: 3 },
    { arbitrary: fc.object({ maxDepth: 3 }), weight: 1 },
    { arbitrary: fc.oneof(fc.array(weird, { maxLength: 4 }), fc.string(), fc.integer(), fc.constant(null)), weight: 1 },
  );
}

function resolve(doc: OpenApiDoc, s: Schema | undefined, depth = 0): Schema | undefined {
  if (!s || depth > 5) return s;
  if (s.$ref) return resolve(doc, doc.components?.schemas?.[s.$ref.split('/').pop()!], depth + 1);
  return s;
}

/** Property names a route's JSON body schema mentions (through $ref, allOf/oneOf/anyOf). */
function bodyKeys(doc: OpenApiDoc, schema: Schema | undefined, depth = 0): string[] {
  const s = resolve(doc, schema);
  if (!s || depth > 5) return [];
  return [
    ...new Set([
      ...Object.keys(s.properties ?? {}),
      ...[...(s.allOf ?? []), ...(s.oneOf ?? []), ...(s.anyOf ?? [])].flatMap((x) => bodyKeys(doc, x, depth + 1)),
    ]),
  ];
}

describe('fuzz: every documented write route', () => {
  let t: TestApp;
  let admin: Agent;
  before(async () => {
    // No reminder run during the test (its first tick is an hour away): the job writes appointment_reminders by itself.
    t = await startTestApp({ LOG_LEVEL: 'silent', REMINDER_INTERVAL_MS: '3600000' });
    admin = await t.as('admin');
  });
  after(async () => {
    await t.stop();
  });

  /** Row count of every table, plus max(updated_at) where there is one: what a rejected request must not change. */
  async function snapshot(): Promise<string> {
    const tables = await t.app.sequelize.query<{ table_name: string; has_updated: boolean }>(
      `SELECT c.table_name, bool_or(col.column_name = 'updated_at') AS has_updated
         FROM information_schema.tables c JOIN information_schema.columns col USING (table_schema, table_name)
        WHERE c.table_schema = 'public' AND c.table_type = 'BASE TABLE'
          -- api_key_usage: per-minute counters of API keys, pruned by a timer (admin requests never touch them)
          AND c.table_name NOT IN ('schema_migrations', 'schema_seeds', 'api_key_usage')
        GROUP BY c.table_name ORDER BY c.table_name`,
      { type: QueryTypes.SELECT },
    );
    const parts = tables.map(
      (x) =>
        `SELECT '${x.table_name}' AS t, count(*)::text || '/' || ${x.has_updated ? "coalesce(max(updated_at)::text, '-')" : "'-'"} AS v FROM "${x.table_name}"`,
    );
    const rows = await t.app.sequelize.query<{ t: string; v: string }>(parts.join(' UNION ALL '), { type: QueryTypes.SELECT });
    return rows.map((r) => `${r.t}=${r.v}`).join(' ');
  }

  it(`when generated bodies hit every write route (${RUNS_PER_ROUTE} runs each), then never a 5xx, 4xx is problem+json, and rejected requests change nothing`, async function () {
    this.timeout(240_000); // some 40 write routes × 50 runs, each with two snapshots of every table
    const doc = (await t.http.get('/openapi.json').expect(200)).body as OpenApiDoc;
    const routes: WriteRoute[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of ['post', 'patch', 'put', 'delete'] as const) {
        const op = ops[method];
        if (!op) continue;
        routes.push({ method, path, keys: bodyKeys(doc, op.requestBody?.content?.['application/json']?.schema) });
      }
    }
    expect(routes.length, 'write routes in /openapi.json').to.be.greaterThan(3);

    const doctor = (await admin.post('/api/v1/doctors').send(buildDoctor()).expect(201)).body as { id: string };
    const patient = (await admin.post('/api/v1/patients').send(buildPatient()).expect(201)).body as { id: string };
    const today = new Date().toISOString().slice(0, 10);
    const randomUuid = '5b1e6c1e-8a57-4c43-9d8f-2f8b1f0c0d11';
    /** Real ids where the path names a resource we can make; a well-formed unknown id elsewhere (→ 404 after validation). */
    const fill = (path: string) =>
      path.replace(/\{(\w+)\}/g, (_m, name: string, offset: number) => {
        const before = path.slice(0, offset).split('/').filter(Boolean).pop() ?? '';
        const hint = `${name} ${name === 'id' ? before : ''}`.toLowerCase();
        if (hint.includes('doctor')) return doctor.id;
        if (hint.includes('patient')) return patient.id;
        if (hint.includes('date') || hint.includes('day')) return today;
        return randomUuid;
      });
    const badIds = fc.constantFrom('not-a-uuid', "1' OR '1'='1", '%00', '..%2F..', '-1', '9'.repeat(40));

    const failures: string[] = [];
    const tally: Record<number, number> = {};
    for (const route of routes) {
      const label = `${route.method.toUpperCase()} ${route.path}`;
      const property = fc.asyncProperty(
        bodyFor(route.keys, VALID[`${route.method} ${route.path}`]),
        fc.option(badIds, { freq: 6 }),
        async (body, badId) => {
          const json = JSON.stringify(body);
          if (json === undefined) return;
          const url = badId === null ? fill(route.path) : route.path.replace(/\{\w+\}/g, encodeURIComponent(badId));
          const before = await snapshot();
          const res = await admin[route.method](url).set('Content-Type', 'application/json').send(json);
          tally[res.status] = (tally[res.status] ?? 0) + 1;
          const where = `${label} → ${res.status} ${res.body?.error ?? ''} for ${json.slice(0, 300)}`;
          expect(res.status, where).to.be.below(500);
          if (res.status >= 400) {
            expect(res.headers['content-type'], where).to.match(/^application\/problem\+json/);
            expect(await snapshot(), `a rejected request changed the database: ${where}`).to.equal(before);
          }
        },
      );
      try {
        await fc.assert(property, { numRuns: RUNS_PER_ROUTE, interruptAfterTimeLimit: 15_000 });
      } catch (err) {
        failures.push(`${label}: ${(err as Error).message.split('\n').slice(0, 8).join('\n')}`);
      }
    }
    expect(failures, failures.join('\n\n')).to.deep.equal([]);
    const accepted = Object.entries(tally)
      .filter(([status]) => Number(status) < 300)
      .reduce((n, [, c]) => n + c, 0);
    expect(accepted, `some generated bodies must get past validation to reach the database: ${JSON.stringify(tally)}`).to.be.greaterThan(0);
  });
});
