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
  /** `x-ends-session`: the call revokes the caller's own tokens, so it runs as an account of its own. */
  endsSession: boolean;
}
interface Parameter {
  $ref?: string;
  name?: string;
  in?: string;
}
interface OpenApiDoc {
  paths: Record<
    string,
    Record<
      string,
      { requestBody?: { content?: Record<string, { schema?: Schema }> }; 'x-ends-session'?: boolean; parameters?: Parameter[] }
    >
  >;
  components?: { schemas?: Record<string, Schema>; parameters?: Record<string, Parameter> };
}
interface Schema {
  $ref?: string;
  properties?: Record<string, unknown>;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
}

const RUNS_PER_ROUTE = 50;
const READ_RUNS_PER_ROUTE = 30;
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
/** Shapes an adversarial probe found 500s with: UUIDs that PostgreSQL (or a loose validator) reads differently. */
const SAMPLE_UUID = '5b1e6c1e-8a57-4c43-9d8f-2f8b1f0c0d11';
const wrappedUuids = (id: string) => [`[${id}]`, `(${id})`, `{${id}}`, `{${id.toUpperCase()}}`, id.replace(/-/g, ''), ` ${id} `];
/** Days luxon reads and PostgreSQL refuses (year 0), or that no clinic has (years 1 and 9999), or that do not exist. */
const ODD_DATES = [
  '0000-01-01',
  '0001-01-01',
  '9999-12-31',
  '1899-12-31',
  '3000-01-01',
  '+002026-01-01',
  '2026-1-1',
  '2026-02-29',
  '20261201',
];
/** Names with nothing to see (zero-width, BOM, soft hyphen), with bidi controls, with a lone surrogate. */
const ODD_NAMES = ['\u200B\u200D\uFEFF', '\u200B', '\u00AD', '\u202Eevil', 'Rao\u202E', '\u2066x\u2069', 'Asha\uD800', '\uDC00'];
/**
 * Percent-encodes any string for a URL, lone surrogates included (`encodeURIComponent` throws on those): a lone
 * surrogate becomes the three bytes its code unit would take in UTF-8, which is not valid UTF-8 — a fair probe.
 */
const encodeAny = (v: string) =>
  v.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\s\S]/g, (c) =>
    c.length === 1 && c >= '\uD800' && c <= '\uDFFF'
      ? [0xe0 | (c.charCodeAt(0) >> 12), 0x80 | ((c.charCodeAt(0) >> 6) & 0x3f), 0x80 | (c.charCodeAt(0) & 0x3f)]
          .map((b) => `%${b.toString(16).toUpperCase()}`)
          .join('')
      : encodeURIComponent(c),
  );
const EXTRA_KEYS = ['__proto__', 'constructor', 'prototype', 'id', 'created_at', 'role', 'is_admin', '$where', ''];

/** A value of any shape: wrong types, huge and exotic strings, injection fragments, nesting. */
const weird: fc.Arbitrary<unknown> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(...SQL, ...SCRIPT, ...ODD, ...ODD_DATES, ...ODD_NAMES, ...wrappedUuids(SAMPLE_UUID)),
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

