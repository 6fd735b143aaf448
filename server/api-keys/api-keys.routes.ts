import { Router } from 'express';
import { validate } from '../core/http';
import { actorId } from '../core/actor';
import { allow } from '../auth/guard';
import type { ApiKeysService } from './api-keys.service';
import { listApiKeysSchema, mintApiKeySchema, revokeApiKeySchema } from './api-keys.schemas';

/**
 * @openapi
 * components:
 *   schemas:
 *     ApiKey:
 *       type: object
 *       properties:
 *         id: { type: string, format: uuid }
 *         label: { type: string, example: 'Phone agent (Acme Voice)' }
 *         scopes:
 *           type: array
 *           items: { type: string, enum: [doctors:read, slots:read, patients:write, appointments:read, appointments:write, queue:read] }
 *         source: { type: string, example: phone_agent, description: "What this key's bookings carry as appointments.source" }
 *         created_by: { type: string, format: uuid, nullable: true }
 *         created_at: { type: string, format: date-time }
 *         last_used_at: { type: string, format: date-time, nullable: true, description: 'To the minute' }
 *         revoked_at: { type: string, format: date-time, nullable: true }
 */
export function apiKeysRouter({ apiKeys }: { apiKeys: ApiKeysService }): Router {
  const r = Router();

  /**
   * @openapi
   * /api/v1/api-keys:
   *   post:
   *     tags: [api-keys]
   *     summary: 'Mint an API key for a machine client'
   *     description: |
   *       The key (`ck_` + 32 random bytes, base64url) is in this answer only; the server keeps its SHA-256. Send it as
   *       `X-API-Key: ck_…` or `Authorization: Bearer ck_…`. It reaches only the routes whose `x-scopes` name one of its
   *       scopes, never staff-only routes; `API_KEY_RATE_LIMIT` requests a minute (429 with Retry-After beyond).
   *     x-roles: [admin]
   *     requestBody:
   *       required: true
   *       content:
   *         application/json:
   *           schema:
   *             type: object
   *             required: [label, scopes, source]
   *             properties:
   *               label: { type: string, maxLength: 100 }
   *               scopes: { type: array, minItems: 1, items: { type: string } }
   *               source: { type: string, pattern: '^[a-z][a-z0-9_]{0,31}$', description: 'Not desk or walk_in' }
   *           example: { label: 'Phone agent', scopes: [doctors:read, slots:read, appointments:write], source: phone_agent }
   *     responses:
   *       201:
   *         description: 'Minted: {id, label, scopes, source, key, created_at}'
   *         content:
   *           application/json:
   *             example: { id: 0b7c…, label: Phone agent, scopes: [doctors:read, slots:read, appointments:write], source: phone_agent, key: 'ck_…' }
   *       400: { $ref: '#/components/responses/Problem' }
   */
  r.post('/api-keys', allow('admin'), validate(mintApiKeySchema), async (req, res) => {
    res.status(201).json(await apiKeys.mint(req.body, actorId(req)));
  });

  /**
   * @openapi
   * /api/v1/api-keys:
   *   get:
   *     tags: [api-keys]
   *     summary: 'List API keys (never the key itself)'
   *     x-roles: [admin]
   *     parameters:
   *       - { name: include_revoked, in: query, schema: { type: boolean, default: false } }
   *       - { $ref: '#/components/parameters/Limit' }
   *       - { $ref: '#/components/parameters/Offset' }
   *     responses:
   *       200: { description: 'A page: {data: ApiKey[], total, limit, offset}' }
   *       400: { $ref: '#/components/responses/Problem' }
   */
  r.get('/api-keys', allow('admin'), validate(listApiKeysSchema), async (req, res) => {
    res.json(await apiKeys.list(req.query as never));
  });

  /**
   * @openapi
   * /api/v1/api-keys/{id}:
   *   delete:
   *     tags: [api-keys]
   *     summary: 'Revoke an API key; it stops working at once'
   *     x-roles: [admin]
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     responses:
   *       204: { description: Revoked }
   *       404: { $ref: '#/components/responses/Problem' }
   */
  r.delete('/api-keys/:id', allow('admin'), validate(revokeApiKeySchema), async (req, res) => {
    await apiKeys.revoke(req.params.id as string);
    res.status(204).end();
  });

  return r;
}
