import { Router } from 'express';
import { validate } from '../core/http';
import { actorId } from '../core/actor';
import { allow } from '../auth/guard';
import type { WebhooksService } from './webhooks.service';
import {
  createWebhookSchema,
  deliveriesSchema,
  listWebhooksSchema,
  retrySchema,
  updateWebhookSchema,
  webhookIdSchema,
} from './webhooks.schemas';

/**
 * @openapi
 * components:
 *   schemas:
 *     WebhookEndpoint:
 *       type: object
 *       properties:
 *         id: { type: string, format: uuid }
 *         url: { type: string, example: 'https://sms.example.org/hooks/clinic' }
 *         description: { type: string, nullable: true }
 *         events:
 *           type: array
 *           items:
 *             type: string
 *             enum: [appointment.booked, appointment.cancelled, appointment.rescheduled, appointment.no_show, appointment.reminder,
 *                    queue.checked_in, queue.called, queue.served, queue.skipped, queue.requeued, queue.reordered, queue.transferred,
 *                    doctor.created, doctor.updated, leave.created]
 *         include_patient_contact: { type: boolean, description: "Deliveries add patient {first_name, phone} (e.g. for an SMS provider)" }
 *         enabled: { type: boolean }
 *         disabled_at: { type: string, format: date-time, nullable: true }
 *         disabled_reason: { type: string, nullable: true }
 *         consecutive_failures: { type: integer, description: 'Deliveries in a row given up on (24 h of retries each)' }
 *         created_at: { type: string, format: date-time }
 *         updated_at: { type: string, format: date-time }
 *     WebhookDelivery:
 *       type: object
 *       properties:
 *         id: { type: string, format: uuid }
 *         event_id: { type: string, format: uuid, description: "webhook-id is msg_<event_id>" }
 *         event_type: { type: string }
 *         status: { type: string, enum: [pending, delivered, failed] }
 *         attempt_count: { type: integer }
 *         next_attempt_at: { type: string, format: date-time }
 *         last_response_status: { type: integer, nullable: true }
 *         last_error: { type: string, nullable: true }
 *         delivered_at: { type: string, format: date-time, nullable: true }
 *         failed_at: { type: string, format: date-time, nullable: true }
 *         attempts:
 *           type: array
 *           items:
 *             type: object
 *             properties:
 *               attempt: { type: integer }
 *               started_at: { type: string, format: date-time }
 *               duration_ms: { type: integer }
 *               response_status: { type: integer, nullable: true }
 *               error: { type: string, nullable: true }
 */
