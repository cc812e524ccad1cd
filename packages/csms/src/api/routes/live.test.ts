import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeApi, type TestApi } from '../test-support.ts';
import { parseTypes } from './live.ts';

/** Open an SSE stream; resolves once the response headers arrived. */
function open(url: string, headers: Record<string, string> = {}): Promise<{ res: IncomingMessage; next(match: RegExp): Promise<string> }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { headers }, (res) => {
      let buf = '';
      const waiters: Array<{ match: RegExp; resolve: (s: string) => void }> = [];
      const check = () => {
        for (const w of [...waiters]) {
          const m = w.match.exec(buf);
          if (m) {
            waiters.splice(waiters.indexOf(w), 1);
            buf = buf.slice(m.index + m[0].length);
            w.resolve(m[0]);
          }
        }
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        check();
      });
      resolve({
        res,
        next: (match) =>
          new Promise((r, j) => {
            const timer = setTimeout(() => j(new Error(`timeout waiting for ${match}; buffer: ${JSON.stringify(buf)}`)), 3000);
            waiters.push({ match, resolve: (s) => (clearTimeout(timer), r(s)) });
            check();
          }),
      });
    });
    req.on('error', reject);
  });
}

describe('GET /api/events (Server-Sent Events)', () => {
  let t: TestApi;
  let base: string;
  let subscribed = 0;
  before(async () => {
    t = await makeApi({ sseKeepAliveMs: 50 });
    const bus = t.runtime.bus;
    const subscribe = bus.subscribe.bind(bus);
    bus.subscribe = (pattern, listener) => {
      subscribed++;
      const off = subscribe(pattern, listener);
      return () => {
        subscribed--;
        off();
      };
    };
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  after(() => t.close());

  test('streams published bus events as `event: <type>` + `data: <json>`, with keep-alive comments', async () => {
    const { res, next } = await open(`${base}/api/events`, { authorization: `Bearer ${t.reader}` });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/event-stream/);
    await next(/: subscribed to \*\n\n/);
    const ev = { type: 'connector.status' as const, stationId: 'CS1', evseId: 1, connectorId: 1, status: 'Occupied', at: '2026-01-01T10:00:00.000Z' };
    t.runtime.bus.publish(ev);
    const frame = await next(/id: \d+\nevent: connector\.status\ndata: .*\n\n/);
    assert.deepEqual(JSON.parse(frame.split('\ndata: ')[1]!), ev);
    await next(/: keep-alive\n\n/);
    res.destroy();
    for (let i = 0; i < 100 && subscribed !== 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(subscribed, 0, 'bus subscription released on disconnect');
  });

  test('types= filters; ?token= is accepted; the subscription ends when the client disconnects', async () => {
    const before = subscribed;
    const { res, next } = await open(`${base}/api/events?types=transaction.*,transaction.started,station.booted&token=${t.reader}`);
    assert.equal(res.statusCode, 200);
    await next(/: subscribed to transaction\.\*,station\.booted\n\n/);
    assert.equal(subscribed, before + 2);
    t.runtime.bus.publish({ type: 'station.heartbeat', stationId: 'CS1', at: '2026-01-01T10:00:00.000Z' });
    t.runtime.bus.publish({ type: 'transaction.started', stationId: 'CS1', transactionId: 'T1', at: '2026-01-01T10:00:01.000Z' });
    const frame = await next(/event: [a-z.]+\ndata: .*\n\n/);
    assert.match(frame, /^event: transaction\.started\n/, 'heartbeat filtered out; started delivered once');
    t.runtime.bus.publish({ type: 'station.booted', stationId: 'CS1', status: 'Accepted', reason: 'PowerUp', model: 'M', vendorName: 'V', at: '2026-01-01T10:00:02.000Z' });
    assert.match(await next(/event: [a-z.]+\n/), /station\.booted/);
    res.destroy();
    for (let i = 0; i < 50 && subscribed !== before; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(subscribed, before, 'bus subscriptions released on disconnect');
  });

  test('401 without a token, 400 for a bad types pattern (before any stream starts)', async () => {
    const noToken = await open(`${base}/api/events`);
    assert.equal(noToken.res.statusCode, 401);
    noToken.res.resume();
    const bad = await open(`${base}/api/events?types=Station Booted`, { authorization: `Bearer ${t.admin}` });
    assert.equal(bad.res.statusCode, 400);
    bad.res.resume();
  });

  test('parseTypes normalizes patterns', () => {
    assert.deepEqual(parseTypes(undefined), ['*']);
    assert.deepEqual(parseTypes('*,station.booted'), ['*']);
    assert.deepEqual(parseTypes('station.booted, station.booted ,meter.values'), ['station.booted', 'meter.values']);
    assert.throws(() => parseTypes('station.'), /types/);
  });

  test('closing the server ends open streams instead of waiting for them (graceful shutdown)', async () => {
    const { res, next } = await open(`${base}/api/events`, { authorization: `Bearer ${t.admin}` });
    await next(/: subscribed/);
    const ended = new Promise<void>((r) => res.on('end', () => r()));
    const started = Date.now();
    await t.app.close();
    await ended;
    assert.ok(Date.now() - started < 2000);
    assert.equal(subscribed, 0);
  });
});
