import { Router } from 'express';
import { validate } from '../core/http';
import { actorId } from '../core/actor';
import { allow } from '../auth/guard';
import type { DisplayTokensService } from './display-tokens.service';
import { listDisplayTokensSchema, mintDisplayTokenSchema, revokeDisplayTokenSchema } from './display-tokens.schemas';

/**
 * @openapi
 * components:
 *   schemas:
 *     DisplayToken:
 *       type: object
 *       properties:
 *         id: { type: string, format: uuid }
 *         label: { type: string, example: 'Waiting room TV 1' }
 *         doctor_ids: { type: array, items: { type: string, format: uuid } }
 *         created_by: { type: string, format: uuid, nullable: true }
 *         created_at: { type: string, format: date-time }
 *         revoked_at: { type: string, format: date-time, nullable: true }
 */
export function displayTokensRouter({ displayTokens }: { displayTokens: DisplayTokensService }): Router {
  const r = Router();

  /**
   * @openapi
   * /api/v1/display-tokens:
   *   post:
   *     tags: [display-tokens]
   *     summary: 'Mint a waiting-room screen token'
   *     description: |
   *       The token (`scr_…`) is in this answer only; the server keeps just its SHA-256. It reads the public queue view
   *       of `doctor_ids` (REST snapshot and Socket.IO) and nothing else.
   *     x-roles: [admin, reception]
   *     requestBody:
   *       required: true
   *       content:
   *         application/json:
   *           schema:
   *             type: object
   *             required: [label, doctor_ids]
   *             properties:
   *               label: { type: string, maxLength: 100 }
   *               doctor_ids: { type: array, minItems: 1, maxItems: 50, items: { type: string, format: uuid } }
   *     responses:
   *       201:
   *         description: 'Minted: {id, label, doctor_ids, token, created_at}'
   *         content:
   *           application/json:
   *             schema:
   *               type: object
   *               properties:
   *                 id: { type: string, format: uuid }
   *                 label: { type: string }
   *                 doctor_ids: { type: array, items: { type: string, format: uuid } }
   *                 token: { type: string, example: 'scr_…' }
   *                 created_at: { type: string, format: date-time }
   *       400: { $ref: '#/components/responses/Problem' }
   *       422: { $ref: '#/components/responses/Problem' }
   */
  r.post('/display-tokens', allow('admin', 'reception'), validate(mintDisplayTokenSchema), async (req, res) => {
    res.status(201).json(await displayTokens.mint(req.body, actorId(req)));
  });

  /**
   * @openapi
   * /api/v1/display-tokens:
   *   get:
   *     tags: [display-tokens]
   *     summary: 'List screen tokens (never the token itself)'
   *     x-roles: [admin, reception]
   *     parameters:
   *       - { name: include_revoked, in: query, schema: { type: boolean, default: false } }
   *       - { $ref: '#/components/parameters/Limit' }
   *       - { $ref: '#/components/parameters/Offset' }
   *     responses:
   *       200: { description: 'A page: {data: DisplayToken[], total, limit, offset}' }
   *       400: { $ref: '#/components/responses/Problem' }
   */
  r.get('/display-tokens', allow('admin', 'reception'), validate(listDisplayTokensSchema), async (req, res) => {
    res.json(await displayTokens.list(req.query as never));
  });

  /**
   * @openapi
   * /api/v1/display-tokens/{id}:
   *   delete:
   *     tags: [display-tokens]
   *     summary: 'Revoke a screen token; it stops working at once'
   *     x-roles: [admin, reception]
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     responses:
   *       204: { description: Revoked }
   *       400: { $ref: '#/components/responses/Problem' }
   *       404: { $ref: '#/components/responses/Problem' }
   */
  r.delete('/display-tokens/:id', allow('admin', 'reception'), validate(revokeDisplayTokenSchema), async (req, res) => {
    await displayTokens.revoke(req.params.id as string);
    res.status(204).end();
  });

  return r;
}
