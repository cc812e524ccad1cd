// GET /api/me: who the calling token is (the dashboard shows it and hides admin-only actions).
import type { FastifyInstance } from 'fastify';

const meSchema = {
  type: 'object',
  required: ['name', 'role'],
  additionalProperties: false,
  properties: { name: { type: 'string' }, role: { type: 'string', enum: ['admin', 'readonly'] } },
} as const;

export function meRoutes() {
  return async function me(app: FastifyInstance): Promise<void> {
    app.get('/me', { schema: { summary: 'Name and role of the calling token', tags: ['tokens'], response: { 200: meSchema } } }, async (request) => {
      // bearerAuth (auth.ts) ran first: apiToken is set on every request that reaches a secured route.
      const t = request.apiToken!;
      return { name: t.name, role: t.role };
    });
  };
}
