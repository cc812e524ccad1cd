import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeApi, type TestApi } from './test-support.ts';

describe('API bearer auth', () => {
  let t: TestApi;
  before(async () => {
    t = await makeApi();
  });
  after(() => t.close());

  test('401 API_ERR_UNAUTHORIZED without a token, with WWW-Authenticate', async () => {
    const res = await t.req('GET', '/api/stations', undefined, null);
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error.code, 'API_ERR_UNAUTHORIZED');
    assert.equal(res.json().error.field, 'authorization');
    assert.match(String(res.headers['www-authenticate']), /^Bearer/);
  });

  test('401 with an unknown token, a non-Bearer scheme or an empty token', async () => {
    for (const authorization of ['Bearer cw_nottherighttoken', `Basic ${Buffer.from('a:b').toString('base64')}`, 'Bearer ', `bearer ${t.admin}x`]) {
      const res = await t.app.inject({ method: 'GET', url: '/api/stations', headers: { authorization } });
      assert.equal(res.statusCode, 401, authorization);
      assert.equal(res.json().error.code, 'API_ERR_UNAUTHORIZED');
    }
  });

  test('the scheme is case-insensitive', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/stations', headers: { authorization: `bearer ${t.admin}` } });
    assert.equal(res.statusCode, 200);
  });

  test('a readonly token may GET but gets 403 API_ERR_FORBIDDEN on writes, and nothing is written', async () => {
    assert.equal((await t.req('GET', '/api/stations', undefined, t.reader)).statusCode, 200);
    const post = await t.req('POST', '/api/stations', { id: 'CS-RO' }, t.reader);
    assert.equal(post.statusCode, 403);
    assert.equal(post.json().error.code, 'API_ERR_FORBIDDEN');
    assert.equal(await t.runtime.store.getStation('CS-RO'), undefined);
    const cmd = await t.req('POST', '/api/stations/CS-RO/ocpp/Reset', { type: 'Immediate' }, t.reader);
    assert.equal(cmd.statusCode, 403);
    assert.equal(t.calls.length, 0);
  });

  test('token management needs an admin token even for GET', async () => {
    assert.equal((await t.req('GET', '/api/tokens', undefined, t.reader)).statusCode, 403);
    const res = await t.req('GET', '/api/tokens');
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().items.length, 2);
    assert.ok(res.json().items.every((x: Record<string, unknown>) => !('hash' in x)), 'hashes are not exposed');
  });

  test('tokens can be created (shown once) and revoked; the last admin token cannot be revoked', async () => {
    const created = await t.req('POST', '/api/tokens', { name: 'dashboard', role: 'readonly' });
    assert.equal(created.statusCode, 201);
    const { token, id } = created.json();
    assert.equal((await t.req('GET', '/api/stations', undefined, token)).statusCode, 200);
    assert.equal((await t.req('DELETE', `/api/tokens/${id}`)).statusCode, 204);
    assert.equal((await t.req('GET', '/api/stations', undefined, token)).statusCode, 401);
    assert.equal((await t.req('DELETE', `/api/tokens/${id}`)).json().error.code, 'API_ERR_TOKEN_NOT_FOUND');
    const adminId = t.tokens.list().find((r) => r.role === 'admin')!.id;
    const last = await t.req('DELETE', `/api/tokens/${adminId}`);
    assert.equal(last.statusCode, 409);
    assert.equal(last.json().error.code, 'API_ERR_LAST_ADMIN_TOKEN');
    const bad = await t.req('POST', '/api/tokens', { name: 'x', role: 'root' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.field, 'role');
  });

  test('unknown /api routes: 401 without a token, 404 API_ERR_NOT_FOUND with one', async () => {
    assert.equal((await t.req('GET', '/api/nope', undefined, null)).statusCode, 401);
    const res = await t.req('GET', '/api/nope');
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().error.code, 'API_ERR_NOT_FOUND');
  });

  test('/health, /ready, /metrics, /openapi.json and /docs need no token', async () => {
    for (const url of ['/health', '/ready', '/metrics', '/openapi.json', '/docs']) {
      assert.equal((await t.req('GET', url, undefined, null)).statusCode, 200, url);
    }
  });
});
