import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createHttpAuthorizer, parseAuthorizerAnswer } from './http.ts';
import { TtlCache } from './ttl-cache.ts';

describe('HTTP external authorizer', () => {
  let server: Server;
  let url = '';
  const bodies: Record<string, unknown>[] = [];
  let delayMs = 0;
  before(async () => {
    server = createServer((req, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        const body = JSON.parse(data) as { idToken: { idToken: string } };
        bodies.push(body);
        setTimeout(() => {
          if (body.idToken.idToken === 'ERR') { res.statusCode = 500; res.end('boom'); return; }
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify(body.idToken.idToken === 'BAD' ? { nope: 1 } : { idTokenInfo: { status: 'Accepted', groupIdToken: { idToken: 'HUB', type: 'Central' } } }));
        }, delayMs);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/authorize`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  test('POSTs station, token and purpose; the answer is cached for the TTL', async () => {
    bodies.length = 0;
    const a = createHttpAuthorizer({ url, cacheTtlMs: 60_000 });
    const input = { stationId: 'CS1', idToken: { idToken: 'ROAM-1', type: 'eMAID' }, purpose: 'authorize' as const };
    const r1 = await a.authorize(input);
    const r2 = await a.authorize(input);
    assert.deepEqual(r1, { idTokenInfo: { status: 'Accepted', groupIdToken: { idToken: 'HUB', type: 'Central' } } });
    assert.deepEqual(r2, r1);
    assert.equal(bodies.length, 1);
    assert.deepEqual(bodies[0], { stationId: 'CS1', idToken: { idToken: 'ROAM-1', type: 'eMAID' }, purpose: 'authorize' });
  });

  test('a timeout, an HTTP error or a malformed answer gives no answer and is not cached', async () => {
    const errors: string[] = [];
    const a = createHttpAuthorizer({ url, timeoutMs: 100, onError: (e) => errors.push(e.message) });
    assert.equal(await a.authorize({ stationId: 'CS1', idToken: { idToken: 'ERR', type: 'eMAID' }, purpose: 'authorize' }), undefined);
    assert.equal(await a.authorize({ stationId: 'CS1', idToken: { idToken: 'BAD', type: 'eMAID' }, purpose: 'authorize' }), undefined);
    delayMs = 300;
    const t0 = Date.now();
    assert.equal(await a.authorize({ stationId: 'CS1', idToken: { idToken: 'SLOW', type: 'eMAID' }, purpose: 'authorize' }), undefined);
    assert.ok(Date.now() - t0 < 280);
    delayMs = 0;
    assert.equal(a.cache.size, 0);
    assert.equal(errors.length, 3);
    assert.ok(errors.every((m) => !m.includes('ERR') && !m.includes('SLOW')), 'token values never reach error messages');
  });

  test('answers are validated: unknown statuses are dropped, language2 needs a different language1', () => {
    assert.equal(parseAuthorizerAnswer({ idTokenInfo: { status: 'Maybe' } }), undefined);
    assert.deepEqual(parseAuthorizerAnswer({ idTokenInfo: { status: 'NoCredit', language1: 'en', language2: 'en' } }), { idTokenInfo: { status: 'NoCredit', language1: 'en' } });
  });

  test('the TTL cache expires entries and evicts the oldest beyond its capacity', () => {
    let now = 0;
    const c = new TtlCache<number>(1000, 2, () => now);
    c.set('a', 1); c.set('b', 2); c.set('c', 3);
    assert.equal(c.get('a'), undefined);
    assert.equal(c.get('b'), 2);
    now = 1000;
    assert.equal(c.get('c'), undefined);
  });
});
