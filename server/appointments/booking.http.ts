import type { Request, RequestHandler } from 'express';
import { idempotencyOf, type IdempotencyKey } from './idempotency';
import type { BookResult } from './booking.service';

/** Outcomes of a booking attempt, as `clinic_bookings_total{outcome}` counts them. */
export type BookingOutcome = 'booked' | 'full' | 'already_booked' | 'replayed' | 'error';

/** Where booking outcomes are counted (the app's Prometheus counter). */
export interface BookingCounter {
  inc(labels: { outcome: BookingOutcome }): void;
}

/** The outcome label of a failed booking, from its error code. */
function failureOutcome(err: unknown): BookingOutcome {
  const code = (err as { code?: string }).code;
  return code === 'CAPACITY_FULL' ? 'full' : code === 'ALREADY_BOOKED' ? 'already_booked' : 'error';
}

/**
 * The one handler of an idempotent booking route (`POST /appointments`, `POST /walk-ins`): reads the
 * idempotency key (header `Idempotency-Key` or body `idempotency_key`) and the request's fingerprint for
 * `operation`, runs `book`, counts the outcome, and answers the status and body — with
 * `Idempotent-Replayed: true` when it is the replay of a stored answer. `onBooked` runs after a fresh booking.
 */
export function idempotentBooking(
  operation: string,
  counter: BookingCounter,
  book: (req: Request, idem: IdempotencyKey) => Promise<BookResult>,
  onBooked?: () => void,
): RequestHandler {
  return async (req, res) => {
    let result: BookResult;
    try {
      result = await book(req, idempotencyOf(req, operation));
    } catch (err) {
      counter.inc({ outcome: failureOutcome(err) });
      throw err;
    }
    counter.inc({ outcome: result.replayed ? 'replayed' : 'booked' });
    if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    else onBooked?.();
    res.status(result.status).json(result.body);
  };
}
