import type { DomainEventType } from '../core/events';
import { appointmentPayload } from '../core/event-outbox';

export { appointmentPayload };

/**
 * The shapes webhook receivers get in `data`. Ids, times, doctor, site, slot, token and status — never patient
 * contact data (an endpoint created with `include_patient_contact` gets `patient {first_name, phone}` added on its
 * own delivery). Each shape is an allowlist, so a column added to a table never leaks by accident.
 */

/** The descriptive fields of a doctor a directory (or a retrieval index) may hold — never schedule or patients. */
const DOCTOR_FIELDS = ['id', 'name', 'code', 'specialty', 'languages', 'experience_years', 'is_active'] as const;

/** A doctor's descriptive (directory) fields: never its schedule, capacity or bio. */
export function doctorPayload(d: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(DOCTOR_FIELDS.filter((k) => d[k] !== undefined).map((k) => [k, d[k]]));
}

/**
 * The `data` of an event from what a service recorded, or null when there is nothing to tell (a doctor.updated that
 * changed no descriptive field). `appointment`, `doctor` and `previous` are shaped; other keys (`reason`, `from`,
 * `lead_hours`, queue fields) pass as they are — services put only ids, times and statuses there.
 */
export function eventData(type: DomainEventType, recorded: Record<string, unknown>): Record<string, unknown> | null {
  const { appointment, doctor, previous, ...rest } = recorded as {
    appointment?: Record<string, unknown>;
    doctor?: Record<string, unknown>;
    previous?: Record<string, unknown>;
  } & Record<string, unknown>;
  if (doctor) {
    const now = doctorPayload(doctor);
    if (previous && type === 'doctor.updated' && JSON.stringify(doctorPayload(previous)) === JSON.stringify(now)) return null;
    return { ...rest, doctor_id: now.id, doctor: now };
  }
  if (appointment) return { ...appointmentPayload(appointment), ...rest };
  const entry = rest.queue_entry as { token?: string } | undefined;
  return entry?.token ? { ...rest, token: entry.token } : rest;
}
