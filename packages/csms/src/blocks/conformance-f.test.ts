// Conformance tests for block F (Remote Control), CSMS side: FRs the block tests did not name yet.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { ChargingProfileType, RequestStartTransactionRequest } from '@chargewire/ocpp/types';
import { blockHarness } from '../../../../test/fixtures/block-harness.ts';
import { aBootNotification } from '../../../../test/fixtures/builders.ts';
import { requestStartTransaction } from './remote-control.ts';

const txProfile: ChargingProfileType = { id: 3, stackLevel: 0, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative', chargingSchedule: [{ id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] }] };
const driver = { idToken: 'DRV-9', type: 'ISO14443' };

async function stationRecording() {
  const h = await blockHarness();
  await h.station.call('BootNotification', aBootNotification());
  const seen: RequestStartTransactionRequest[] = [];
  h.station.handle('RequestStartTransaction', async (_c, req) => { seen.push(req); return { status: 'Accepted' }; });
  return { h, seen };
}

describe('F01/F02 RequestStartTransaction', () => {
  test('[F01.FR.06] [F02.FR.14] the request carries an evseId only when the transaction is for a specific EVSE', async () => {
    const { h, seen } = await stationRecording();
    await requestStartTransaction(h.runtime, 'CS001', { idToken: driver, evseId: 2, remoteStartId: 1 });
    await requestStartTransaction(h.runtime, 'CS001', { idToken: driver, remoteStartId: 2 });
    assert.equal(seen[0]!.evseId, 2);
    assert.equal('evseId' in seen[1]!, false);
    assert.deepEqual(seen[1], { idToken: driver, remoteStartId: 2 });
  });

  test('[F02.FR.17] [F02.FR.19] a profile with the request is a TxProfile without transactionId; anything else is never sent', async () => {
    const { h, seen } = await stationRecording();
    await requestStartTransaction(h.runtime, 'CS001', { idToken: driver, evseId: 1, chargingProfile: txProfile, remoteStartId: 7 });
    assert.equal(seen[0]!.chargingProfile?.chargingProfilePurpose, 'TxProfile');
    assert.equal(seen[0]!.chargingProfile?.transactionId, undefined);
    await assert.rejects(requestStartTransaction(h.runtime, 'CS001', { idToken: driver, chargingProfile: { ...txProfile, chargingProfilePurpose: 'TxDefaultProfile' } }), { code: 'CHARGING_ERR_INVALID', field: 'chargingProfile.chargingProfilePurpose' });
    await assert.rejects(requestStartTransaction(h.runtime, 'CS001', { idToken: driver, chargingProfile: { ...txProfile, transactionId: 'TX-1' } }), { code: 'CHARGING_ERR_INVALID', field: 'chargingProfile.transactionId' });
    assert.equal(seen.length, 1);
  });
});
