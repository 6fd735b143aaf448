import { type ApiClient, pool } from '../scripts/replay/http-client';

/** Rows the bench creates through the API before it measures anything. */
export interface BenchData {
  adminId: string;
  today: string;
  patientIds: string[];
  hotDoctorIds: string[];
  spreadDoctorIds: string[];
  /** Doctors only the growth section books (none unless it runs): the booking section's days never collide with its. */
  growthDoctorIds: string[];
  rushDoctorId: string;
}

const must = async <T = any>(what: string, p: Promise<{ status: number; body: T }>): Promise<T> => {
  const r = await p;
  if (r.status !== 200 && r.status !== 201) throw new Error(`${what} answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
};

/** The subject (`sub`) of a JWT, without verifying it (it is our own login's). */
export function tokenSubject(token: string): string {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')).sub as string;
}

/**
 * Creates `hot`, `spread` and `growth` doctors with capacity 500, one rush doctor with capacity 10 (all working
 * every day) and `patients` patients, 16 requests at a time.
 */
export async function createBenchData(
  api: ApiClient,
  token: string,
  n: { hot: number; spread: number; patients: number; growth?: number },
): Promise<BenchData> {
  const tag = Date.now().toString(36).slice(-5).toUpperCase();
  const doctor = (code: string, capacity: number) =>
    must<{ id: string }>(
      'create doctor',
      api.call('setup', 'POST', '/api/v1/doctors', {
        name: `Bench ${code}`,
        code,
        specialty: 'Primary care',
        default_daily_capacity: capacity,
        working_days: [1, 2, 3, 4, 5, 6, 7],
      }),
    ).then((d) => d.id);
  const hotDoctorIds = await pool(
    Array.from({ length: n.hot }, (_, i) => i),
    16,
    (i) => doctor(`BH${tag}_${i}`, 500),
  );
  const spreadDoctorIds = await pool(
    Array.from({ length: n.spread }, (_, i) => i),
    16,
    (i) => doctor(`BS${tag}_${i}`, 500),
  );
  const growthDoctorIds = await pool(
    Array.from({ length: n.growth ?? 0 }, (_, i) => i),
    16,
    (i) => doctor(`BG${tag}_${i}`, 500),
  );
  const rushDoctorId = await doctor(`BR${tag}`, 10);
  const seed = Date.now() % 100_000;
  const patientIds = await pool(
    Array.from({ length: n.patients }, (_, i) => i),
    16,
    (i) =>
      must<{ id: string }>(
        'register patient',
        api.call('setup', 'POST', '/api/v1/patients', {
          first_name: 'Bench',
          last_name: `${tag}-${i}`,
          age: 30 + (i % 50),
          phone: `+918${String((seed * 10_007 + i) % 1_000_000_000).padStart(9, '0')}`,
        }),
      ).then((p) => p.id),
  );
  const today = (await must<{ date: string }>('read today', api.call('setup', 'GET', `/api/v1/doctors/${rushDoctorId}/queue/public`))).date;
  return { adminId: tokenSubject(token), today, patientIds, hotDoctorIds, spreadDoctorIds, growthDoctorIds, rushDoctorId };
}
