import { Router } from 'express';
import { validate } from '../core/http';
import type { AuthService } from './auth.service';
import { loginSchema } from './auth.schemas';
import { loginRateLimits } from './login-rate-limit';

/**
 * @openapi
 * components:
 *   schemas:
 *     LoginResult:
 *       type: object
 *       properties:
 *         access_token: { type: string, description: 'HS256 JWT; send as Authorization: Bearer <token>' }
 *         token_type: { type: string, enum: [Bearer] }
 *         expires_in: { type: integer, description: 'Seconds (default 28800, one shift)' }
 *         user:
 *           type: object
 *           properties:
 *             id: { type: string, format: uuid }
 *             email: { type: string }
 *             role: { type: string, enum: [admin, reception, doctor] }
 *             doctor_id: { type: string, format: uuid, nullable: true }
 */

/** The public part of auth: login. Mounted on `/api/v1` before authentication. */
export function loginRouter({ auth, loginRateLimit }: { auth: AuthService; loginRateLimit: number }): Router {
  const r = Router();
  const limits = loginRateLimits(loginRateLimit);

  /**
   * @openapi
   * /api/v1/auth/login:
   *   post:
   *     tags: [auth]
   *     summary: 'Log in with e-mail and password; returns a staff access token'
   *     description: |
   *       Any failure is the same 401 INVALID_CREDENTIALS. Failed attempts are limited per IP and per e-mail
   *       (LOGIN_RATE_LIMIT per 15 minutes), then 429 with Retry-After.
   *     security: []
   *     requestBody:
   *       required: true
   *       content:
   *         application/json:
   *           schema:
   *             type: object
   *             required: [email, password]
   *             properties: { email: { type: string, format: email }, password: { type: string, format: password } }
   *     responses:
   *       200: { description: Logged in, content: { application/json: { schema: { $ref: '#/components/schemas/LoginResult' } } } }
   *       400: { $ref: '#/components/responses/Problem' }
   *       401: { $ref: '#/components/responses/Problem' }
   *       429: { $ref: '#/components/responses/Problem' }
   */
  r.post('/auth/login', ...limits, validate(loginSchema), async (req, res) => {
    res.json(await auth.login(req.body.email, req.body.password));
  });

  return r;
}
