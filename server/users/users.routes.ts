import { Router } from 'express';
import { validate } from '../core/http';
import { Unauthorized } from '../core/errors';
import { allow } from '../auth/guard';
import type { UsersService } from './users.service';
import { createUserSchema, listUsersSchema, updateUserSchema } from './users.schemas';

/**
 * @openapi
 * components:
 *   schemas:
 *     User:
 *       type: object
 *       properties:
 *         id: { type: string, format: uuid }
 *         email: { type: string, description: 'Stored lower-cased; unique in any case' }
 *         role: { type: string, enum: [admin, reception, doctor] }
 *         doctor_id: { type: string, format: uuid, nullable: true, description: 'Set exactly for role doctor' }
 *         is_active: { type: boolean }
 *         created_at: { type: string, format: date-time }
 *         updated_at: { type: string, format: date-time }
 */
export function usersRouter({ users }: { users: UsersService }): Router {
  const r = Router();

  /**
   * @openapi
   * /api/v1/auth/me:
   *   get:
   *     tags: [auth]
   *     summary: 'The logged-in staff account'
   *     x-roles: [admin, reception, doctor]
   *     responses:
   *       200: { description: The account, content: { application/json: { schema: { $ref: '#/components/schemas/User' } } } }
   *       401: { $ref: '#/components/responses/Problem' }
   *       403: { $ref: '#/components/responses/Problem' }
   */
  r.get('/auth/me', allow('admin', 'reception', 'doctor'), async (req, res) => {
    if (req.actor?.type !== 'user') throw new Unauthorized();
    res.json(await users.get(req.actor.id));
  });

  /**
   * @openapi
   * /api/v1/users:
   *   post:
   *     tags: [users]
   *     summary: 'Create a staff account'
   *     description: 'Password at least 12 characters (Argon2id-hashed). role doctor needs doctor_id. Same e-mail in any case → 409 EMAIL_TAKEN.'
   *     x-roles: [admin]
   *     requestBody:
   *       required: true
   *       content:
   *         application/json:
   *           schema:
   *             type: object
   *             required: [email, password, role]
   *             properties:
   *               email: { type: string, format: email }
   *               password: { type: string, format: password, minLength: 12 }
   *               role: { type: string, enum: [admin, reception, doctor] }
   *               doctor_id: { type: string, format: uuid, nullable: true }
   *     responses:
   *       201: { description: Created, content: { application/json: { schema: { $ref: '#/components/schemas/User' } } } }
   *       400: { $ref: '#/components/responses/Problem' }
   *       409: { $ref: '#/components/responses/Problem' }
   *       422: { $ref: '#/components/responses/Problem' }
   */
  r.post('/users', allow('admin'), validate(createUserSchema), async (req, res) => {
    res.status(201).json(await users.create(req.body));
  });

  /**
   * @openapi
   * /api/v1/users:
   *   get:
   *     tags: [users]
   *     summary: 'List staff accounts'
   *     x-roles: [admin]
   *     parameters:
   *       - { name: role, in: query, schema: { type: string, enum: [admin, reception, doctor] } }
   *       - { name: is_active, in: query, schema: { type: boolean } }
   *       - { $ref: '#/components/parameters/Limit' }
   *       - { $ref: '#/components/parameters/Offset' }
   *     responses:
   *       200: { description: 'A page: {data: User[], total, limit, offset}' }
   *       400: { $ref: '#/components/responses/Problem' }
   */
  r.get('/users', allow('admin'), validate(listUsersSchema), async (req, res) => {
    res.json(await users.list(req.query as never));
  });

  /**
   * @openapi
   * /api/v1/users/{id}:
   *   patch:
   *     tags: [users]
   *     summary: 'Change role, doctor link, activity, or reset the password'
   *     description: 'Deactivating an account makes its tokens fail at once. The last active admin cannot be demoted or deactivated (409 LAST_ADMIN).'
   *     x-roles: [admin]
   *     parameters: [{ $ref: '#/components/parameters/Id' }]
   *     requestBody:
   *       required: true
   *       content:
   *         application/json:
   *           schema:
   *             type: object
   *             properties:
   *               role: { type: string, enum: [admin, reception, doctor] }
   *               doctor_id: { type: string, format: uuid, nullable: true }
   *               is_active: { type: boolean }
   *               password: { type: string, format: password, minLength: 12 }
   *     responses:
   *       200: { description: Updated, content: { application/json: { schema: { $ref: '#/components/schemas/User' } } } }
   *       400: { $ref: '#/components/responses/Problem' }
   *       404: { $ref: '#/components/responses/Problem' }
   *       409: { $ref: '#/components/responses/Problem' }
   */
  r.patch('/users/:id', allow('admin'), validate(updateUserSchema), async (req, res) => {
    res.json(await users.update(req.params.id as string, req.body));
  });

  return r;
}
