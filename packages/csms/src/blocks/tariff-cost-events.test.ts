// Central cost calculation in the TransactionEvent handler (tariff-cost.ts applyCentralCost) and CostUpdated:
// E16.FR.11, I02.FR.01, I03.FR.02, I03.FR.04, over the in-memory transport (block harness).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { CostUpdatedRequest, MeterValueType, TransactionEventRequest } from '@chargewire/ocpp/types';
import type { CsmsConfig } from '../config.ts';
import { blockHarness } from '../../../../test/fixtures/block-harness.ts';
import { aBootNotification } from '../../../../test/fixtures/builders.ts';
import { setTransactionLimit, transactionEvent } from './transactions.ts';
import { requestStartTransaction } from './remote-control.ts';
import { sendCostUpdate } from './tariff-cost.ts';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const mv = (s: number, wh: number): MeterValueType[] => [{ timestamp: at(s), sampledValue: [{ value: wh, measurand: 'Energy.Active.Import.Register', context: 'Sample.Periodic' }] }];
function ev(id: string, seqNo: number, eventType: TransactionEventRequest['eventType'], s: number, o: Partial<TransactionEventRequest> = {}): TransactionEventRequest {
  return { eventType, seqNo, timestamp: at(s), triggerReason: eventType === 'Started' ? 'CablePluggedIn' : eventType === 'Ended' ? 'EVCommunicationLost' : 'MeterValuePeriodic', transactionInfo: { transactionId: id }, evse: { id: 1, connectorId: 1 }, ...o };
}
/** 0.30 per kWh + 0.05 per minute + 0.50 per session. */
const TARIFF: CsmsConfig['tariff'] = { currency: 'EUR', pricePerKWh: 0.3, pricePerMinute: 0.05, sessionFee: 0.5 };

async function booted(version: '2.0.1' | '2.1', tariff: Partial<CsmsConfig['tariff']> | null = TARIFF) {
  const h = await blockHarness({ version, ...(tariff && { config: { tariff } }) });
  await h.station.call('BootNotification', aBootNotification());
  const costUpdates: CostUpdatedRequest[] = [];
  h.station.handle('CostUpdated', async (_c, req) => { costUpdates.push(req); return {}; });
  return Object.assign(h, { costUpdates });
}
/** Let the CostUpdated scheduled after an answer (setImmediate) go out and come back. */
const settle = () => new Promise((r) => setTimeout(r, 30));

describe('I02/I03 running and final cost, OCPP 2.1', () => {
  test('[I02.FR.01] [I03.FR.02] Updated answers carry the running cost, Ended the final cost; Started none', async () => {
    const h = await booted('2.1');
    assert.equal((await transactionEvent(h.ctx('a'), ev('t1', 0, 'Started', 0, { meterValue: mv(0, 10_000) }))).totalCost, undefined);
    // 2 kWh, 10 min: 0.60 + 0.50 + 0.50
    assert.equal((await transactionEvent(h.ctx('b'), ev('t1', 1, 'Updated', 600, { meterValue: mv(600, 12_000) }))).totalCost, 1.6);
    // 3.5 kWh, 20 min: 1.05 + 1.00 + 0.50
    assert.equal((await transactionEvent(h.ctx('c'), ev('t1', 2, 'Ended', 1200, { meterValue: mv(1200, 13_500), transactionInfo: { transactionId: 't1', stoppedReason: 'EVDisconnected' } }))).totalCost, 2.55);
    // a late (out-of-order) Updated after the end gets the final cost too; the answer is JSON 2.55, not a float tail
    const late = await transactionEvent(h.ctx('d'), ev('t1', 3, 'Updated', 900, { offline: true }));
    assert.equal(JSON.stringify({ totalCost: late.totalCost }), '{"totalCost":2.55}');
    await settle();
    assert.deepEqual(h.costUpdates, [], 'no CostUpdated in 2.1: the answers carry the cost');
  });

  test('[I03.FR.04] a free transaction is answered totalCost 0, never without it', async () => {
    const h = await booted('2.1', { currency: 'EUR' });
    await transactionEvent(h.ctx('a'), ev('t0', 0, 'Started', 0, { meterValue: mv(0, 0) }));
    const r = await transactionEvent(h.ctx('b'), ev('t0', 1, 'Ended', 3600, { meterValue: mv(3600, 20_000) }));
    assert.equal(r.totalCost, 0);
    assert.ok('totalCost' in r);
  });

  test('without a tariff the CSMS knows no cost: no totalCost (I03.FR.02 "when Total Cost is known")', async () => {
    const h = await booted('2.1', null);
    await transactionEvent(h.ctx('a'), ev('tn', 0, 'Started', 0, { meterValue: mv(0, 0) }));
    assert.deepEqual(await transactionEvent(h.ctx('b'), ev('tn', 1, 'Updated', 60, { meterValue: mv(60, 100) })), {});
    assert.deepEqual(await transactionEvent(h.ctx('c'), ev('tn', 2, 'Ended', 120, { meterValue: mv(120, 200) })), {});
  });
});

