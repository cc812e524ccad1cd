import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { RpcError } from '@chargewire/ocpp';
import type { MeterValueType, TransactionEventRequest } from '@chargewire/ocpp/types';
import { blockHarness } from '../../../../test/fixtures/block-harness.ts';
import { aBootNotification } from '../../../../test/fixtures/builders.ts';
import { getTransactionStatus, setTransactionLimit, transactionEvent } from './transactions.ts';
import { requestStartTransaction } from './remote-control.ts';
import { StoreError } from '../store/store.ts';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const mv = (s: number, wh: number): MeterValueType[] => [{ timestamp: at(s), sampledValue: [{ value: wh, measurand: 'Energy.Active.Import.Register', context: 'Sample.Periodic' }] }];
function ev(id: string, seqNo: number, eventType: TransactionEventRequest['eventType'], s: number, o: Partial<TransactionEventRequest> = {}): TransactionEventRequest {
  return { eventType, seqNo, timestamp: at(s), triggerReason: eventType === 'Started' ? 'CablePluggedIn' : eventType === 'Ended' ? 'EVCommunicationLost' : 'MeterValuePeriodic', transactionInfo: { transactionId: id }, evse: { id: 1, connectorId: 1 }, ...o };
}

async function booted(version: '2.0.1' | '2.1' = '2.1') {
  const h = await blockHarness({ version });
  await h.station.call('BootNotification', aBootNotification());
  return h;
}

describe('E01–E03 start and update', () => {
  test('[E01.FR.11] [E01.FR.12] the token is verified and its status and groupIdToken answered', async () => {
    const h = await booted();
    await h.store.upsertIdToken({ idToken: 'RFID1', type: 'ISO14443', status: 'Accepted', groupIdToken: { idToken: 'G', type: 'Central' } });
    const res = await transactionEvent(h.ctx(), ev('tx1', 0, 'Started', 0, { triggerReason: 'Authorized', idToken: { idToken: 'RFID1', type: 'ISO14443' } }));
    assert.deepEqual(res, { idTokenInfo: { status: 'Accepted', groupIdToken: { idToken: 'G', type: 'Central' } } });
    const t = await h.store.getTransaction('CS001', 'tx1');
    assert.equal(t?.state, 'Started');
    assert.equal(t?.idToken?.idToken, 'RFID1');
  });

  test('[E02.FR.02] an event without idToken gets an empty answer; energy and bus events follow the events', async () => {
    const h = await booted();
    assert.deepEqual(await transactionEvent(h.ctx('a'), ev('tx2', 0, 'Started', 0, { meterValue: mv(0, 1000) })), {});
    await transactionEvent(h.ctx('b'), ev('tx2', 1, 'Updated', 60, { meterValue: mv(60, 1500) }));
    await transactionEvent(h.ctx('c'), ev('tx2', 2, 'Ended', 120, { meterValue: mv(120, 2250), transactionInfo: { transactionId: 'tx2', stoppedReason: 'EVDisconnected' } }));
    const t = (await h.store.getTransaction('CS001', 'tx2'))!;
    assert.equal(t.state, 'Ended');
    assert.equal(t.energyWh! - t.meterStartWh!, 1250);
    assert.equal(t.stoppedReason, 'EVDisconnected');
    assert.deepEqual(h.events.filter((e) => e.type.startsWith('transaction.')).map((e) => e.type), ['transaction.started', 'transaction.updated', 'transaction.ended']);
    assert.equal(h.events.filter((e) => e.type === 'meter.values').length, 3);
  });
});

describe('E04/E08/E12 offline, out of order, duplicates, seqNo restart', () => {
  test('[E04.FR.03] [E08.FR.07] offline events replayed out of order and twice give exact totals and counts', async () => {
    const h = await booted();
    const queue = [
      ev('txo', 0, 'Started', 0, { offline: true, meterValue: mv(0, 5000) }),
      ev('txo', 1, 'Updated', 60, { offline: true, meterValue: mv(60, 5400) }),
      ev('txo', 2, 'Updated', 120, { offline: true, meterValue: mv(120, 5900) }),
      ev('txo', 3, 'Ended', 180, { offline: true, meterValue: mv(180, 6300) }),
    ];
    for (const [i, e] of [queue[2]!, queue[0]!, queue[3]!, queue[1]!].entries()) await transactionEvent(h.ctx(`m${i}`), e);
    // the station retries everything (E13 style, new message ids): duplicates change nothing
    for (const [i, e] of queue.entries()) await transactionEvent(h.ctx(`r${i}`), e);
    const t = (await h.store.getTransaction('CS001', 'txo'))!;
    assert.equal(t.eventCount, 4);
    assert.equal(t.energyWh! - t.meterStartWh!, 1300);
    assert.equal(t.offline, true);
    assert.equal(t.state, 'Ended');
    assert.equal(t.startedAt, at(0));
    assert.equal((await h.store.listTransactionEvents('CS001', 'txo')).length, 4);
    assert.equal(h.events.filter((e) => e.type.startsWith('transaction.')).length, 4, 'duplicates are not announced again');
  });

  test('TC_E_53 a station that restarts its seqNo mid-transaction: both events are kept', async () => {
    const h = await booted();
    await transactionEvent(h.ctx('a'), ev('txs', 0, 'Started', 0));
    await transactionEvent(h.ctx('b'), ev('txs', 1, 'Updated', 30, { meterValue: mv(30, 100) }));
    await transactionEvent(h.ctx('c'), ev('txs', 0, 'Updated', 60, { triggerReason: 'TxResumed', meterValue: mv(60, 200) }));
    assert.equal((await h.store.getTransaction('CS001', 'txs'))!.eventCount, 3);
  });
});

