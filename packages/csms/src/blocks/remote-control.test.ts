import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { blockHarness } from '../../../../test/fixtures/block-harness.ts';
import { aBootNotification } from '../../../../test/fixtures/builders.ts';
import { MESSAGE_TRIGGERS, requestStartTransaction, requestStopTransaction, triggerMessage, unlockConnector } from './remote-control.ts';
import { transactionEvent, transactionOfRemoteStart } from './transactions.ts';

async function booted(version: '2.0.1' | '2.1' = '2.1') {
  const h = await blockHarness({ version });
  await h.station.call('BootNotification', aBootNotification());
  return h;
}
const profile = { id: 1, stackLevel: 0, chargingProfilePurpose: 'TxProfile' as const, chargingProfileKind: 'Relative' as const, chargingSchedule: [{ id: 1, chargingRateUnit: 'W' as const, chargingSchedulePeriod: [{ startPeriod: 0, limit: 7400 }] }] };

describe('F01/F02 RequestStartTransaction', () => {
  test('[F01.FR.08] [F02.FR.16] with and without a TxProfile; the remoteStartId links the transaction it creates', async () => {
    const h = await booted();
    const seen: unknown[] = [];
    h.station.handle('RequestStartTransaction', async (_c, req) => {
      seen.push(req);
      return { status: 'Accepted' };
    });
    const a = await requestStartTransaction(h.runtime, 'CS001', { idToken: { idToken: 'DRV', type: 'ISO14443' }, evseId: 1 });
    const b = await requestStartTransaction(h.runtime, 'CS001', { idToken: { idToken: 'DRV', type: 'ISO14443' }, chargingProfile: profile, remoteStartId: 42 });
    assert.equal(a.response.status, 'Accepted');
    assert.equal(b.remoteStartId, 42);
    assert.deepEqual(seen[0], { idToken: { idToken: 'DRV', type: 'ISO14443' }, remoteStartId: a.remoteStartId, evseId: 1 });
    assert.deepEqual((seen[1] as { chargingProfile: unknown }).chargingProfile, profile);
    // [F01.FR.25] the station puts the remoteStartId in the transaction's TransactionEvent
    await transactionEvent(h.ctx('t'), { eventType: 'Started', seqNo: 0, timestamp: new Date().toISOString(), triggerReason: 'RemoteStart', transactionInfo: { transactionId: 'TX-R', remoteStartId: 42 }, evse: { id: 1, connectorId: 1 }, idToken: { idToken: 'DRV', type: 'ISO14443' } });
    assert.equal((await transactionOfRemoteStart(h.runtime, 'CS001', 42))?.transactionId, 'TX-R');
    assert.equal(await transactionOfRemoteStart(h.runtime, 'CS001', a.remoteStartId), undefined);
  });

  test('[F01.FR.09] [F01.FR.11] the profile must be a TxProfile without transactionId (nothing is sent otherwise)', async () => {
    const h = await booted();
    let calls = 0;
    h.station.handle('RequestStartTransaction', async () => { calls++; return { status: 'Accepted' }; });
    await assert.rejects(requestStartTransaction(h.runtime, 'CS001', { idToken: { idToken: 'X', type: 'Central' }, chargingProfile: { ...profile, chargingProfilePurpose: 'TxDefaultProfile' } }), /TxProfile/);
    await assert.rejects(requestStartTransaction(h.runtime, 'CS001', { idToken: { idToken: 'X', type: 'Central' }, chargingProfile: { ...profile, transactionId: 'T' } }), /transactionId/);
    assert.equal(calls, 0);
  });

  test('[F01.FR.07] a Rejected answer is returned as is', async () => {
    const h = await booted('2.0.1');
    h.station.handle('RequestStartTransaction', async () => ({ status: 'Rejected' }));
    assert.equal((await requestStartTransaction(h.runtime, 'CS001', { idToken: { idToken: 'X', type: 'Central' } })).response.status, 'Rejected');
  });
});

describe('F03/F04 RequestStopTransaction, F05 UnlockConnector', () => {
  test('[F03.FR.01] [F04.FR.01] the stop request carries the transactionId', async () => {
    const h = await booted();
    let got: unknown;
    h.station.handle('RequestStopTransaction', async (_c, req) => { got = req; return { status: 'Accepted' }; });
    assert.equal((await requestStopTransaction(h.runtime, 'CS001', { transactionId: 'T-9' })).status, 'Accepted');
    assert.deepEqual(got, { transactionId: 'T-9' });
  });

  test('F05 UnlockConnector returns the station answer', async () => {
    const h = await booted();
    h.station.handle('UnlockConnector', async (_c, req) => ({ status: req.connectorId === 1 ? 'Unlocked' : 'UnknownConnector' }));
    assert.equal((await unlockConnector(h.runtime, 'CS001', { evseId: 1, connectorId: 1 })).status, 'Unlocked');
    assert.equal((await unlockConnector(h.runtime, 'CS001', { evseId: 1, connectorId: 9 })).status, 'UnknownConnector');
  });
});

describe('F06 TriggerMessage', () => {
  test('[F06.FR.01] [F06.FR.02] every MessageTriggerEnumType of 2.1 can be requested', async () => {
    const h = await booted('2.1');
    const got: string[] = [];
    h.station.handle('TriggerMessage', async (_c, req) => { got.push(req.requestedMessage); return { status: 'Accepted' }; });
    for (const m of MESSAGE_TRIGGERS) {
      const r = await triggerMessage(h.runtime, 'CS001', { requestedMessage: m, ...(m === 'StatusNotification' ? { evse: { id: 1, connectorId: 1 } } : m === 'MeterValues' ? { evse: { id: 1 } } : {}), ...(m === 'CustomTrigger' ? { customTrigger: 'com.example.x' } : {}) });
      assert.equal(r.status, 'Accepted');
    }
    assert.deepEqual(got, [...MESSAGE_TRIGGERS]);
  });

  test('[F06.FR.13] StatusNotification needs a connectorId; [F06.FR.20] CustomTrigger needs its name; 2.1-only triggers refused for 2.0.1', async () => {
    const h = await booted('2.0.1');
    await assert.rejects(async () => triggerMessage(h.runtime, 'CS001', { requestedMessage: 'StatusNotification', evse: { id: 1 } }), /connectorId/);
    await assert.rejects(async () => triggerMessage(h.runtime, 'CS001', { requestedMessage: 'CustomTrigger', customTrigger: 'x' }), /2\.1/);
    const h21 = await booted('2.1');
    await assert.rejects(async () => triggerMessage(h21.runtime, 'CS001', { requestedMessage: 'CustomTrigger' }), /customTrigger/);
  });

  test('TC_F_27 NotImplemented comes back as the answer', async () => {
    const h = await booted('2.0.1');
    h.station.handle('TriggerMessage', async () => ({ status: 'NotImplemented' }));
    assert.equal((await triggerMessage(h.runtime, 'CS001', { requestedMessage: 'SignV2GCertificate' })).status, 'NotImplemented');
  });
});
