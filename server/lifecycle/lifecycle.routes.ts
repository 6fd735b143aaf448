import { Router } from 'express';
import { actorRef } from '../core/actor';
import { validate } from '../core/http';
import { allow } from '../auth/guard';
import type { LifecycleService } from './lifecycle.service';
import { lifecycleActionSchema } from './lifecycle.schemas';

/**
 * @openapi
 * components:
 *   schemas:
 *     UpcomingAppointments:
 *       type: object
 *       description: 'details of 409 HAS_UPCOMING_APPOINTMENTS: the first 50 active appointments (booked or checked in) today or later, and how many there are'
 *       properties:
 *         total: { type: integer }
 *         appointments:
 *           type: array
 *           items:
 *             type: object
 *             properties:
 *               id: { type: string, format: uuid }
 *               date: { type: string, format: date }
 *               doctor_id: { type: string, format: uuid }
 *               slot: { type: integer }
 *     Erasure:
 *       type: object
 *       properties:
 *         patient_id: { type: string, format: uuid }
 *         erased_at: { type: string, format: date-time }
 *         erased_by: { type: string, format: uuid, nullable: true }
 *         already_erased: { type: boolean, description: 'True when this patient had been erased before; nothing was done now' }
 *         scrubbed:
 *           type: object
 *           properties: { history_entries: { type: integer }, appointment_events: { type: integer }, idempotency_keys: { type: integer } }
 *         kept: { type: object, properties: { appointments: { type: integer, description: 'Appointment rows kept for statistics and audit' } } }
 */
export function lifecycleRouter({ lifecycle }: { lifecycle: LifecycleService }): Router {
  const r = Router();

  /**
   * @openapi
   * /api/v1/doctors/{id}/deactivate:
   *   post:
   *     tags: [doctors]
   *     summary: 'Deactivate a doctor (no new bookings), refused while an active appointment is today or later'
   *     description: |
   *       Active = booked or checked in; today = in CLINIC_TIMEZONE. 409 HAS_UPCOMING_APPOINTMENTS lists them in
   *       `details` (UpcomingAppointments). Idempotent. `PATCH /doctors/{id} {is_active: false}` still deactivates without the check.
   *     x-roles: [admin]
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     responses:
   *       200: { description: The doctor, content: { application/json: { schema: { $ref: '#/components/schemas/Doctor' } } } }
   *       404: { $ref: '#/components/responses/Problem' }
   *       409: { $ref: '#/components/responses/Problem' }
   */
  r.post('/doctors/:id/deactivate', allow('admin'), validate(lifecycleActionSchema), async (req, res) => {
    res.json(await lifecycle.deactivateDoctor(req.params.id as string));
  });

  /**
   * @openapi
   * /api/v1/doctors/{id}/reactivate:
   *   post:
   *     tags: [doctors]
   *     summary: 'Make a deactivated doctor bookable again (idempotent)'
   *     x-roles: [admin]
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     responses:
   *       200: { description: The doctor, content: { application/json: { schema: { $ref: '#/components/schemas/Doctor' } } } }
   *       404: { $ref: '#/components/responses/Problem' }
   */
  r.post('/doctors/:id/reactivate', allow('admin'), validate(lifecycleActionSchema), async (req, res) => {
    res.json(await lifecycle.reactivateDoctor(req.params.id as string));
  });

  /**
   * @openapi
   * /api/v1/patients/{id}/deactivate:
   *   post:
   *     tags: [patients]
   *     summary: 'Deactivate a patient (not bookable: 422 PATIENT_INACTIVE; not in searches by default)'
   *     description: 'Refused with 409 HAS_UPCOMING_APPOINTMENTS (details: UpcomingAppointments) while an active appointment is today or later. Idempotent.'
   *     x-roles: [admin, reception]
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     responses:
   *       200: { description: The patient, content: { application/json: { schema: { $ref: '#/components/schemas/Patient' } } } }
   *       404: { $ref: '#/components/responses/Problem' }
   *       409: { $ref: '#/components/responses/Problem' }
   */
  r.post('/patients/:id/deactivate', allow('reception'), validate(lifecycleActionSchema), async (req, res) => {
    res.json(await lifecycle.deactivatePatient(req.params.id as string, actorRef(req)));
  });

  /**
   * @openapi
   * /api/v1/patients/{id}/reactivate:
   *   post:
   *     tags: [patients]
   *     summary: 'Make a deactivated patient bookable again (idempotent; 409 PATIENT_ERASED for an erased one)'
   *     x-roles: [admin, reception]
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     responses:
   *       200: { description: The patient, content: { application/json: { schema: { $ref: '#/components/schemas/Patient' } } } }
   *       404: { $ref: '#/components/responses/Problem' }
   *       409: { $ref: '#/components/responses/Problem' }
   */
  r.post('/patients/:id/reactivate', allow('reception'), validate(lifecycleActionSchema), async (req, res) => {
    res.json(await lifecycle.reactivatePatient(req.params.id as string, actorRef(req)));
  });

  /**
   * @openapi
   * /api/v1/patients/{id}/erase:
   *   post:
   *     tags: [patients]
   *     summary: "Erase a patient's personal data on request (irreversible)"
   *     description: |
   *       Names, phone, e-mail, date of birth, age and gender become nothing or a fixed placeholder (first_name `[erased]`,
   *       phone `erased-<id>`); every history entry loses its text; the appointment audit trail loses its free text
   *       (reasons); stored idempotent answers about the patient are dropped. Appointment rows (days, slots, statuses,
   *       times) and queue entries are kept for statistics and audit. Records `erased_at` and `erased_by`; the patient
   *       stays deactivated. Refused with 409 HAS_UPCOMING_APPOINTMENTS while an active appointment is today or later.
   *       A second call answers the first erasure (`already_erased: true`).
   *     x-roles: [admin]
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     responses:
   *       200: { description: What was erased and kept, content: { application/json: { schema: { $ref: '#/components/schemas/Erasure' } } } }
   *       404: { $ref: '#/components/responses/Problem' }
   *       409: { $ref: '#/components/responses/Problem' }
   */
  r.post('/patients/:id/erase', allow('admin'), validate(lifecycleActionSchema), async (req, res) => {
    res.json(await lifecycle.erasePatient(req.params.id as string, actorRef(req)));
  });

  return r;
}
