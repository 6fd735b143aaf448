import { Router } from 'express';
import { validate } from '../core/http';
import { actorId } from '../core/actor';
import { BadRequest } from '../core/errors';
import type { PatientsService } from './patients.service';
import { allow } from '../auth/guard';
import { createPatientSchema, getPatientSchema, searchPatientsSchema, updatePatientSchema } from './patients.schemas';

/**
 * @openapi
 * components:
 *   schemas:
 *     Patient:
 *       type: object
 *       properties:
 *         id: { type: string, format: uuid }
 *         first_name: { type: string }
 *         last_name: { type: string, nullable: true }
 *         age: { type: integer, minimum: 0, maximum: 130, nullable: true, description: 'From date_of_birth (today, clinic zone) when set, else as stored' }
 *         phone: { type: string, description: 'E.164 (an erased patient: erased-<id>)', example: '+919812345678' }
 *         email: { type: string, nullable: true }
 *         gender: { type: string, enum: [male, female, other, unknown], nullable: true, description: 'FHIR administrative-gender' }
 *         date_of_birth: { type: string, format: date, nullable: true }
 *         created_at: { type: string, format: date-time }
 *         updated_at: { type: string, format: date-time }
 *         deactivated_at: { type: string, format: date-time, nullable: true, description: 'Set while deactivated: not bookable, not in searches by default' }
 *         erased_at: { type: string, format: date-time, nullable: true, description: 'Set once the personal data was erased' }
 *         erased_by: { type: string, format: uuid, nullable: true, description: 'The staff account that erased it' }
 *     PatientInput:
 *       type: object
 *       required: [first_name, phone]
 *       properties:
 *         first_name: { type: string, maxLength: 100 }
 *         last_name: { type: string, maxLength: 100, nullable: true }
 *         age: { type: integer, minimum: 0, maximum: 130, nullable: true, description: 'The age today; must agree with date_of_birth' }
 *         phone: { type: string, description: 'Any format; read in DEFAULT_PHONE_REGION when it has no country code' }
 *         email: { type: string, format: email, nullable: true }
 *         gender: { type: string, enum: [male, female, other, unknown], nullable: true, description: 'FHIR administrative-gender' }
 *         date_of_birth: { type: string, format: date, nullable: true, description: 'YYYY-MM-DD, from 1900-01-01, not after today (clinic zone)' }
 */
export function patientsRouter({ patients: service }: { patients: PatientsService }): Router {
  const r = Router();

  /**
   * @openapi
   * /api/v1/patients:
   *   post:
   *     tags: [patients]
   *     summary: 'Register a patient'
   *     x-roles: [admin, reception]
   *     x-scopes: [patients:write]
   *     description: |
   *       Phone is normalized to E.164. Same phone and first name (case-insensitive) → 409 PATIENT_EXISTS with
   *       `details.existing_id`; family members may share a phone.
   *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/PatientInput' } } } }
   *     responses:
   *       201: { description: Registered, content: { application/json: { schema: { $ref: '#/components/schemas/Patient' } } } }
   *       400: { $ref: '#/components/responses/Problem' }
   *       409: { $ref: '#/components/responses/Problem' }
   */
  r.post('/patients', allow('admin', 'reception').orScope('patients:write'), validate(createPatientSchema), async (req, res) => {
    res.status(201).json(await service.register(req.body, actorId(req)));
  });

  /**
   * @openapi
   * /api/v1/patients:
   *   get:
   *     tags: [patients]
   *     summary: 'Search patients by phone, phone suffix and/or name'
   *     description: |
   *       Every filter given must hold. `name` is the ranked search for a desk typing as it listens: the name (or a
   *       later word of it, e.g. the last name) starts with it, or it is spelled alike (pg_trgm word similarity ≥ 0.6),
   *       or every word sounds alike (Double Metaphone: Shrama finds Sharma); best matches first (prefix, then
   *       similarity), then by name. `q` keeps its meaning: each word is found somewhere in the name, ordered by name.
   *       Accents and case never matter (José = jose). Indexed (see the README's "Growth"), so it stays fast at
   *       hundreds of thousands of patients.
   *       An API key (patients:write) must search by `phone` (400 otherwise): a machine client finds the caller, never browses names.
   *     x-roles: [admin, reception]
   *     x-scopes: [patients:write]
   *     parameters:
   *       - { name: phone, in: query, schema: { type: string }, description: 'Any format; normalized before matching' }
   *       - name: q
   *         in: query
   *         schema: { type: string }
   *         description: 'Words each found in the first or last name (accents and case ignored); ordered by name'
   *       - name: name
   *         in: query
   *         schema: { type: string, minLength: 2, maxLength: 100 }
   *         description: 'Ranked name search: prefix, similar spelling or sounding alike; best first'
   *         example: Shrama
   *       - name: phone_suffix
   *         in: query
   *         schema: { type: string, pattern: '^[0-9 ().-]+$' }
   *         description: 'The last 4 to 15 digits of the phone (separators ignored)'
   *         example: '3210'
   *       - { name: include_inactive, in: query, schema: { type: boolean, default: false }, description: 'Include deactivated and erased patients' }
   *       - { $ref: '#/components/parameters/Limit' }
   *       - { $ref: '#/components/parameters/Offset' }
   *     responses:
   *       200: { description: 'A page: {data, total, limit, offset}; `total` counts every match' }
   *       400: { $ref: '#/components/responses/Problem' }
   */
  r.get('/patients', allow('admin', 'reception').orScope('patients:write'), validate(searchPatientsSchema), async (req, res) => {
    if (req.actor?.type === 'api_key' && !req.query.phone) {
      throw new BadRequest('An API key searches patients by phone only', [{ path: 'query.phone', message: 'is required for API keys' }]);
    }
    res.json(await service.search(req.query as never));
  });

  /**
   * @openapi
   * /api/v1/patients/{id}:
   *   get:
   *     tags: [patients]
   *     summary: 'One patient'
   *     description: 'A doctor may read a patient who has an appointment with them (else 403 FORBIDDEN_DOCTOR).'
   *     x-roles: [admin, reception, doctor]
   *     x-doctor-scope: true
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     responses:
   *       200: { description: The patient, content: { application/json: { schema: { $ref: '#/components/schemas/Patient' } } } }
   *       400: { $ref: '#/components/responses/Problem' }
   *       404: { $ref: '#/components/responses/Problem' }
   */
  r.get('/patients/:id', allow('admin', 'reception', 'doctor'), validate(getPatientSchema), async (req, res) => {
    await service.assertMayRead(req.actor, req.params.id as string);
    res.json(await service.get(req.params.id as string));
  });

  /**
   * @openapi
   * /api/v1/patients/{id}:
   *   patch:
   *     tags: [patients]
   *     summary: 'Change a patient''s details'
   *     x-roles: [admin, reception]
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/PatientInput' } } } }
   *     responses:
   *       200: { description: Updated, content: { application/json: { schema: { $ref: '#/components/schemas/Patient' } } } }
   *       400: { $ref: '#/components/responses/Problem' }
   *       404: { $ref: '#/components/responses/Problem' }
   *       409: { description: 'PATIENT_EXISTS, PATIENT_ERASED', content: { application/problem+json: { schema: { $ref: '#/components/schemas/Problem' } } } }
   */
  r.patch('/patients/:id', allow('admin', 'reception'), validate(updatePatientSchema), async (req, res) => {
    res.json(await service.update(req.params.id as string, req.body, actorId(req)));
  });

  return r;
}
