import { Router, type Request } from 'express';
import { validate } from '../core/http';
import type { AppContext } from '../core/context';
import { clinicToday } from '../core/clinic-time';
import { allow, allowPublicQueue, assertDoctorScope, ownDoctorOnly } from '../auth/guard';
import { actOnEntry, callNext, checkIn, getQueueEntry, walkIn, type QueueActor, type QueueDeps } from './queue.service';
import { publicQueue, queueEventsSince, staffQueue } from './queue.views';
import { fingerprint, pickIdempotencyKey } from '../appointments/idempotency';
import { checkInSchema, doctorDaySchema, entrySchema, eventsSchema, walkInSchema } from './queue.schemas';

/**
 * @openapi
 * components:
 *   schemas:
 *     CheckIn:
 *       type: object
 *       properties:
 *         queue_entry_id: { type: string, format: uuid }
 *         queue_position: { type: integer, description: '1-based, unique per doctor-day, in check-in order' }
 *         checked_in_at: { type: string, format: date-time }
 *         token: { type: string, example: DR_A-007, description: "Doctor code and slot: what the screen shows" }
 *         appointment_id: { type: string, format: uuid }
 *         doctor_id: { type: string, format: uuid }
 *         date: { type: string, format: date }
 *     PublicQueueEntry:
 *       type: object
 *       properties:
 *         token: { type: string, example: DR_A-007 }
 *         position: { type: integer }
 *         status: { type: string, enum: [waiting, called, served, skipped] }
 *         called_at: { type: string, format: date-time, nullable: true }
 *     PublicQueueSnapshot:
 *       type: object
 *       description: No names, phones, ages or patient ids — ever.
 *       properties:
 *         doctor_id: { type: string, format: uuid }
 *         date: { type: string, format: date }
 *         doctor_name: { type: string }
 *         doctor_code: { type: string }
 *         version: { type: integer }
 *         now_serving: { $ref: '#/components/schemas/PublicQueueEntry' }
 *         waiting: { type: array, items: { $ref: '#/components/schemas/PublicQueueEntry' } }
 */
