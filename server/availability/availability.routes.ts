import { Router } from 'express';
import { validate } from '../core/http';
import { actorId } from '../core/actor';
import { allow, ownDoctorOnly } from '../auth/guard';
import type { AvailabilityService } from './availability.service';
import { getAvailabilitySchema, setAvailabilitySchema } from './availability.schemas';

/**
 * @openapi
 * components:
 *   schemas:
 *     Availability:
 *       type: object
 *       properties:
 *         doctor_id: { type: string, format: uuid }
 *         date: { type: string, format: date, description: 'Clinic day in CLINIC_TIMEZONE' }
 *         is_present: { type: boolean }
 *         capacity: { type: integer, description: "The day's override, else the doctor's default" }
 *         source: { type: string, enum: [set, default], description: '`set` when a row exists, `default` when derived from working_days' }
 *         notes: { type: string, nullable: true }
 *         updated_by: { type: string, format: uuid, nullable: true }
 *         updated_at: { type: string, format: date-time, nullable: true }
 */
export function availabilityRouter({ availability }: { availability: AvailabilityService }): Router {
  const r = Router();

  /**
   * @openapi
   * /api/v1/doctors/{id}/availability:
   *   post:
   *     tags: [availability]
   *     summary: 'Set a doctor''s availability for one day (upsert)'
   *     x-roles: [admin, reception, doctor]
   *     x-doctor-scope: true
   *     description: '201 when the day''s row is created, 200 when it is updated. A capacity below the day''s bookings → 409 CAPACITY_BELOW_BOOKED.'
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     requestBody:
   *       required: true
   *       content:
   *         application/json:
   *           schema:
   *             type: object
   *             required: [date, is_present]
   *             properties:
   *               date: { type: string, format: date }
   *               is_present: { type: boolean }
   *               capacity: { type: integer, minimum: 1, maximum: 500, nullable: true }
   *               notes: { type: string, maxLength: 500, nullable: true }
   *     responses:
   *       200: { description: Updated, content: { application/json: { schema: { $ref: '#/components/schemas/Availability' } } } }
   *       201: { description: Created, content: { application/json: { schema: { $ref: '#/components/schemas/Availability' } } } }
   *       400: { $ref: '#/components/responses/Problem' }
   *       404: { $ref: '#/components/responses/Problem' }
   *       409: { $ref: '#/components/responses/Problem' }
   */
  r.post(
    '/doctors/:id/availability',
    allow('admin', 'reception', 'doctor'),
    ownDoctorOnly('id'),
    validate(setAvailabilitySchema),
    async (req, res) => {
      const result = await availability.set(req.params.id as string, req.body, actorId(req));
      res.status(result.created ? 201 : 200).json(result.availability);
    },
  );

  /**
   * @openapi
   * /api/v1/doctors/{id}/availability:
   *   get:
   *     tags: [availability]
   *     summary: 'Effective availability for one day (`date`) or a range (`from`, `to`; at most 92 days)'
   *     x-roles: [admin, reception, doctor]
   *     x-doctor-scope: true
   *     description: 'One day answers one object; a range answers `{data: [...]}`, one entry per day.'
   *     parameters:
   *       - { $ref: '#/components/parameters/Id' }
   *       - { name: date, in: query, schema: { type: string, format: date } }
   *       - { name: from, in: query, schema: { type: string, format: date } }
   *       - { name: to, in: query, schema: { type: string, format: date } }
   *     responses:
   *       200: { description: 'An Availability, or {data: Availability[]} for a range' }
   *       400: { $ref: '#/components/responses/Problem' }
   *       404: { $ref: '#/components/responses/Problem' }
   *       422: { $ref: '#/components/responses/Problem' }
   */
  r.get(
    '/doctors/:id/availability',
    allow('admin', 'reception', 'doctor'),
    ownDoctorOnly('id'),
    validate(getAvailabilitySchema),
    async (req, res) => {
      const q = req.query as { date?: string; from?: string; to?: string };
      if (q.date) {
        const [day] = await availability.between(req.params.id as string, q.date, q.date);
        res.json(day);
      } else {
        res.json({ data: await availability.between(req.params.id as string, q.from!, q.to!) });
      }
    },
  );

  return r;
}
