import { Router, type RequestHandler } from 'express';
import { validate } from '../core/http';
import { idParams } from '../core/schemas';
import { allow } from '../auth/guard';
import type { PatientHistoryService } from './patient-history.service';
import { appendHistorySchema, readHistorySchema } from './patient-history.schemas';

/**
 * @openapi
 * components:
 *   schemas:
 *     HistoryEntryInput:
 *       type: object
 *       description: At least one of symptoms, conditions, allergies, notes.
 *       properties:
 *         symptoms: { type: string, maxLength: 2000, nullable: true }
 *         conditions: { type: array, maxItems: 50, items: { type: string, maxLength: 200 } }
 *         allergies: { type: array, maxItems: 50, items: { type: string, maxLength: 200 } }
 *         notes: { type: string, maxLength: 4000, nullable: true }
 *         corrects: { type: string, nullable: true, description: "Id of an earlier entry of this patient that this one corrects (replaces)" }
 *     HistoryEntry:
 *       type: object
 *       properties:
 *         id: { type: string, description: 'Ascending in writing order' }
 *         patient_id: { type: string, format: uuid }
 *         symptoms: { type: string, nullable: true }
 *         conditions: { type: array, items: { type: string } }
 *         allergies: { type: array, items: { type: string } }
 *         notes: { type: string, nullable: true }
 *         corrects: { type: string, nullable: true }
 *         superseded_by: { type: string, nullable: true, description: 'The entry that corrects this one' }
 *         author: { type: object, properties: { id: { type: string, format: uuid }, role: { type: string, enum: [admin, doctor] } } }
 *         recorded_at: { type: string, format: date-time }
 *         erased_at: { type: string, format: date-time, nullable: true }
 *     PatientHistory:
 *       type: object
 *       description: |
 *         `view: clinical` (admin, the patient's doctors): every entry, oldest first, paginated.
 *         `view: minimum` (reception): `{patient_id, view, has_allergies}` only — never symptoms, conditions, allergies or notes.
 *       properties:
 *         patient_id: { type: string, format: uuid }
 *         view: { type: string, enum: [clinical, minimum] }
 *         has_allergies: { type: boolean, description: 'A standing entry (not corrected by a later one) lists an allergy' }
 *         entries: { type: array, items: { $ref: '#/components/schemas/HistoryEntry' }, description: 'clinical view only' }
 *         total: { type: integer, description: 'clinical view only' }
 *         limit: { type: integer }
 *         offset: { type: integer }
 */
export function patientHistoryRouter({ history }: { history: PatientHistoryService }): Router {
  const r = Router();
  /** The doctor scope (403) before the body is looked at, as every guarded route does; the id is validated first. */
  const patientScope: RequestHandler[] = [
    validate({ params: idParams }),
    async (req, _res, next) => {
      await history.assertMayAccess(req.actor, req.params.id as string);
      next();
    },
  ];

  /**
   * @openapi
   * /api/v1/patients/{id}/history:
   *   get:
   *     tags: [patients]
   *     summary: "A patient's clinical history (the minimum necessary for reception)"
   *     description: |
   *       Admins and doctors who have (had) a non-cancelled appointment with the patient get every entry; other doctors
   *       403 FORBIDDEN_DOCTOR. Reception gets only whether an allergy is on record (`view: minimum`). Screen tokens: never.
   *     x-roles: [admin, reception, doctor]
   *     x-doctor-scope: true
   *     parameters:
   *       - { $ref: '#/components/parameters/Id' }
   *       - { $ref: '#/components/parameters/Limit' }
   *       - { $ref: '#/components/parameters/Offset' }
   *     responses:
   *       200: { description: The history, content: { application/json: { schema: { $ref: '#/components/schemas/PatientHistory' } } } }
   *       400: { $ref: '#/components/responses/Problem' }
   *       403: { $ref: '#/components/responses/Problem' }
   *       404: { $ref: '#/components/responses/Problem' }
   */
  r.get('/patients/:id/history', allow('reception', 'doctor'), ...patientScope, validate(readHistorySchema), async (req, res) => {
    const q = req.query as unknown as { limit: number; offset: number };
    res.json(await history.read(req.actor, req.params.id as string, q));
  });

  /**
   * @openapi
   * /api/v1/patients/{id}/history:
   *   post:
   *     tags: [patients]
   *     summary: 'Append an entry to the clinical history (append-only: a correction is a new entry)'
   *     description: |
   *       Admins, and doctors who have (had) a non-cancelled appointment with the patient. The entry records its author
   *       and time. Errors: 403 FORBIDDEN_DOCTOR; 404 PATIENT_NOT_FOUND; 409 PATIENT_ERASED, ENTRY_ALREADY_CORRECTED;
   *       422 ENTRY_NOT_FOUND (corrects names no entry of this patient).
   *     x-roles: [admin, doctor]
   *     x-doctor-scope: true
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/HistoryEntryInput' } } } }
   *     responses:
   *       201: { description: The entry, content: { application/json: { schema: { $ref: '#/components/schemas/HistoryEntry' } } } }
   *       400: { $ref: '#/components/responses/Problem' }
   *       403: { $ref: '#/components/responses/Problem' }
   *       404: { $ref: '#/components/responses/Problem' }
   *       409: { $ref: '#/components/responses/Problem' }
   *       422: { $ref: '#/components/responses/Problem' }
   */
  r.post('/patients/:id/history', allow('doctor'), ...patientScope, validate(appendHistorySchema), async (req, res) => {
    const actor = req.actor as Parameters<PatientHistoryService['append']>[0];
    res.status(201).json(await history.append(actor, req.params.id as string, req.body));
  });

  return r;
}
