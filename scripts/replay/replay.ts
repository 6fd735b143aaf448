import { ApiClient, percentile, pool } from './http-client';
import { unitsOf, type Day, type DayRow } from './dataset';
import { Screen } from './screens';

export interface ReplayOptions {
  baseUrl: string;
  /** A staff token with the admin role (creates doctors, mints screen tokens). */
  token: string;
  day: Day;
  /** Clinic day to map the data's day onto; default: the server's today in CLINIC_TIMEZONE. */
  today?: string;
  /** Desks working at once (bookings, check-ins). */
  concurrency: number;
  /** >0: walk-ins arrive at their real time-of-day gaps divided by `speed`; 0: as fast as possible. */
  speed: number;
  /** Called as work completes: `(phase, done, total)`. */
  progress?: (phase: string, done: number, total: number) => void;
}

export interface ReplayCheck {
  name: string;
  expected: string | number;
  actual: string | number;
  ok: boolean;
}

export interface ReplayReport {
  wall_ms: number;
  checks: ReplayCheck[];
  ok: boolean;
  latency_ms: Record<string, { count: number; p50: number; p99: number }>;
  statuses: Record<string, number>;
  server_errors: ApiClient['serverErrors'];
  /** Screens that missed a version, for diagnosis. */
  incomplete_screens: Array<{ doctor_id: string; final: number; seen: number[]; gaps: number; duplicates: number; reconnects: number }>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A neutral, valid, per-run-unique Indian mobile number for patient `i`. */
function phoneFor(runSeed: number, i: number): string {
  return `+919${String((runSeed * 10_007 + i) % 1_000_000_000).padStart(9, '0')}`;
}

/**
 * Replays one real clinic day through the public API and Socket.IO only, as reception desks, doctors and
 * screens would: doctors per unit (capacity ≥ their count), patients, bookings in `ScheduledDay` order (an
 * idempotency key per AppointmentID; same-day bookings are walk-ins), one screen per doctor, check-ins of
 * those who came, calls and serves in queue order, no-shows for the others. Then it checks the outcome.
 */
export async function runReplay(o: ReplayOptions): Promise<ReplayReport> {
  const started = performance.now();
  const api = new ApiClient(o.baseUrl, o.token);
  const runTag = Date.now().toString(36).slice(-4).toUpperCase();
  const runSeed = Date.now() % 1_000_000;
  const tick = (phase: string, total: number) => {
    let done = 0;
    o.progress?.(phase, 0, total);
    return () => o.progress?.(phase, ++done, total);
  };
  const must = async (what: string, p: Promise<{ status: number; body: any }>, ok = [200, 201]) => {
    const r = await p;
    if (!ok.includes(r.status)) throw new Error(`${what} answered ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  };

  // 1. Doctors: one per unit, open every day, capacity at least that day's appointments.
  const units = unitsOf(o.day);
  const doctorOf = new Map<string, { id: string; code: string }>();
  let t = tick('doctors', units.length);
  await pool(
    units,
    o.concurrency,
    async ({ unit, count }, i) => {
      const code = `U${String(i + 1).padStart(2, '0')}${runTag}`;
      const d = await must(
        'create doctor',
        api.call('setup', 'POST', '/api/v1/doctors', {
          name: `Unit ${unit.toLowerCase().replace(/\b\w/g, (c) => c.toUpperCase())}`,
          code,
          specialty: 'Primary care',
          default_daily_capacity: Math.min(500, Math.max(10, count)),
          working_days: [1, 2, 3, 4, 5, 6, 7],
        }),
      );
      doctorOf.set(unit, { id: d.id, code });
    },
    t,
  );

  // The data's day becomes today in the clinic's time zone: ask the server which day that is.
  const today =
    o.today ??
    ((await must('read today', api.call('setup', 'GET', `/api/v1/doctors/${doctorOf.values().next().value!.id}/queue/public`)))
      .date as string);

  // 2. Patients. PatientId is an opaque key and distinct patients collide on it (it was printed as a float);
  // a key seen again at the same unit on the same day is taken as another person (202 such rows in the real day).
  const personOf = new Map<string, string>(); // AppointmentID → person key
  const seenAtUnit = new Map<string, number>();
  const people = new Map<string, DayRow>();
  for (const r of o.day.rows) {
    const k = `${r.patientKey}|${r.unit}`;
    const n = seenAtUnit.get(k) ?? 0;
    seenAtUnit.set(k, n + 1);
    const person = n === 0 ? r.patientKey : `${r.patientKey}#${n}`;
    personOf.set(r.appointmentId, person);
    if (!people.has(person)) people.set(person, r);
  }
  const patientOf = new Map<string, string>(); // person key → patient id
  t = tick('patients', people.size);
  await pool(
    [...people],
    o.concurrency,
    async ([person, r], i) => {
      const p = await must(
        'register patient',
        api.call('setup', 'POST', '/api/v1/patients', {
          first_name: 'Patient',
          last_name: `${runTag}-${i + 1}`,
          age: r.age,
          phone: phoneFor(runSeed, i),
        }),
      );
      patientOf.set(person, p.id);
    },
    t,
  );
  const patientFor = (r: DayRow) => patientOf.get(personOf.get(r.appointmentId)!)!;

  // 3. Screens: one screen token and one connection per doctor.
  const screens: Screen[] = [];
  t = tick('screens', units.length);
  await pool(
    units,
    o.concurrency,
    async ({ unit }) => {
      const d = doctorOf.get(unit)!;
      const tok = await must(
        'mint screen token',
        api.call('setup', 'POST', '/api/v1/display-tokens', { label: `Replay ${d.code}`, doctor_ids: [d.id] }),
      );
      const s = new Screen(o.baseUrl, tok.token, d.id, today);
      await s.open();
      screens.push(s);
    },
    t,
  );

  try {
    // 4. Advance bookings, in ScheduledDay order, each with an idempotency key.
    const appointmentOf = new Map<string, string>();
    const advance = o.day.rows.filter((r) => !r.walkIn);
    let booked = 0;
    t = tick('bookings', advance.length);
    await pool(
      advance,
      o.concurrency,
      async (r) => {
        const res = await api.call(
          'booking',
          'POST',
          '/api/v1/appointments',
          { patient_id: patientFor(r), doctor_id: doctorOf.get(r.unit)!.id, date: today },
          { 'Idempotency-Key': `replay-${runTag}-${r.appointmentId}` },
        );
        if (res.status === 201) {
          booked++;
          appointmentOf.set(r.appointmentId, res.body.id);
        }
      },
      t,
    );

    // 5. The day: check-ins of those who came; same-day bookings as walk-ins (or bookings for those who then did not come).
    const day = [...advance.filter((r) => !r.noShow), ...o.day.rows.filter((r) => r.walkIn)];
    const dayStart = Date.now();
    const firstWalkIn = o.day.rows.find((r) => r.walkIn);
    t = tick('check-ins', day.length);
    await pool(
      day,
      o.concurrency,
      async (r: DayRow) => {
        const doctor = doctorOf.get(r.unit)!;
        const patientId = patientFor(r);
        if (!r.walkIn) {
          const id = appointmentOf.get(r.appointmentId);
          if (id) await api.call('checkin', 'POST', '/api/v1/checkins', { appointment_id: id, patient_id: patientId });
          return;
        }
        if (o.speed > 0 && firstWalkIn) {
          const due = dayStart + (Date.parse(r.scheduledAt) - Date.parse(firstWalkIn.scheduledAt)) / o.speed;
          if (due > Date.now()) await sleep(due - Date.now());
        }
        if (r.noShow) {
          const res = await api.call(
            'booking',
            'POST',
            '/api/v1/appointments',
            { patient_id: patientId, doctor_id: doctor.id, date: today },
            { 'Idempotency-Key': `replay-${runTag}-${r.appointmentId}` },
          );
          if (res.status === 201) {
            booked++;
            appointmentOf.set(r.appointmentId, res.body.id);
          }
        } else {
          const res = await api.call(
            'walk_in',
            'POST',
            '/api/v1/walk-ins',
            { patient_id: patientId, doctor_id: doctor.id },
            { 'Idempotency-Key': `replay-${runTag}-${r.appointmentId}` },
          );
          if (res.status === 201) {
            booked++;
            appointmentOf.set(r.appointmentId, res.body.appointment.id);
          }
        }
      },
      t,
    );

    // 6. Doctors call and serve in queue order until nobody waits.
    let served = 0;
    const cameCount = o.day.rows.filter((r) => !r.noShow).length;
    t = tick('calls', cameCount);
    await pool([...doctorOf.values()], o.concurrency, async (d) => {
      for (;;) {
        const call = await api.call('call_next', 'POST', `/api/v1/doctors/${d.id}/queue/call-next?date=${today}`);
        if (call.status !== 200) break;
        const serve = await api.call('serve', 'POST', `/api/v1/queue-entries/${call.body.queue_entry_id}/serve`, {});
        if (serve.status === 200) {
          served++;
          t();
        }
      }
    });

    // 7. The others are no-shows.
    let skipped = 0;
    const absent = o.day.rows.filter((r) => r.noShow);
    t = tick('no-shows', absent.length);
    await pool(
      absent,
      o.concurrency,
      async (r) => {
        const id = appointmentOf.get(r.appointmentId);
        if (!id) return;
        const res = await api.call('no_show', 'POST', `/api/v1/appointments/${id}/no-show`, { reason: 'did not come' });
        if (res.status === 200) skipped++;
      },
      t,
    );

    // 8. Screens: let the last events land, then compare each with the server's public queue.
    const truth = new Map<string, any>();
    for (const s of screens)
      truth.set(s.doctorId, (await api.call('verify', 'GET', `/api/v1/doctors/${s.doctorId}/queue/public?date=${today}`)).body);
    const settleUntil = Date.now() + 5000;
    while (Date.now() < settleUntil && screens.some((s) => s.snapshot?.version !== truth.get(s.doctorId).version)) await sleep(20);
    const screensEqual = screens.filter((s) => JSON.stringify(s.snapshot) === JSON.stringify(truth.get(s.doctorId))).length;
    const incomplete = screens.filter((s) => !s.sawEveryVersion(truth.get(s.doctorId).version));
    const screensComplete = screens.length - incomplete.length;
    const serverErrors = [...api.statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);

    const total = o.day.rows.length;
    const check = (name: string, expected: number, actual: number): ReplayCheck => ({ name, expected, actual, ok: expected === actual });
    const checks = [
      check('appointments booked', total, booked),
      check('patients served', cameCount, served),
      check('no-shows skipped', absent.length, skipped),
      check('answers >= 500', 0, serverErrors),
      check('screens equal to GET /queue', screens.length, screensEqual),
      check('screens that saw every version', screens.length, screensComplete),
    ];
    const latency: ReplayReport['latency_ms'] = {};
    for (const [kind, values] of api.latencies)
      latency[kind] = { count: values.length, p50: percentile(values, 50), p99: percentile(values, 99) };
    return {
      wall_ms: performance.now() - started,
      checks,
      ok: checks.every((c) => c.ok),
      latency_ms: latency,
      statuses: Object.fromEntries([...api.statuses].map(([s, c]) => [String(s), c])),
      server_errors: api.serverErrors.slice(0, 20),
      incomplete_screens: incomplete.slice(0, 5).map((s) => ({
        doctor_id: s.doctorId,
        final: truth.get(s.doctorId).version,
        seen: s.seen,
        gaps: s.gaps,
        duplicates: s.duplicates,
        reconnects: s.reconnects,
      })),
    };
  } finally {
    for (const s of screens) s.close();
  }
}
