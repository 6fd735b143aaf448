import { Router } from 'express';
import { actorRef } from '../core/actor';
import { validate } from '../core/http';
import { allow, assertDoctorScope, ownDoctorOnly } from '../auth/guard';
import type { AppointmentsService } from './appointments.service';
import type { BookingService, PatientByPhone } from './booking.service';
import { idempotentBooking, type BookingCounter } from './booking.http';
import {
  bookSchema,
  callBackListSchema,
  doctorDayListSchema,
  idSchema,
  patientListSchema,
  reasonSchema,
  rescheduleSchema,
} from './appointments.schemas';

/** The body's `patient` (booking by mobile number), blanks as null; undefined when the body names a `patient_id`. */
function patientByPhone(p: Record<string, unknown> | undefined): PatientByPhone | undefined {
  if (!p) return undefined;
  const blank = (v: unknown) => (v === '' || v === undefined ? null : v);
  return {
    first_name: p.first_name as string,
    last_name: blank(p.last_name) as string | null,
    phone: p.phone as string,
    age: (p.age ?? null) as number | null,
    email: blank(p.email) as string | null,
  };
}

/** What the appointments routes need. */
export interface AppointmentsRouterDeps {
  booking: BookingService;
  appointments: AppointmentsService;
  bookingCounter: BookingCounter;
}

/**
 * @openapi
 * components:
 *   schemas:
 *     Appointment:
 *       type: object
 *       properties:
 *         id: { type: string, format: uuid }
 *         appointment_id: { type: string, format: uuid, description: 'Equals id (original contract)' }
 *         patient_id: { type: string, format: uuid }
 *         doctor_id: { type: string, format: uuid }
 *         date: { type: string, format: date, description: 'Clinic day in CLINIC_TIMEZONE' }
 *         slot: { type: integer, minimum: 1, description: "1..capacity; the patient's token number that day" }
 *         status: { type: string, enum: [booked, cancelled, checked_in, completed, no_show] }
 *         is_walk_in: { type: boolean }
 *         site_id: { type: string, format: uuid, nullable: true, description: "The slot's site" }
 *         room: { type: string, nullable: true }
 *         start_time: { type: string, nullable: true, example: '10:30', description: "Timed slots: HH:MM in the site's zone" }
 *         end_time: { type: string, nullable: true, example: '10:45' }
 *         estimated_time: { type: string, nullable: true, example: '17:40', description: 'When to come (timed: the start; token: an estimate)' }
 *         needs_reschedule: { type: boolean, description: "Set when the doctor's plan changed under it (a leave, a new schedule): call back" }
 *         source: { type: string, example: desk, description: "Who booked: desk (staff), walk_in, or the API key's source (phone_agent, web, kiosk, …)" }
 *         created_at: { type: string, format: date-time }
 *         updated_at: { type: string, format: date-time }
 *     Reason:
 *       type: object
 *       properties:
 *         reason: { type: string, maxLength: 500, nullable: true }
 */
