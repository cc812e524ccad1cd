// API token management (admin only): list, create (the clear token is shown once), revoke.
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../index.ts';
import { ApiError } from '../errors.ts';
import type { Role, TokenRecord } from '../tokens.ts';

const tokenSchema = {
  type: 'object',
  properties: { id: { type: 'string' }, name: { type: 'string' }, role: { type: 'string', enum: ['admin', 'readonly'] }, createdAt: { type: 'string', format: 'date-time' } },
} as const;

const view = ({ hash: _h, ...rest }: TokenRecord) => rest;

export function tokenRoutes(ctx: ApiContext) {
  const { tokens } = ctx;
  return async function tokenApi(app: FastifyInstance): Promise<void> {
    app.get('/tokens', { config: { adminOnly: true }, schema: { summary: 'List API tokens (never the tokens themselves)', tags: ['tokens'], response: { 200: { type: 'object', properties: { items: { type: 'array', items: tokenSchema } } } } } }, async () => ({
      items: tokens.list().map(view),
    }));

    app.post<{ Body: { name: string; role: Role } }>(
      '/tokens',
      {
        config: { adminOnly: true },
        schema: {
          summary: 'Create an API token; the response carries the token once',
          tags: ['tokens'],
          body: { type: 'object', required: ['name', 'role'], additionalProperties: false, properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, role: { type: 'string', enum: ['admin', 'readonly'] } } },
          response: { 201: { ...tokenSchema, properties: { ...tokenSchema.properties, token: { type: 'string' } } }, 400: { $ref: 'ApiError#' } },
        },
      },
      async (request, reply) => {
        const { token, record } = tokens.create(request.body.name, request.body.role);
        request.log.info({ tokenId: record.id, role: record.role, by: request.apiToken?.id }, 'API token created');
        return reply.status(201).send({ ...view(record), token });
      },
    );

    app.delete<{ Params: { tokenId: string } }>(
      '/tokens/:tokenId',
      {
        config: { adminOnly: true },
        schema: {
          summary: 'Revoke an API token (the last admin token cannot be revoked)',
          tags: ['tokens'],
          params: { type: 'object', required: ['tokenId'], additionalProperties: false, properties: { tokenId: { type: 'string', maxLength: 100 } } },
          response: { 204: { type: 'null' }, 404: { $ref: 'ApiError#' }, 409: { $ref: 'ApiError#' } },
        },
      },
      async (request, reply) => {
        const all = tokens.list();
        const target = all.find((t) => t.id === request.params.tokenId);
        if (!target) throw new ApiError('API_ERR_TOKEN_NOT_FOUND', `no API token '${request.params.tokenId}'`, { field: 'tokenId' });
        if (target.role === 'admin' && all.filter((t) => t.role === 'admin').length === 1) {
          throw new ApiError('API_ERR_LAST_ADMIN_TOKEN', 'refusing to revoke the last admin token', { field: 'tokenId' });
        }
        tokens.revoke(target.id);
        request.log.info({ tokenId: target.id, by: request.apiToken?.id }, 'API token revoked');
        return reply.status(204).send();
      },
    );
  };
}
