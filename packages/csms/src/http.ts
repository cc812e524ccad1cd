// The HTTP side (Fastify): the REST API when its module is present (api/index.ts, registerApi), else
// fallback /health and /metrics so the server is observable without it.
import Fastify, { type FastifyInstance } from 'fastify';
import type { CsmsRuntime } from './runtime.ts';

type ApiModule = { registerApi(app: FastifyInstance, runtime: CsmsRuntime): Promise<void> | void };

export async function loadApi(): Promise<ApiModule | undefined> {
  try {
    return (await import('./api/index.ts')) as unknown as ApiModule;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes('api/index.ts')) return undefined;
    throw err;
  }
}

export async function createHttpApp(runtime: CsmsRuntime, opts: { api: boolean }): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: runtime.log.child({ component: 'http' }), disableRequestLogging: true }) as unknown as FastifyInstance;
  const api = opts.api ? await loadApi() : undefined;
  if (api) {
    await api.registerApi(app, runtime);
  } else {
    app.get('/health', async () => ({ status: 'ok' }));
    app.get('/metrics', async (_req, reply) => {
      reply.header('Content-Type', runtime.metrics.contentType);
      return runtime.metrics.metrics();
    });
  }
  return app;
}
