// EVConnectionTimeOut with TxStopPoint ParkingBayOccupancy (E03.FR.15, F02.FR.08), station side, 2.1 and 2.0.1:
// the driver (or the CSMS) authorized, no cable followed, the EV still stands in the bay (parking-bay.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { OcppTypes } from '@chargewire/ocpp';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { QUIET, sequence } from './sequence.ts';
import { driveIn, driveOut } from '../parking-bay.ts';

type Ev = OcppTypes.TransactionEventRequest;
const points = (start: string, stop: string) => ({ ...QUIET, 'TxCtrlr.TxStartPoint': start, 'TxCtrlr.TxStopPoint': stop, 'TxCtrlr.EVConnectionTimeOut': '30' });
const brief = (e: Ev): string => `${e.eventType}(${e.triggerReason},${e.transactionInfo.chargingState ?? ''}${e.transactionInfo.stoppedReason ? `,${e.transactionInfo.stoppedReason}` : ''})`;
const idToken = { idToken: 'APP1', type: 'Central' as const };

for (const version of VERSIONS) {
  describe(`EVConnectionTimeOut with the EV in the parking bay (${version})`, () => {
    test('E03.FR.15 TxStopPoint ParkingBayOccupancy, authorized, no cable: deauthorized, Updated(EVConnectTimeout); the transaction ends when the EV leaves the bay', async () => {
      const { st, csms, clock } = await harness({ version, variables: points('ParkingBayOccupancy', 'ParkingBayOccupancy') });
      csms.clear();
      driveIn(st, 1);
      assert.equal((await st.presentToken('TAG1', 'ISO14443', 1)).status, 'Accepted');
      await settle();
      await clock.advance(31_000);
      assert.deepEqual(csms.txEvents.map(brief), ['Started(EVDetected,Idle)', 'Updated(Authorized,Idle)', 'Updated(EVConnectTimeout,Idle)']);
      assert.equal(st.evse(1).auth, undefined, 'deauthorized');
      assert.ok(st.evse(1).tx, 'the transaction goes on while the EV is in the bay');
      // Nothing else happens while the EV stands there.
      await clock.advance(600_000);
      assert.equal(csms.txEvents.length, 3);
      driveOut(st, 1);
      await settle();
      assert.deepEqual(csms.txEvents.map(brief).slice(3), ['Ended(EVDeparted,Idle,Timeout)']);
      assert.deepEqual(csms.txEvents.map((e) => e.seqNo), [0, 1, 2, 3]);
      assert.equal(new Set(csms.txEvents.map((e) => e.transactionInfo.transactionId)).size, 1);
    });

    test('E03.FR.15 TxStopPoint ParkingBayOccupancy, TxStartPoint Authorized: Started(Authorized), Updated(EVConnectTimeout), Ended(EVDeparted) when the EV drives off', async () => {
      const { st, csms, clock } = await harness({ version, variables: points('Authorized', 'ParkingBayOccupancy') });
      driveIn(st, 1);
      await settle();
      csms.clear();
      await st.presentToken('TAG1');
      await clock.advance(31_000);
      driveOut(st, 1);
      await settle();
      assert.deepEqual(csms.txEvents.map(brief), ['Started(Authorized,Idle)', 'Updated(EVConnectTimeout,Idle)', 'Ended(EVDeparted,Idle,Timeout)']);
    });

    test('E03.FR.15 E06.FR.03 TxStopPoint ParkingBayOccupancy and Authorized: the deauthorization itself ends the transaction (Ended EVConnectTimeout)', async () => {
      const { st, csms, clock } = await harness({ version, variables: points('Authorized', 'ParkingBayOccupancy,Authorized') });
      driveIn(st, 1);
      await settle();
      csms.clear();
      await st.presentToken('TAG1');
      await clock.advance(31_000);
      assert.deepEqual(csms.txEvents.map(brief), ['Started(Authorized,Idle)', 'Ended(EVConnectTimeout,Idle,Timeout)']);
      assert.equal(st.evse(1).tx, undefined);
    });

    test('F02.FR.08 F02.FR.21 remote start first, EV in the bay, no cable: Started(RemoteStart), Updated(EVConnectTimeout) (deauthorized), Ended(EVDeparted) when the bay is left', async () => {
      const { st, csms, clock } = await harness({ version, variables: points('Authorized', 'ParkingBayOccupancy') });
      driveIn(st, 1);
      await settle();
      csms.clear();
      assert.equal((await csms.call('RequestStartTransaction', { idToken, remoteStartId: 21, evseId: 1 })).status, 'Accepted');
      await settle();
      await clock.advance(31_000);
      assert.deepEqual(csms.txEvents.map(brief), ['Started(RemoteStart,Idle)', 'Updated(EVConnectTimeout,Idle)']);
      assert.deepEqual([csms.txEvents[0]!.transactionInfo.remoteStartId, csms.txEvents[0]!.idToken], [21, idToken]);
      assert.equal(st.evse(1).auth, undefined);
      // Deauthorized: a new remote start may claim the waiting transaction (F01.FR.13: its transactionId is returned).
      assert.deepEqual(await csms.call('RequestStartTransaction', { idToken, remoteStartId: 22, evseId: 1 }), { status: 'Accepted', transactionId: csms.txEvents[0]!.transactionInfo.transactionId });
      await settle();
      st.plugIn(1, 1);
      await settle();
      driveOut(st, 1);
      await settle();
      // Authorized again: the stop by the timeout no longer gives the stoppedReason; the EV unplugs and drives off.
      assert.deepEqual(csms.txEvents.map(brief).slice(2), [
        'Updated(RemoteStart,Idle)', 'Updated(CablePluggedIn,EVConnected)', 'Updated(ChargingStateChanged,Charging)',
        'Updated(EVCommunicationLost,Idle)', 'Ended(EVDeparted,Idle,EVDisconnected)']);
    });

    test('F02.FR.08 remote start first, EV in the bay, TxStartPoint PowerPathClosed (no transaction yet): only the authorization ends, nothing is sent', async () => {
      const { st, csms, clock } = await harness({ version, variables: points('PowerPathClosed', 'ParkingBayOccupancy') });
      driveIn(st, 1);
      await settle();
      csms.clear();
      assert.equal((await csms.call('RequestStartTransaction', { idToken, remoteStartId: 23, evseId: 1 })).status, 'Accepted');
      await clock.advance(31_000);
      assert.deepEqual(sequence(csms), []);
      assert.deepEqual([st.evse(1).auth, st.evse(1).tx], [undefined, undefined]);
    });
  });
}
