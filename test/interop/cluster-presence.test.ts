// Clustering: which stations are online, as every node sees it (presence over NATS): announcements,
// graceful stop ("bye"), crash (heartbeat expiry), late joiners (snapshot), repair of lost messages,
// and isolation of deployments by subject prefix. Real NATS (127.0.0.1:4222); unreachable = FAIL.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { connect, ErrorCode, NatsError } from 'nats';
import { OcppError } from '@chargewire/ocpp';
import { loadConfig } from '@chargewire/csms';
import { eventually } from '../fixtures/csms.ts';
import { aBootNotification } from '../fixtures/builders.ts';
import type { NatsBus } from '../../packages/csms/src/bus/nats.ts';
import { ClusterError } from '../../packages/csms/src/cluster/errors.ts';
import { NATS_URL, startCluster, testPrefix } from '../../packages/csms/src/cluster/test-support.ts';
import { commandSubject, encode, presenceSubject } from '../../packages/csms/src/cluster/protocol.ts';

const TIMEOUT = 900;

/** Until the NATS server itself has dropped the subscriptions of a node whose connection closed: the
 * client's close() returns before the server has processed it, and a request routed meanwhile to the
 * dead subscription times out instead of failing with "no responders" (seen once in CI). */
async function untilServerDropped(prefix: string, nodeId: string): Promise<void> {
  const nc = await connect({ servers: NATS_URL });
  try {
    for (let i = 0; i < 50; i++) {
      try {
        await nc.request(commandSubject(prefix, nodeId), new Uint8Array(0), { timeout: 100 });
      } catch (e) {
        if (e instanceof NatsError && e.code === ErrorCode.NoResponders) return;
      }
    }
    throw new Error(`the NATS server still routes to node ${nodeId} after 50 probes`);
  } finally {
    await nc.close();
  }
}

