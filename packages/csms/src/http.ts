// The HTTP side (Fastify): the REST API (api/index.ts) and the operator dashboard's static files
// (packages/dashboard/dist, built by `npm run build:dashboard`) at `/`.
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { registerDashboard } from '@chargewire/dashboard/serve';
import type { CsmsRuntime } from './runtime.ts';
import { registerApi } from './api/index.ts';

export async function createHttpApp(runtime: CsmsRuntime, opts: { api: boolean }): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: runtime.log.child({ component: 'http' }), logController: new LogController({ disableRequestLogging: true }) }) as unknown as FastifyInstance;
  if (opts.api) {
    await registerApi(app, runtime);
    registerDashboard(app);
  } else {
    app.get('/health', async () => ({ status: 'ok' }));
    app.get('/metrics', async (_req, reply) => {
      reply.header('Content-Type', runtime.metrics.contentType);
      return runtime.metrics.metrics();
    });
  }
  return app;
}
