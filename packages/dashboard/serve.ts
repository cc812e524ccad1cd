// Serving the built dashboard (packages/dashboard/dist) from the CSMS's Fastify app without
// @fastify/static: `registerDashboard(app)` answers GET/HEAD for files in dist/ with their content
// type, and index.html for any other non-/api path (client-side routes such as /stations/CS001).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface DashboardDir {
  /** Absolute path of dist/. */
  path: string;
  /** True when dist/index.html exists (run `npm run build -w packages/dashboard`). */
  built: boolean;
}

export function dashboardDir(): DashboardDir {
  // through the package, not beside this module: the CSMS also runs as one bundle elsewhere (scripts/build.ts)
  const path = join(dirname(createRequire(import.meta.url).resolve('@chargewire/dashboard/package.json')), 'dist');
  return { path, built: existsSync(join(path, 'index.html')) };
}

export const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Paths the dashboard never answers: the API and the server's own public routes. */
const RESERVED = /^\/(api(\/|$)|openapi\.json$|docs$|health$|ready$|metrics$)/;

export interface RegisterDashboardOptions {
  /** dist directory (default dashboardDir().path). */
  dir?: string;
}

/**
 * Register GET/HEAD `/` and `/*` on `app`. Files under dist/assets are immutable (hashed names) and
 * cached for a year; index.html is never cached. When dist/ is missing, `/` explains how to build it.
 */
export function registerDashboard(app: FastifyInstance, opts: RegisterDashboardOptions = {}): void {
  const root = resolve(opts.dir ?? dashboardDir().path);
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const url = decodeURIComponent(request.url.split('?')[0] ?? '/');
    if (RESERVED.test(url)) {
      return reply.status(404).type('application/json; charset=utf-8').send(JSON.stringify({ error: { code: 'API_ERR_NOT_FOUND', message: `no route ${request.method} ${url}` } }));
    }
    const indexFile = join(root, 'index.html');
    if (!existsSync(indexFile)) {
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The dashboard is not built. Run `npm run build -w packages/dashboard`, then reload. The API is at /api (see /docs).');
    }
    const target = normalize(join(root, url));
    let file = indexFile;
    if (target.startsWith(root + sep) && existsSync(target) && statSync(target).isFile()) file = target;
    else if (extname(url) !== '' && url.startsWith('/assets/')) {
      return reply.status(404).type('text/plain; charset=utf-8').send(`not found: ${url}`);
    }
    const type = contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream';
    const body = readFileSync(file);
    void reply.header('cache-control', file === indexFile ? 'no-cache' : file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
    void reply.header('x-content-type-options', 'nosniff');
    return reply.type(type).send(request.method === 'HEAD' ? undefined : body);
  };
  app.get('/', handler);
  app.get('/*', handler);
}
