// Conformance tests for block E (Transactions), CSMS side: FRs the block tests did not name yet.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { TransactionEventRequest } from '@chargewire/ocpp/types';
import { blockHarness } from '../../../../test/fixtures/block-harness.ts';
import { aBootNotification } from '../../../../test/fixtures/builders.ts';
import { LIFTED_LIMIT, removeTransactionLimit, setTransactionLimit, transactionEvent } from './transactions.ts';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
function ev(id: string, seqNo: number, eventType: TransactionEventRequest['eventType'], s: number, o: Partial<TransactionEventRequest> = {}): TransactionEventRequest {
  return { eventType, seqNo, timestamp: at(s), triggerReason: eventType === 'Started' ? 'CablePluggedIn' : 'MeterValuePeriodic', transactionInfo: { transactionId: id }, evse: { id: 1, connectorId: 1 }, ...o };
}
const rfid = (idToken: string) => ({ idToken, type: 'ISO14443' });

async function booted(version: '2.0.1' | '2.1' = '2.1') {
  const h = await blockHarness({ version });
  await h.station.call('BootNotification', aBootNotification());
  return h;
}

describe('E02/E03 token verification', () => {
  test('[E02.FR.04] cable plugin first: the identifier in the later Authorized event is verified by the CSMS', async () => {
    const h = await booted();
    await h.store.upsertIdToken({ idToken: 'GOOD', type: 'ISO14443', status: 'Accepted' });
    await h.store.upsertIdToken({ idToken: 'BLOCKED', type: 'ISO14443', status: 'Blocked' });
    assert.deepEqual(await transactionEvent(h.ctx('a'), ev('tx-e2', 0, 'Started', 0)), {});
    const ok = await transactionEvent(h.ctx('b'), ev('tx-e2', 1, 'Updated', 10, { triggerReason: 'Authorized', idToken: rfid('GOOD') }));
    assert.equal(ok.idTokenInfo?.status, 'Accepted');
    await transactionEvent(h.ctx('c'), ev('tx-e2b', 0, 'Started', 0, { evse: { id: 2, connectorId: 1 } }));
    const bad = await transactionEvent(h.ctx('d'), ev('tx-e2b', 1, 'Updated', 10, { triggerReason: 'Authorized', evse: { id: 2, connectorId: 1 }, idToken: rfid('BLOCKED') }));
    assert.equal(bad.idTokenInfo?.status, 'Blocked');
    const unknown = await transactionEvent(h.ctx('e'), ev('tx-e2c', 0, 'Started', 0, { triggerReason: 'Authorized', evse: { id: 3, connectorId: 1 }, idToken: rfid('NOBODY') }));
    assert.equal(unknown.idTokenInfo?.status, 'Unknown');
  });

  test('[E03.FR.02] IdToken first: the TransactionEventResponse to the event with the idToken includes its authorization status', async () => {
    const h = await booted('2.0.1');
    await h.store.upsertIdToken({ idToken: 'FIRST', type: 'ISO14443', status: 'Accepted' });
    await h.store.upsertIdToken({ idToken: 'GONE', type: 'ISO14443', status: 'Expired' });
    // over the wire, so the response also passes the TransactionEventResponse schema
    const a = await h.station.call('TransactionEvent', ev('tx-e3', 0, 'Started', 0, { triggerReason: 'Authorized', idToken: rfid('FIRST') }));
    assert.equal(a.idTokenInfo?.status, 'Accepted');
    const b = await h.station.call('TransactionEvent', ev('tx-e3b', 0, 'Started', 0, { triggerReason: 'Authorized', evse: { id: 2, connectorId: 1 }, idToken: rfid('GONE') }));
    assert.equal(b.idTokenInfo?.status, 'Expired');
  });
});

describe('E16 transaction limits (2.1)', () => {
  test('[E16.FR.07] after the station sets a limit (LimitSet), the CSMS answers with its own lower value of the same limit', async () => {
    const h = await booted();
    await transactionEvent(h.ctx('a'), ev('tx-l7', 0, 'Started', 0));
    await setTransactionLimit(h.runtime, 'CS001', 'tx-l7', { maxEnergy: 20_000 });
    // the station reports a limit of its own (E16.FR.01) that is above what the CSMS requires
    const r = await transactionEvent(h.ctx('b'), ev('tx-l7', 1, 'Updated', 10, { triggerReason: 'LimitSet', transactionInfo: { transactionId: 'tx-l7', transactionLimit: { maxEnergy: 50_000 } } }));
    assert.deepEqual(r.transactionLimit, { maxEnergy: 20_000 });
    // the station confirms (E16.FR.03): nothing more is sent
    const c = await transactionEvent(h.ctx('c'), ev('tx-l7', 2, 'Updated', 20, { triggerReason: 'LimitSet', transactionInfo: { transactionId: 'tx-l7', transactionLimit: { maxEnergy: 20_000 } } }));
    assert.equal(c.transactionLimit, undefined);
  });

  test('[E16.FR.17] the CSMS removes a limit by sending a value so high that it is no longer relevant', async () => {
    const h = await booted();
    await h.store.applyReport('CS001', 1, [{ component: { name: 'TxCtrlr' }, variable: { name: 'SupportedLimits' }, variableAttribute: [{ type: 'Actual', value: 'maxEnergy,maxSoC' }] }]);
    await transactionEvent(h.ctx('a'), ev('tx-l17', 0, 'Started', 0));
    await setTransactionLimit(h.runtime, 'CS001', 'tx-l17', { maxEnergy: 5000, maxSoC: 80 });
    assert.deepEqual((await transactionEvent(h.ctx('b'), ev('tx-l17', 1, 'Updated', 10))).transactionLimit, { maxEnergy: 5000, maxSoC: 80 });
    assert.deepEqual(await removeTransactionLimit(h.runtime, 'CS001', 'tx-l17', ['maxEnergy', 'maxSoC']), { maxEnergy: LIFTED_LIMIT.maxEnergy, maxSoC: 100 });
    // over the wire: the lifted values are schema-valid (maxSoC <= 100, maxTime an integer)
    const r = await h.station.call('TransactionEvent', ev('tx-l17', 2, 'Updated', 20));
    assert.deepEqual(r.transactionLimit, { maxEnergy: 1_000_000_000, maxSoC: 100 });
    assert.ok(Number.isInteger(LIFTED_LIMIT.maxTime) && LIFTED_LIMIT.maxTime <= 2 ** 31 - 1);
    // a limit the station does not support cannot be removed either (E16.FR.12), nor an empty list
    await assert.rejects(removeTransactionLimit(h.runtime, 'CS001', 'tx-l17', ['maxTime']), { code: 'CHARGING_ERR_NOT_SUPPORTED' });
    await assert.rejects(removeTransactionLimit(h.runtime, 'CS001', 'tx-l17', []), { code: 'CHARGING_ERR_INVALID' });
  });
});
