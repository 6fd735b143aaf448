/** Messages between the bench (parent) and its load processes (child_process.fork). */

/** Where booking i goes: a doctor, a clinic day and a patient, so no two bookings of a run collide. */
export interface BookingPlan {
  doctorIds: string[];
  dates: string[];
  patientIds: string[];
  /** Bookings per doctor-day before moving to the next day. */
  perDay: number;
}

/** Booking i of a plan: round-robin over doctors; within a doctor, fill one day with distinct patients, then the next. */
export function bookingAt(plan: BookingPlan, i: number): { doctorId: string; date: string; patientId: string } {
  const d = plan.doctorIds.length;
  const j = Math.floor(i / d);
  const date = plan.dates[Math.floor(j / plan.perDay)];
  if (!date) throw new Error('booking plan exhausted: add days');
  return { doctorId: plan.doctorIds[i % d], date, patientId: plan.patientIds[j % plan.perDay] };
}

export type BookingLoad =
  | { kind: 'api'; url: string; token: string; concurrency: number; durationMs: number; plan: BookingPlan }
  | { kind: 'pg'; databaseUrl: string; actorId: string; concurrency: number; durationMs: number; plan: BookingPlan }
  /** `count` bookings sent at once, each its own connection (the morning rush). */
  | { kind: 'burst'; url: string; token: string; plan: BookingPlan; count: number }
  /**
   * Any API requests, `concurrency` at a time, each desk taking the next: each request once, or with `durationMs`
   * round and round the list until then (the growth bench's check-in, call-next, search and report workloads).
   */
  | { kind: 'requests'; url: string; token: string; concurrency: number; requests: ApiRequest[]; durationMs?: number };

/** One request of a `requests` load. */
export interface ApiRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

export interface LoadResult {
  count: number;
  elapsedMs: number;
  statuses: Record<string, number>;
  latencies: number[];
  errors: string[];
}

/** The high-resolution wall clock (ms since the epoch), comparable across processes on one machine. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}
