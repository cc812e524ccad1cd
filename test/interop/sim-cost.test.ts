// Central cost calculation interop (E16.FR.11, I02, I03): our simulator against our CSMS over real WebSockets.
// The CSMS has a flat tariff (config tariff.*) and calculates the running cost from the energy it stored; the
// simulator has no local tariff and checks its maxCost limit against the CSMS's totalCost (E16.FR.15).
// The station clock is advanced one TxUpdatedInterval at a time, each answer arriving before the next minute.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { OcppTypes } from '@chargewire/ocpp';
import { requestStartTransaction } from '../../packages/csms/src/blocks/remote-control.ts';
import { startSimEnv, idFor, eventually, drained, statusStored, type SimEnv, type SimStation } from './sim-harness.ts';

const TOKEN = { idToken: 'COST-TOKEN', type: 'ISO14443' as const };
const MIN = 60_000;
type Sent = { action: string; payload: unknown; response?: unknown };
const txSent = (s: SimStation): { req: OcppTypes.TransactionEventRequest; res: OcppTypes.TransactionEventResponse }[] =>
  (s.log.sent as Sent[]).filter((m) => m.action === 'TransactionEvent').map((m) => ({ req: m.payload as OcppTypes.TransactionEventRequest, res: (m.response ?? {}) as OcppTypes.TransactionEventResponse }));

/** Advance the station clock minute by minute, letting every TransactionEvent be answered in between. */
async function minutes(s: SimStation, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await s.clock.advance(MIN);
    await drained(s.st);
  }
}

describe('simulator <-> CSMS, central cost calculation (flat tariff 0.50/kWh + 0.25 per session)', () => {
  let env: SimEnv;
  before(async () => {
    env = await startSimEnv({ config: { tariff: { currency: 'EUR', pricePerKWh: 0.5, sessionFee: 0.25 } } });
    await env.store.upsertIdToken({ ...TOKEN, status: 'Accepted' });
  });
  after(async () => { await env.stop(); });

  async function remoteStart(s: SimStation, sid: string, maxCost: number): Promise<string> {
    await s.accepted();
    s.st.plugIn(1, 1, { powerW: 6000 }); // 100 Wh per minute: 0.05 per minute
    await statusStored(env.store, sid, 'Occupied');
    const { response } = await requestStartTransaction(env.runtime, sid, { idToken: TOKEN, evseId: 1, transactionLimit: { maxCost } });
    assert.equal(response.status, 'Accepted');
    const set = await eventually(() => txSent(s).find((m) => m.req.triggerReason === 'LimitSet'), 5000);
    assert.deepEqual(set.req.transactionInfo.transactionLimit, { maxCost }, 'E16.FR.03 the station confirms the CSMS maxCost');
    return set.req.transactionInfo.transactionId;
  }

  test('E16.FR.11 E16.FR.15 E16.FR.05 I02.FR.01 maxCost 1.00: the CSMS running cost in every Updated answer suspends charging at 1.00 (CostLimitReached)', async () => {
    const sid = idFor('E16-cost', '2.1');
    const s = await env.station({ identity: sid, version: '2.1', variables: { 'SampledDataCtrlr.TxUpdatedInterval': '60' } });
    const txId = await remoteStart(s, sid, 1);
    await minutes(s, 20);
    const tx = await eventually(async () => { const r = await env.store.getTransaction(sid, txId); return r?.chargingState === 'SuspendedEVSE' ? r : undefined; }, 5000);
    assert.equal(tx.state, 'Updated');
    const stored = await env.store.listTransactionEvents(sid, txId);
    assert.ok(stored.some((e) => e.triggerReason === 'CostLimitReached' && e.request.transactionInfo.chargingState === 'SuspendedEVSE'), 'CSMS stored the CostLimitReached event');
    // 0.25 + 1.5 kWh * 0.50 = 1.00: charging stopped at the first cost update that reached maxCost
    assert.equal(tx.energyWh! - tx.meterStartWh!, 1500);
    const costs = txSent(s).filter((m) => m.req.eventType === 'Updated').map((m) => m.res.totalCost);
    assert.ok(costs.every((c) => typeof c === 'number'), 'E16.FR.11 every Updated answer carries a cost update');
    assert.ok(costs.includes(1), 'the cost that reached maxCost');
    assert.ok(Math.max(...(costs as number[])) <= 1, `never charged beyond maxCost: ${costs.join(',')}`);
    const reached = txSent(s).find((m) => m.req.triggerReason === 'CostLimitReached')!;
    assert.equal(reached.req.transactionInfo.chargingState, 'SuspendedEVSE');
  });

  test('E16.FR.11 E16.FR.06 I03.FR.02 TxStopPoint EnergyTransfer: maxCost ends the transaction (LocalOutOfCredit), the Ended answer has the final cost', async () => {
    const sid = idFor('E16-cost-end', '2.1');
    const s = await env.station({ identity: sid, version: '2.1', variables: { 'SampledDataCtrlr.TxUpdatedInterval': '60', 'TxCtrlr.TxStopPoint': 'EnergyTransfer' } });
    const txId = await remoteStart(s, sid, 0.75);
    await minutes(s, 15);
    const tx = await eventually(async () => { const r = await env.store.getTransaction(sid, txId); return r?.state === 'Ended' ? r : undefined; }, 5000);
    assert.deepEqual([tx.triggerReason, tx.stoppedReason, tx.energyWh! - tx.meterStartWh!], ['CostLimitReached', 'LocalOutOfCredit', 1000]);
    const ended = await eventually(() => txSent(s).find((m) => m.req.eventType === 'Ended' && m.res.totalCost !== undefined), 5000);
    assert.equal(ended.res.totalCost, 0.75);
  });

  test('I02.FR.01 I03.FR.02 OCPP 2.0.1: the running cost arrives in CostUpdated, the final cost in the Ended answer', async () => {
    const sid = idFor('I02-cost', '2.0.1');
    const s = await env.station({ identity: sid, version: '2.0.1', variables: { 'SampledDataCtrlr.TxUpdatedInterval': '60' } });
    await s.accepted();
    s.st.plugIn(1, 1, { powerW: 6000 });
    await statusStored(env.store, sid, 'Occupied');
    await s.st.presentToken(TOKEN.idToken);
    await drained(s.st);
    await minutes(s, 3);
    const updates = await eventually(() => { const u = s.log.requests.filter((r) => r.action === 'CostUpdated'); return u.length >= 4 ? u : undefined; }, 5000);
    const txId = s.st.state().evses[0]!.transactionId!;
    // 0.25: the session fee, at the Updated(ChargingStateChanged) that starts the energy transfer (E03.FR.12); then one per minute.
    assert.deepEqual(updates.map((u) => u.payload), [0.25, 0.3, 0.35, 0.4].map((totalCost) => ({ transactionId: txId, totalCost })));
    assert.ok(txSent(s).every((m) => m.res.totalCost === undefined), '2.0.1: no totalCost before charging has ended');
    s.st.unplug(1);
    await drained(s.st);
    const ended = await eventually(() => txSent(s).find((m) => m.req.eventType === 'Ended'), 5000);
    assert.equal(ended.res.totalCost, 0.4);
  });
});
