// The operator REST API (Fastify plugin). main.ts calls `registerApi(app, runtime)`; everything under
// /api needs a bearer token (auth.ts). /health, /ready, /metrics, /openapi.json and /docs are public.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import type { CsmsRuntime } from '../runtime.ts';
import { StoreError } from '../store/store.ts';
import { CsmsError } from '../errors.ts';
import { bearerAuth } from './auth.ts';
import { ApiError, errorSchema } from './errors.ts';
import { createFileTokenStore, type TokenStore } from './tokens.ts';
import { validationToApiError, validatorCompiler } from './validation.ts';
import { metaRoutes } from './routes/meta.ts';
import { stationRoutes } from './routes/stations.ts';
import { deviceModelRoutes } from './routes/device-model.ts';
import { eventRoutes } from './routes/events.ts';
import { journalRoutes } from './routes/journal.ts';
import { commandRoutes } from './routes/command.ts';
import { liveRoutes, type LiveStreams } from './routes/live.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { docsRoutes } from './routes/docs.ts';
import { meRoutes } from './routes/me.ts';
import { overviewRoutes } from './routes/overview.ts';
import { registerChargingRoutes } from '../api-charging/index.ts';

export { ensureAdminToken, createFileTokenStore, createMemoryTokenStore, type TokenStore, type Role } from './tokens.ts';
export { ApiError, apiErrorCodes, type ApiErrorCode } from './errors.ts';

export interface ApiOptions {
  /** Token store; default: the file store in `dataDir`. */
  tokens?: TokenStore;
  /** Where api-tokens.json lives; default runtime.config.dataDir. */
  dataDir?: string;
  /** SSE keep-alive comment interval (default 15 000 ms). */
  sseKeepAliveMs?: number;
  /** Timeout of the readiness probe's store read (default 2 000 ms). */
  readyTimeoutMs?: number;
  /** Clock for /api/overview ("today", the message-rate window); default Date.now. Tests pass a fixed one. */
  clock?: () => number;
}

/** What the route files receive. */
export interface ApiContext {
  runtime: CsmsRuntime;
  tokens: TokenStore;
  live: LiveStreams;
  opts: Required<Pick<ApiOptions, 'sseKeepAliveMs' | 'readyTimeoutMs'>>;
  /** Routes registered so far (for /openapi.json and /docs). */
  routes: RouteOptions[];
}

function requestCounter(registry: Registry): Counter<'method' | 'route' | 'status'> {
  const name = 'chargewire_api_requests_total';
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<'method' | 'route' | 'status'>;
  return new Counter({ name, help: 'REST API requests by method, route pattern and HTTP status', labelNames: ['method', 'route', 'status'], registers: [registry] });
}

export function toApiError(err: unknown, request: FastifyRequest): ApiError {
  if (err instanceof ApiError) return err;
  const fe = err as FastifyError;
  if (fe && Array.isArray(fe.validation)) return validationToApiError(fe.validation as never, fe.validationContext);
  switch (fe?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError('API_ERR_BAD_JSON', 'body is not valid JSON', { field: 'body' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('API_ERR_BAD_JSON', "body is empty but content-type is application/json (send '{}')", { field: 'body' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('API_ERR_UNSUPPORTED_MEDIA_TYPE', 'content-type must be application/json', { field: 'content-type' });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('API_ERR_BODY_TOO_LARGE', undefined, { field: 'body' });
    default:
      break;
  }
  if (fe?.statusCode === 400 && (fe instanceof SyntaxError || String(fe.code).startsWith('FST_ERR_CTP'))) {
    return new ApiError('API_ERR_BAD_JSON', `body is not valid JSON: ${fe.message}`, { field: 'body' });
  }
  if (err instanceof StoreError) {
    if (err.code === 'STORE_ERR_INVALID') {
      const field = typeof err.details['field'] === 'string' ? err.details['field'] : undefined;
      return new ApiError('API_ERR_VALIDATION', err.message, field ? { field } : {});
    }
    if (err.code === 'STORE_ERR_CLOSED' || err.code === 'STORE_ERR_BACKEND') {
      request.log.error({ err }, 'store failure');
      return new ApiError('API_ERR_NOT_READY', 'the store is not available');
    }
  }
  if (err instanceof CsmsError && err.code === 'CSMS_ERR_SHUTTING_DOWN') return new ApiError('API_ERR_SHUTTING_DOWN');
  request.log.error({ err }, 'API request failed');
  return new ApiError('API_ERR_INTERNAL');
}

function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply) {
  const api = toApiError(err, request);
  return reply.status(api.status).send(api.toBody());
}

/** Mount the API on `app` (an encapsulated plugin: our compilers and error handler stay inside it). */
export async function registerApi(app: FastifyInstance, runtime: CsmsRuntime, options: ApiOptions = {}): Promise<void> {
  const tokens = options.tokens ?? createFileTokenStore(options.dataDir ?? runtime.config.dataDir);
  await app.register(async (api) => {
    const ctx: ApiContext = {
      runtime,
      tokens,
      live: new Set(),
      opts: { sseKeepAliveMs: options.sseKeepAliveMs ?? 15_000, readyTimeoutMs: options.readyTimeoutMs ?? 2_000 },
      routes: [],
    };
    api.setValidatorCompiler(validatorCompiler);
    // Response schemas document the API; JSON.stringify keeps every field (no fast-json-stringify pruning).
    api.setSerializerCompiler(() => (data) => JSON.stringify(data));
    api.setErrorHandler(errorHandler);
    api.addSchema(errorSchema);
    api.addHook('onRoute', (route) => {
      if (route.method !== 'HEAD' && !(Array.isArray(route.method) && route.method.includes('HEAD'))) ctx.routes.push(route);
    });
    const counter = requestCounter(runtime.metrics);
    api.addHook('onResponse', async (request, reply) => {
      counter.inc({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) });
    });
    // End live streams before the server waits for open connections to finish.
    api.addHook('preClose', async () => {
      for (const stream of ctx.live) stream.end();
    });

    await api.register(metaRoutes(ctx));
    await api.register(docsRoutes(ctx));
    await api.register(
      async (secured) => {
        secured.addHook('onRequest', bearerAuth(tokens));
        secured.setNotFoundHandler((request, reply) => {
          const e = new ApiError('API_ERR_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`);
          return reply.status(e.status).send(e.toBody());
        });
        await secured.register(stationRoutes(ctx));
        await secured.register(deviceModelRoutes(ctx));
        await secured.register(eventRoutes(ctx));
        await secured.register(journalRoutes(ctx));
        await secured.register(commandRoutes(ctx));
        await secured.register(liveRoutes(ctx));
        await secured.register(tokenRoutes(ctx));
        await secured.register((await import('./routes/credentials.ts')).credentialRoutes(ctx));
        await secured.register(meRoutes());
        await secured.register(overviewRoutes(ctx, options.clock));
        await secured.register(async (s) => registerChargingRoutes(s, runtime));
      },
      { prefix: '/api' },
    );
  });
}