export function appointmentsRouter({ booking, appointments, bookingCounter }: AppointmentsRouterDeps): Router {
  const r = Router();

  /**
   * @openapi
   * /api/v1/appointments:
   *   post:
   *     tags: [appointments]
   *     summary: Book the lowest free slot of a doctor-day
   *     description: |
   *       Exactly `capacity` bookings of a doctor-day succeed however many arrive at once (the day's capacity row is locked).
   *       Without `site_id` / `start_time`: the lowest free slot of the day. `site_id`: the lowest free slot at that site (the site's
   *       sessions are its daily limit). `start_time` ("10:30"): that timed slot — 409 SLOT_TAKEN with the nearest free start times in
   *       `details.alternatives`, 422 NO_SUCH_SLOT when no session has it. Times are HH:MM in the day's site zone.
   *       Idempotency (IETF draft "The Idempotency-Key HTTP Header Field"): send `Idempotency-Key` (or body `idempotency_key`, 1–255 chars),
   *       scoped to your account and kept 48 h. A retry with the same body answers the original status and body with
   *       `Idempotent-Replayed: true` and consumes no slot; the same key with another body → 422 IDEMPOTENCY_KEY_REUSED.
   *       Errors: 409 CAPACITY_FULL, ALREADY_BOOKED (details.existing_id), IDEMPOTENCY_KEY_IN_USE; 422 DOCTOR_NOT_FOUND, PATIENT_NOT_FOUND,
   *       PATIENT_INACTIVE, DOCTOR_INACTIVE, DATE_IN_PAST, BEYOND_BOOKING_HORIZON, DOCTOR_UNAVAILABLE, DOCTOR_ON_LEAVE,
   *       DOCTOR_NOT_AT_SITE, NO_SUCH_SLOT; 409 SLOT_TAKEN; 503 when the database cannot serve within 5 s.
   *       By mobile number: send `patient {first_name, last_name?, phone, age?, email?}` instead of `patient_id`; the patient with
   *       that phone (normalized to E.164) and first name (any case) is used, or created in the booking's own transaction.
   *       `source` is set from the caller: desk for staff, the API key's source for a key.
   *     x-roles: [admin, reception]
   *     x-scopes: [appointments:write]
   *     parameters:
   *       - { name: Idempotency-Key, in: header, schema: { type: string, maxLength: 255 } }
   *     requestBody:
   *       required: true
   *       content:
   *         application/json:
   *           schema:
   *             type: object
   *             required: [doctor_id, date]
   *             description: 'Exactly one of patient_id and patient.'
   *             properties:
   *               patient_id: { type: string, format: uuid }
   *               patient:
   *                 type: object
   *                 required: [first_name, phone]
   *                 properties:
   *                   first_name: { type: string }
   *                   last_name: { type: string, nullable: true }
   *                   phone: { type: string, example: '98123 45678' }
   *                   age: { type: integer, nullable: true }
   *                   email: { type: string, nullable: true }
   *               doctor_id: { type: string, format: uuid }
   *               date: { type: string, format: date }
   *               site_id: { type: string, format: uuid, description: 'The lowest free slot at this site (not with start_time)' }
   *               start_time: { type: string, example: '10:30', description: 'This timed slot (not with site_id)' }
   *               idempotency_key: { type: string, maxLength: 255 }
   *           examples:
   *             lowest: { value: { patient_id: 3f0e9c2a-…, doctor_id: 6b0f8a8e-…, date: '2026-12-07' } }
   *             timed: { value: { patient_id: 3f0e9c2a-…, doctor_id: 6b0f8a8e-…, date: '2026-12-07', start_time: '10:30' } }
   *             by_phone: { value: { doctor_id: 6b0f8a8e-…, date: '2026-12-07', patient: { first_name: Asha, phone: '98123 45678' } } }
   *     responses:
   *       201:
   *         description: Booked (or a replay of the first answer)
   *         content: { application/json: { schema: { $ref: '#/components/schemas/Appointment' } } }
   *       400: { $ref: '#/components/responses/Problem' }
   *       409: { $ref: '#/components/responses/Problem' }
   *       422: { $ref: '#/components/responses/Problem' }
   *       503: { $ref: '#/components/responses/Problem' }
   */
  r.post(
    '/appointments',
    allow('reception').orScope('appointments:write'),
    validate(bookSchema),
    idempotentBooking('POST /api/v1/appointments', bookingCounter, (req, idem) =>
      booking.book({
        patientId: req.body.patient_id ?? null,
        patient: patientByPhone(req.body.patient),
        doctorId: req.body.doctor_id,
        date: req.body.date,
        siteId: req.body.site_id,
        startTime: req.body.start_time,
        actor: actorRef(req),
        ...idem,
      }),
    ),
  );

  /**
   * @openapi
   * /api/v1/appointments/{id}:
   *   get:
   *     tags: [appointments]
   *     summary: One appointment
   *     x-roles: [admin, reception, doctor]
   *     x-scopes: [appointments:read]
   *     x-doctor-scope: true
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     responses:
   *       200: { description: The appointment, content: { application/json: { schema: { $ref: '#/components/schemas/Appointment' } } } }
   *       404: { $ref: '#/components/responses/Problem' }
   */
  r.get('/appointments/:id', allow('reception', 'doctor').orScope('appointments:read'), validate(idSchema), async (req, res) => {
    const a = await appointments.get(req.params.id as string);
    assertDoctorScope(req.actor, a.doctor_id);
    res.json(a);
  });

  /**
   * @openapi
   * /api/v1/appointments/{id}/cancel:
   *   post:
   *     tags: [appointments]
   *     summary: Cancel a booked appointment (frees its slot and one unit of capacity)
   *     description: 'Errors: 404 APPOINTMENT_NOT_FOUND; 409 INVALID_TRANSITION when it is not booked.'
   *     x-roles: [admin, reception]
   *     x-scopes: [appointments:write]
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     requestBody: { content: { application/json: { schema: { $ref: '#/components/schemas/Reason' } } } }
   *     responses:
   *       200: { description: Cancelled, content: { application/json: { schema: { $ref: '#/components/schemas/Appointment' } } } }
   *       404: { $ref: '#/components/responses/Problem' }
   *       409: { $ref: '#/components/responses/Problem' }
   */
  r.post('/appointments/:id/cancel', allow('reception').orScope('appointments:write'), validate(reasonSchema), async (req, res) => {
    res.json(await booking.cancel(req.params.id as string, actorRef(req), req.body.reason || null));
  });

  /**
   * @openapi
   * /api/v1/appointments/{id}/reschedule:
   *   post:
   *     tags: [appointments]
   *     summary: Move a booked appointment to another day (and optionally doctor), atomically
   *     description: |
   *       The new slot is taken and the old one freed in one transaction; both days are locked in a fixed order.
   *       Errors: 409 CAPACITY_FULL, ALREADY_BOOKED, INVALID_TRANSITION; 422 SAME_DOCTOR_DAY and the booking rules.
   *     x-roles: [admin, reception]
   *     x-scopes: [appointments:write]
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     requestBody:
   *       required: true
   *       content:
   *         application/json:
   *           schema:
   *             type: object
   *             required: [date]
   *             properties:
   *               date: { type: string, format: date }
   *               doctor_id: { type: string, format: uuid }
   *               site_id: { type: string, format: uuid, description: 'As in booking' }
   *               start_time: { type: string, example: '10:30', description: 'As in booking' }
   *               reason: { type: string, nullable: true }
   *     responses:
   *       200: { description: Moved, content: { application/json: { schema: { $ref: '#/components/schemas/Appointment' } } } }
   *       404: { $ref: '#/components/responses/Problem' }
   *       409: { $ref: '#/components/responses/Problem' }
   *       422: { $ref: '#/components/responses/Problem' }
   */
  r.post('/appointments/:id/reschedule', allow('reception').orScope('appointments:write'), validate(rescheduleSchema), async (req, res) => {
    const { date, doctor_id, site_id, start_time, reason } = req.body;
    res.json(await booking.reschedule(req.params.id as string, { date, doctor_id, site_id, start_time }, actorRef(req), reason || null));
  });

  /**
   * @openapi
   * /api/v1/appointments/{id}/history:
   *   get:
   *     tags: [appointments]
   *     summary: The audit trail of an appointment (every status change, who, when, why)
   *     x-roles: [admin, reception, doctor]
   *     x-doctor-scope: true
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     responses:
   *       200: { description: '{appointment_id, events: [{id, from_status, to_status, actor_id, actor_type, reason, data, at}]}' }
   *       404: { $ref: '#/components/responses/Problem' }
   */
  r.get('/appointments/:id/history', allow('reception', 'doctor'), validate(idSchema), async (req, res) => {
    assertDoctorScope(req.actor, (await appointments.row(req.params.id as string)).doctor_id);
    res.json(await appointments.history(req.params.id as string));
  });

  /**
   * @openapi
   * /api/v1/doctors/{id}/appointments:
   *   get:
   *     tags: [appointments]
   *     summary: A doctor-day's appointments by slot, with patient names (staff only), paginated
   *     x-roles: [admin, reception, doctor]
   *     x-doctor-scope: true
   *     parameters:
   *       - { $ref: '#/components/parameters/Id' }
   *       - { name: date, in: query, required: true, schema: { type: string, format: date } }
   *       - { name: status, in: query, schema: { type: string, enum: [booked, cancelled, checked_in, completed, no_show] } }
   *       - { $ref: '#/components/parameters/Limit' }
   *       - { $ref: '#/components/parameters/Offset' }
   *     responses:
   *       200: { description: 'A page: {data, total, limit, offset}' }
   *       400: { $ref: '#/components/responses/Problem' }
   */
  r.get('/doctors/:id/appointments', allow('reception', 'doctor'), ownDoctorOnly(), validate(doctorDayListSchema), async (req, res) => {
    const q = req.query as unknown as { date: string; status?: never; limit: number; offset: number };
    res.json(await appointments.listDoctorDay(req.params.id as string, q.date, q));
  });

  /**
   * @openapi
   * /api/v1/appointments:
   *   get:
   *     tags: [appointments]
   *     summary: "The desk's call-back list: appointments flagged needs_reschedule between two days"
   *     description: |
   *       Appointments a leave or a schedule change left without a fitting slot (never cancelled automatically), by day and slot,
   *       with the patient's name and phone for the call. Rescheduling one clears its flag.
   *     x-roles: [admin, reception]
   *     parameters:
   *       - { name: needs_reschedule, in: query, required: true, schema: { type: boolean, enum: [true] } }
   *       - { name: from, in: query, required: true, schema: { type: string, format: date } }
   *       - { name: to, in: query, required: true, schema: { type: string, format: date } }
   *       - { $ref: '#/components/parameters/Limit' }
   *       - { $ref: '#/components/parameters/Offset' }
   *     responses:
   *       200: { description: 'A page: {data: Appointment & {patient: {id, first_name, last_name, phone}}[], total, limit, offset}' }
   *       400: { $ref: '#/components/responses/Problem' }
   *       422: { $ref: '#/components/responses/Problem' }
   */
  r.get('/appointments', allow('reception'), validate(callBackListSchema), async (req, res) => {
    const q = req.query as unknown as { from: string; to: string; limit: number; offset: number };
    res.json(await appointments.callBackList(q.from, q.to, q));
  });

  /**
   * @openapi
   * /api/v1/patients/{id}/appointments:
   *   get:
   *     tags: [appointments]
   *     summary: A patient's appointments, newest first (a doctor sees only their own)
   *     x-roles: [admin, reception, doctor]
   *     x-scopes: [appointments:read]
   *     parameters:
   *       - { $ref: '#/components/parameters/Id' }
   *       - { $ref: '#/components/parameters/Limit' }
   *       - { $ref: '#/components/parameters/Offset' }
   *     responses:
   *       200: { description: 'A page: {data, total, limit, offset}' }
   *       404: { $ref: '#/components/responses/Problem' }
   */
  r.get(
    '/patients/:id/appointments',
    allow('reception', 'doctor').orScope('appointments:read'),
    validate(patientListSchema),
    async (req, res) => {
      const doctorId = req.actor?.type === 'user' && req.actor.role === 'doctor' ? (req.actor.doctor_id ?? undefined) : undefined;
      const q = req.query as unknown as { limit: number; offset: number };
      res.json(await appointments.listPatient(req.params.id as string, { doctorId, ...q }));
    },
  );

  return r;
}
