import { Router } from 'express';
import { actorRef } from '../core/actor';
import { validate } from '../core/http';
import { allow, ownDoctorOnly } from '../auth/guard';
import type { DoctorDayService } from './doctor-days.service';
import type { ScheduleService } from './schedule.service';
import {
  daySummarySchema,
  deleteLeaveSchema,
  getScheduleSchema,
  leaveSchema,
  leavesSchema,
  scheduleSchema,
  slotsSchema,
} from './doctor-days.schemas';

/**
 * @openapi
 * components:
 *   schemas:
 *     Session:
 *       type: object
 *       required: [site_id, start_time, end_time]
 *       properties:
 *         site_id: { type: string, format: uuid }
 *         start_time: { type: string, example: '09:00', description: "HH:MM, the site's local time" }
 *         end_time: { type: string, example: '13:00' }
 *         slot_minutes: { type: integer, nullable: true, description: 'Set: a timed session (slots of this length); null: a token session' }
 *         capacity: { type: integer, description: 'Timed: defaults to duration ÷ slot_minutes; token: required' }
 *         room: { type: string, nullable: true, example: 'Room 4' }
 *     WeeklySession:
 *       allOf:
 *         - { $ref: '#/components/schemas/Session' }
 *         - type: object
 *           required: [weekday]
 *           properties:
 *             weekday: { type: integer, minimum: 1, maximum: 7, description: 'ISO 8601: 1 = Monday … 7 = Sunday' }
 *             valid_from: { type: string, format: date, nullable: true }
 *             valid_to: { type: string, format: date, nullable: true }
 *     AffectedAppointment:
 *       type: object
 *       description: An appointment that no longer fits its day's plan; flagged needs_reschedule (never cancelled)
 *       properties:
 *         appointment_id: { type: string, format: uuid }
 *         date: { type: string, format: date }
 *         slot: { type: integer }
 *         status: { type: string }
 *         reason: { type: string, enum: [day_closed, on_leave, slot_gone, slot_moved] }
 *     Leave:
 *       type: object
 *       properties:
 *         id: { type: string, format: uuid }
 *         doctor_id: { type: string, format: uuid }
 *         from: { type: string, format: date }
 *         to: { type: string, format: date }
 *         start_time: { type: string, nullable: true, description: 'Part-day leave: HH:MM (from = to)' }
 *         end_time: { type: string, nullable: true }
 *         reason: { type: string, nullable: true }
 *         created_by: { type: string, format: uuid, nullable: true }
 *         created_at: { type: string, format: date-time }
 */
