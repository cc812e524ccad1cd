// registerDashboard: files with their content types, SPA fallback for client routes, never for /api.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { dashboardDir, registerDashboard } from '../serve.ts';

test('serves dist with content types, SPA fallback, 404 for /api and missing assets', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-dist-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(join(dir, 'assets', 'app-1.js'), 'console.log(1)');
  writeFileSync(join(dir, 'assets', 'app-1.css'), 'body{}');
  const app = Fastify();
  registerDashboard(app, { dir });
  try {
    const root = await app.inject({ url: '/' });
    assert.equal(root.statusCode, 200);
    assert.match(root.headers['content-type'] as string, /^text\/html/);
    assert.equal(root.headers['cache-control'], 'no-cache');
    const js = await app.inject({ url: '/assets/app-1.js' });
    assert.match(js.headers['content-type'] as string, /^text\/javascript/);
    assert.match(js.headers['cache-control'] as string, /immutable/);
    assert.match((await app.inject({ url: '/assets/app-1.css' })).headers['content-type'] as string, /^text\/css/);
    const route = await app.inject({ url: '/stations/CS001?tab=journal' });
    assert.equal(route.statusCode, 200);
    assert.match(route.body, /id="root"/);
    assert.equal((await app.inject({ url: '/assets/missing.js' })).statusCode, 404);
    const api = await app.inject({ url: '/api/nope' });
    assert.equal(api.statusCode, 404);
    assert.equal(JSON.parse(api.body).error.code, 'API_ERR_NOT_FOUND');
    const escape = await app.inject({ url: '/..%2f..%2fetc%2fpasswd' });
    assert.match(escape.body, /id="root"/); // never a file outside dist
    assert.equal((await app.inject({ method: 'HEAD', url: '/' })).statusCode, 200);
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without a build, / says how to build', async () => {
  const app = Fastify();
  registerDashboard(app, { dir: join(tmpdir(), 'cw-no-such-dist') });
  const res = await app.inject({ url: '/' });
  assert.equal(res.statusCode, 503);
  assert.match(res.body, /npm run build -w packages\/dashboard/);
  await app.close();
  assert.ok(dashboardDir().path.endsWith(join('packages', 'dashboard', 'dist')));
});
