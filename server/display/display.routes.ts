import path from 'node:path';
import express, { Router, type Response } from 'express';
import Joi from 'joi';
import { validate } from '../core/http';
import { uuid } from '../core/schemas';

/**
 * The static folder of the waiting-room page: `server/display/public/`, copied next to the compiled code
 * (`dist/server/display/public/`) by `npm run build` (scripts/copy-assets), since tsc copies no HTML/JS/CSS.
 */
export const DISPLAY_PUBLIC_DIR = path.resolve(__dirname, 'public');

/** At most this many doctors side by side on one screen (readability on a 1080p TV). */
export const MAX_DOCTORS_PER_SCREEN = 4;

const doctorParamSchema = { params: Joi.object({ doctor_id: uuid.required() }) };

const doctorIdsList = Joi.string()
  .custom((value: string, helpers) => {
    const ids = value
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    if (!ids.length) return helpers.error('doctor_ids.empty');
    if (ids.length > MAX_DOCTORS_PER_SCREEN) return helpers.error('doctor_ids.max');
    if (ids.some((id) => uuid.validate(id).error)) return helpers.error('doctor_ids.uuid');
    return [...new Set(ids)].join(',');
  })
  .messages({
    'doctor_ids.empty': '{{#label}} must list at least one doctor id',
    'doctor_ids.max': `{{#label}} must list at most ${MAX_DOCTORS_PER_SCREEN} doctor ids`,
    'doctor_ids.uuid': '{{#label}} must be comma-separated UUIDs',
  });
const doctorListSchema = { query: Joi.object({ doctor_ids: doctorIdsList.required() }) };

/**
 * The page itself holds no data (data needs the screen token, sent over Socket.IO from the URL fragment),
 * so it is public. Its own CSP allows only same-origin scripts, styles and sockets.
 */
function sendPage(res: Response): void {
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
      "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'",
  );
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-cache');
  res.sendFile(path.join(DISPLAY_PUBLIC_DIR, 'display.html'));
}

/** The waiting-room screen: `/display/{doctor_id}`, `/display?doctor_ids=a,b`, and its assets under `/display/assets/`. Public. */
export function displayRouter(): Router {
  const r = Router();

  r.use('/display/assets', express.static(DISPLAY_PUBLIC_DIR, { index: false, fallthrough: true, maxAge: '5m' }));

  /**
   * @openapi
   * /display:
   *   get:
   *     tags: [display]
   *     summary: 'Waiting-room screen for several doctors side by side (HTML page)'
   *     description: |
   *       Open as `/display?doctor_ids=a,b#token=<screen token>`. The token stays in the URL fragment, so it is never
   *       sent in a URL; the page passes it in the Socket.IO handshake. The page shows only public queue tokens, never
   *       personal data.
   *     security: []
   *     parameters:
   *       - { name: doctor_ids, in: query, required: true, description: 'Comma-separated doctor UUIDs (1–4)', schema: { type: string } }
   *     responses:
   *       200: { description: 'The page', content: { text/html: { schema: { type: string } } } }
   *       400: { $ref: '#/components/responses/Problem' }
   */
  r.get('/display', validate(doctorListSchema), (_req, res) => {
    sendPage(res);
  });

  /**
   * @openapi
   * /display/{doctor_id}:
   *   get:
   *     tags: [display]
   *     summary: "Waiting-room screen for one doctor (HTML page)"
   *     description: 'Open as `/display/{doctor_id}#token=<screen token>`. Shows "Now calling", the next 5 tokens and a clinic clock, live over Socket.IO.'
   *     security: []
   *     parameters:
   *       - { name: doctor_id, in: path, required: true, schema: { type: string, format: uuid } }
   *     responses:
   *       200: { description: 'The page', content: { text/html: { schema: { type: string } } } }
   *       400: { $ref: '#/components/responses/Problem' }
   */
  r.get('/display/:doctor_id', validate(doctorParamSchema), (_req, res) => {
    sendPage(res);
  });

  return r;
}
