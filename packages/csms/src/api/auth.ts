// Bearer-token authentication for every /api route. readonly tokens may only read (GET/HEAD); routes
// marked `config: { adminOnly: true }` need an admin token even for GET. `config: { queryToken: true }`
// also accepts `?token=` (the SSE route: EventSource cannot set headers).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors.ts';
import type { TokenRecord, TokenStore } from './tokens.ts';

export interface RouteAuthConfig {
  adminOnly?: boolean;
  queryToken?: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    apiToken?: TokenRecord;
  }
}

const READ_METHODS = new Set(['GET', 'HEAD']);

function presentedToken(request: FastifyRequest, allowQuery: boolean): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return m?.[1] ?? '';
  }
  if (allowQuery) {
    const q = (request.query as Record<string, unknown> | undefined)?.['token'];
    if (typeof q === 'string') return q;
  }
  return undefined;
}

export function bearerAuth(tokens: TokenStore) {
  return async function onRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const cfg = (request.routeOptions.config ?? {}) as RouteAuthConfig;
    const token = presentedToken(request, cfg.queryToken === true);
    if (token === undefined) {
      void reply.header('www-authenticate', 'Bearer realm="chargewire"');
      throw new ApiError('API_ERR_UNAUTHORIZED', 'missing bearer token (Authorization: Bearer <token>)', { field: 'authorization' });
    }
    const record = token ? tokens.verify(token) : undefined;
    if (!record) {
      void reply.header('www-authenticate', 'Bearer realm="chargewire", error="invalid_token"');
      throw new ApiError('API_ERR_UNAUTHORIZED', 'invalid bearer token', { field: 'authorization' });
    }
    request.apiToken = record;
    if (record.role === 'admin') return;
    if (cfg.adminOnly) throw new ApiError('API_ERR_FORBIDDEN', 'this route needs an admin token');
    if (!READ_METHODS.has(request.method)) throw new ApiError('API_ERR_FORBIDDEN', `a readonly token may not ${request.method} (read-only role)`);
  };
}