export function webhooksRouter({ webhooks }: { webhooks: WebhooksService }): Router {
  const r = Router();

  /**
   * @openapi
   * /api/v1/webhooks:
   *   post:
   *     tags: [webhooks]
   *     summary: 'Subscribe a URL to events (signed to the Standard Webhooks spec)'
   *     description: |
   *       Answers the endpoint with its signing `secret` (`whsec_…`), shown only here. Each event is POSTed as
   *       `{type, timestamp, data}` with `webhook-id`, `webhook-timestamp` and `webhook-signature`; verify with any Standard
   *       Webhooks library (`new Webhook(secret).verify(body, headers)`) and dedupe by `webhook-id` (delivery is at least once).
   *       Only http(s); a host that resolves to a loopback, private, link-local or unique-local address is refused
   *       (422 WEBHOOK_URL_REFUSED) unless WEBHOOK_ALLOW_PRIVATE=true.
   *     x-roles: [admin]
   *     requestBody:
   *       required: true
   *       content:
   *         application/json:
   *           schema:
   *             type: object
   *             required: [url, events]
   *             properties:
   *               url: { type: string }
   *               events: { type: array, minItems: 1, items: { type: string } }
   *               description: { type: string, nullable: true }
   *               include_patient_contact: { type: boolean, default: false }
   *           example: { url: 'https://sms.example.org/hooks/clinic', events: [appointment.booked, appointment.reminder], include_patient_contact: true }
   *     responses:
   *       201: { description: 'The WebhookEndpoint plus `secret` (whsec_…)' }
   *       400: { $ref: '#/components/responses/Problem' }
   *       422: { $ref: '#/components/responses/Problem' }
   */
  r.post('/webhooks', allow('admin'), validate(createWebhookSchema), async (req, res) => {
    res.status(201).json(await webhooks.create(req.body, actorId(req)));
  });

  /**
   * @openapi
   * /api/v1/webhooks:
   *   get:
   *     tags: [webhooks]
   *     summary: 'List webhook endpoints (never their secrets)'
   *     x-roles: [admin]
   *     parameters: [{ $ref: '#/components/parameters/Limit' }, { $ref: '#/components/parameters/Offset' }]
   *     responses:
   *       200: { description: 'A page: {data: WebhookEndpoint[], total, limit, offset}' }
   */
  r.get('/webhooks', allow('admin'), validate(listWebhooksSchema), async (req, res) => {
    res.json(await webhooks.list(req.query as never));
  });

  /**
   * @openapi
   * /api/v1/webhooks/{id}:
   *   get:
   *     tags: [webhooks]
   *     summary: 'One webhook endpoint'
   *     x-roles: [admin]
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     responses:
   *       200: { description: The endpoint, content: { application/json: { schema: { $ref: '#/components/schemas/WebhookEndpoint' } } } }
   *       404: { $ref: '#/components/responses/Problem' }
   */
  r.get('/webhooks/:id', allow('admin'), validate(webhookIdSchema), async (req, res) => {
    res.json(await webhooks.get(req.params.id as string));
  });

  /**
   * @openapi
   * /api/v1/webhooks/{id}:
   *   patch:
   *     tags: [webhooks]
   *     summary: 'Change an endpoint; {"enabled": true} re-enables a disabled one'
   *     x-roles: [admin]
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     requestBody:
   *       required: true
   *       content:
   *         application/json:
   *           schema:
   *             type: object
   *             properties:
   *               url: { type: string }
   *               events: { type: array, items: { type: string } }
   *               description: { type: string, nullable: true }
   *               enabled: { type: boolean }
   *     responses:
   *       200: { description: The endpoint, content: { application/json: { schema: { $ref: '#/components/schemas/WebhookEndpoint' } } } }
   *       404: { $ref: '#/components/responses/Problem' }
   *       422: { $ref: '#/components/responses/Problem' }
   */
  r.patch('/webhooks/:id', allow('admin'), validate(updateWebhookSchema), async (req, res) => {
    res.json(await webhooks.update(req.params.id as string, req.body));
  });

  /**
   * @openapi
   * /api/v1/webhooks/{id}:
   *   delete:
   *     tags: [webhooks]
   *     summary: 'Delete an endpoint; nothing more is sent to it'
   *     x-roles: [admin]
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     responses:
   *       204: { description: Deleted }
   *       404: { $ref: '#/components/responses/Problem' }
   */
  r.delete('/webhooks/:id', allow('admin'), validate(webhookIdSchema), async (req, res) => {
    await webhooks.remove(req.params.id as string);
    res.status(204).end();
  });

  /**
   * @openapi
   * /api/v1/webhooks/{id}/deliveries:
   *   get:
   *     tags: [webhooks]
   *     summary: "An endpoint's deliveries, newest first, with every attempt (status, duration, response code)"
   *     x-roles: [admin]
   *     parameters:
   *       - { $ref: '#/components/parameters/Id' }
   *       - { name: status, in: query, schema: { type: string, enum: [pending, delivered, failed] } }
   *       - { $ref: '#/components/parameters/Limit' }
   *       - { $ref: '#/components/parameters/Offset' }
   *     responses:
   *       200: { description: 'A page: {data: WebhookDelivery[], total, limit, offset}' }
   *       404: { $ref: '#/components/responses/Problem' }
   */
  r.get('/webhooks/:id/deliveries', allow('admin'), validate(deliveriesSchema), async (req, res) => {
    res.json(await webhooks.deliveries(req.params.id as string, req.query as never));
  });

  /**
   * @openapi
   * /api/v1/webhooks/{id}/deliveries/{delivery_id}/retry:
   *   post:
   *     tags: [webhooks]
   *     summary: 'Send a delivery again now (same webhook-id; the 24 h give-up clock restarts)'
   *     x-roles: [admin]
   *     parameters:
   *       - { $ref: '#/components/parameters/Id' }
   *       - { name: delivery_id, in: path, required: true, schema: { type: string, format: uuid } }
   *     responses:
   *       202: { description: '{id, status: pending}' }
   *       404: { $ref: '#/components/responses/Problem' }
   */
  r.post('/webhooks/:id/deliveries/:delivery_id/retry', allow('admin'), validate(retrySchema), async (req, res) => {
    res.status(202).json(await webhooks.retry(req.params.id as string, req.params.delivery_id as string));
  });

  return r;
}
