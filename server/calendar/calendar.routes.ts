import { Router, type Request } from 'express';
import { validate } from '../core/http';
import { actorId } from '../core/actor';
import { allow, ownDoctorOnly } from '../auth/guard';
import type { CalendarService } from './calendar.service';
import { listFeedsSchema, mintFeedSchema, revokeFeedSchema } from './calendar.schemas';

/** The service's own base URL as this client reached it (PUBLIC_URL when set). */
const baseUrlOf = (req: Request, publicUrl: string | undefined) => publicUrl ?? `${req.protocol}://${req.get('host')}`;

/** Managing a doctor's calendar feeds (under /api/v1, authenticated). The feed itself: {@link calendarFeedRouter}. */
export function calendarRouter({ calendar, publicUrl }: { calendar: CalendarService; publicUrl?: string }): Router {
  const r = Router();

  /**
   * @openapi
   * /api/v1/doctors/{id}/calendar-feeds:
   *   post:
   *     tags: [calendar]
   *     summary: "Mint a calendar feed of the doctor's days (subscribe by URL in Google Calendar, Outlook, Apple Calendar)"
   *     description: |
   *       The answer's `url` (`…/calendar/cal_….ics`, and `webcal_url`) carries a random token, shown only here; the server keeps
   *       its SHA-256. The feed shows the last 7 and next 60 days: one event per appointment (its token as title), cancelled ones
   *       as cancelled for 7 days, leaves as busy. Patient names (first name and last initial) only with `show_patient_names: true`.
   *     x-roles: [admin, doctor]
   *     x-doctor-scope: true
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     requestBody:
   *       content:
   *         application/json:
   *           schema:
   *             type: object
   *             properties:
   *               label: { type: string, maxLength: 100, nullable: true }
   *               show_patient_names: { type: boolean, default: false }
   *           example: { label: 'My phone', show_patient_names: false }
   *     responses:
   *       201:
   *         description: '{id, doctor_id, label, show_patient_names, created_at, url, webcal_url}'
   *         content:
   *           application/json:
   *             example: { id: 9d1e…, url: 'https://clinic.example/calendar/cal_….ics', webcal_url: 'webcal://clinic.example/calendar/cal_….ics' }
   *       404: { $ref: '#/components/responses/Problem' }
   */
  r.post('/doctors/:id/calendar-feeds', allow('doctor'), ownDoctorOnly(), validate(mintFeedSchema), async (req, res) => {
    res.status(201).json(await calendar.mint(req.params.id as string, req.body, actorId(req), baseUrlOf(req, publicUrl)));
  });

  /**
   * @openapi
   * /api/v1/doctors/{id}/calendar-feeds:
   *   get:
   *     tags: [calendar]
   *     summary: "A doctor's calendar feeds (never their URLs)"
   *     x-roles: [admin, doctor]
   *     x-doctor-scope: true
   *     parameters:
   *       - { $ref: '#/components/parameters/Id' }
   *       - { name: include_revoked, in: query, schema: { type: boolean, default: false } }
   *     responses:
   *       200: { description: '{data: [{id, doctor_id, label, show_patient_names, created_by, created_at, revoked_at}]}' }
   *       404: { $ref: '#/components/responses/Problem' }
   */
  r.get('/doctors/:id/calendar-feeds', allow('doctor'), ownDoctorOnly(), validate(listFeedsSchema), async (req, res) => {
    res.json(await calendar.list(req.params.id as string, (req.query as { include_revoked?: boolean }).include_revoked ?? false));
  });

  /**
   * @openapi
   * /api/v1/doctors/{id}/calendar-feeds/{feed_id}:
   *   delete:
   *     tags: [calendar]
   *     summary: 'Revoke a calendar feed; its URL stops working at once'
   *     x-roles: [admin, doctor]
   *     x-doctor-scope: true
   *     parameters:
   *       - { $ref: '#/components/parameters/Id' }
   *       - { name: feed_id, in: path, required: true, schema: { type: string, format: uuid } }
   *     responses:
   *       204: { description: Revoked }
   *       404: { $ref: '#/components/responses/Problem' }
   */
  r.delete('/doctors/:id/calendar-feeds/:feed_id', allow('doctor'), ownDoctorOnly(), validate(revokeFeedSchema), async (req, res) => {
    await calendar.revoke(req.params.id as string, req.params.feed_id as string);
    res.status(204).end();
  });

  return r;
}
