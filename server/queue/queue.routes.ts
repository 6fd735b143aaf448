import { Router, type Request, type RequestHandler } from 'express';
import { actorRef } from '../core/actor';
import { validate } from '../core/http';
import { idParams } from '../core/schemas';
import { allow, allowPublicQueue, assertDoctorScope, ownDoctorOnly, type SiteCoverage } from '../auth/guard';
import type { AppointmentsService } from '../appointments/appointments.service';
import { idempotentBooking, type BookingCounter } from '../appointments/booking.http';
import type { QueueService } from './queue.service';
import { reasonSchema } from '../appointments/appointments.schemas';
import { checkInSchema, doctorDaySchema, entryPatchSchema, entrySchema, eventsSchema, transferSchema, walkInSchema } from './queue.schemas';

/** How queue actions are counted (the app's Prometheus instruments). */
export interface QueueCounters {
  bookings: BookingCounter;
  checkins: { inc(): void };
  queueCalls: {
    inc(labels: { action: 'call_next' | 'serve' | 'skip' | 'recall' | 'requeue' | 'transfer' | 'priority' | 'complete' }): void;
  };
  /** Seconds from check-in to call, observed at each call-next (`clinic_wait_seconds`). */
  waits: { observe(seconds: number): void };
}

/** What the queue routes need. */
export interface QueueRouterDeps {
  /** Whether a doctor works at a site that day: what a site screen may show. */
  siteCovers: SiteCoverage;
  queue: QueueService;
  appointments: AppointmentsService;
  today: () => string;
  counters: QueueCounters;
}

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
 *     QueuePriority:
 *       type: string
 *       enum: [normal, priority, emergency]
 *       default: normal
 *       description: |
 *         How call-next orders waiting patients (server/queue/waiting-order.ts): emergency first; then priority (elderly,
 *         pregnant, disability: the clinic's policy) — but after PRIORITY_STREAK (3) priority calls in a row the next
 *         normal patient goes first; then check-in order. Staff views show it; public screens never do.
 *     PublicQueueEntry:
 *       type: object
 *       properties:
 *         token: { type: string, example: DR_A-007 }
 *         position: { type: integer }
 *         status: { type: string, enum: [waiting, called, served, skipped, transferred] }
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
export function queueRouter({ queue, appointments, today, counters, siteCovers }: QueueRouterDeps): Router {
  const r = Router();
  const dayOf = (req: Request) => (req.query.date as string | undefined) ?? today();
  /** Whose patient the entry is, before the body is validated: another doctor hears 403 whatever they sent. */
  const ownEntryFirst: RequestHandler[] = [
    validate({ params: idParams }),
    async (req, _res, next) => {
      assertDoctorScope(req.actor, (await queue.entry(req.params.id as string)).doctor_id);
      next();
    },
  ];

  /**
   * @openapi
   * /api/v1/checkins:
   *   post:
   *     tags: [queue]
   *     summary: Check a patient in for today's appointment (joins the doctor-day's queue)
   *     description: |
   *       Only on the appointment day in CLINIC_TIMEZONE. Errors: 404 APPOINTMENT_NOT_FOUND; 422 PATIENT_MISMATCH,
   *       NOT_APPOINTMENT_DAY; 409 ALREADY_CHECKED_IN, APPOINTMENT_CANCELLED, INVALID_TRANSITION.
   *     x-roles: [admin, reception]
   *     requestBody:
   *       required: true
   *       content:
   *         application/json:
   *           schema:
   *             type: object
   *             required: [appointment_id, patient_id]
   *             properties:
   *               appointment_id: { type: string, format: uuid }
   *               patient_id: { type: string, format: uuid }
   *               priority: { $ref: '#/components/schemas/QueuePriority' }
   *           example: { appointment_id: 3f1c2d4e-0000-4000-8000-000000000001, patient_id: 3f1c2d4e-0000-4000-8000-000000000002, priority: priority }
   *     responses:
   *       201: { description: Checked in, content: { application/json: { schema: { $ref: '#/components/schemas/CheckIn' } } } }
   *       404: { $ref: '#/components/responses/Problem' }
   *       409: { $ref: '#/components/responses/Problem' }
   *       422: { $ref: '#/components/responses/Problem' }
   */
  r.post('/checkins', allow('reception'), validate(checkInSchema), async (req, res) => {
    const result = await queue.checkIn(req.body.appointment_id, req.body.patient_id, actorRef(req), req.body.priority);
    counters.checkins.inc();
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
   *       content:
   *         application/json:
   *           schema:
   *             type: object
   *             required: [patient_id, doctor_id]
   *             properties:
   *               patient_id: { type: string, format: uuid }
   *               doctor_id: { type: string, format: uuid }
   *               idempotency_key: { type: string, maxLength: 255 }
   *               priority: { $ref: '#/components/schemas/QueuePriority' }
   *     responses:
   *       201: { description: 'The CheckIn fields plus `appointment`' }
   *       409: { $ref: '#/components/responses/Problem' }
   *       422: { $ref: '#/components/responses/Problem' }
   */
  r.post(
    '/walk-ins',
    allow('reception'),
    validate(walkInSchema),
    idempotentBooking(
      'POST /api/v1/walk-ins',
      counters.bookings,
      (req, idem) => queue.walkIn(req.body.patient_id, req.body.doctor_id, actorRef(req), idem, req.body.priority),
      () => counters.checkins.inc(),
    ),
  );

  /**
   * @openapi
   * /api/v1/doctors/{id}/queue/call-next:
   *   post:
   *     tags: [queue]
   *     summary: Call the next waiting patient by the waiting order (two clerks at once call two different patients)
   *     description: 'Errors: 409 QUEUE_EMPTY.'
   *     x-roles: [admin, reception, doctor]
   *     x-doctor-scope: true
   *     parameters:
   *       - { $ref: '#/components/parameters/Id' }
   *       - { name: date, in: query, schema: { type: string, format: date }, description: 'Default: today in CLINIC_TIMEZONE' }
   *     responses:
   *       200: { description: 'The called entry: {queue_entry_id, appointment_id, checked_in_at, token, position, status, called_at}' }
   *       409: { $ref: '#/components/responses/Problem' }
   */
  r.post('/doctors/:id/queue/call-next', allow('reception', 'doctor'), ownDoctorOnly(), validate(doctorDaySchema), async (req, res) => {
    const called = await queue.callNext(req.params.id as string, dayOf(req), actorRef(req));
    counters.queueCalls.inc({ action: 'call_next' });
    if (called.called_at) counters.waits.observe(Math.max(0, Date.parse(called.called_at) - Date.parse(called.checked_in_at)) / 1000);
    res.json(called);
  });

  /**
   * @openapi
   * /api/v1/queue-entries/{id}:
   *   patch:
   *     tags: [queue]
   *     summary: "Change a waiting or called entry's priority (audited; one queue version; screens see only the new order)"
   *     description: 'Errors: 404 QUEUE_ENTRY_NOT_FOUND; 409 INVALID_TRANSITION (served, skipped or transferred).'
   *     x-roles: [admin, reception, doctor]
   *     x-doctor-scope: true
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     requestBody:
   *       required: true
   *       content:
   *         application/json:
   *           schema: { type: object, required: [priority], properties: { priority: { $ref: '#/components/schemas/QueuePriority' } } }
   *           example: { priority: emergency }
   *     responses:
   *       200: { description: 'The entry: {queue_entry_id, appointment_id, priority, token, position, status, called_at, room}' }
   *       404: { $ref: '#/components/responses/Problem' }
   *       409: { $ref: '#/components/responses/Problem' }
   */
  r.patch('/queue-entries/:id', allow('reception', 'doctor'), ...ownEntryFirst, validate(entryPatchSchema), async (req, res) => {
    const entry = await queue.setPriority(req.params.id as string, req.body.priority, actorRef(req));
    counters.queueCalls.inc({ action: 'priority' });
    res.json(entry);
  });

  /**
   * @openapi
   * /api/v1/queue-entries/{id}/transfer:
   *   post:
   *     tags: [queue]
   *     summary: "Move a waiting or called patient to another doctor's queue the same day, atomically"
   *     description: |
   *       Booked there as a walk-in when the patient has no booking with that doctor that day (every booking rule and the
   *       day's capacity apply), then checked in there — at the end, or with keep_place ordered by the original queue
   *       time; priority goes with them. The entry here becomes `transferred` and its appointment is cancelled (reason
   *       "transferred to …"), freeing its slot. Both queues get a version; both screens update. Errors: 404
   *       QUEUE_ENTRY_NOT_FOUND, DOCTOR_NOT_FOUND; 422 SAME_DOCTOR and the booking 422s (DOCTOR_UNAVAILABLE, DOCTOR_ON_LEAVE …);
   *       409 INVALID_TRANSITION, ALREADY_CHECKED_IN, CAPACITY_FULL, CONCURRENT_UPDATE.
   *     x-roles: [admin, reception, doctor]
   *     x-doctor-scope: true
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     requestBody:
   *       required: true
   *       content:
   *         application/json:
   *           schema:
   *             type: object
   *             required: [doctor_id]
   *             properties:
   *               doctor_id: { type: string, format: uuid, description: The doctor whose queue the patient joins }
   *               keep_place: { type: boolean, default: false }
   *           example: { doctor_id: 3f1c2d4e-0000-4000-8000-000000000003, keep_place: true }
   *     responses:
   *       201:
   *         description: 'The new entry (the CheckIn fields) plus booked (a walk-in was booked) and transferred_from
   *           {queue_entry_id, appointment_id, doctor_id, date}'
   *       404: { $ref: '#/components/responses/Problem' }
   *       409: { $ref: '#/components/responses/Problem' }
   *       422: { $ref: '#/components/responses/Problem' }
   */
  r.post('/queue-entries/:id/transfer', allow('reception', 'doctor'), ...ownEntryFirst, validate(transferSchema), async (req, res) => {
    const result = await queue.transfer(req.params.id as string, req.body.doctor_id, req.body.keep_place, actorRef(req));
    counters.queueCalls.inc({ action: 'transfer' });
    counters.checkins.inc();
    res.status(201).json(result);
  });

  for (const action of ['serve', 'skip', 'recall', 'requeue'] as const) {
    r.post(`/queue-entries/:id/${action}`, allow('reception', 'doctor'), validate(entrySchema), async (req, res) => {
      assertDoctorScope(req.actor, (await queue.entry(req.params.id as string)).doctor_id);
      const entry = await queue.act(req.params.id as string, action, actorRef(req));
      counters.queueCalls.inc({ action });
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
   *       200:
   *         description: |
   *           The entry: {queue_entry_id, appointment_id, token, position, status, called_at, appointment};
   *           appointment is the changed appointment (null for recall)
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
    res.json(await queue.staffView(req.params.id as string, dayOf(req)));
  });

  /**
   * @openapi
   * /api/v1/doctors/{id}/queue/public:
   *   get:
   *     tags: [queue]
   *     summary: The public queue snapshot (what screens show; the REST twin of queue:subscribe)
   *     x-roles: [admin, reception, doctor]
   *     x-screen: true
   *     x-scopes: [queue:read]
   *     parameters:
   *       - { $ref: '#/components/parameters/Id' }
   *       - { name: date, in: query, schema: { type: string, format: date } }
   *     responses:
   *       200: { description: The snapshot, content: { application/json: { schema: { $ref: '#/components/schemas/PublicQueueSnapshot' } } } }
   *       404: { $ref: '#/components/responses/Problem' }
   */
  r.get('/doctors/:id/queue/public', allowPublicQueue(siteCovers), validate(doctorDaySchema), async (req, res) => {
    res.json(await queue.publicView(req.params.id as string, dayOf(req)));
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
    res.json(await queue.eventsSince(req.params.id as string, dayOf(req), q.since_version, q.limit));
  });

  /**
   * @openapi
   * /api/v1/appointments/{id}/no-show:
   *   post:
   *     tags: [appointments]
   *     summary: Mark a booked or checked-in appointment as a no-show
   *     description: 'A checked-in patient still waiting or called is skipped in the queue in the same transaction (the screens
   *       drop the token), as POST /queue-entries/{id}/skip. Errors: 404; 409 INVALID_TRANSITION, CONCURRENT_UPDATE (retry).'
   *     x-roles: [admin, reception, doctor]
   *     x-doctor-scope: true
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     requestBody: { content: { application/json: { schema: { $ref: '#/components/schemas/Reason' } } } }
   *     responses:
   *       200: { description: Marked, content: { application/json: { schema: { $ref: '#/components/schemas/Appointment' } } } }
   *       404: { $ref: '#/components/responses/Problem' }
   *       409: { $ref: '#/components/responses/Problem' }
   */
  /**
   * @openapi
   * /api/v1/appointments/{id}/complete:
   *   post:
   *     tags: [appointments]
   *     summary: Complete a visit without calling its token (booked or checked in → completed)
   *     description: 'An entry still waiting or called is closed as served in the same change (the screens drop the token), under
   *       the lock call-next takes: the two never both win. On or after the appointment day only. Errors: 404; 422
   *       NOT_APPOINTMENT_DAY (a future day); 409 INVALID_TRANSITION, CONCURRENT_UPDATE (retry).'
   *     x-roles: [admin, reception, doctor]
   *     x-doctor-scope: true
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     requestBody: { content: { application/json: { schema: { $ref: '#/components/schemas/Reason' } } } }
   *     responses:
   *       200: { description: Completed, content: { application/json: { schema: { $ref: '#/components/schemas/Appointment' } } } }
   *       404: { $ref: '#/components/responses/Problem' }
   *       409: { $ref: '#/components/responses/Problem' }
   *       422: { $ref: '#/components/responses/Problem' }
   */
  r.post('/appointments/:id/complete', allow('reception', 'doctor'), validate(reasonSchema), async (req, res) => {
    assertDoctorScope(req.actor, (await appointments.row(req.params.id as string)).doctor_id);
    const body = await queue.complete(req.params.id as string, actorRef(req), req.body.reason || null);
    counters.queueCalls.inc({ action: 'complete' });
    res.json(body);
  });

  r.post('/appointments/:id/no-show', allow('reception', 'doctor'), validate(reasonSchema), async (req, res) => {
    assertDoctorScope(req.actor, (await appointments.row(req.params.id as string)).doctor_id);
    res.json(await queue.markNoShow(req.params.id as string, actorRef(req), req.body.reason || null));
  });

  return r;
}
