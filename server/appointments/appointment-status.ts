import { Conflict } from '../core/errors';

/** Appointment statuses. `cancelled` frees the slot; every other status holds it. */
export type AppointmentStatus = 'booked' | 'cancelled' | 'checked_in' | 'completed' | 'no_show';

/**
 * The statuses of an appointment that is still going to happen (or happening): it blocks deactivating its doctor or
 * patient, and erasing the patient, when its day is today or later.
 */
export const ACTIVE_STATUSES: readonly AppointmentStatus[] = ['booked', 'checked_in'];

/**
 * The server-controlled status machine: booked → cancelled | checked_in | completed | no_show; checked_in →
 * completed | no_show. booked → completed is a visit completed without the queue (`POST /appointments/{id}/complete`).
 */
export const TRANSITIONS: Readonly<Record<AppointmentStatus, readonly AppointmentStatus[]>> = {
  booked: ['cancelled', 'checked_in', 'completed', 'no_show'],
  checked_in: ['completed', 'no_show'],
  cancelled: [],
  completed: [],
  no_show: [],
};

/** True when `from → to` is a legal move. */
export function canTransition(from: AppointmentStatus, to: AppointmentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** @throws Conflict `INVALID_TRANSITION` (details `{from, to}`) when `from → to` is not legal. */
export function assertTransition(from: AppointmentStatus, to: AppointmentStatus): void {
  if (!canTransition(from, to)) {
    throw new Conflict('INVALID_TRANSITION', `An appointment that is ${from} cannot become ${to}`, { from, to });
  }
}
