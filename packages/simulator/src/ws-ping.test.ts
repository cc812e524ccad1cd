// OCPPCommCtrlr.WebSocketPingInterval (OCPP 2.1 Part 4 §8.4, Part 2 §2.1.14) drives the station's WebSocket pings,
// over a real socket: a raw `ws` server counts the pings and plays a minimal CSMS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { OcppClient } from '@chargewire/ocpp';
import { createStation } from './station.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('Part 4 §8.4 WebSocketPingInterval: default 30 s; the station pings at the configured interval, and a SetVariables of 0 stops the pings at once', async () => {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: (p) => (p.has('ocpp2.1') ? 'ocpp2.1' : false) });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  let pings = 0;
  let sock: WebSocket | undefined;
  const replies = new Map<string, (payload: unknown) => void>();
  wss.on('connection', (ws) => {
    sock = ws;
    ws.on('ping', () => { pings++; });
    ws.on('message', (data) => {
      const [type, id, a, b] = JSON.parse(String(data)) as [number, string, unknown, unknown];
      if (type === 3) { replies.get(id)?.(a); return; }
      if (type !== 2) return;
      const payload = a === 'BootNotification' ? { currentTime: new Date().toISOString(), interval: 300, status: 'Accepted' }
        : a === 'Heartbeat' ? { currentTime: new Date().toISOString() } : {};
      void b;
      ws.send(JSON.stringify([3, id, payload]));
    });
  });
  const call = (id: string, action: string, payload: unknown) => new Promise<unknown>((resolve) => {
    replies.set(id, resolve);
    sock!.send(JSON.stringify([2, id, action, payload]));
  });
  const setPing = (id: string, value: string) => call(id, 'SetVariables', {
    setVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'WebSocketPingInterval' }, attributeValue: value }],
  }) as Promise<{ setVariableResult: { attributeStatus: string }[] }>;

  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ocpp`;
  // The device-model default (30 s) is what the client is configured with.
  const dflt = createStation({ identity: 'PING0', url, versions: ['2.1'] });
  assert.equal((dflt.link as OcppClient).opts.limits?.pingIntervalMs, 30_000);

  const st = createStation({ identity: 'PING1', url, versions: ['2.1'], variables: { 'OCPPCommCtrlr.WebSocketPingInterval': '1' } });
  try {
    await st.start();
    await sleep(1400);
    assert.ok(pings >= 1, `pings every second, saw ${pings}`);
    const off = await setPing('sv1', '0');
    assert.equal(off.setVariableResult[0]!.attributeStatus, 'Accepted');
    pings = 0;
    await sleep(2200);
    assert.equal(pings, 0, 'WebSocketPingInterval 0: no pings from the station');
    assert.equal((st.link as OcppClient).opts.limits?.pingIntervalMs, 0, 'and none on the next connection either');
    await setPing('sv2', '1');
    await sleep(1400);
    assert.ok(pings >= 1, `pinging again, saw ${pings}`);
  } finally {
    await st.stop();
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
  }
});
