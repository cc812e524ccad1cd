// B10 Migrate to new CSMS, station side, over real WebSockets: CSMS servers on 127.0.0.1, the
// station moves between them by NetworkConfigurationPriority (Part 6 TC_B_45/46/49_CS, 2.0.1).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOcppServer, type OcppTypes, type OcppVersion } from '@chargewire/ocpp';
import { createStation, type Station } from '../station.ts';
import { ScriptedCsms } from '../testing/scripted-csms.ts';
import { QUIET } from './sequence.ts';

interface TestCsms { url: string; csms: ScriptedCsms; attempts: number; connections: number; connectedAt: number[]; close(): Promise<void> }

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ocpp`;
}

/** A scripted CSMS; `refuse()` true turns a handshake down with HTTP 503. */
async function startCsms(refuse: () => boolean = () => false): Promise<TestCsms> {
  const csms = new ScriptedCsms();
  const server = createServer();
  const t: TestCsms = {
    url: '', csms, attempts: 0, connections: 0, connectedAt: [],
    close: async () => { await ocpp.close(); await new Promise<void>((r) => server.close(() => r())); },
  };
  const ocpp = createOcppServer({
    authenticate: () => { t.attempts++; return refuse() ? { ok: false, status: 503 } : { ok: true }; },
    onConnection: ({ endpoint }) => { t.connections++; t.connectedAt.push(Date.now()); csms.attach(endpoint); },
  });
  ocpp.attach(server);
  t.url = await listen(server);
  return t;
}

/** An endpoint that never lets a WebSocket handshake complete (the OCTT "does not respond/accept"). */
async function startDeadEnd(): Promise<{ url: string; attempts: number; close(): Promise<void> }> {
  const server = createServer((_req, res) => res.end());
  const d = { url: '', attempts: 0, close: () => new Promise<void>((r) => server.close(() => r())) };
  server.on('upgrade', (_req, socket) => { d.attempts++; socket.destroy(); });
  d.url = await listen(server);
  return d;
}

const FAST = { ...QUIET, 'OCPPCommCtrlr.RetryBackOffWaitMinimum': '0', 'OCPPCommCtrlr.RetryBackOffRandomRange': '0', 'OCPPCommCtrlr.RetryBackOffRepeatTimes': '0' };
const profile = (version: OcppVersion, url: string): OcppTypes.NetworkConnectionProfileType => ({
  ocppCsmsUrl: url, ocppInterface: 'Wired0', ocppTransport: 'JSON', messageTimeout: 30, securityProfile: 1, ...(version === '2.0.1' ? { ocppVersion: 'OCPP20' } : {}),
});
const PRIO = { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NetworkConfigurationPriority' } };

async function stationOn(a: TestCsms, version: OcppVersion, variables: Record<string, string> = {}): Promise<Station> {
  const st = createStation({ identity: 'MIG1', url: a.url, versions: [version], variables: { ...FAST, ...variables }, rebootDelayMs: 5 });
  await st.start();
  await a.csms.until(() => st.registration === 'Accepted');
  return st;
}

/** TC step 1–6: profile for `url` in slot 2, priority "2,0", Reset OnIdle. */
async function migrate(a: TestCsms, version: OcppVersion, url: string): Promise<void> {
  assert.equal((await a.csms.call('SetNetworkProfile', { configurationSlot: 2, connectionData: profile(version, url) })).status, 'Accepted');
  const set = await a.csms.call('SetVariables', { setVariableData: [{ ...PRIO, attributeValue: '2,0' }] });
  assert.ok(['Accepted', 'RebootRequired'].includes(set.setVariableResult[0]!.attributeStatus));
  assert.equal((await a.csms.call('Reset', { type: 'OnIdle' })).status, 'Accepted');
}

const active = async (c: ScriptedCsms): Promise<string | undefined> =>
  (await c.call('GetVariables', { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'ActiveNetworkProfile' } }] })).getVariableResult[0]!.attributeValue;

describe('B10 migrate to a new CSMS over WebSockets (station)', () => {
  for (const version of ['2.1', '2.0.1'] as OcppVersion[]) {
    test(`TC_B_45_CS B09.FR.01 B10.FR.01 B10.FR.04 B10.FR.06 new profile first in NetworkConfigurationPriority: after Reset the station is on CSMS 2 (${version})`, async () => {
      const a = await startCsms();
      const b = await startCsms();
      const st = await stationOn(a, version);
      try {
        let aClosedAt = 0;
        void a.csms.endpoint!.whenClosed().then(() => { aClosedAt = Date.now(); });
        await migrate(a, version, b.url);
        await b.csms.until(() => b.csms.of('BootNotification').length === 1);
        assert.equal(b.csms.of('BootNotification')[0]!.reason, 'RemoteReset');
        // [B10.FR.06] disconnected from the old CSMS before connecting to the new one.
        assert.ok(aClosedAt > 0 && aClosedAt <= b.connectedAt[0]!, 'CSMS 1 connection closed first');
        assert.equal(a.connections, 1);
        assert.equal(await active(b.csms), '2');
      } finally { await st.stop(); await a.close(); await b.close(); }
    });
  }

  test('TC_B_46_CS B10.FR.03 B10.FR.04 first entry fails NetworkProfileConnectionAttempts times: the next entry is used', async () => {
    const a = await startCsms();
    const dead = await startDeadEnd();
    const st = await stationOn(a, '2.0.1', { 'OCPPCommCtrlr.NetworkProfileConnectionAttempts': '2' });
    try {
      await migrate(a, '2.0.1', dead.url);
      await a.csms.until(() => a.csms.of('BootNotification').length === 2);
      assert.equal(dead.attempts, 2, 'two attempts with the new profile (slot 2)');
      assert.deepEqual(a.csms.of('BootNotification').map((b) => b.reason), ['PowerUp', 'RemoteReset']);
      assert.equal(await active(a.csms), '0');
    } finally { await st.stop(); await a.close(); await dead.close(); }
  });

  test('TC_B_49_CS B10.FR.07 B10.FR.09 every entry failed: keeps reconnecting with the last successful profile, never gives up', async () => {
    let refuse = 0;
    const a = await startCsms(() => refuse-- > 0);
    const dead = await startDeadEnd();
    const st = await stationOn(a, '2.0.1', { 'OCPPCommCtrlr.NetworkProfileConnectionAttempts': '1' });
    try {
      refuse = 3; // slot 0 turns the next three handshakes down
      await migrate(a, '2.0.1', dead.url);
      await a.csms.until(() => a.csms.of('BootNotification').length === 2, 10_000);
      // slot 2 once (1 attempt per entry), slot 0 once, then only slot 0 (last successful) until it works.
      assert.equal(dead.attempts, 1);
      assert.equal(a.attempts, 1 + 3 + 1);
      assert.equal(await active(a.csms), '0');
    } finally { await st.stop(); await a.close(); await dead.close(); }
  });

  test('B10.FR.08 B10.FR.09 no last successful profile: every entry of NetworkConfigurationPriority again, without end', async () => {
    const d1 = await startDeadEnd();
    const d2 = await startDeadEnd();
    const st = createStation({
      identity: 'MIG1', url: d1.url, versions: ['2.1'],
      variables: {
        ...FAST, 'OCPPCommCtrlr.NetworkProfileConnectionAttempts': '1', 'OCPPCommCtrlr.NetworkConfigurationPriority': '2,1',
        'OCPPCommCtrlr.ActiveNetworkProfile': '', // never connected
        'NetworkConfiguration[1].OcppCsmsUrl': d1.url, 'NetworkConfiguration[1].SecurityProfile': '1', 'NetworkConfiguration[1].MessageTimeout': '30',
        'NetworkConfiguration[2].OcppCsmsUrl': d2.url, 'NetworkConfiguration[2].SecurityProfile': '1', 'NetworkConfiguration[2].MessageTimeout': '30',
      },
    });
    try {
      void st.start();
      const end = Date.now() + 5000;
      while ((d1.attempts < 3 || d2.attempts < 3) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      // Alternating 2,1,2,1,…: the order of the list each round, one attempt per entry.
      assert.ok(d2.attempts >= 3 && d1.attempts >= 3, `attempts slot 2: ${d2.attempts}, slot 1: ${d1.attempts}`);
      assert.ok(Math.abs(d2.attempts - d1.attempts) <= 1);
    } finally { await st.stop(); await d1.close(); await d2.close(); }
  });

  test('B10.FR.03 B10.FR.10 connection lost and the profile in use stays down: next entry, with a BootNotification although not rebooted', async () => {
    const a = await startCsms();
    const b = await startCsms();
    const st = createStation({
      identity: 'MIG1', url: a.url, versions: ['2.1'], rebootDelayMs: 5,
      variables: {
        ...FAST, 'OCPPCommCtrlr.NetworkProfileConnectionAttempts': '1', 'OCPPCommCtrlr.NetworkConfigurationPriority': '2,0',
        'NetworkConfiguration[2].OcppCsmsUrl': b.url, 'NetworkConfiguration[2].SecurityProfile': '1', 'NetworkConfiguration[2].MessageTimeout': '30',
      },
    });
    try {
      await st.start();
      // [B10.FR.04] the first entry of NetworkConfigurationPriority.
      await b.csms.until(() => st.registration === 'Accepted');
      assert.equal(b.csms.of('BootNotification').length, 1);
      assert.equal(a.connections, 0);
      await b.close();
      await a.csms.until(() => a.csms.of('BootNotification').length === 1);
      assert.equal(st.str('OCPPCommCtrlr', 'ActiveNetworkProfile', ''), '0');
      await a.csms.until(() => st.registration === 'Accepted');
    } finally { await st.stop(); await a.close(); }
  });
});
