// CLI flag parsing, scenario steps, scenario mode, swarm mode and the real-WebSocket path (createOcppServer on port 0).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWsCsms } from './testing/ws-csms.ts';
import { ScriptedCsms } from './testing/scripted-csms.ts';
import { assertLoopback, runSwarm } from './swarm.ts';
import { CliError, parseCli, type CliPlan } from './cli.ts';
import { loadScenario, runScenario, ScenarioError } from './scenario.ts';
import { harness } from './testing/harness.ts';

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

test('CLI --help exits 0 and lists every flag; a flag ignored in the mode given exits 2 with a message', () => {
  const r = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /plug \[evse\]/);
  for (const flag of ['--url', '--id', '--password', '--versions', '--evses', '--data-dir', '--payments', '--security-profile', '--ca', '--cert', '--key',
    '--scenario', '--count', '--ramp-ms', '--duration-s', '--heartbeat-s', '--allow-remote', '--help']) assert.ok(r.stdout.includes(flag), `${flag} in --help`);
  const bad = spawnSync(process.execPath, [bin, '--heartbeat-s', '5'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--heartbeat-s applies to swarm mode only/);
});

describe('CLI flag parsing (parseCli)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-cli-'));
  const pem = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };
  const ca = pem('ca.pem', 'CA PEM'), cert = pem('cert.pem', 'CERT PEM'), key = pem('key.pem', 'KEY PEM');
  const station = (argv: string[]) => {
    const plan = parseCli(argv);
    assert.equal(plan.kind, 'station');
    return (plan as Extract<CliPlan, { kind: 'station' }>).station;
  };
  const fails = (argv: string[], message: RegExp) => assert.throws(() => parseCli(argv), (e: Error) => e instanceof CliError && message.test(e.message));

  test('A00 --security-profile, --ca, --cert and --key map onto StationOptions.securityProfile and tls', () => {
    const p3 = station(['--url', 'wss://csms.example/ocpp', '--security-profile', '3', '--ca', ca, '--cert', cert, '--key', key]);
    assert.equal(p3.securityProfile, 3);
    assert.deepEqual(p3.tls, { ca: 'CA PEM', cert: 'CERT PEM', key: 'KEY PEM' });
    const p2 = station(['--url', 'wss://csms.example/ocpp', '--security-profile', '2', '--password', 'pw-of-sixteen-chars', '--ca', ca]);
    assert.deepEqual([p2.securityProfile, p2.password, p2.tls], [2, 'pw-of-sixteen-chars', { ca: 'CA PEM' }]);
    // Without the flag the profile follows from the URL and the credentials (SecurityCtrlr.SecurityProfile reports it).
    assert.equal(station(['--url', 'wss://csms.example/ocpp', '--password', 'pw-of-sixteen-chars']).securityProfile, 2);
    assert.equal(station(['--url', 'wss://csms.example/ocpp', '--cert', cert, '--key', key]).securityProfile, 3);
    assert.equal(station(['--url', 'ws://127.0.0.1:9000/ocpp', '--password', 'pw-of-sixteen-chars']).securityProfile, 1);
    assert.equal(station([]).securityProfile, undefined);
  });

  test('A00 combinations that cannot work are refused with a clear message', () => {
    fails(['--url', 'wss://csms.example/ocpp', '--security-profile', '3'], /--security-profile 3 needs a client certificate: --cert <pem file> --key <pem file>/);
    fails(['--url', 'ws://csms.example/ocpp', '--security-profile', '2', '--password', 'pw-of-sixteen-chars'], /--security-profile 2 needs a wss:\/\/ URL/);
    fails(['--url', 'wss://csms.example/ocpp', '--security-profile', '2'], /--security-profile 2 needs --password/);
    fails(['--security-profile', '4'], /--security-profile takes 1, 2 or 3/);
    // The same check as the station's (checkSecurityProfile): an empty certificate file is no client certificate.
    fails(['--url', 'wss://csms.example/ocpp', '--security-profile', '3', '--cert', pem('empty.pem', ''), '--key', key], /--security-profile 3 needs a client certificate/);
    fails(['--url', 'wss://csms.example/ocpp', '--cert', cert], /--cert and --key go together/);
    fails(['--ca', ca], /need a wss:\/\/ URL/);
    fails(['--url', 'wss://csms.example/ocpp', '--ca', join(dir, 'missing.pem')], /cannot read --ca/);
  });

  test('flags ignored in a mode are refused; --id names the swarm\'s stations', () => {
    fails(['--heartbeat-s', '30'], /--heartbeat-s applies to swarm mode only/);
    fails(['--ramp-ms', '10', '--duration-s', '5'], /--ramp-ms, --duration-s apply to swarm mode only/);
    fails(['--count', '5', '--evses', '2'], /--evses applies to a single station, not to a swarm/);
    fails(['--count', '5', '--data-dir', dir, '--payments', 'web'], /--data-dir, --payments apply to a single station/);
    fails(['--count', '5', '--security-profile', '1'], /--security-profile applies to a single station/);
    fails(['--count', 'many'], /--count must be an integer >= 1/);
    fails(['--evses', '0'], /--evses must be an integer >= 1/);
    fails(['--bogus'], /Unknown option '--bogus'/);
    const plan = parseCli(['--count', '20', '--ramp-ms', '10000', '--duration-s', '60', '--heartbeat-s', '30', '--id', 'LOAD', '--password', 'pw-of-sixteen-chars']);
    assert.deepEqual(plan, { kind: 'swarm', swarm: { url: 'ws://127.0.0.1:9000/ocpp', count: 20, rampMs: 10000, durationS: 60, allowRemote: false, password: 'pw-of-sixteen-chars', idPrefix: 'LOAD', heartbeatS: 30 } });
    const one = station(['--evses', '2', '--data-dir', dir, '--payments', 'terminal', '--versions', '2.0.1']);
    assert.deepEqual([one.evses?.length, one.dataDir, one.payments, one.versions, one.identity], [2, dir, { terminal: true, web: false }, ['2.0.1'], 'CS001']);
  });
});

