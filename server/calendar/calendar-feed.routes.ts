import { Router } from 'express';
import { sendProblem } from '../core/http';
import type { CalendarService } from './calendar.service';

/**
 * The feed itself, public (the token in the URL is the credential, as calendar apps can send no header):
 * `GET /calendar/{token}.ics` → `text/calendar`, with a strong `ETag` and `304` for a matching `If-None-Match`.
 * A revoked or unknown token is 404 at once (looked up on every request).
 */
export function calendarFeedRouter({ calendar }: { calendar: CalendarService }): Router {
  const r = Router();

  /**
   * @openapi
   * /calendar/{token}.ics:
   *   get:
   *     tags: [calendar]
   *     summary: "A doctor's calendar (iCalendar, RFC 5545): the URL minted by POST /api/v1/doctors/{id}/calendar-feeds"
   *     security: []
   *     parameters:
   *       - { name: token, in: path, required: true, schema: { type: string }, description: 'cal_… from the minted URL' }
   *       - { name: If-None-Match, in: header, schema: { type: string } }
   *     responses:
   *       200: { description: The feed, content: { text/calendar: { schema: { type: string } } } }
   *       304: { description: Not modified (the ETag matches) }
   *       404: { $ref: '#/components/responses/Problem' }
   */
  r.get('/calendar/:token.ics', async (req, res) => {
    const doc = await calendar.feed(String(req.params.token));
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'private, no-cache');
    if (!doc) return sendProblem(res, req, 404, 'CALENDAR_FEED_NOT_FOUND', 'No calendar feed at this address (it may have been revoked)');
    res.setHeader('ETag', doc.etag);
    const match = req.get('if-none-match');
    if (match && match.split(',').some((m) => m.trim().replace(/^W\//, '') === doc.etag)) return void res.status(304).end();
    res.type('text/calendar; charset=utf-8').send(doc.body);
  });

  return r;
}
