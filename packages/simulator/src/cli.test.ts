// CLI scenario mode, swarm mode and the real-WebSocket path (createOcppServer on port 0).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWsCsms } from './testing/ws-csms.ts';
import { ScriptedCsms } from './testing/scripted-csms.ts';
import { assertLoopback, runSwarm } from './swarm.ts';

const bin = fileURLToPath(new URL('../bin/chargewire-sim.mjs', import.meta.url));
const SCENARIO = `
variables: { TxCtrlr.TxStartPoint: EVConnected, TxCtrlr.TxStopPoint: EVConnected }
steps:
  - expectSent: BootNotification
    response: { status: Accepted }
  - plug: { evse: 1, connector: 1 }
  - expectSent: TransactionEvent
    match: { eventType: Started, triggerReason: CablePluggedIn, seqNo: 0 }
  - token: { idToken: AABB, expect: Accepted }
  - expectSent: TransactionEvent
    match: { eventType: Updated, idToken: { idToken: AABB } }
  - unplug: { evse: 1 }
  - expectSent: TransactionEvent
    match: { eventType: Ended, transactionInfo: { stoppedReason: EVDisconnected } }
`;

test('CLI --scenario (YAML) over a real WebSocket with Basic auth: passes, and exits 1 on a mismatch', async () => {
  const csms = await startWsCsms({ password: 'secret-password-16' });
  try {
    const dir = mkdtempSync(join(tmpdir(), 'cw-sc-'));
    const good = join(dir, 'ok.yaml');
    writeFileSync(good, SCENARIO);
    const run = (file: string) => new Promise<{ status: number | null; out: string }>((resolve) => {
      // spawnSync would block the CSMS in this process: run it asynchronously.
      import('node:child_process').then(({ spawn }) => {
        const p = spawn(process.execPath, [bin, '--url', csms.url, '--id', 'SCN1', '--password', 'secret-password-16', '--scenario', file]);
        let out = '';
        p.stdout.on('data', (d: Buffer) => { out += d; });
        p.stderr.on('data', (d: Buffer) => { out += d; });
        p.on('exit', (status) => resolve({ status, out }));
      });
    });
    const ok = await run(good);
    assert.equal(ok.status, 0, ok.out);
    assert.match(ok.out, /scenario passed/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ steps: [{ expectSent: 'BootNotification', response: { status: 'Rejected' }, timeoutMs: 500 }] }));
    const ko = await run(bad);
    assert.equal(ko.status, 1, ko.out);
    assert.match(ko.out, /scenario FAILED/);
  } finally {
    await csms.close();
  }
});

test('CLI --help exits 0', () => {
  const r = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /plug \[evse\]/);
});

test('swarm: refuses non-loopback URLs unless allowed', () => {
  assert.throws(() => assertLoopback('ws://example.com/ocpp'), /loopback only/);
  assert.doesNotThrow(() => assertLoopback('ws://example.com/ocpp', true));
  assert.doesNotThrow(() => assertLoopback('ws://localhost:9000/ocpp'));
  assert.doesNotThrow(() => assertLoopback('ws://[::1]:9000/ocpp'));
});

test('swarm: 50 stations with ramp-up boot, report a summary line per second and stop in time', async () => {
  const csms = await startWsCsms({ make: () => new ScriptedCsms({ BootNotification: () => ({ currentTime: new Date().toISOString(), interval: 1, status: 'Accepted' }) }) });
  try {
    const lines: string[] = [];
    const t0 = Date.now();
    const s = await runSwarm({ url: csms.url, count: 50, rampMs: 500, durationS: 3, print: (l) => lines.push(l) });
    assert.ok(Date.now() - t0 < 8000);
    assert.equal(s.stations, 50);
    assert.equal(s.connectedMax, 50);
    assert.ok(s.messages >= 50 * 3, `boot + statuses + heartbeats, got ${s.messages}`);
    assert.equal(s.errors, 0);
    assert.ok(lines.length >= 3 && /connected=50\/50 msgs\/s=\d+ p50=\d+ms p95=\d+ms p99=\d+ms errors=0/.test(lines.at(-1)!), lines.join('\n'));
  } finally {
    await csms.close();
  }
});
