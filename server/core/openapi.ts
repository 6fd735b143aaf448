import path from 'node:path';
import swaggerJsdoc from 'swagger-jsdoc';

/**
 * Builds the OpenAPI 3 document from the `@openapi` blocks next to the routes (compiled `*.routes.js`
 * files keep their JSDoc) plus the shared components below.
 */
export function buildOpenApi(): Record<string, unknown> {
  const serverDir = path.resolve(__dirname, '..');
  return swaggerJsdoc({
    definition: {
      openapi: '3.0.3',
      info: {
        title: 'Clinic front desk API',
        version: '1.0.0',
        description: 'Patients, doctor-day bookings, check-in queue and live waiting-room screens. Errors are RFC 9457 problem details.',
      },
      servers: [{ url: '/' }],
      // Every operation needs a bearer token unless it says `security: []`. Each protected operation lists the
      // staff roles it admits in `x-roles` (admin always), `x-doctor-scope: true` when a doctor is limited to
      // their own doctor_id, `x-screen: true` when a screen token is accepted (`site`: a site screen token),
      // `x-scopes` when an API key holding one of those scopes is accepted (keys reach no other route), and
      // `x-ends-session: true` when the call revokes the caller's own token (the authorization-matrix and fuzz
      // tests call those last or apart).
      security: [{ bearerAuth: [] }, { apiKey: [] }],
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'Staff JWT from POST /api/v1/auth/login, a screen token for the public queue view, or an API key (ck_…).',
          },
          apiKey: {
            type: 'apiKey',
            in: 'header',
            name: 'X-API-Key',
            description: 'API key (ck_…) of a machine client: only the routes whose x-scopes name one of its scopes.',
          },
        },
        responses: {
          Problem: {
            description: 'Problem details (RFC 9457)',
            content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
          },
        },
        schemas: {
          Problem: {
            type: 'object',
            properties: {
              type: { type: 'string' },
              title: { type: 'string' },
              status: { type: 'integer' },
              detail: { type: 'string' },
              instance: { type: 'string' },
              error: { type: 'string', example: 'VALIDATION_ERROR' },
              message: { type: 'string' },
              details: {},
              request_id: { type: 'string' },
            },
          },
        },
        parameters: {
          Id: { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
          Limit: { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
          Offset: { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
        },
      },
    },
    apis: [path.join(serverDir, '**/*.routes.js').replace(/\\/g, '/')],
    failOnErrors: true,
  }) as Record<string, unknown>;
}