describe('E05/E15 token not accepted', () => {
  test('[E05.FR.01] an offline-started transaction with an unknown token is answered Unknown; a blocked token Blocked', async () => {
    const h = await booted();
    await h.store.upsertIdToken({ idToken: 'BAD', type: 'ISO14443', status: 'Blocked' });
    const a = await transactionEvent(h.ctx('a'), ev('txu', 0, 'Started', 0, { offline: true, triggerReason: 'Authorized', idToken: { idToken: 'WHO', type: 'ISO14443' } }));
    assert.equal(a.idTokenInfo?.status, 'Unknown');
    const b = await transactionEvent(h.ctx('b'), ev('txb', 0, 'Started', 0, { triggerReason: 'Authorized', idToken: { idToken: 'BAD', type: 'ISO14443' } }));
    assert.equal(b.idTokenInfo?.status, 'Blocked');
    // the transaction is stored all the same: no acknowledged event is lost
    assert.ok(await h.store.getTransaction('CS001', 'txu'));
  });
});

describe('E13 message not accepted', () => {
  test('[E13] a store failure answers CALLERROR InternalError (the station retries) and nothing is announced', async () => {
    const h = await booted();
    const original = h.store.applyTransactionEvent.bind(h.store);
    let fail = true;
    h.store.applyTransactionEvent = async (...args) => {
      if (fail) throw new StoreError('STORE_ERR_BACKEND', 'disk full');
      return original(...args);
    };
    await assert.rejects(transactionEvent(h.ctx('a'), ev('txf', 0, 'Started', 0)), (e: unknown) => e instanceof RpcError && e.code === 'InternalError');
    assert.equal(h.events.filter((e) => e.type.startsWith('transaction.')).length, 0);
    fail = false;
    await transactionEvent(h.ctx('b'), ev('txf', 0, 'Started', 0));
    assert.equal((await h.store.getTransaction('CS001', 'txf'))!.eventCount, 1);
  });
});