export function queueRouter(ctx: AppContext): Router {
  const r = Router();
  const deps: QueueDeps = {
    sequelize: ctx.sequelize, clinicTimezone: ctx.config.clinicTimezone, bookingHorizonDays: ctx.config.bookingHorizonDays, publisher: ctx.queue,
  };
  const actor = (req: Request): QueueActor => ({ id: req.actor?.id ?? null, type: req.actor?.type ?? null, requestId: req.id });
  const dayOf = (req: Request) => (req.query.date as string | undefined) ?? clinicToday(ctx.config.clinicTimezone);
  const entryInScope = async (req: Request) => {
    const e = await getQueueEntry(ctx.sequelize, req.params.id as string);
    assertDoctorScope(req.actor, e.doctor_id);
  };

  /**
   * @openapi
   * /api/v1/checkins:
   *   post:
   *     tags: [queue]
   *     summary: Check a patient in for today's appointment (joins the doctor-day's queue)
   *     description: 'Only on the appointment day in CLINIC_TIMEZONE. Errors: 404 APPOINTMENT_NOT_FOUND; 422 PATIENT_MISMATCH, NOT_APPOINTMENT_DAY; 409 ALREADY_CHECKED_IN, APPOINTMENT_CANCELLED, INVALID_TRANSITION.'
   *     x-roles: [admin, reception]
   *     requestBody:
   *       required: true
   *       content: { application/json: { schema: { type: object, required: [appointment_id, patient_id], properties: { appointment_id: { type: string, format: uuid }, patient_id: { type: string, format: uuid } } } } }
   *     responses:
   *       201: { description: Checked in, content: { application/json: { schema: { $ref: '#/components/schemas/CheckIn' } } } }
   *       404: { $ref: '#/components/responses/Problem' }
   *       409: { $ref: '#/components/responses/Problem' }
   *       422: { $ref: '#/components/responses/Problem' }
   */
  r.post('/checkins', allow('reception'), validate(checkInSchema), async (req, res) => {
    const result = await checkIn(deps, req.body.appointment_id, req.body.patient_id, actor(req));
    ctx.metrics.checkins.inc();
    res.status(201).json(result);
  });

  /**
   * @openapi
   * /api/v1/walk-ins:
   *   post:
   *     tags: [queue]
   *     summary: Book today (every booking rule applies) and check in, in one transaction
   *     description: 'An Idempotency-Key (header, or body idempotency_key) makes a retry answer the first response
   *       (header Idempotent-Replayed: true), as for POST /appointments. Errors: the booking errors (409 CAPACITY_FULL,
   *       ALREADY_BOOKED, IDEMPOTENCY_KEY_IN_USE; 422 DOCTOR_UNAVAILABLE, IDEMPOTENCY_KEY_REUSED …).'
   *     x-roles: [admin, reception]
   *     parameters:
   *       - { name: Idempotency-Key, in: header, schema: { type: string, maxLength: 255 } }
   *     requestBody:
   *       required: true
   *       content: { application/json: { schema: { type: object, required: [patient_id, doctor_id], properties: { patient_id: { type: string, format: uuid }, doctor_id: { type: string, format: uuid }, idempotency_key: { type: string, maxLength: 255 } } } } }
   *     responses:
   *       201: { description: 'The CheckIn fields plus `appointment`' }
   *       409: { $ref: '#/components/responses/Problem' }
   *       422: { $ref: '#/components/responses/Problem' }
   */
  r.post('/walk-ins', allow('reception'), validate(walkInSchema), async (req, res) => {
    const key = pickIdempotencyKey(req.get('idempotency-key'), req.body.idempotency_key);
    const result = await walkIn(deps, req.body.patient_id, req.body.doctor_id, actor(req), { key, fingerprint: fingerprint('POST /api/v1/walk-ins', req.body) });
    if (result.replayed) {
      ctx.metrics.bookings.inc({ outcome: 'replayed' });
      res.setHeader('Idempotent-Replayed', 'true');
    } else {
      ctx.metrics.bookings.inc({ outcome: 'booked' });
      ctx.metrics.checkins.inc();
    }
    res.status(result.status).json(result.body);
  });

  /**
   * @openapi
   * /api/v1/doctors/{id}/queue/call-next:
   *   post:
   *     tags: [queue]
   *     summary: Call the lowest waiting position (two clerks at once call two different patients)
   *     description: 'Errors: 409 QUEUE_EMPTY.'
   *     x-roles: [admin, reception, doctor]
   *     x-doctor-scope: true
   *     parameters:
   *       - { $ref: '#/components/parameters/Id' }
   *       - { name: date, in: query, schema: { type: string, format: date }, description: 'Default: today in CLINIC_TIMEZONE' }
   *     responses:
   *       200: { description: 'The called entry: {queue_entry_id, appointment_id, token, position, status, called_at}' }
   *       409: { $ref: '#/components/responses/Problem' }
   */
  r.post('/doctors/:id/queue/call-next', allow('reception', 'doctor'), ownDoctorOnly(), validate(doctorDaySchema), async (req, res) => {
    const called = await callNext(deps, req.params.id as string, dayOf(req), actor(req));
    ctx.metrics.queueCalls.inc({ action: 'call_next' });
    res.json(called);
  });

  for (const action of ['serve', 'skip', 'recall', 'requeue'] as const) {
    r.post(`/queue-entries/:id/${action}`, allow('reception', 'doctor'), validate(entrySchema), async (req, res) => {
      await entryInScope(req);
      const entry = await actOnEntry(deps, req.params.id as string, action, actor(req));
      ctx.metrics.queueCalls.inc({ action });
      res.json(entry);
    });
  }
  /**
   * @openapi
   * /api/v1/queue-entries/{id}/serve:
   *   post:
   *     tags: [queue]
   *     summary: 'Serve a called entry (appointment → completed)'
   *     x-roles: [admin, reception, doctor]
   *     x-doctor-scope: true
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     responses:
   *       200: { description: 'The entry: {queue_entry_id, appointment_id, token, position, status, called_at, appointment}; appointment is the changed appointment (null for recall)' }
   *       404: { $ref: '#/components/responses/Problem' }
   *       409: { $ref: '#/components/responses/Problem' }
   * /api/v1/queue-entries/{id}/skip:
   *   post:
   *     tags: [queue]
   *     summary: 'Skip a waiting or called entry (appointment → no_show)'
   *     x-roles: [admin, reception, doctor]
   *     x-doctor-scope: true
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     responses:
   *       200: { description: The entry }
   *       404: { $ref: '#/components/responses/Problem' }
   *       409: { $ref: '#/components/responses/Problem' }
   * /api/v1/queue-entries/{id}/recall:
   *   post:
   *     tags: [queue]
   *     summary: 'Announce a called entry again (a change with its own version)'
   *     x-roles: [admin, reception, doctor]
   *     x-doctor-scope: true
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     responses:
   *       200: { description: The entry }
   *       404: { $ref: '#/components/responses/Problem' }
   *       409: { $ref: '#/components/responses/Problem' }
   * /api/v1/queue-entries/{id}/requeue:
   *   post:
   *     tags: [queue]
   *     summary: 'A skipped patient who turns up goes back to waiting, at the end'
   *     x-roles: [admin, reception, doctor]
   *     x-doctor-scope: true
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     responses:
   *       200: { description: The entry }
   *       404: { $ref: '#/components/responses/Problem' }
   *       409: { $ref: '#/components/responses/Problem' }
   */

  /**
   * @openapi
   * /api/v1/doctors/{id}/queue:
   *   get:
   *     tags: [queue]
   *     summary: "Staff view of a doctor-day's queue, with patient names"
   *     x-roles: [admin, reception, doctor]
   *     x-doctor-scope: true
   *     parameters:
   *       - { $ref: '#/components/parameters/Id' }
   *       - { name: date, in: query, schema: { type: string, format: date } }
   *     responses:
   *       200: { description: '{doctor_id, date, version, now_serving, waiting, called, skipped, served_count}' }
   *       404: { $ref: '#/components/responses/Problem' }
   */
  r.get('/doctors/:id/queue', allow('reception', 'doctor'), ownDoctorOnly(), validate(doctorDaySchema), async (req, res) => {
    res.json(await staffQueue(ctx.sequelize, req.params.id as string, dayOf(req)));
  });

  /**
   * @openapi
   * /api/v1/doctors/{id}/queue/public:
   *   get:
   *     tags: [queue]
   *     summary: The public queue snapshot (what screens show; the REST twin of queue:subscribe)
   *     x-roles: [admin, reception, doctor]
   *     x-screen: true
   *     parameters:
   *       - { $ref: '#/components/parameters/Id' }
   *       - { name: date, in: query, schema: { type: string, format: date } }
   *     responses:
   *       200: { description: The snapshot, content: { application/json: { schema: { $ref: '#/components/schemas/PublicQueueSnapshot' } } } }
   *       404: { $ref: '#/components/responses/Problem' }
   */
  r.get('/doctors/:id/queue/public', allowPublicQueue(), validate(doctorDaySchema), async (req, res) => {
    res.json(await publicQueue(ctx.sequelize, req.params.id as string, dayOf(req)));
  });

  /**
   * @openapi
   * /api/v1/doctors/{id}/queue/events:
   *   get:
   *     tags: [queue]
   *     summary: Stored queue:updated events after a version, for clients catching up
   *     x-roles: [admin, reception, doctor]
   *     x-doctor-scope: true
   *     parameters:
   *       - { $ref: '#/components/parameters/Id' }
   *       - { name: date, in: query, schema: { type: string, format: date } }
   *       - { name: since_version, in: query, schema: { type: integer, minimum: 0, default: 0 } }
   *       - { name: limit, in: query, schema: { type: integer, minimum: 1, maximum: 1000, default: 500 } }
   *     responses:
   *       200: { description: '{doctor_id, date, version, events: [queue:updated payloads]}' }
   */
  r.get('/doctors/:id/queue/events', allow('reception', 'doctor'), ownDoctorOnly(), validate(eventsSchema), async (req, res) => {
    const q = req.query as unknown as { since_version: number; limit: number };
    res.json(await queueEventsSince(ctx.sequelize, req.params.id as string, dayOf(req), q.since_version, q.limit));
  });

  return r;
}
