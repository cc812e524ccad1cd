// Clustering: a command that arrives at node B for a station connected to node A is forwarded over NATS
// and answered as if B held the station. Two real CSMS nodes in one process, a shared PostgreSQL store,
// the NATS server at 127.0.0.1:4222. Unreachable NATS or PostgreSQL FAILS these tests (no skips).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { OcppError, RpcError, type OcppClient } from '@chargewire/ocpp';
import { reset } from '@chargewire/csms';
import type { TestCsms } from '../fixtures/csms.ts';
import { eventually } from '../fixtures/csms.ts';
import { aBootNotification } from '../fixtures/builders.ts';
import { connect } from 'nats';
import { NATS_URL, startCluster, type TestCluster } from '../../packages/csms/src/cluster/test-support.ts';
import { commandSubject, encode, presenceSubject } from '../../packages/csms/src/cluster/protocol.ts';
import { ClusterError } from '../../packages/csms/src/cluster/errors.ts';

describe('cluster: commands between nodes (NATS request/reply)', () => {
  let cluster: TestCluster;
  let a: TestCsms;
  let b: TestCsms;
  let apiB: Awaited<ReturnType<TestCluster['api']>>;
  let n = 0;
  const sid = (tag: string) => `CLU-${process.pid}-${++n}-${tag}`;

  /** A station booted on node A that node B already knows as online. */
  async function stationOnA(tag: string, version?: '2.0.1' | '2.1'): Promise<{ id: string; cs: OcppClient }> {
    const id = sid(tag);
    const cs = await a.connect(id, version ? { version } : {});
    await cs.call('BootNotification', aBootNotification());
    await eventually(() => b.csms.runtime.cluster!.isOnline(id), 3000);
    return { id, cs };
  }

  before(async () => {
    cluster = await startCluster({ callTimeoutMs: 2000, presenceTimeoutMs: 1500 });
    a = await cluster.node('node-a');
    b = await cluster.node('node-b');
    apiB = await cluster.api(b);
  });
  after(async () => {
    await cluster?.stop();
  });

  test('POST /api/stations/:id/ocpp/Reset on node B reaches the station on node A and returns its answer', async () => {
    const { id, cs } = await stationOnA('RESET');
    const seen: unknown[] = [];
    cs.handle('Reset', async (_c, req) => {
      seen.push(req);
      return { status: 'Scheduled' };
    });
    assert.equal(b.csms.runtime.sessions.has(id), false, 'the session is on node A only');
    const res = await apiB.req('POST', `/api/stations/${id}/ocpp/Reset`, { type: 'OnIdle' });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { response: { status: 'Scheduled' } });
    assert.deepEqual(seen, [{ type: 'OnIdle' }]);
  });

  test('runtime.callStation and command helpers (reset()) on node B are forwarded too', async () => {
    const { id, cs } = await stationOnA('HELPER');
    cs.handle('Reset', async () => ({ status: 'Accepted' }));
    cs.handle('GetVariables', async (_c, req) => ({
      getVariableResult: req.getVariableData.map((d) => ({ attributeStatus: 'Accepted' as const, component: d.component, variable: d.variable, attributeValue: '42' })),
    }));
    assert.equal((await reset(b.csms.runtime, id, 'Immediate')).status, 'Accepted');
    const gv = await b.csms.runtime.callStation(id, 'GetVariables', { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] });
    assert.equal(gv.getVariableResult[0]?.attributeValue, '42');
  });

  test('a CALLERROR of the station reaches node B as RpcError with its code (API 502 with rpcCode)', async () => {
    const { id, cs } = await stationOnA('CALLERROR');
    cs.handle('Reset', async () => {
      throw new RpcError('NotSupported', 'no resets today');
    });
    await assert.rejects(b.csms.runtime.callStation(id, 'Reset', { type: 'Immediate' }), (e: unknown) => e instanceof RpcError && e.remote && e.code === 'NotSupported');
    const res = await apiB.req('POST', `/api/stations/${id}/ocpp/Reset`, { type: 'Immediate' });
    assert.equal(res.statusCode, 502);
    assert.equal(res.json().error.code, 'API_ERR_STATION_ERROR');
    assert.equal(res.json().error.rpcCode, 'NotSupported');
  });

  test('an invalid payload: the API on B refuses it (400); a direct call is refused by the owner as a local call would be', async () => {
    const { id, cs } = await stationOnA('INVALID');
    let reached = false;
    cs.handle('Reset', async () => {
      reached = true;
      return { status: 'Accepted' };
    });
    const res = await apiB.req('POST', `/api/stations/${id}/ocpp/Reset`, { type: 'Sometime' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.code, 'API_ERR_INVALID_PAYLOAD');
    const bad = { type: 'Sometime' } as never;
    const onA = await a.csms.runtime.callStation(id, 'Reset', bad).then(() => undefined, (e: unknown) => e as Error & { code: string });
    const onB = await b.csms.runtime.callStation(id, 'Reset', bad).then(() => undefined, (e: unknown) => e as Error & { code: string });
    assert.ok(onA && onB, 'both reject');
    assert.deepEqual([onB.constructor, onB.code], [onA.constructor, onA.code]);
    assert.equal(reached, false, 'nothing was sent to the station');
  });

  test('a station that does not answer in time: 504 on node B (the call timeout travels with the command)', async () => {
    const { id, cs } = await stationOnA('SLOW');
    cs.handle('Reset', async () => {
      await new Promise((r) => setTimeout(r, 1500));
      return { status: 'Accepted' };
    });
    const t0 = Date.now();
    const res = await apiB.req('POST', `/api/stations/${id}/ocpp/Reset?timeoutMs=300`, { type: 'Immediate' });
    assert.equal(res.statusCode, 504, res.body);
    assert.equal(res.json().error.code, 'API_ERR_STATION_TIMEOUT');
    assert.ok(Date.now() - t0 < 1400, 'the station timeout (300 ms), not the cluster margin, decides');
  });

  test('GET /api/stations on node B: online for a station on node A, offline after it disconnects; then 409 / OCPP_ERR_CLOSED', async () => {
    const { id, cs } = await stationOnA('OFFLINE');
    const onlineOnB = async () => ((await apiB.req('GET', `/api/stations?search=${id}`)).json().items as Array<{ id: string; online: boolean }>).find((s) => s.id === id)?.online;
    assert.equal(await onlineOnB(), true);
    assert.equal((await apiB.req('GET', `/api/stations/${id}`)).json().online, true);
    await cs.close();
    await eventually(async () => (await onlineOnB()) === false, 3000);
    const res = await apiB.req('POST', `/api/stations/${id}/ocpp/Reset`, { type: 'Immediate' });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().error.code, 'API_ERR_STATION_OFFLINE');
    await assert.rejects(b.csms.runtime.callStation(id, 'Reset', { type: 'Immediate' }), (e: unknown) => e instanceof OcppError && e.code === 'OCPP_ERR_CLOSED');
  });

  test('[F01] [F05] [F07] the charging routes on node B serve a station on node A: online guard and OCPP version from the cluster', async () => {
    const v21 = await stationOnA('CHG21', '2.1');
    const v201 = await stationOnA('CHG201', '2.0.1');
    const starts: unknown[] = [];
    for (const { cs } of [v21, v201]) {
      cs.handle('UnlockConnector', async () => ({ status: 'Unlocked' }));
      cs.handle('RequestStartTransaction', async (_c, req) => {
        starts.push(req);
        return { status: 'Accepted' };
      });
    }
    // the "station must be online" guard of the charging routes sees the session on node A
    const unlock = await apiB.req('POST', `/api/stations/${v21.id}/unlock`, { evseId: 1, connectorId: 1 });
    assert.equal(unlock.statusCode, 200, unlock.body);
    assert.deepEqual(unlock.json(), { response: { status: 'Unlocked' } });
    // [F07] a transaction limit needs OCPP 2.1: decided by the version of the connection on node A
    const idToken = { idToken: 'CLU-TOKEN', type: 'ISO14443' };
    const ok = await apiB.req('POST', `/api/stations/${v21.id}/transactions/start`, { idToken, evseId: 1, transactionLimit: { maxEnergy: 5000 } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().response.status, 'Accepted');
    assert.equal(starts.length, 1, 'the 2.1 station on node A got the RequestStartTransaction');
    const refused = await apiB.req('POST', `/api/stations/${v201.id}/transactions/start`, { idToken, evseId: 1, transactionLimit: { maxEnergy: 5000 } });
    assert.equal(refused.statusCode, 400, refused.body);
    assert.match(refused.json().error.message, /OCPP 2\.1/);
    assert.equal(starts.length, 1, 'nothing was sent to the 2.0.1 station');
  });

  test('stale presence: a command forwarded to a node that no longer holds the station fails with OCPP_ERR_CLOSED', async () => {
    const { id, cs } = await stationOnA('STALE');
    await cs.close();
    await eventually(() => !a.csms.runtime.sessions.has(id));
    // what node B does if A's "down" has not arrived yet: forward to A, which answers offline
    const spy = await connect({ servers: NATS_URL });
    const forwarded: string[] = [];
    spy.subscribe(commandSubject(cluster.prefix, 'node-a'), { callback: (_e, m) => forwarded.push(JSON.parse(new TextDecoder().decode(m.data)).stationId) });
    await spy.flush();
    try {
      await assert.rejects(forwardFromB(id), (e: unknown) => e instanceof OcppError && e.code === 'OCPP_ERR_CLOSED' && /not connected/.test(e.message));
      // the spy is another NATS connection: its copy of the command may arrive after B's answer
      await eventually(() => forwarded.length > 0, 2000);
      assert.deepEqual(forwarded, [id], 'the command went to node A, which answered offline');
    } finally {
      await spy.close();
    }
  });

  test('a command for a node nobody serves: OCPP_ERR_CLOSED caused by CLUSTER_ERR_NO_RESPONDER', async () => {
    await assert.rejects(forwardFromB('ANY', 'node-that-never-was'), (e: unknown) => e instanceof OcppError && e.code === 'OCPP_ERR_CLOSED' && e.cause instanceof ClusterError && e.cause.code === 'CLUSTER_ERR_NO_RESPONDER');
  });

  test('a command larger than the cluster limit is refused before it is sent (CLUSTER_ERR_PAYLOAD_TOO_LARGE)', async () => {
    const { id } = await stationOnA('BIG');
    const huge = { vendorId: 'x', data: 'y'.repeat(2 * 1024 * 1024) };
    await assert.rejects(b.csms.runtime.callStation(id, 'DataTransfer', huge), (e: unknown) => e instanceof ClusterError && e.code === 'CLUSTER_ERR_PAYLOAD_TOO_LARGE');
  });

  /** Make node B believe (one raw presence message) that `owner` holds `id`, then call it from B. */
  async function forwardFromB(id: string, owner = 'node-a') {
    const rt = b.csms.runtime;
    const nc = await connect({ servers: NATS_URL });
    try {
      nc.publish(presenceSubject(cluster.prefix), encode({ v: 1, t: 'up', node: owner, id, ver: '2.1', at: Date.now() + 60_000 }));
      await nc.flush();
      await eventually(() => rt.cluster!.isOnline(id));
    } finally {
      await nc.close();
    }
    return rt.callStation(id, 'Reset', { type: 'Immediate' });
  }
});
