// Part 6 test cases for the Charging Station, block F (Remote Control): the simulator under test, a
// scripted CSMS in the OCTT's role; exact message sequences, in OCPP 2.1 and 2.0.1.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { QUIET, sequence } from './sequence.ts';

const TX = { ...QUIET, 'TxCtrlr.TxStartPoint': 'PowerPathClosed', 'TxCtrlr.TxStopPoint': 'EVConnected,Authorized' };
const idToken = { idToken: 'REMOTE1', type: 'Central' as const };

for (const version of VERSIONS) {
  describe(`Part 6 block F, station side (${version})`, () => {
    test('TC_F_01_CS F01.FR.19 F02.FR.01 F01.FR.05 E03.FR.12 remote start, cable first: Accepted, Started(RemoteStart, EVConnected) with remoteStartId, then Updated(ChargingStateChanged, Charging)', async () => {
      const { st, csms } = await harness({ version, variables: TX });
      st.plugIn(1, 1);
      await settle();
      csms.clear();
      assert.deepEqual(await csms.call('RequestStartTransaction', { idToken, remoteStartId: 11, evseId: 1 }), { status: 'Accepted' });
      await settle();
      // Part 6 TC_F_01_CS step 1, reusable state Authorized (remote) step 7: TxStartPoint PowerPathClosed from
      // EVConnectedPreSession: Started, triggerReason RemoteStart, remoteStartId, idToken; step 2, EnergyTransferStarted
      // step 9: ChargingStateChanged, Charging. [E03.FR.12] two events, also when they happen at the same time.
      assert.deepEqual(sequence(csms), ['TransactionEvent(Started,RemoteStart)', 'TransactionEvent(Updated,ChargingStateChanged)']);
      assert.deepEqual(csms.txEvents.map((e) => e.transactionInfo.chargingState), ['EVConnected', 'Charging']);
      assert.deepEqual([csms.txEvents[0]!.transactionInfo.remoteStartId, csms.txEvents[0]!.idToken?.idToken], [11, 'REMOTE1']);
      assert.equal(csms.txEvents[1]!.idToken, undefined, 'the idToken goes once');
    });

    test('TC_F_02_CS F01.FR.01 F02.FR.21 G01.FR.03 remote start first, AuthorizeRemoteStart true: Authorize; on plug-in Occupied, Started(RemoteStart, EVConnected), Updated(ChargingStateChanged, Charging)', async () => {
      const { st, csms } = await harness({ version, variables: { ...TX, 'AuthCtrlr.AuthorizeRemoteStart': 'true' } });
      csms.clear();
      // A Central token is never authorized (C05.FR.01): the OCTT uses a local token type here.
      assert.equal((await csms.call('RequestStartTransaction', { idToken: { ...idToken, type: 'ISO14443' }, remoteStartId: 12 })).status, 'Accepted');
      await settle();
      st.plugIn(1, 1);
      await settle();
      // EnergyTransferStarted steps 1 (Occupied) and 3; [F02.FR.21] the transaction starts at the plug-in, its first event
      // has triggerReason RemoteStart (EVConnected shows the plug-in); [E03.FR.12] step 9 energy transfer on its own.
      assert.deepEqual(sequence(csms), ['Authorize(REMOTE1)', 'StatusNotification(1/1:Occupied)', 'TransactionEvent(Started,RemoteStart)', 'TransactionEvent(Updated,ChargingStateChanged)']);
      assert.deepEqual(csms.txEvents.map((e) => e.transactionInfo.chargingState), ['EVConnected', 'Charging']);
    });

    test('TC_F_03_CS F01.FR.02 F02.FR.01 F02.FR.21 remote start first, AuthorizeRemoteStart false: no Authorize; Occupied, Started(RemoteStart), Updated(ChargingStateChanged)', async () => {
      const { st, csms } = await harness({ version, variables: { ...TX, 'AuthCtrlr.AuthorizeRemoteStart': 'false' } });
      csms.clear();
      assert.equal((await csms.call('RequestStartTransaction', { idToken, remoteStartId: 13 })).status, 'Accepted');
      await settle();
      st.plugIn(1, 1);
      await settle();
      assert.deepEqual(sequence(csms), ['StatusNotification(1/1:Occupied)', 'TransactionEvent(Started,RemoteStart)', 'TransactionEvent(Updated,ChargingStateChanged)']);
      assert.deepEqual(csms.txEvents.map((e) => e.transactionInfo.chargingState), ['EVConnected', 'Charging']);
      assert.equal(csms.txEvents[0]!.transactionInfo.remoteStartId, 13);
    });

    test('TC_F_02_CS F02.FR.21 TxStartPoint Authorized: Started(RemoteStart) at once, then Updated(CablePluggedIn, EVConnected), Updated(ChargingStateChanged, Charging)', async () => {
      const { st, csms } = await harness({ version, variables: { ...QUIET, 'TxCtrlr.TxStartPoint': 'Authorized', 'TxCtrlr.TxStopPoint': 'EVConnected,Authorized' } });
      csms.clear();
      assert.equal((await csms.call('RequestStartTransaction', { idToken, remoteStartId: 15, evseId: 1 })).status, 'Accepted');
      await settle();
      st.plugIn(1, 1);
      await settle();
      // Authorized (remote) step 7 (Started, RemoteStart), EnergyTransferStarted steps 1, 3 (CablePluggedIn, EVConnected) and 9.
      assert.deepEqual(sequence(csms), ['TransactionEvent(Started,RemoteStart)', 'StatusNotification(1/1:Occupied)', 'TransactionEvent(Updated,CablePluggedIn)', 'TransactionEvent(Updated,ChargingStateChanged)']);
      assert.deepEqual(csms.txEvents.map((e) => e.transactionInfo.chargingState), ['Idle', 'EVConnected', 'Charging']);
    });

    test('TC_F_04_CS F02.FR.07 E03.FR.05 remote start first (TxStartPoint Authorized), cable never plugged: Ended(EVConnectTimeout, Timeout); the EVSE takes the next remote start', async () => {
      const { st, csms, clock } = await harness({ version, variables: { ...QUIET, 'TxCtrlr.TxStartPoint': 'Authorized', 'TxCtrlr.TxStopPoint': 'EVConnected,Authorized', 'TxCtrlr.EVConnectionTimeOut': '20' } });
      csms.clear();
      assert.equal((await csms.call('RequestStartTransaction', { idToken, remoteStartId: 14, evseId: 1 })).status, 'Accepted');
      await settle();
      await clock.advance(21_000);
      assert.deepEqual(sequence(csms), ['TransactionEvent(Started,RemoteStart)', 'TransactionEvent(Ended,EVConnectTimeout,Timeout)']);
      assert.equal(st.evse(1).auth, undefined);
      // Step 3: reusable state Authorized (remote) again.
      assert.equal((await csms.call('RequestStartTransaction', { idToken, remoteStartId: 16, evseId: 1 })).status, 'Accepted');
      await settle();
      assert.deepEqual(sequence(csms).slice(2), ['TransactionEvent(Started,RemoteStart)']);
      assert.equal(csms.txEvents[2]!.transactionInfo.remoteStartId, 16);
    });

    test('F02.FR.07 remote start first, TxStartPoint PowerPathClosed, cable never plugged: EVConnectionTimeOut ends the authorization, nothing sent', async () => {
      const { st, csms, clock } = await harness({ version, variables: { ...TX, 'TxCtrlr.EVConnectionTimeOut': '20' } });
      csms.clear();
      assert.equal((await csms.call('RequestStartTransaction', { idToken, remoteStartId: 14 })).status, 'Accepted');
      await clock.advance(21_000);
      assert.deepEqual(sequence(csms), []);
      assert.equal(st.evse(1).auth, undefined);
    });

    test('TC_F_05_CS TC_F_06_CS TC_F_10_CS F05.FR.02 F05.FR.04 F05.FR.03 UnlockConnector: ongoing authorized tx, Unlocked, UnknownConnector', async () => {
      const { st, csms } = await harness({ version, variables: TX });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      assert.equal((await csms.call('UnlockConnector', { evseId: 1, connectorId: 1 })).status, 'OngoingAuthorizedTransaction');
      await st.presentToken('TAG1');
      st.unplug(1);
      await settle();
      assert.equal((await csms.call('UnlockConnector', { evseId: 1, connectorId: 1 })).status, 'Unlocked');
      assert.equal((await csms.call('UnlockConnector', { evseId: 1, connectorId: 7 })).status, 'UnknownConnector');
    });

    test('TC_F_08_CS F03.FR.02 F03.FR.07 remote stop: Accepted, Ended(RemoteStop, Remote)', async () => {
      const { st, csms } = await harness({ version, variables: TX });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      const id = csms.txEvents[0]!.transactionInfo.transactionId;
      csms.clear();
      assert.deepEqual(await csms.call('RequestStopTransaction', { transactionId: id }), { status: 'Accepted' });
      await settle();
      assert.deepEqual(sequence(csms), ['TransactionEvent(Ended,RemoteStop,Remote)']);
    });

    test('TC_F_09_CS F03.FR.08 remote stop of an unknown transaction: Rejected, nothing sent', async () => {
      const { csms } = await harness({ version, variables: TX });
      csms.clear();
      assert.deepEqual(await csms.call('RequestStopTransaction', { transactionId: 'unknown' }), { status: 'Rejected' });
      await settle();
      assert.deepEqual(sequence(csms), []);
    });

    test('TC_F_11_CS TC_F_12_CS F06.FR.06 TriggerMessage MeterValues for one EVSE and for all', async () => {
      const { csms } = await harness({ version, variables: QUIET, evses: [{ connectors: [{}] }, { connectors: [{}] }] });
      csms.clear();
      assert.equal((await csms.call('TriggerMessage', { requestedMessage: 'MeterValues', evse: { id: 2 } })).status, 'Accepted');
      await settle();
      assert.equal((await csms.call('TriggerMessage', { requestedMessage: 'MeterValues' })).status, 'Accepted');
      await settle();
      assert.deepEqual(csms.of('MeterValues').map((m) => [m.evseId, m.meterValue[0]!.sampledValue[0]!.context]), [[2, 'Trigger'], [1, 'Trigger'], [2, 'Trigger']]);
    });

    test('TC_F_13_CS F06.FR.07 TriggerMessage TransactionEvent for an EVSE: Updated(Trigger) with chargingState', async () => {
      const { st, csms } = await harness({ version, variables: TX });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      csms.clear();
      assert.equal((await csms.call('TriggerMessage', { requestedMessage: 'TransactionEvent', evse: { id: 1 } })).status, 'Accepted');
      await settle();
      assert.deepEqual(sequence(csms), ['TransactionEvent(Updated,Trigger)']);
      assert.equal(csms.txEvents[0]!.transactionInfo.chargingState, 'Charging');
    });

    test('TC_F_15_CS TC_F_18_CS TC_F_20_CS F06.FR.15 F06.FR.16 TriggerMessage LogStatusNotification, FirmwareStatusNotification (Idle), Heartbeat', async () => {
      const { csms } = await harness({ version, variables: QUIET });
      csms.clear();
      for (const requestedMessage of ['LogStatusNotification', 'FirmwareStatusNotification', 'Heartbeat'] as const) {
        assert.equal((await csms.call('TriggerMessage', { requestedMessage })).status, 'Accepted');
        await settle();
      }
      assert.deepEqual(sequence(csms), ['LogStatusNotification', 'FirmwareStatusNotification', 'Heartbeat']);
      assert.deepEqual([csms.of('LogStatusNotification')[0]!.status, csms.of('FirmwareStatusNotification')[0]!.status], ['Idle', 'Idle']);
    });

    test('TC_F_23_CS TC_F_24_CS F06.FR.12 TriggerMessage StatusNotification for a connector: Available, then Occupied', async () => {
      const { st, csms } = await harness({ version, variables: QUIET });
      csms.clear();
      await csms.call('TriggerMessage', { requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } });
      await settle();
      st.plugIn(1, 1);
      await settle();
      csms.clear();
      await csms.call('TriggerMessage', { requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } });
      await settle();
      assert.deepEqual(sequence(csms), ['StatusNotification(1/1:Occupied)']);
    });

    test('TC_F_26_CS TC_F_27_CS F06.FR.17 F06.FR.08 TriggerMessage BootNotification when Accepted: Rejected; unsupported message: NotImplemented', async () => {
      const { csms } = await harness({ version, variables: QUIET });
      assert.equal((await csms.call('TriggerMessage', { requestedMessage: 'BootNotification' })).status, 'Rejected');
      assert.equal((await csms.call('TriggerMessage', { requestedMessage: 'PublishFirmwareStatusNotification' })).status, 'NotImplemented');
    });
  });
}
