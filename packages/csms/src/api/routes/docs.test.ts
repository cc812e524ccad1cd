import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type RouteOptions } from 'fastify';
import { makeApi, makeRuntime, type TestApi } from '../test-support.ts';
import { registerApi, createMemoryTokenStore } from '../index.ts';
import { csmsToStationActions } from './command.ts';

/** Resolve a local `#/a/b` JSON pointer in `doc`. */
function resolve(doc: unknown, ref: string): unknown {
  return ref.slice(2).split('/').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
}

function collectRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => collectRefs(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) (k === '$ref' && typeof v === 'string' ? out.push(v) : collectRefs(v, out));
  }
  return out;
}

describe('OpenAPI, docs, metrics, health and readiness', () => {
  let t: TestApi;
  before(async () => {
    t = await makeApi({ readyTimeoutMs: 100 });
  });
  after(() => t.close());

  test('/openapi.json is OpenAPI 3.1 covering every route, with every $ref resolvable', async () => {
    const res = await t.req('GET', '/openapi.json', undefined, null);
    const doc = res.json();
    assert.equal(doc.openapi, '3.1.0');
    for (const [path, method] of <Array<[string, string]>>[
      ['/api/stations', 'post'], ['/api/stations', 'get'], ['/api/stations/{id}', 'get'], ['/api/stations/{id}', 'delete'],
      ['/api/stations/{id}/variables', 'get'], ['/api/stations/{id}/variables/set', 'post'], ['/api/stations/{id}/variables/get', 'post'],
      ['/api/events/notify', 'get'], ['/api/stations/{id}/journal', 'get'], ['/api/events', 'get'], ['/health', 'get'], ['/ready', 'get'], ['/metrics', 'get'],
    ]) {
      assert.ok(doc.paths[path]?.[method], `${method} ${path}`);
    }
    assert.equal(doc.paths['/api/stations'].post.responses['401'].content['application/json'].schema.$ref, '#/components/schemas/ApiError');
    assert.ok(doc.paths['/api/stations'].post.requestBody.content['application/json'].schema.properties.password);
    const refs = collectRefs(doc);
    assert.ok(refs.length > 100);
    for (const r of new Set(refs)) assert.ok(resolve(doc, r) !== undefined, `unresolved ${r}`);
  });

  test("the command route is documented once per CSMS-to-station action with that action's request schema", async () => {
    const doc = (await t.req('GET', '/openapi.json')).json();
    for (const action of csmsToStationActions()) {
      const op = doc.paths[`/api/stations/{id}/ocpp/${action}`]?.post;
      assert.ok(op, action);
      assert.ok(op.responses['504'] && op.responses['409'] && op.responses['502']);
    }
    const reset = doc.paths['/api/stations/{id}/ocpp/Reset'].post.requestBody.content['application/json'].schema;
    assert.deepEqual(reset.anyOf.map((s: { $ref: string }) => s.$ref), ['#/components/schemas/OCPP21_ResetRequest', '#/components/schemas/OCPP201_ResetRequest']);
    const schema = resolve(doc, reset.anyOf[0].$ref) as { required: string[]; properties: { type: { $ref: string } } };
    assert.deepEqual(schema.required, ['type']);
    assert.deepEqual((resolve(doc, schema.properties.type.$ref) as { enum: string[] }).enum, ['Immediate', 'OnIdle', 'ImmediateAndResume']);
    const afrr = doc.paths['/api/stations/{id}/ocpp/AFRRSignal'].post.requestBody.content['application/json'].schema;
    assert.equal(afrr.$ref, '#/components/schemas/OCPP21_AFRRSignalRequest', '2.1-only action has one schema');
  });

  test('/docs is a self-contained HTML page listing the routes and error codes', async () => {
    const res = await t.req('GET', '/docs', undefined, null);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.ok(res.body.includes('/api/stations/{id}/ocpp/Reset'));
    assert.ok(res.body.includes('API_ERR_STATION_OFFLINE'));
    assert.ok(!/src=|https?:\/\/(?!localhost)/.test(res.body), 'no external resources');
  });

  test('/metrics exposes the runtime registry including chargewire_api_requests_total', async () => {
    await t.req('GET', '/api/stations');
    const res = await t.req('GET', '/metrics', undefined, null);
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    assert.match(res.body, /chargewire_api_requests_total\{method="GET",route="\/api\/stations",status="200"\} \d+/);
  });

  test('/health is always ok; /ready is 200 while the store answers and 503 API_ERR_NOT_READY when it does not', async () => {
    assert.deepEqual((await t.req('GET', '/health', undefined, null)).json(), { status: 'ok' });
    assert.deepEqual((await t.req('GET', '/ready', undefined, null)).json(), { status: 'ready', store: 'memory' });
    const original = t.runtime.store.listStations;
    t.runtime.store.listStations = () => new Promise(() => {});
    try {
      const slow = await t.req('GET', '/ready', undefined, null);
      assert.equal(slow.statusCode, 503);
      assert.equal(slow.json().error.code, 'API_ERR_NOT_READY');
    } finally {
      t.runtime.store.listStations = original;
    }
  });
});

test('every route registered under /api (the charging routes of api-charging included) appears in /openapi.json and /docs', async () => {
  const rt = makeRuntime();
  const app = Fastify({ logger: false });
  const registered: RouteOptions[] = [];
  // Collected independently of the API's own onRoute hook: at the root, before the API is mounted.
  app.addHook('onRoute', (r) => void registered.push(r));
  await registerApi(app, rt.runtime, { tokens: createMemoryTokenStore() });
  await app.ready();
  try {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const html = (await app.inject({ method: 'GET', url: '/docs' })).body;
    const pairs = registered
      .flatMap((r) => (Array.isArray(r.method) ? r.method : [r.method]).map((m) => [String(m), r.url] as const))
      .filter(([m, url]) => m !== 'HEAD' && url.startsWith('/api/'));
    assert.ok(pairs.length >= 35, `only ${pairs.length} /api routes registered?`);
    for (const path of ['/api/transactions', '/api/id-tokens', '/api/stations/:id/local-list', '/api/me', '/api/overview']) {
      assert.ok(pairs.some(([, url]) => url === path), `${path} is registered`);
    }
    for (const [method, url] of pairs) {
      if (url === '/api/stations/:id/ocpp/:action') {
        assert.ok(doc.paths['/api/stations/{id}/ocpp/Reset']?.post, 'generic command route expanded per action');
        continue;
      }
      const path = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      const op = doc.paths[path]?.[method.toLowerCase()];
      assert.ok(op, `${method} ${path} is in /openapi.json`);
      assert.deepEqual(op.security, [{ bearer: [] }], `${method} ${path} is documented as needing a token`);
      assert.ok(op.summary, `${method} ${path} has a summary`);
      assert.ok(html.includes(`<code>${path}</code>`), `${path} is on /docs`);
    }
  } finally {
    await app.close();
    await rt.runtime.store.close();
  }
});
