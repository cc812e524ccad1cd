// Swarm smoke test, bounded: 200 stations for ~5 s against a WebSocket CSMS on 127.0.0.1 (createOcppServer
// with scripted answers). Every station connects and boots, sessions run with periodic meter values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSwarm } from './swarm.ts';
import { startWsCsms } from './testing/ws-csms.ts';

test('swarm: 200 stations for 5 s on loopback - all connected, transactions with meter values, no errors', { timeout: 30_000 }, async () => {
  const csms = await startWsCsms();
  const heap0 = process.memoryUsage().heapUsed;
  const lines: string[] = [];
  const s = await runSwarm({
    url: csms.url, count: 200, rampMs: 400, durationS: 5, idleMs: [200, 800], chargeMs: [2500, 3500], meterIntervalS: 1, print: (l) => lines.push(l),
  });
  const heapMb = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
  await csms.close();
  assert.equal(s.stations, 200);
  assert.equal(s.connectedMax, 200);
  assert.equal(s.errors, 0, lines.join('\n'));
  assert.ok(s.transactions >= 150, `transactions ${s.transactions}`);
  // Boot + status + token + Started + >= 1 periodic Updated per transaction at least.
  assert.ok(s.messages > 200 * 4, `messages ${s.messages}`);
  assert.ok(s.p99 < 1000, `p99 ${s.p99} ms`);
  assert.ok(heapMb < 150, `heap grew ${heapMb.toFixed(0)} MB`);
  assert.ok(lines.some((l) => /^t=\d+s connected=200\/200 /.test(l)), 'live summary lines');
});
