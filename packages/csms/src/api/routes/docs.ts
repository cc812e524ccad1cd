// /openapi.json and /docs: the OpenAPI document (built once, from the registered routes) and a small
// self-contained HTML page listing the routes (no CDN, no scripts).
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../index.ts';
import { buildOpenApi } from '../openapi.ts';
import { apiErrorCodes } from '../errors.ts';

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function docsPage(doc: Record<string, unknown>): string {
  const paths = doc['paths'] as Record<string, Record<string, { summary?: string; tags?: string[]; security?: unknown[] }>>;
  const groups = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const tag = op.tags?.[0] ?? 'other';
      const lock = op.security?.length ? ' 🔒' : '';
      (groups.get(tag) ?? groups.set(tag, []).get(tag)!).push(`<tr><td class="m ${esc(method)}">${esc(method.toUpperCase())}</td><td><code>${esc(path)}</code>${lock}</td><td>${esc(op.summary)}</td></tr>`);
    }
  }
  const sections = [...groups].map(([tag, rows]) => `<h2>${esc(tag)}</h2><table>${rows.join('')}</table>`).join('\n');
  const errors = Object.entries(apiErrorCodes).map(([code, e]) => `<tr><td><code>${esc(code)}</code></td><td>${e.status}</td><td>${esc(e.text)}</td></tr>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Chargewire CSMS API</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em auto;max-width:70em;padding:0 1em}table{border-collapse:collapse;width:100%}td{border-bottom:1px solid #ddd;padding:3px 6px;vertical-align:top}.m{font-weight:bold;width:5em}.get{color:#1a7f37}.post{color:#0550ae}.patch{color:#8250df}.delete{color:#cf222e}code{font-size:13px}</style>
</head><body>
<h1>Chargewire CSMS operator API</h1>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Routes marked 🔒 need <code>Authorization: Bearer &lt;token&gt;</code>; readonly tokens may only GET.
Errors are <code>{ "error": { "code", "message", "field"? } }</code>.</p>
${sections}
<h2>Error codes</h2><table>${errors}</table>
</body></html>`;
}

export function docsRoutes(ctx: ApiContext) {
  let doc: Record<string, unknown> | undefined;
  let html: string | undefined;
  const getDoc = () => (doc ??= buildOpenApi(ctx.routes));
  return async function docs(app: FastifyInstance): Promise<void> {
    app.get('/openapi.json', { schema: { summary: 'This OpenAPI 3.1 document', tags: ['meta'] } }, async () => getDoc());
    app.get('/docs', { schema: { summary: 'Browsable list of routes and error codes (HTML)', tags: ['meta'] } }, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').serializer((x: unknown) => x as string).send((html ??= docsPage(getDoc()))),
    );
  };
}
