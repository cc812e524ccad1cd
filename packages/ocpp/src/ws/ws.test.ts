// Real-socket tests of the WebSocket server (CSMS role) and client (station role) on loopback.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { createOcppServer, type OcppConnection, type OcppServerOptions } from './server.ts';
import { OcppClient } from './client.ts';
import { backoffDelayMs } from './backoff.ts';
import { parseIdentity, parseBasicAuth } from './identity.ts';

async function startServer(opts: Partial<OcppServerOptions> = {}) {
  const conns: OcppConnection[] = [];
  const ocpp = createOcppServer({
    ...opts,
    onConnection: (c) => {
      conns.push(c);
      c.endpoint.handle('BootNotification', async () => ({ currentTime: new Date().toISOString(), interval: 300, status: 'Accepted' }));
      c.endpoint.handle('Heartbeat', async () => ({ currentTime: new Date().toISOString() }));
      opts.onConnection?.(c);
    },
  });
  const http: Server = createServer((_req, res) => res.end('ok'));
  ocpp.attach(http);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const port = (http.address() as AddressInfo).port;
  return {
    ocpp, conns, port, url: `ws://127.0.0.1:${port}/ocpp`,
    async stop() { await ocpp.close(); await new Promise((r) => http.close(r)); http.closeAllConnections(); },
  };
}

function rawConnect(url: string, protocols: string[], headers: Record<string, string> = {}, perMessageDeflate = true) {
  const ws = new WebSocket(url, protocols, { headers, perMessageDeflate });
  return new Promise<{ ws: WebSocket; status?: number; closeCode?: number }>((resolve) => {
    ws.on('unexpected-response', (_req, res) => { resolve({ ws, status: res.statusCode }); res.resume(); });
    ws.on('open', () => resolve({ ws }));
    ws.on('error', () => {});
  });
}

const closeCode = (ws: WebSocket) => new Promise<number>((r) => ws.on('close', (code) => r(code)));