describe('E16/F07 transaction limits (2.1)', () => {
  test('[E16.FR.02] a limit set by the CSMS goes out once, in the next response; [E16.FR.12] only SupportedLimits', async () => {
    const h = await booted('2.1');
    await h.store.applyReport('CS001', 1, [{ component: { name: 'TxCtrlr' }, variable: { name: 'SupportedLimits' }, variableAttribute: [{ type: 'Actual', value: 'maxEnergy,maxTime' }] }]);
    await transactionEvent(h.ctx('a'), ev('txl', 0, 'Started', 0));
    const sent = await setTransactionLimit(h.runtime, 'CS001', 'txl', { maxEnergy: 5000, maxCost: 10 });
    assert.deepEqual(sent, { maxEnergy: 5000 });
    assert.deepEqual((await transactionEvent(h.ctx('b'), ev('txl', 1, 'Updated', 10))).transactionLimit, { maxEnergy: 5000 });
    assert.equal((await transactionEvent(h.ctx('c'), ev('txl', 2, 'Updated', 20))).transactionLimit, undefined);
  });

  test('[E16.FR.08] when the station already reports a limit at or below ours, no update is sent', async () => {
    const h = await booted('2.1');
    await transactionEvent(h.ctx('a'), ev('txm', 0, 'Started', 0));
    await setTransactionLimit(h.runtime, 'CS001', 'txm', { maxEnergy: 5000 });
    const r = await transactionEvent(h.ctx('b'), ev('txm', 1, 'Updated', 10, { triggerReason: 'LimitSet', transactionInfo: { transactionId: 'txm', transactionLimit: { maxEnergy: 3000 } } }));
    assert.equal(r.transactionLimit, undefined);
  });

  test('[F07.FR.02] the limit of a RequestStartTransaction goes out with the first answer of the transaction it created', async () => {
    const h = await booted('2.1');
    h.station.handle('RequestStartTransaction', async () => ({ status: 'Accepted' }));
    const { remoteStartId } = await requestStartTransaction(h.runtime, 'CS001', { idToken: { idToken: 'R', type: 'Central' }, transactionLimit: { maxCost: 12.5 } });
    const r = await transactionEvent(h.ctx('a'), ev('txr', 0, 'Started', 0, { triggerReason: 'RemoteStart', transactionInfo: { transactionId: 'txr', remoteStartId } }));
    assert.deepEqual(r.transactionLimit, { maxCost: 12.5 });
  });

  test('[F07.FR.01] [E16.FR.18] the limit is sent with RequestStartTransaction\'s transaction; an offline echo is no confirmation', async () => {
    const h = await booted('2.1');
    const sent: unknown[] = [];
    h.station.handle('RequestStartTransaction', async (_c, req) => { sent.push(req); return { status: 'Accepted' }; });
    const { remoteStartId } = await requestStartTransaction(h.runtime, 'CS001', { idToken: { idToken: 'R', type: 'Central' }, evseId: 1, transactionLimit: { maxEnergy: 9000 } });
    assert.equal(sent.length, 1);
    assert.deepEqual((await h.store.findRemoteStart('CS001', remoteStartId))?.transactionLimit, { maxEnergy: 9000 });
    const r = await transactionEvent(h.ctx('a'), ev('txo', 0, 'Started', 0, { offline: true, triggerReason: 'RemoteStart', transactionInfo: { transactionId: 'txo', remoteStartId } }));
    assert.deepEqual(r.transactionLimit, { maxEnergy: 9000 });
    // a queued (offline) event that happens to carry the limit is historical, not the station's confirmation
    await transactionEvent(h.ctx('b'), ev('txo', 1, 'Updated', 10, { offline: true, triggerReason: 'LimitSet', transactionInfo: { transactionId: 'txo', transactionLimit: { maxEnergy: 9000 } } }));
    assert.equal((await h.store.getTransactionLimit('CS001', 'txo'))?.confirmed, false);
    await transactionEvent(h.ctx('c'), ev('txo', 2, 'Updated', 20, { triggerReason: 'LimitSet', transactionInfo: { transactionId: 'txo', transactionLimit: { maxEnergy: 9000 } } }));
    assert.equal((await h.store.getTransactionLimit('CS001', 'txo'))?.confirmed, true);
  });

  test('[E16.FR.02] OCPP 2.0.1 has no transactionLimit: setting one is refused', async () => {
    const h = await booted('2.0.1');
    await transactionEvent(h.ctx('a'), ev('tx201', 0, 'Started', 0));
    await assert.rejects(setTransactionLimit(h.runtime, 'CS001', 'tx201', { maxEnergy: 1 }), /2\.1/);
  });
});

describe('E17 resume', () => {
  test('[E17.FR.15] after TxResumed the TxProfile of a remote start is sent again with the transactionId', async () => {
    const h = await booted();
    h.station.handle('RequestStartTransaction', async () => ({ status: 'Accepted' }));
    const got: unknown[] = [];
    h.station.handle('SetChargingProfile', async (_c, req) => {
      got.push(req);
      return { status: 'Accepted' };
    });
    const chargingProfile = { id: 7, stackLevel: 0, chargingProfilePurpose: 'TxProfile' as const, chargingProfileKind: 'Absolute' as const, chargingSchedule: [{ id: 1, chargingRateUnit: 'A' as const, chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] }] };
    const { remoteStartId } = await requestStartTransaction(h.runtime, 'CS001', { idToken: { idToken: 'R', type: 'Central' }, evseId: 1, chargingProfile });
    await transactionEvent(h.ctx('a'), ev('txe17', 0, 'Started', 0, { triggerReason: 'RemoteStart', transactionInfo: { transactionId: 'txe17', remoteStartId } }));
    await transactionEvent(h.ctx('b'), ev('txe17', 1, 'Updated', 100, { triggerReason: 'TxResumed', transactionInfo: { transactionId: 'txe17', chargingState: 'Charging' } }));
    for (let i = 0; i < 50 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(got.length, 1);
    assert.equal((got[0] as { chargingProfile: { transactionId: string } }).chargingProfile.transactionId, 'txe17');
  });
});

describe('E14 GetTransactionStatus', () => {
  test('[E14.FR.02] [E14.FR.04] the station answer comes back with the stored transaction', async () => {
    const h = await booted();
    await transactionEvent(h.ctx('a'), ev('txq', 0, 'Started', 0));
    h.station.handle('GetTransactionStatus', async (_c, req) => (req.transactionId ? { ongoingIndicator: true, messagesInQueue: true } : { messagesInQueue: false }));
    const r = await getTransactionStatus(h.runtime, 'CS001', { transactionId: 'txq' });
    assert.deepEqual(r.response, { ongoingIndicator: true, messagesInQueue: true });
    assert.equal(r.transaction?.transactionId, 'txq');
    assert.deepEqual((await getTransactionStatus(h.runtime, 'CS001')).response, { messagesInQueue: false });
  });
});
