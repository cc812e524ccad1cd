// Liveness, readiness and Prometheus metrics (public: probes and scrapers carry no token).
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../index.ts';
import { ApiError } from '../errors.ts';

const statusSchema = { type: 'object', required: ['status'], properties: { status: { type: 'string' } } } as const;

export function metaRoutes(ctx: ApiContext) {
  return async function meta(app: FastifyInstance): Promise<void> {
    app.get('/health', { schema: { summary: 'Liveness: the process answers HTTP', tags: ['meta'], response: { 200: statusSchema } } }, async () => ({ status: 'ok' }));

    app.get(
      '/ready',
      {
        schema: {
          summary: 'Readiness: the store answers a read within readyTimeoutMs',
          tags: ['meta'],
          response: { 200: { ...statusSchema, properties: { status: { type: 'string' }, store: { type: 'string' } } }, 503: { $ref: 'ApiError#' } },
        },
      },
      async () => {
        const store = ctx.runtime.store;
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), ctx.opts.readyTimeoutMs);
        });
        try {
          await Promise.race([store.listStations({ limit: 1, offset: 0 }), timeout]);
        } catch (err) {
          ctx.runtime.log.warn({ err }, 'readiness probe: store not reachable');
          throw new ApiError('API_ERR_NOT_READY', `store (${store.kind}) not reachable: ${(err as Error).message}`);
        } finally {
          clearTimeout(timer);
        }
        return { status: 'ready', store: store.kind };
      },
    );

    app.get('/metrics', { schema: { summary: 'Prometheus metrics (text exposition format)', tags: ['meta'] } }, async (_request, reply) => {
      const text = await ctx.runtime.metrics.metrics();
      return reply.type(ctx.runtime.metrics.contentType).serializer((x: unknown) => x as string).send(text);
    });
  };
}
