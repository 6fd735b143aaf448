import { Router } from 'express';
import { actorRef } from '../core/actor';
import { validate } from '../core/http';
import { allow } from '../auth/guard';
import type { DoctorsService } from './doctors.service';
import { createDoctorSchema, getDoctorSchema, listDoctorsSchema, updateDoctorSchema } from './doctors.schemas';

/**
 * @openapi
 * components:
 *   schemas:
 *     Doctor:
 *       type: object
 *       properties:
 *         id: { type: string, format: uuid }
 *         name: { type: string }
 *         code: { type: string, example: DR_A }
 *         specialty: { type: string, nullable: true }
 *         default_daily_capacity: { type: integer, minimum: 1, maximum: 500, default: 10 }
 *         working_days: { type: array, items: { type: integer, minimum: 1, maximum: 7 }, description: 'ISO weekdays, 1 = Monday', default: [1, 2, 3, 4, 5] }
 *         is_active: { type: boolean }
 *         created_at: { type: string, format: date-time }
 *         updated_at: { type: string, format: date-time }
 *     DoctorInput:
 *       type: object
 *       properties:
 *         name: { type: string }
 *         code: { type: string, pattern: '^[A-Z0-9_]{1,32}$' }
 *         specialty: { type: string, nullable: true }
 *         default_daily_capacity: { type: integer, minimum: 1, maximum: 500 }
 *         working_days: { type: array, items: { type: integer, minimum: 1, maximum: 7 } }
 *         is_active: { type: boolean }
 */
export function doctorsRouter({ doctors }: { doctors: DoctorsService }): Router {
  const r = Router();

  /**
   * @openapi
   * /api/v1/doctors:
   *   post:
   *     tags: [doctors]
   *     summary: 'Add a doctor'
   *     x-roles: [admin]
   *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/DoctorInput' } } } }
   *     responses:
   *       201: { description: Created, content: { application/json: { schema: { $ref: '#/components/schemas/Doctor' } } } }
   *       400: { $ref: '#/components/responses/Problem' }
   *       409: { description: 'DOCTOR_CODE_TAKEN', content: { application/problem+json: { schema: { $ref: '#/components/schemas/Problem' } } } }
   */
  r.post('/doctors', allow('admin'), validate(createDoctorSchema), async (req, res) => {
    res.status(201).json(await doctors.create(req.body));
  });

  /**
   * @openapi
   * /api/v1/doctors:
   *   get:
   *     tags: [doctors]
   *     summary: 'List doctors'
   *     x-roles: [admin, reception, doctor]
   *     x-scopes: [doctors:read]
   *     parameters:
   *       - { name: specialty, in: query, schema: { type: string } }
   *       - { name: q, in: query, schema: { type: string }, description: 'Part of the name or code' }
   *       - { name: is_active, in: query, schema: { type: boolean } }
   *       - { $ref: '#/components/parameters/Limit' }
   *       - { $ref: '#/components/parameters/Offset' }
   *     responses:
   *       200: { description: 'A page: {data, total, limit, offset}' }
   *       400: { $ref: '#/components/responses/Problem' }
   */
  r.get('/doctors', allow('admin', 'reception', 'doctor').orScope('doctors:read'), validate(listDoctorsSchema), async (req, res) => {
    res.json(await doctors.list(req.query as never));
  });

  /**
   * @openapi
   * /api/v1/doctors/{id}:
   *   get:
   *     tags: [doctors]
   *     summary: 'One doctor'
   *     x-roles: [admin, reception, doctor]
   *     x-scopes: [doctors:read]
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     responses:
   *       200: { description: The doctor, content: { application/json: { schema: { $ref: '#/components/schemas/Doctor' } } } }
   *       404: { $ref: '#/components/responses/Problem' }
   */
  r.get('/doctors/:id', allow('admin', 'reception', 'doctor').orScope('doctors:read'), validate(getDoctorSchema), async (req, res) => {
    res.json(await doctors.get(req.params.id as string));
  });

  /**
   * @openapi
   * /api/v1/doctors/{id}:
   *   patch:
   *     tags: [doctors]
   *     summary: 'Change a doctor'
   *     x-roles: [admin]
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/DoctorInput' } } } }
   *     responses:
   *       200: { description: Updated, content: { application/json: { schema: { $ref: '#/components/schemas/Doctor' } } } }
   *       400: { $ref: '#/components/responses/Problem' }
   *       404: { $ref: '#/components/responses/Problem' }
   *       409: { $ref: '#/components/responses/Problem' }
   */
  r.patch('/doctors/:id', allow('admin'), validate(updateDoctorSchema), async (req, res) => {
    res.json(await doctors.update(req.params.id as string, req.body, actorRef(req)));
  });

  return r;
}