describe('fuzz: every documented route', () => {
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
    this.timeout(240_000); // some 50 write routes × 50 runs, each with two snapshots of every table
    const budgetEnd = Date.now() + 200_000; // every route gets its share of the time, so the test ends within the timeout
    const doc = (await t.http.get('/openapi.json').expect(200)).body as OpenApiDoc;
    const routes: WriteRoute[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of ['post', 'patch', 'put', 'delete'] as const) {
        const op = ops[method];
        if (!op) continue;
        routes.push({
          method,
          path,
          keys: bodyKeys(doc, op.requestBody?.content?.['application/json']?.schema),
          endsSession: !!op['x-ends-session'],
        });
      }
    }
    expect(routes.length, 'write routes in /openapi.json').to.be.greaterThan(3);
    // Each route's property stops after at most 15 s (interruptAfterTimeLimit), so the whole run is bounded by the route count.
    this.timeout(Math.max(90_000, routes.length * 16_000));

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
    const badIds = fc.constantFrom(
      'not-a-uuid',
      "1' OR '1'='1",
      '%00',
      '..%2F..',
      '-1',
      '9'.repeat(40),
      ...wrappedUuids(doctor.id),
      ...wrappedUuids(patient.id),
      ...ODD_DATES,
    );

    const failures: string[] = [];
    const tally: Record<number, number> = {};
    for (const [index, route] of routes.entries()) {
      const label = `${route.method.toUpperCase()} ${route.path}`;
      const share = Math.max(2_000, Math.min(15_000, (budgetEnd - Date.now()) / (routes.length - index)));
      const caller = route.endsSession ? await t.as('reception') : admin;
      const property = fc.asyncProperty(
        bodyFor(route.keys, VALID[`${route.method} ${route.path}`]),
        fc.option(badIds, { freq: 6 }),
        async (body, badId) => {
          const json = JSON.stringify(body);
          if (json === undefined) return;
          const url = badId === null ? fill(route.path) : route.path.replace(/\{\w+\}/g, encodeURIComponent(badId));
          const before = await snapshot();
          const res = await caller[route.method](url).set('Content-Type', 'application/json').send(json);
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
        await fc.assert(property, { numRuns: RUNS_PER_ROUTE, interruptAfterTimeLimit: share });
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

  it(`when every documented read route gets odd path and query values (${READ_RUNS_PER_ROUTE} runs each: bracketed UUIDs, year 0 and 9999, invisible names, …), then never a 5xx and every 4xx is problem+json`, async function () {
    this.timeout(90_000);
    const doc = (await t.http.get('/openapi.json').expect(200)).body as OpenApiDoc;
    const doctor = (await admin.post('/api/v1/doctors').send(buildDoctor()).expect(201)).body as { id: string };
    const patient = (await admin.post('/api/v1/patients').send(buildPatient()).expect(201)).body as { id: string };
    const today = new Date().toISOString().slice(0, 10);
    const param = (p: Parameter) => (p.$ref ? doc.components?.parameters?.[p.$ref.split('/').pop()!] : p) ?? {};
    /** A good value for a parameter (so that one odd value at a time reaches the route), by its name and place. */
    const good = (name: string, path: string) => {
      if (/date|from|to/.test(name)) return today;
      if (name === 'limit') return '5';
      if (name === 'offset') return '0';
      if (name === 'id' && /^\/api\/v1\/patients\//.test(path)) return patient.id;
      if (name === 'id' || /doctor/.test(name)) return doctor.id;
      return 'a';
    };
    const odd = fc.oneof(
      fc.constantFrom(...wrappedUuids(doctor.id), ...wrappedUuids(patient.id), ...ODD_DATES, ...ODD_NAMES, ...SQL, ...ODD.filter(Boolean)),
      fc.string({ unit: 'binary', maxLength: 20 }).filter((x) => x.length > 0),
    );

    const failures: string[] = [];
    let calls = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      const op = ops.get;
      if (!op || !path.startsWith('/api/v1/')) continue;
      const params = (op.parameters ?? []).map(param).filter((p) => p.name && (p.in === 'path' || p.in === 'query'));
      if (!params.length) continue;
      const property = fc.asyncProperty(fc.tuple(...params.map(() => fc.option(odd, { freq: 2 }))), async (values) => {
        let url = path;
        const query = new Map<string, string>();
        params.forEach((p, i) => {
          const value = values[i] ?? good(p.name!, path);
          if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeAny(value));
          else query.set(p.name!, value);
        });
        // A range query wants `from` and `to` and no `date`: drop `date` when both are there.
        if (query.has('from') && query.has('to')) query.delete('date');
        const qs = [...query].map(([k, v]) => `${k}=${encodeAny(v)}`).join('&');
        const full = `${url}${qs ? `?${qs}` : ''}`;
        const res = await admin.get(full);
        calls++;
        const where = `GET ${full} → ${res.status} ${res.body?.error ?? ''}`;
        expect(res.status, where).to.be.below(500);
        if (res.status >= 400) expect(res.headers['content-type'], where).to.match(/^application\/problem\+json/);
      });
      try {
        await fc.assert(property, { numRuns: READ_RUNS_PER_ROUTE, interruptAfterTimeLimit: 10_000 });
      } catch (err) {
        failures.push(`GET ${path}: ${(err as Error).message.split('\n').slice(0, 8).join('\n')}`);
      }
    }
    expect(failures, failures.join('\n\n')).to.deep.equal([]);
    expect(calls, 'read routes with parameters in /openapi.json').to.be.greaterThan(100);
  });
});
