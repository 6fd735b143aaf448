import { Router } from 'express';
import { validate } from '../core/http';
import { allow, ownDoctorOnly } from '../auth/guard';
import type { DoctorDayService } from './doctor-days.service';
import { daySummarySchema } from './doctor-days.schemas';

/** Routes of the doctor-day itself. */
export function doctorDaysRouter({ doctorDays }: { doctorDays: DoctorDayService }): Router {
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
   *       200: { description: '{doctor_id, date, capacity, booked, remaining, is_present, is_active, bookable}' }
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

  return r;
}
