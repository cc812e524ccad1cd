// Transaction limits (E16/F07) and resumption (E17) interop: our simulator against our CSMS over real
// WebSockets (SQLite store), OCPP 2.1 only (transactionLimit, LimitSet and TxResumed do not exist in 2.0.1).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OcppTypes } from '@chargewire/ocpp';
import { ManualClock } from '@chargewire/simulator';
import { requestStartTransaction, triggerMessage } from '../../packages/csms/src/blocks/remote-control.ts';
import { setTransactionLimit } from '../../packages/csms/src/blocks/transactions.ts';
import { startSimEnv, idFor, eventually, drained, statusStored, type SimEnv, type SimStation } from './sim-harness.ts';

const TOKEN = { idToken: 'LIMIT-TOKEN', type: 'ISO14443' as const };
const MIN = 60_000;
type Sent = { action: string; payload: unknown; response?: unknown };
const txSent = (s: SimStation): { req: OcppTypes.TransactionEventRequest; res: OcppTypes.TransactionEventResponse }[] =>
  (s.log.sent as Sent[]).filter((m) => m.action === 'TransactionEvent').map((m) => ({ req: m.payload as OcppTypes.TransactionEventRequest, res: (m.response ?? {}) as OcppTypes.TransactionEventResponse }));

describe('simulator <-> CSMS, transaction limits and resumption, OCPP 2.1', () => {
  let env: SimEnv;
  before(async () => {
    env = await startSimEnv({ sqlite: true });
    await env.store.upsertIdToken({ ...TOKEN, status: 'Accepted' });
  });
  after(async () => { await env.stop(); });

  test('F07.FR.01 F07.FR.02 F07.FR.03 E16.FR.03 E16.FR.05 E16.FR.14 RequestStartTransaction with maxEnergy: confirmed by LimitSet, charging suspended at 1000 Wh; a raised CSMS limit resumes it', async () => {
    const sid = idFor('E16-suspend', '2.1');
    const s = await env.station({ identity: sid, version: '2.1', variables: { 'SampledDataCtrlr.TxUpdatedInterval': '0' } });
    await s.accepted();
    s.st.plugIn(1, 1, { powerW: 6000 });
    await statusStored(env.store, sid, 'Occupied');
    const { response } = await requestStartTransaction(env.runtime, sid, { idToken: TOKEN, evseId: 1, transactionLimit: { maxEnergy: 1000 } });
    assert.equal(response.status, 'Accepted');
    const set = await eventually(() => txSent(s).find((m) => m.req.triggerReason === 'LimitSet'), 5000);
    const txId = set.req.transactionInfo.transactionId;
    const started = txSent(s).find((m) => m.req.eventType === 'Started')!;
    assert.deepEqual(started.res.transactionLimit, { maxEnergy: 1000 }, 'F07.FR.02 the limit rides on the Started response');
    assert.deepEqual(set.req.transactionInfo.transactionLimit, { maxEnergy: 1000 }, 'F07.FR.03 confirmed once');
    assert.equal((await eventually(() => env.store.getTransactionLimit(sid, txId), 5000)).confirmed, true);
    await s.clock.advance(15 * MIN);
    await drained(s.st);
    const tx = await eventually(async () => { const r = await env.store.getTransaction(sid, txId); return r?.chargingState === 'SuspendedEVSE' ? r : undefined; }, 5000);
    assert.deepEqual([tx.state, tx.triggerReason, tx.energyWh], ['Updated', 'EnergyLimitReached', 1000]);
    // The operator raises the limit; it goes out with the next TransactionEventResponse (a triggered event here).
    assert.deepEqual(await setTransactionLimit(env.runtime, sid, txId, { maxEnergy: 1500 }), { maxEnergy: 1500 });
    assert.equal((await triggerMessage(env.runtime, sid, { requestedMessage: 'TransactionEvent', evse: { id: 1 } })).status, 'Accepted');
    await eventually(() => s.st.state().evses[0]!.chargingState === 'Charging', 5000);
    await s.clock.advance(10 * MIN);
    await drained(s.st);
    const again = await eventually(async () => { const r = await env.store.getTransaction(sid, txId); return r?.energyWh === 1500 && r.chargingState === 'SuspendedEVSE' ? r : undefined; }, 5000);
    assert.equal(again.triggerReason, 'EnergyLimitReached');
    // [E03.FR.12] the remote start (EVConnected) and the start of energy transfer (ChargingStateChanged) are two events.
    assert.deepEqual(s.log.txEvents.map((e) => e.triggerReason), ['RemoteStart', 'ChargingStateChanged', 'LimitSet', 'EnergyLimitReached', 'Trigger', 'LimitSet', 'EnergyLimitReached']);
  });

  test('E16.FR.06 TxStopPoint EnergyTransfer: the limit ends the transaction, the CSMS stores Ended with stoppedReason EnergyLimitReached', async () => {
    const sid = idFor('E16-end', '2.1');
    const s = await env.station({ identity: sid, version: '2.1', variables: { 'SampledDataCtrlr.TxUpdatedInterval': '0', 'TxCtrlr.TxStopPoint': 'EnergyTransfer' } });
    await s.accepted();
    s.st.plugIn(1, 1, { powerW: 6000 });
    await statusStored(env.store, sid, 'Occupied');
    await requestStartTransaction(env.runtime, sid, { idToken: TOKEN, evseId: 1, transactionLimit: { maxEnergy: 1000 } });
    const set = await eventually(() => txSent(s).find((m) => m.req.triggerReason === 'LimitSet'), 5000);
    await s.clock.advance(15 * MIN);
    await drained(s.st);
    const tx = await eventually(async () => { const r = await env.store.getTransaction(sid, set.req.transactionInfo.transactionId); return r?.state === 'Ended' ? r : undefined; }, 5000);
    assert.deepEqual([tx.triggerReason, tx.stoppedReason, tx.energyWh, tx.endedAt], ['EnergyLimitReached', 'EnergyLimitReached', 1000, '2025-01-01T00:10:00.000Z']);
  });

  test('E17.FR.10 E17.FR.14 a restarted station resumes its transaction: the CSMS sees TxResumed and the same transaction continue', async () => {
    const sid = idFor('E17', '2.1');
    const dataDir = mkdtempSync(join(tmpdir(), 'cw-e17-interop-'));
    const variables = { 'SampledDataCtrlr.TxUpdatedInterval': '0', 'TxCtrlr.ResumptionTimeout': '300' };
    const a = await env.station({ identity: sid, version: '2.1', dataDir, variables });
    await a.accepted();
    a.st.plugIn(1, 1, { powerW: 6000 });
    await statusStored(env.store, sid, 'Occupied');
    await a.st.presentToken(TOKEN.idToken);
    await a.clock.advance(10 * MIN);
    await drained(a.st);
    const txId = a.st.state().evses[0]!.transactionId!;
    await a.st.stop(); // power loss
    const b = await env.station({ identity: sid, version: '2.1', dataDir, variables, clock: new ManualClock(a.clock.now() + 60_000) });
    await b.accepted();
    await drained(b.st);
    const resumed = await eventually(async () => { const r = await env.store.getTransaction(sid, txId); return r?.triggerReason === 'TxResumed' ? r : undefined; }, 5000);
    assert.deepEqual([resumed.state, resumed.chargingState], ['Updated', 'Charging']);
    await (b.st.clock as ManualClock).advance(10 * MIN);
    b.st.unplug(1);
    await drained(b.st);
    const ended = await eventually(async () => { const r = await env.store.getTransaction(sid, txId); return r?.state === 'Ended' ? r : undefined; }, 5000);
    assert.deepEqual([ended.stoppedReason, ended.energyWh], ['EVDisconnected', 2000]);
  });
});