describe('cluster presence', () => {
  test('graceful stop of node A: node B sees its stations offline at once ("bye")', async () => {
    const cluster = await startCluster({ store: 'memory', presenceTimeoutMs: 60_000 });
    try {
      const a = await cluster.node('node-a');
      const b = await cluster.node('node-b');
      const cs = await a.connect('BYE-CS');
      await cs.call('BootNotification', aBootNotification());
      await eventually(() => b.csms.runtime.cluster!.isOnline('BYE-CS'));
      await a.stop();
      // far below the 60 s presence timeout: the goodbye message did it
      await eventually(() => !b.csms.runtime.cluster!.isOnline('BYE-CS'), 2000);
    } finally {
      await cluster.stop();
    }
  });

  test('crash of node A (NATS link lost, no goodbye): node B sees the station offline within the presence timeout', async () => {
    const cluster = await startCluster({ store: 'memory', presenceTimeoutMs: TIMEOUT });
    try {
      const a = await cluster.node('node-a');
      const b = await cluster.node('node-b');
      const cs = await a.connect('CRASH-CS');
      await cs.call('BootNotification', aBootNotification());
      await eventually(() => b.csms.runtime.cluster!.isOnline('CRASH-CS'));
      const t0 = Date.now();
      await (a.csms.runtime.bus as NatsBus).connection!.close(); // node A goes silent
      await untilServerDropped(cluster.prefix, 'node-a');
      // a command meanwhile: nobody serves node A's subject any more -> offline, caused by NO_RESPONDER
      await assert.rejects(b.csms.runtime.callStation('CRASH-CS', 'Reset', { type: 'Immediate' }), (e: unknown) => e instanceof OcppError && e.code === 'OCPP_ERR_CLOSED' && e.cause instanceof ClusterError && e.cause.code === 'CLUSTER_ERR_NO_RESPONDER');
      await eventually(() => !b.csms.runtime.cluster!.isOnline('CRASH-CS'), TIMEOUT * 2);
      assert.ok(Date.now() - t0 <= TIMEOUT * 2, 'offline within the presence timeout (plus one heartbeat)');
      assert.equal(a.csms.runtime.sessions.has('CRASH-CS'), true, 'the station is still connected to the crashed node');
    } finally {
      await cluster.stop();
    }
  });

  test('crash without a command: the heartbeat expiry alone takes the station offline', async () => {
    const cluster = await startCluster({ store: 'memory', presenceTimeoutMs: TIMEOUT });
    try {
      const a = await cluster.node('node-a');
      const b = await cluster.node('node-b');
      await (await a.connect('EXPIRE-CS')).call('BootNotification', aBootNotification());
      await eventually(() => b.csms.runtime.cluster!.isOnline('EXPIRE-CS'));
      const t0 = Date.now();
      await (a.csms.runtime.bus as NatsBus).connection!.close();
      await new Promise((r) => setTimeout(r, TIMEOUT / 3));
      assert.equal(b.csms.runtime.cluster!.isOnline('EXPIRE-CS'), true, 'not before the timeout');
      await eventually(() => !b.csms.runtime.cluster!.isOnline('EXPIRE-CS'), TIMEOUT * 2);
      const took = Date.now() - t0;
      assert.ok(took >= TIMEOUT * 0.5 && took <= TIMEOUT * 2, `expired after ${took} ms`);
    } finally {
      await cluster.stop();
    }
  });

  test('a node that starts later learns the stations already connected elsewhere (snapshot)', async () => {
    const cluster = await startCluster({ store: 'memory', presenceTimeoutMs: TIMEOUT });
    try {
      const a = await cluster.node('node-a');
      for (const id of ['EARLY-1', 'EARLY-2']) await (await a.connect(id)).call('BootNotification', aBootNotification());
      await new Promise((r) => setTimeout(r, 100));
      const late = await cluster.node('node-late');
      await eventually(() => late.csms.runtime.cluster!.isOnline('EARLY-1') && late.csms.runtime.cluster!.isOnline('EARLY-2'), 2000);
      assert.equal(late.csms.runtime.cluster!.stationVersion('EARLY-1'), a.csms.runtime.sessions.get('EARLY-1')!.version);
    } finally {
      await cluster.stop();
    }
  });

  test('a lost announcement is repaired: the heartbeat count differs, the owner sends its full list', async () => {
    const cluster = await startCluster({ store: 'memory', presenceTimeoutMs: TIMEOUT });
    const nc = await connect({ servers: NATS_URL });
    try {
      const a = await cluster.node('node-a');
      const b = await cluster.node('node-b');
      await (await a.connect('REPAIR-CS')).call('BootNotification', aBootNotification());
      await eventually(() => b.csms.runtime.cluster!.isOnline('REPAIR-CS'));
      // a forged "down" in node A's name: node B drops the station, as if it had missed the real state
      nc.publish(presenceSubject(cluster.prefix), encode({ v: 1, t: 'down', node: 'node-a', id: 'REPAIR-CS' }));
      await nc.flush();
      await eventually(() => !b.csms.runtime.cluster!.isOnline('REPAIR-CS'), 1000);
      await eventually(() => b.csms.runtime.cluster!.isOnline('REPAIR-CS'), TIMEOUT * 2);
    } finally {
      await nc.close();
      await cluster.stop();
    }
  });

  test('deployments on other subject prefixes are isolated (no presence, no forwarding)', async () => {
    const cluster = await startCluster({ store: 'memory', presenceTimeoutMs: TIMEOUT });
    try {
      const a = await cluster.node('node-a');
      const other = await cluster.node('node-a', { prefix: testPrefix() }); // even the same node id
      const b = await cluster.node('node-b');
      await (await a.connect('MINE-CS')).call('BootNotification', aBootNotification());
      await eventually(() => b.csms.runtime.cluster!.isOnline('MINE-CS'));
      await new Promise((r) => setTimeout(r, TIMEOUT / 2));
      assert.equal(other.csms.runtime.cluster!.isOnline('MINE-CS'), false);
      await assert.rejects(other.csms.runtime.callStation('MINE-CS', 'Reset', { type: 'Immediate' }), (e: unknown) => e instanceof OcppError && e.code === 'OCPP_ERR_CLOSED');
    } finally {
      await cluster.stop();
    }
  });
});

describe('cluster configuration', () => {
  test('cluster.enabled defaults to false; CHARGEWIRE_CLUSTER=true needs CHARGEWIRE_BUS=nats', () => {
    assert.equal(loadConfig().cluster.enabled, false);
    assert.throws(() => loadConfig({ env: { CHARGEWIRE_CLUSTER: 'true' } }), /CHARGEWIRE_CLUSTER \(cluster\.enabled\): a cluster needs the NATS bus/);
    const cfg = loadConfig({ env: { CHARGEWIRE_CLUSTER: 'true', CHARGEWIRE_BUS: 'nats', CHARGEWIRE_NODE_ID: 'csms-1', CHARGEWIRE_CLUSTER_PRESENCE_TIMEOUT_MS: '5000' } });
    assert.deepEqual(cfg.cluster, { enabled: true, nodeId: 'csms-1', presenceTimeoutMs: 5000 });
    assert.throws(() => loadConfig({ env: { CHARGEWIRE_CLUSTER: 'true', CHARGEWIRE_BUS: 'nats', CHARGEWIRE_NODE_ID: 'a.b' } }), /CHARGEWIRE_NODE_ID/);
  });

  test('without cluster.enabled a node on the NATS bus does not forward (runtime.cluster absent)', async () => {
    const { startTestCsms } = await import('../fixtures/csms.ts');
    const t = await startTestCsms({ bus: { kind: 'nats', natsUrl: NATS_URL, subjectPrefix: testPrefix() } });
    try {
      assert.equal(t.csms.runtime.cluster, undefined);
    } finally {
      await t.stop();
    }
  });
});
