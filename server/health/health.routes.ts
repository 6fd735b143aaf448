import { Router } from 'express';
import type { Sequelize } from 'sequelize-typescript';
import type { Logger } from '../core/logger';
import { migrationsApplied } from '../core/migrator';
import { sendProblem } from '../core/http';

/** Liveness and readiness; public, mounted at the root. */
export function healthRouter({ sequelize, logger }: { sequelize: Sequelize; logger: Logger }): Router {
  const r = Router();
  let migrated = false;

  /**
   * @openapi
   * /health:
   *   get:
   *     tags: [operations]
   *     summary: 'Liveness — the process is up'
   *     security: []
   *     responses:
   *       200: { description: '{status: "ok"}' }
   */
  r.get('/health', (_req, res) => {
    res.json({ status: 'ok', uptime_s: Math.round(process.uptime()) });
  });

  /**
   * @openapi
   * /ready:
   *   get:
   *     tags: [operations]
   *     summary: 'Readiness — the database answers and every migration is applied'
   *     security: []
   *     responses:
   *       200: { description: '{status: "ready"}' }
   *       503: { $ref: '#/components/responses/Problem' }
   */
  r.get('/ready', async (req, res) => {
    try {
      await Promise.race([
        sequelize.query('SELECT 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('database check timed out')), 2000).unref()),
      ]);
      if (!migrated) migrated = await migrationsApplied(sequelize, logger);
      if (!migrated)
        return sendProblem(res, req, 503, 'MIGRATIONS_PENDING', 'Database migrations are pending', undefined, { 'Retry-After': '5' });
      res.json({ status: 'ready' });
    } catch {
      sendProblem(res, req, 503, 'DATABASE_UNAVAILABLE', 'The database is not reachable', undefined, { 'Retry-After': '2' });
    }
  });

  return r;
}
