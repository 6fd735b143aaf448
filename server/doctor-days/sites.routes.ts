import { Router } from 'express';
import { validate } from '../core/http';
import { allow, allowSiteScreen } from '../auth/guard';
import type { SitesService } from './sites.service';
import type { DoctorDayService } from './doctor-days.service';
import { createSiteSchema, getSiteSchema, listSitesSchema, siteScreenSchema, updateSiteSchema } from './sites.schemas';

/**
 * @openapi
 * components:
 *   schemas:
 *     Site:
 *       type: object
 *       properties:
 *         id: { type: string, format: uuid }
 *         code: { type: string, example: NORTH }
 *         name: { type: string, example: 'North branch' }
 *         address: { type: string, nullable: true }
 *         phone: { type: string, nullable: true }
 *         timezone: { type: string, example: Asia/Kolkata, description: "IANA zone of the site's days and times (the default site follows CLINIC_TIMEZONE)" }
 *         is_default: { type: boolean, description: 'Days without sessions (doctors without a weekly schedule) are here' }
 *         created_at: { type: string, format: date-time }
 *         updated_at: { type: string, format: date-time }
 *     SiteInput:
 *       type: object
 *       properties:
 *         code: { type: string, pattern: '^[A-Z0-9_]{1,32}$' }
 *         name: { type: string }
 *         address: { type: string, nullable: true }
 *         phone: { type: string, nullable: true }
 *         timezone: { type: string, example: Asia/Kolkata }
 */
export function sitesRouter({ sites, doctorDays }: { sites: SitesService; doctorDays: DoctorDayService }): Router {
  const r = Router();

  /**
   * @openapi
   * /api/v1/sites:
   *   post:
   *     tags: [schedules]
   *     summary: Add a site (a hospital or branch with its own time zone)
   *     x-roles: [admin]
   *     requestBody:
   *       required: true
   *       content:
   *         application/json:
   *           schema: { $ref: '#/components/schemas/SiteInput' }
   *           example: { code: NORTH, name: North branch, address: '12 MG Road', phone: '+91 80 1234 5678', timezone: Asia/Kolkata }
   *     responses:
   *       201: { description: Created, content: { application/json: { schema: { $ref: '#/components/schemas/Site' } } } }
   *       400: { $ref: '#/components/responses/Problem' }
   *       409: { $ref: '#/components/responses/Problem' }
   *   get:
   *     tags: [schedules]
   *     summary: The sites, the default one first
   *     x-roles: [admin, reception, doctor]
   *     x-scopes: [doctors:read]
   *     parameters: [{ $ref: '#/components/parameters/Limit' }, { $ref: '#/components/parameters/Offset' }]
   *     responses:
   *       200: { description: 'A page: {data: Site[], total, limit, offset}' }
   */
  r.post('/sites', allow('admin'), validate(createSiteSchema), async (req, res) => {
    res.status(201).json(await sites.create(req.body));
  });
  r.get('/sites', allow('admin', 'reception', 'doctor').orScope('doctors:read'), validate(listSitesSchema), async (req, res) => {
    res.json(await sites.list(req.query as never));
  });

  /**
   * @openapi
   * /api/v1/sites/{id}:
   *   get:
   *     tags: [schedules]
   *     summary: One site
   *     x-roles: [admin, reception, doctor]
   *     x-scopes: [doctors:read]
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     responses:
   *       200: { description: The site, content: { application/json: { schema: { $ref: '#/components/schemas/Site' } } } }
   *       404: { $ref: '#/components/responses/Problem' }
   *   patch:
   *     tags: [schedules]
   *     summary: Change a site
   *     description: 'A new zone is refused (409 SITE_ZONE_CONFLICT) while a doctor works here and at a site in another zone on one weekday.'
   *     x-roles: [admin]
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/SiteInput' } } } }
   *     responses:
   *       200: { description: Changed, content: { application/json: { schema: { $ref: '#/components/schemas/Site' } } } }
   *       400: { $ref: '#/components/responses/Problem' }
   *       404: { $ref: '#/components/responses/Problem' }
   *       409: { $ref: '#/components/responses/Problem' }
   */
  r.get('/sites/:id', allow('admin', 'reception', 'doctor').orScope('doctors:read'), validate(getSiteSchema), async (req, res) => {
    res.json(await sites.get(req.params.id as string));
  });
  r.patch('/sites/:id', allow('admin'), validate(updateSiteSchema), async (req, res) => {
    res.json(await sites.update(req.params.id as string, req.body));
  });

  /**
   * @openapi
   * /api/v1/sites/{id}/screen:
   *   get:
   *     tags: [schedules]
   *     summary: "A site's waiting-room board: the doctors seeing patients there that day (public data only)"
   *     description: |
   *       For a site screen token (minted with `site_id`) or staff. The day defaults to today in the site's zone. Each doctor's
   *       queue is then read (`queue:subscribe`) like any screen's. Names and codes of doctors only — never patients.
   *     x-roles: [admin, reception, doctor]
   *     x-screen: site
   *     parameters:
   *       - { $ref: '#/components/parameters/Id' }
   *       - { name: date, in: query, schema: { type: string, format: date } }
   *     responses:
   *       200: { description: '{site: {id, code, name, timezone}, date, doctors: [{doctor_id, name, code}]}' }
   *       403: { $ref: '#/components/responses/Problem' }
   *       404: { $ref: '#/components/responses/Problem' }
   */
  r.get('/sites/:id/screen', allowSiteScreen(), validate(siteScreenSchema), async (req, res) => {
    res.json(await doctorDays.siteBoard(req.params.id as string, req.query.date as string | undefined));
  });

  return r;
}