describe('WebSocket server and client over loopback', () => {
  const stops: Array<() => Promise<void>> = [];
  after(async () => { for (const s of stops) await s(); });

  test('station client ↔ CSMS server: 2.1 preferred, calls both ways', async () => {
    const s = await startServer();
    stops.push(s.stop);
    const client = new OcppClient({ url: s.url, identity: 'CS001', reconnect: false });
    client.handle('Reset', async () => ({ status: 'Accepted' }));
    const { version } = await client.connect();
    assert.equal(version, '2.1');
    const r = await client.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } });
    assert.equal(r.status, 'Accepted');
    const conn = s.ocpp.connections.get('CS001');
    assert.ok(conn);
    assert.equal((await conn.endpoint.call('Reset', { type: 'OnIdle' })).status, 'Accepted');
    await client.close();
  });

  test('§3.1.2 a 2.0.1-only station negotiates ocpp2.0.1', async () => {
    const s = await startServer();
    stops.push(s.stop);
    const client = new OcppClient({ url: s.url, identity: 'CS201', versions: ['2.0.1'], reconnect: false });
    assert.equal((await client.connect()).version, '2.0.1');
    assert.equal(s.conns[0]?.version, '2.0.1');
    await client.close();
  });

  test('§3.3 no matching subprotocol: handshake completes without one, then the CSMS closes', async () => {
    const s = await startServer();
    stops.push(s.stop);
    const { request } = await import('node:http');
    const result = await new Promise<{ status: number; protocol: string | undefined; frame: Buffer }>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1', port: s.port, path: '/ocpp/CS16',
        headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'x3JJHMbDL1EzLkh9GBhXDw==', 'Sec-WebSocket-Protocol': 'ocpp1.6' },
      });
      req.on('upgrade', (res, socket, head) => {
        const done = (frame: Buffer) => { resolve({ status: res.statusCode ?? 0, protocol: res.headers['sec-websocket-protocol'], frame }); socket.destroy(); };
        if (head.length) done(head);
        else socket.once('data', done);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(result.status, 101);
    assert.equal(result.protocol, undefined, 'no Sec-WebSocket-Protocol header');
    assert.equal(result.frame[0], 0x88, 'a close frame follows at once');
    assert.equal(result.frame.readUInt16BE(2), 1002);
    assert.equal(s.conns.length, 0);
  });

  test('§3.3 unknown identity -> HTTP 404 and wrong credentials -> 401, before the upgrade', async () => {
    const s = await startServer({
      authenticate: ({ identity, basic }) => {
        if (identity !== 'KNOWN') return { ok: false, status: 404 };
        if (basic?.username !== 'KNOWN' || basic.password !== 'pässwörd-0123456789') return { ok: false, status: 401 };
        return { ok: true, context: { role: 'station' } };
      },
    });
    stops.push(s.stop);
    assert.equal((await rawConnect(`${s.url}/NOPE`, ['ocpp2.1'])).status, 404);
    assert.equal((await rawConnect(`${s.url}/KNOWN`, ['ocpp2.1'])).status, 401);
    const bad = new OcppClient({ url: s.url, identity: 'KNOWN', password: 'wrong', reconnect: false });
    await assert.rejects(bad.connect(), (e: Error & { statusCode?: number }) => e.statusCode === 401);
    const good = new OcppClient({ url: s.url, identity: 'KNOWN', password: 'pässwörd-0123456789', reconnect: false });
    await good.connect();
    assert.deepEqual(s.conns[0]?.context, { role: 'station' });
    await good.close();
    assert.equal(s.conns.length, 1);
  });

  test('§3.1.1 identity rules: bad identities get HTTP 400', async () => {
    const s = await startServer();
    stops.push(s.stop);
    assert.equal((await rawConnect(`${s.url}/A%3AB`, ['ocpp2.1'])).status, 400);
    assert.equal((await rawConnect(`${s.url}/${'x'.repeat(49)}`, ['ocpp2.1'])).status, 400);
    const ok = await rawConnect(`${s.url}/RDAM%7C123`, ['ocpp2.1']);
    assert.equal(ok.status, undefined);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(s.conns[0]?.identity, 'RDAM|123');
    ok.ws.close();
  });

  test('§3.4 permessage-deflate is negotiated with the tuned parameters', async () => {
    const s = await startServer();
    stops.push(s.stop);
    const ws = new WebSocket(`${s.url}/CSZ`, ['ocpp2.1'], { perMessageDeflate: true });
    const opened = new Promise((r) => ws.once('open', r));
    const header = await new Promise<string>((r) => ws.on('upgrade', (res) => r(String(res.headers['sec-websocket-extensions']))));
    await opened;
    assert.match(header, /permessage-deflate/);
    assert.match(header, /server_no_context_takeover/);
    assert.match(header, /client_no_context_takeover/);
    assert.match(header, /server_max_window_bits=10/);
    const big = { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V', firmwareVersion: 'f'.repeat(50) }, customData: { vendorId: 'x', pad: 'y'.repeat(3000) } };
    const reply = new Promise<unknown[]>((r) => ws.once('message', (d) => r(JSON.parse(d.toString()))));
    ws.send(JSON.stringify([2, 'z1', 'BootNotification', big]));
    assert.equal((await reply)[0], 3);
    ws.close();
  });

  test('frames over maxPayloadBytes close the connection with 1009', async () => {
    const s = await startServer({ limits: { maxPayloadBytes: 1024 } });
    stops.push(s.stop);
    const { ws } = await rawConnect(`${s.url}/CSBIG`, ['ocpp2.1'], {}, false);
    const code = closeCode(ws);
    ws.send(JSON.stringify([2, 'b', 'Heartbeat', { customData: { vendorId: 'x', pad: 'p'.repeat(2000) } }]));
    assert.equal(await code, 1009);
  });

  test('a newer connection of the same identity replaces the old one', async () => {
    const s = await startServer();
    stops.push(s.stop);
    const first = await rawConnect(`${s.url}/DUP`, ['ocpp2.1']);
    const firstClosed = closeCode(first.ws);
    const second = await rawConnect(`${s.url}/DUP`, ['ocpp2.1']);
    assert.equal(await firstClosed, 1000);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(s.ocpp.connections.size, 1);
    assert.equal(s.ocpp.connections.get('DUP'), s.conns[1]);
    second.ws.close();
    await closeCode(second.ws);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(s.ocpp.connections.size, 0);
  });

  test('a slow reader that does not drain within drainTimeoutMs is disconnected', async () => {
    const s = await startServer({
      limits: { highWaterMarkBytes: 64 * 1024, drainTimeoutMs: 200, maxPayloadBytes: 8 * 1024 * 1024 },
      compression: false,
      onConnection: (c) => c.endpoint.handle('DataTransfer', async () => ({ status: 'Accepted', data: 'x'.repeat(1024 * 1024) })),
    });
    stops.push(s.stop);
    const { ws } = await rawConnect(`${s.url}/SLOW`, ['ocpp2.1'], {}, false);
    const raw = (ws as unknown as { _socket: import('node:net').Socket })._socket;
    raw.pause(); // stop reading: the CSMS's replies pile up
    for (let i = 0; i < 8; i++) ws.send(JSON.stringify([2, `s${i}`, 'DataTransfer', { vendorId: 'v' }]));
    const t0 = Date.now();
    const conn = await new Promise<OcppConnection>((r) => { const t = setInterval(() => { if (s.conns[0]) { clearInterval(t); r(s.conns[0]); } }, 5); });
    await conn.endpoint.whenClosed();
    assert.ok(Date.now() - t0 < 5000);
    assert.equal(s.ocpp.connections.size, 0);
    raw.destroy();
  });

  test('§5.3 a peer that stops answering pings is terminated (half-open detection)', async () => {
    const s = await startServer({ limits: { pingIntervalMs: 50 } });
    stops.push(s.stop);
    const { ws } = await rawConnect(`${s.url}/MUTE`, ['ocpp2.1'], {}, false);
    const conn = await new Promise<OcppConnection>((r) => { const t = setInterval(() => { if (s.conns[0]) { clearInterval(t); r(s.conns[0]); } }, 5); });
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(conn.endpoint.closed, false, 'a peer that answers pings stays connected');
    (ws as unknown as { _socket: import('node:net').Socket })._socket.pause();
    const { code } = await conn.endpoint.whenClosed();
    assert.equal(code, 1006);
    ws.terminate();
  });

  test('§5.4 the client reconnects after the connection drops', async () => {
    const s = await startServer();
    stops.push(s.stop);
    const client = new OcppClient({ url: s.url, identity: 'RECON', reconnect: { waitMinimumS: 0.02, randomRangeS: 0.01, repeatTimes: 2 } });
    await client.connect();
    const reopened = new Promise((r) => client.once('open', r));
    s.conns[0]?.endpoint.close(1001, 'restart');
    await reopened;
    assert.equal(s.conns.length, 2);
    assert.equal((await client.call('Heartbeat', {})).currentTime.length > 0, true);
    await client.close();
  });
});