describe('scenario steps', () => {
  const TWO = [{ connectors: [{}] }, { connectors: [{}] }];
  test('a scalar is the EVSE id (plug: 2, start: 2, unplug: 2; likewise stop, cancelPayment); bare names run steps without arguments', async () => {
    const { st } = await harness({ evses: TWO, variables: { 'AlignedDataCtrlr.Interval': '0' } });
    const r = await runScenario(st, { steps: [{ plug: 2 }, { power: { evse: 2, watts: 0 } }, { start: 2 }, 'offline', 'online'] });
    assert.deepEqual(r, { ok: true, failures: [], steps: 5 });
    assert.equal(st.state().evses[1]!.plugged, 1);
    assert.equal(st.state().evses[0]!.plugged, undefined);
    assert.equal(st.evse(2).evDemandW, 11_000, 'start: 2 restarted the EV on EVSE 2 (power 0 before)');
    assert.equal(st.connected, true);
    assert.equal((await runScenario(st, { steps: [{ unplug: 2 }] })).ok, true);
    assert.equal(st.state().evses[1]!.plugged, undefined, 'unplug: 2 unplugged EVSE 2');
    await st.stop();
  });

  test('a bare name that needs arguments or is unknown: a clear failure at run time and a ScenarioError when loading', async () => {
    const { st } = await harness({ variables: { 'AlignedDataCtrlr.Interval': '0' } });
    const bad = await runScenario(st, { steps: ['offlne'] });
    assert.equal(bad.ok, false);
    assert.match(bad.failures[0]!, /step 1: unknown step "offlne"/);
    assert.match((await runScenario(st, { steps: ['token'] })).failures[0]!, /step "token" needs an argument, e\.g\. token: 04A1B2C3/);
    assert.match((await runScenario(st, { steps: [42 as unknown as string] })).failures[0]!, /a step is a name/);
    await st.stop();
    const dir = mkdtempSync(join(tmpdir(), 'cw-sc-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'steps:\n  - offline\n  - wiat: 10\n');
    assert.throws(() => loadScenario(file), (e: Error) => e instanceof ScenarioError && /step 2: unknown step/.test(e.message));
    writeFileSync(file, '- offline\n- online\n- unplug: 1\n');
    assert.equal(loadScenario(file).steps.length, 3);
  });
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