describe('E16.FR.11 cost updates while a transactionLimit.maxCost is active', () => {
  test('E16.FR.11 F07 maxCost: after the limit goes out, every Updated answer carries the CSMS-calculated cost until it reaches maxCost', async () => {
    const h = await booted('2.1');
    await h.store.applyReport('CS001', 1, [{ component: { name: 'TxCtrlr' }, variable: { name: 'SupportedLimits' }, variableAttribute: [{ type: 'Actual', value: 'maxCost,maxEnergy' }] }]);
    h.station.handle('RequestStartTransaction', async () => ({ status: 'Accepted' }));
    const { remoteStartId } = await requestStartTransaction(h.runtime, 'CS001', { idToken: { idToken: 'PREPAID', type: 'Central' }, evseId: 1, transactionLimit: { maxCost: 2 } });
    const started = await transactionEvent(h.ctx('a'), ev('tc', 0, 'Started', 0, { triggerReason: 'RemoteStart', transactionInfo: { transactionId: 'tc', remoteStartId }, meterValue: mv(0, 0) }));
    assert.deepEqual(started.transactionLimit, { maxCost: 2 });
    const confirm = await transactionEvent(h.ctx('b'), ev('tc', 1, 'Updated', 1, { triggerReason: 'LimitSet', transactionInfo: { transactionId: 'tc', transactionLimit: { maxCost: 2 } }, meterValue: mv(1, 0) }));
    assert.equal(confirm.totalCost, 0.5, 'the session fee, right at the confirmation');
    const costs: (number | undefined)[] = [];
    for (let i = 1; i <= 4; i++) costs.push((await transactionEvent(h.ctx(`u${i}`), ev('tc', 1 + i, 'Updated', i * 60, { meterValue: mv(i * 60, i * 1000) }))).totalCost);
    // each minute 1 kWh (0.30) and 0.05: 0.85, 1.20, 1.55, 1.90
    assert.deepEqual(costs, [0.85, 1.2, 1.55, 1.9]);
    const over = await transactionEvent(h.ctx('u5'), ev('tc', 6, 'Updated', 300, { meterValue: mv(300, 5000) }));
    assert.ok(over.totalCost! >= 2, `${over.totalCost} reaches maxCost`);
  });

  test('E16.FR.11 a maxCost set during the transaction (setTransactionLimit) or by the station (E16.FR.01) gets cost updates too', async () => {
    const h = await booted('2.1');
    await transactionEvent(h.ctx('a'), ev('td', 0, 'Started', 0, { meterValue: mv(0, 0) }));
    await setTransactionLimit(h.runtime, 'CS001', 'td', { maxCost: 5 });
    const r = await transactionEvent(h.ctx('b'), ev('td', 1, 'Updated', 120, { meterValue: mv(120, 1000) }));
    assert.deepEqual([r.transactionLimit, r.totalCost], [{ maxCost: 5 }, 0.9]);
    await transactionEvent(h.ctx('c'), ev('te', 0, 'Started', 0, { meterValue: mv(0, 0) }));
    const s = await transactionEvent(h.ctx('d'), ev('te', 1, 'Updated', 60, { triggerReason: 'LimitSet', transactionInfo: { transactionId: 'te', transactionLimit: { maxCost: 1 } }, meterValue: mv(60, 2000) }));
    assert.equal(s.totalCost, 1.15);
  });
});

describe('I02 running cost, OCPP 2.0.1 (totalCost only "when charging has ended")', () => {
  test('I02.FR.01 TC_I_01_CSMS an Updated answer has no totalCost, a CostUpdatedRequest follows it; I03.FR.02 TC_I_02_CSMS the Ended answer has the final cost', async () => {
    const h = await booted('2.0.1');
    await transactionEvent(h.ctx('a'), ev('t2', 0, 'Started', 0, { meterValue: mv(0, 500) }));
    const u = await transactionEvent(h.ctx('b'), ev('t2', 1, 'Updated', 600, { meterValue: mv(600, 2500) }));
    assert.equal(u.totalCost, undefined);
    await settle();
    assert.deepEqual(h.costUpdates, [{ transactionId: 't2', totalCost: 1.6 }]);
    // a retry of the same event, and a historical (offline) one: no further CostUpdated
    await transactionEvent(h.ctx('b2'), ev('t2', 1, 'Updated', 600, { meterValue: mv(600, 2500) }));
    await transactionEvent(h.ctx('c'), ev('t2', 2, 'Updated', 660, { offline: true, meterValue: mv(660, 2600) }));
    await settle();
    assert.equal(h.costUpdates.length, 1);
    const e = await transactionEvent(h.ctx('d'), ev('t2', 3, 'Ended', 1200, { meterValue: mv(1200, 4000) }));
    assert.equal(e.totalCost, 2.55);
    await settle();
    assert.equal(h.costUpdates.length, 1);
  });
});

describe('sendCostUpdate (CostUpdatedRequest on demand)', () => {
  test('I02.FR.01 the running cost of an ongoing transaction as of now; refused when ended or without a tariff', async () => {
    const h = await booted('2.1');
    await transactionEvent(h.ctx('a'), ev('t3', 0, 'Started', 0, { meterValue: mv(0, 0) }));
    await transactionEvent(h.ctx('b'), ev('t3', 1, 'Updated', 60, { meterValue: mv(60, 1000) }));
    const r = await sendCostUpdate(h.runtime, 'CS001', 't3', T0 + 300_000);
    assert.equal(r.totalCost, 1.05); // 0.30 + 5 min * 0.05 + 0.50
    assert.deepEqual(h.costUpdates, [{ transactionId: 't3', totalCost: 1.05 }]);
    await transactionEvent(h.ctx('c'), ev('t3', 2, 'Ended', 360));
    await assert.rejects(sendCostUpdate(h.runtime, 'CS001', 't3'), /has ended/);
    await assert.rejects(sendCostUpdate(h.runtime, 'CS001', 'nope'), /not found/);
    const n = await booted('2.1', null);
    await assert.rejects(sendCostUpdate(n.runtime, 'CS001', 't3'), /needs a tariff/);
  });
});