describe('helpers', () => {
  test('§5.4 back-off: WaitMinimum + random, doubling at most RepeatTimes times', () => {
    const cfg = { waitMinimumS: 3, randomRangeS: 10, repeatTimes: 2 };
    assert.equal(backoffDelayMs(0, cfg, () => 0), 3000);
    assert.equal(backoffDelayMs(0, cfg, () => 0.5), 8000);
    assert.equal(backoffDelayMs(1, cfg, () => 0), 6000);
    assert.equal(backoffDelayMs(2, cfg, () => 0), 12000);
    assert.equal(backoffDelayMs(5, cfg, () => 0), 12000, 'keeps the last back-off time');
  });
  test('§3.1.1 identity parsing', () => {
    assert.deepEqual(parseIdentity('/ocppj/RDAM%7C123'), { ok: true, identity: 'RDAM|123', prefix: '/ocppj' });
    assert.deepEqual(parseIdentity('/CS1?x=1'), { ok: true, identity: 'CS1', prefix: '/' });
    assert.equal(parseIdentity('/ocpp/').ok, false);
    assert.equal(parseIdentity('/ocpp/a%3Ab').ok, false);
    assert.equal(parseIdentity('/ocpp/a%ZZ').ok, false);
    assert.equal(parseIdentity('/ocpp/has%20space').ok, false);
    assert.equal(parseIdentity(`/ocpp/${'x'.repeat(48)}`).ok, true);
  });
  test('Basic auth header: UTF-8 password, username before the first colon', () => {
    const h = `Basic ${Buffer.from('CS1:pa:ss wörd', 'utf8').toString('base64')}`;
    assert.deepEqual(parseBasicAuth(h), { username: 'CS1', password: 'pa:ss wörd' });
    assert.equal(parseBasicAuth('Bearer x'), undefined);
  });
});