export function doctorDaysRouter({ doctorDays, schedule }: { doctorDays: DoctorDayService; schedule: ScheduleService }): Router {
  const r = Router();

  /**
   * @openapi
   * /api/v1/doctors/{id}/days/{date}:
   *   get:
   *     tags: [appointments]
   *     summary: A doctor-day at a glance for reception (and for API keys with slots:read, e.g. a website showing free places)
   *     x-roles: [admin, reception, doctor]
   *     x-scopes: [slots:read]
   *     x-doctor-scope: true
   *     parameters:
   *       - { $ref: '#/components/parameters/Id' }
   *       - { name: date, in: path, required: true, schema: { type: string, format: date } }
   *     responses:
   *       200: { description: '{doctor_id, date, capacity, booked, remaining, is_present, is_active, bookable, timezone, on_leave, sessions}' }
   *       404: { $ref: '#/components/responses/Problem' }
   */
  r.get(
    '/doctors/:id/days/:date',
    allow('reception', 'doctor').orScope('slots:read'),
    ownDoctorOnly(),
    validate(daySummarySchema),
    async (req, res) => {
      res.json(await doctorDays.summary(req.params.id as string, req.params.date as string));
    },
  );

  /**
   * @openapi
   * /api/v1/doctors/{id}/slots:
   *   get:
   *     tags: [schedules]
   *     summary: "A doctor-day's slots 1..N in time order, free or booked (what an agent on the phone reads out)"
   *     description: |
   *       Timed sessions give each slot a start_time and end_time; token sessions an estimated_time (session start +
   *       (position − 1) × consult_minutes). A day without sessions has slots without times at the default site. Times are
   *       HH:MM in the day's zone (`timezone`). Slots a part-day leave covers are `on_leave`.
   *     x-roles: [admin, reception, doctor]
   *     x-doctor-scope: true
   *     x-scopes: [slots:read]
   *     parameters:
   *       - { $ref: '#/components/parameters/Id' }
   *       - { name: date, in: query, required: true, schema: { type: string, format: date } }
   *       - { name: site_id, in: query, schema: { type: string, format: uuid } }
   *     responses:
   *       200:
   *         description: |
   *           {doctor_id, date, timezone, is_present, on_leave, sessions,
   *            slots: [{slot, site_id, room, start_time, end_time, estimated_time, status}]}
   *         content:
   *           application/json:
   *             example:
   *               doctor_id: 6b0f8a8e-0d8e-4f7e-9a55-0c3f1f2e9a11
   *               date: '2026-12-07'
   *               timezone: Asia/Kolkata
   *               slots: [{ slot: 1, site_id: 1c7d…, room: 'Room 4', start_time: '09:00', end_time: '09:15', estimated_time: '09:00', status: free }]
   *       400: { $ref: '#/components/responses/Problem' }
   *       404: { $ref: '#/components/responses/Problem' }
   */
  r.get(
    '/doctors/:id/slots',
    allow('reception', 'doctor').orScope('slots:read'),
    ownDoctorOnly(),
    validate(slotsSchema),
    async (req, res) => {
      const q = req.query as { date: string; site_id?: string };
      res.json(await doctorDays.slots(req.params.id as string, q.date, q.site_id));
    },
  );

  /**
   * @openapi
   * /api/v1/doctors/{id}/schedule:
   *   get:
   *     tags: [schedules]
   *     summary: "The doctor's weekly sessions"
   *     x-roles: [admin, reception, doctor]
   *     x-doctor-scope: true
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     responses:
   *       200: { description: '{doctor_id, sessions: WeeklySession[] (with id)}' }
   *       404: { $ref: '#/components/responses/Problem' }
   *   put:
   *     tags: [schedules]
   *     summary: "Replace the doctor's weekly sessions"
   *     description: |
   *       Refused with 422 INVALID_SCHEDULE and every reason at once (details: [{path, code, message}]): overlapping sessions,
   *       end not after start, slots that do not fit, sites in different time zones on one weekday, an unknown site, a day over
   *       500. An empty list returns the doctor to working_days × default capacity. Days from today on are re-planned under their
   *       locks; a day whose bookings exceed its new capacity → 409 CAPACITY_BELOW_BOOKED; bookings that no longer fit are
   *       flagged needs_reschedule and listed in affected_appointments (never cancelled).
   *     x-roles: [admin]
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     requestBody:
   *       required: true
   *       content:
   *         application/json:
   *           schema: { type: object, required: [sessions], properties: { sessions: { type: array, items: { $ref: '#/components/schemas/WeeklySession' } } } }
   *           example:
   *             sessions:
   *               - { weekday: 1, site_id: 1c7d2e4a-0000-4000-8000-000000000001, start_time: '09:00', end_time: '13:00', slot_minutes: 15, room: 'Room 4' }
   *               - weekday: 1
   *                 site_id: 9a3b5c6d-0000-4000-8000-000000000002
   *                 start_time: '17:00'
   *                 end_time: '19:00'
   *                 slot_minutes: null
   *                 capacity: 20
   *                 room: 'OPD 2'
   *     responses:
   *       200: { description: '{doctor_id, sessions, affected_appointments: AffectedAppointment[]}' }
   *       400: { $ref: '#/components/responses/Problem' }
   *       404: { $ref: '#/components/responses/Problem' }
   *       409: { $ref: '#/components/responses/Problem' }
   *       422: { $ref: '#/components/responses/Problem' }
   */
  r.get('/doctors/:id/schedule', allow('reception', 'doctor'), ownDoctorOnly(), validate(getScheduleSchema), async (req, res) => {
    res.json(await schedule.get(req.params.id as string));
  });
  r.put('/doctors/:id/schedule', allow('admin'), validate(scheduleSchema), async (req, res) => {
    res.json(await schedule.replace(req.params.id as string, req.body.sessions, actorRef(req)));
  });

  /**
   * @openapi
   * /api/v1/doctors/{id}/leaves:
   *   post:
   *     tags: [schedules]
   *     summary: A leave over a date range, or part of one day
   *     description: |
   *       Bookings on leave time are refused (422 DOCTOR_ON_LEAVE). Active appointments already booked in it are never cancelled:
   *       each is flagged needs_reschedule, gets an audit event and is listed in affected_appointments — the desk's call-back list
   *       is GET /appointments?needs_reschedule=true. One transaction, under the affected days' locks.
   *     x-roles: [admin, reception]
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     requestBody:
   *       required: true
   *       content:
   *         application/json:
   *           schema:
   *             type: object
   *             required: [from, to]
   *             properties:
   *               from: { type: string, format: date }
   *               to: { type: string, format: date }
   *               reason: { type: string, nullable: true }
   *               start_time: { type: string, description: 'Part of one day: HH:MM (with end_time; from = to)' }
   *               end_time: { type: string }
   *           example: { from: '2026-12-21', to: '2026-12-24', reason: 'Conference' }
   *     responses:
   *       201: { description: '{leave: Leave, affected_appointments: AffectedAppointment[]}' }
   *       400: { $ref: '#/components/responses/Problem' }
   *       404: { $ref: '#/components/responses/Problem' }
   *       422: { $ref: '#/components/responses/Problem' }
   *   get:
   *     tags: [schedules]
   *     summary: "The doctor's leaves ending today or later"
   *     x-roles: [admin, reception, doctor]
   *     x-doctor-scope: true
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     responses:
   *       200: { description: '{data: Leave[]}' }
   *       404: { $ref: '#/components/responses/Problem' }
   */
  r.post('/doctors/:id/leaves', allow('reception'), validate(leaveSchema), async (req, res) => {
    res.status(201).json(await schedule.addLeave(req.params.id as string, req.body, actorRef(req)));
  });
  r.get('/doctors/:id/leaves', allow('reception', 'doctor'), ownDoctorOnly(), validate(leavesSchema), async (req, res) => {
    res.json(await schedule.listLeaves(req.params.id as string));
  });

  /**
   * @openapi
   * /api/v1/doctors/{id}/leaves/{leave_id}:
   *   delete:
   *     tags: [schedules]
   *     summary: Remove a leave (its time takes bookings again; flags already set stay)
   *     x-roles: [admin, reception]
   *     parameters:
   *       - { $ref: '#/components/parameters/Id' }
   *       - { name: leave_id, in: path, required: true, schema: { type: string, format: uuid } }
   *     responses:
   *       204: { description: Removed }
   *       404: { $ref: '#/components/responses/Problem' }
   */
  r.delete('/doctors/:id/leaves/:leave_id', allow('reception'), validate(deleteLeaveSchema), async (req, res) => {
    await schedule.deleteLeave(req.params.id as string, req.params.leave_id as string);
    res.status(204).end();
  });

  return r;
}
