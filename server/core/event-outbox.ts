/**
 * The SQL of the webhook outbox that more than one module writes with: the webhooks module (its owner: every event
 * through RECORD_EVENT_SQL) and booking, whose insert records `appointment.booked` in its own statement
 * (INSERT_BOOKING_SQL: one round trip less under the doctor-day lock). Kept in core so that both may use it; what
 * the events are and how they are delivered stays in server/webhooks/.
 */

/**
 * The fields of an appointment as webhooks tell it: `[field of data, key of the appointment JSON, null when absent]`
 * — its ids, day, slot, status, who booked it, where (site, room) and when, the times as the API answers them,
 * `HH:MM` in the site's zone. Written once for both forms below (TypeScript, and SQL for the booking insert,
 * which records its own event); a test checks that the two agree.
 */
const APPOINTMENT_FIELDS: ReadonlyArray<readonly [string, string, boolean]> = [
  ['appointment_id', 'id', false],
  ['patient_id', 'patient_id', false],
  ['doctor_id', 'doctor_id', false],
  ['site_id', 'site_id', true],
  ['room', 'room', true],
  ['date', 'date', false],
  ['slot', 'slot', false],
  ['status', 'status', false],
  ['source', 'source', false],
  ['is_walk_in', 'is_walk_in', false],
  ['start_time', 'start_time', true],
  ['end_time', 'end_time', true],
  ['estimated_time', 'estimated_time', true],
];

/** An appointment as webhooks tell it (see APPOINTMENT_FIELDS), from the appointment as the API answers it. */
export function appointmentPayload(a: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(APPOINTMENT_FIELDS.map(([field, key, nullable]) => [field, nullable ? (a[key] ?? null) : a[key]]));
}

/** {@link appointmentPayload} in SQL: a `jsonb` from `json`, an expression of the appointment JSON (APPOINTMENT_JSON). */
export function appointmentPayloadSql(json: string): string {
  const value = (key: string, nullable: boolean) => (nullable ? `coalesce(${json}->'${key}', 'null'::jsonb)` : `${json}->'${key}'`);
  return `jsonb_build_object(${APPOINTMENT_FIELDS.map(([field, key, nullable]) => `'${field}', ${value(key, nullable)}`).join(', ')})`;
}

/** SQL expressions (binds or sub-selects) of one event, for {@link recordEventCtes}. */
export interface EventSql {
  /** `text`: the event type. */
  type: string;
  /** `jsonb`: the event's `data` as `eventData` (payloads.ts) shapes it (the doctor and token are added here). */
  data: string;
  /** `uuid` or NULL: the doctor whose descriptive fields and token the event carries. */
  doctorId: string;
  /** `int` or NULL: the slot the public token is made of. */
  slot: string;
  /** `uuid` or NULL: the patient whose contact an endpoint with `include_patient_contact` gets. */
  patientId: string;
  /** A condition the event is recorded under (a data-modifying statement's own row, say); default true. */
  when?: string;
}

/**
 * The outbox write as CTEs `wh_ep, wh_ev, wh_dl` (see RECORD_EVENT_SQL in server/webhooks/webhooks.repository.ts), for a statement of its own or for
 * a change's statement that records its event in the same round trip (the booking insert, INSERT_BOOKING_SQL: one
 * round trip less under the doctor-day lock). `wh_ev` holds the event's id when one was written.
 */
export function recordEventCtes(e: EventSql): string {
  return `wh_ep AS (
       SELECT id, include_patient_contact FROM webhook_endpoints WHERE deleted_at IS NULL AND ${e.type} = ANY(events)),
     wh_ev AS (
       INSERT INTO webhook_events (type, data)
       SELECT ${e.type}, ${e.data} || coalesce((
                SELECT jsonb_build_object('doctor', jsonb_build_object('id', d.id, 'name', d.name, 'code', d.code, 'specialty', d.specialty))
                    || CASE WHEN ${e.slot} IS NULL THEN '{}'::jsonb
                            ELSE jsonb_build_object('token', d.code || '-' || lpad(${e.slot}::text, greatest(3, length(${e.slot}::text)), '0')) END
                  FROM doctors d WHERE d.id = ${e.doctorId}), '{}'::jsonb)
        WHERE EXISTS (SELECT 1 FROM wh_ep) AND ${e.when ?? 'true'}
       RETURNING id),
     wh_dl AS (
       INSERT INTO webhook_deliveries (event_id, endpoint_id, contact)
       SELECT wh_ev.id, wh_ep.id,
              CASE WHEN wh_ep.include_patient_contact THEN
                (SELECT jsonb_build_object('first_name', p.first_name, 'phone', p.phone) FROM patients p WHERE p.id = ${e.patientId}) END
         FROM wh_ev CROSS JOIN wh_ep
       RETURNING 1)`;
}
