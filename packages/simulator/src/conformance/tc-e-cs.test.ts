// Part 6 test cases for the Charging Station, block E (Transactions), start/stop options and EV-side
// disconnects: the simulator under test, a scripted CSMS in the OCTT's role (2.1 and 2.0.1). The queue,
// retry, offline and status test cases are in tc-e-cs-queue.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { OcppTypes } from '@chargewire/ocpp';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import type { ScriptedCsms } from '../testing/scripted-csms.ts';
import { QUIET, sequence } from './sequence.ts';
import { driveIn, driveOut } from '../parking-bay.ts';

type Ev = OcppTypes.TransactionEventRequest;
const points = (start: string, stop: string, more: Record<string, string> = {}) => ({ ...QUIET, 'TxCtrlr.TxStartPoint': start, 'TxCtrlr.TxStopPoint': stop, ...more });
/** eventType, triggerReason, chargingState, stoppedReason of a TransactionEvent. */
const brief = (e: Ev): string[] => [e.eventType, e.triggerReason, e.transactionInfo.chargingState ?? '', e.transactionInfo.stoppedReason ?? ''];
const TAG: OcppTypes.IdTokenType = { idToken: 'TAG1', type: 'ISO14443' };
/** Reusable state EnergyTransferStarted (local authorization, cable first), then the CSMS log is cleared. */
async function energyTransferStarted(h: { st: import('../station.ts').Station; csms: ScriptedCsms }): Promise<string> {
  h.st.plugIn(1, 1);
  await h.st.presentToken(TAG.idToken, TAG.type);
  await settle();
  assert.equal(h.st.state().evses[0]!.chargingState, 'Charging');
  const id = h.csms.txEvents[0]!.transactionInfo.transactionId;
  h.csms.clear();
  return id;
}

for (const version of VERSIONS) {
  describe(`Part 6 block E start/stop options, station side (${version})`, () => {
    test('TC_E_02_CS E01.FR.06 E01.FR.07 E01.FR.10 E01.FR.15 E01.FR.16 TxStartPoint EnergyTransfer: authorized first, plug-in: Occupied, Started(ChargingStateChanged) with idToken, evse, connector, Charging', async () => {
      const { st, csms } = await harness({ version, variables: points('EnergyTransfer', 'EVConnected,Authorized') });
      csms.clear();
      await st.presentToken('TAG1');
      await settle();
      assert.deepEqual(sequence(csms), ['Authorize(TAG1)'], 'no transaction before energy flows');
      st.plugIn(1, 1);
      await settle();
      assert.deepEqual(sequence(csms).slice(1).sort(), ['StatusNotification(1/1:Occupied)', 'TransactionEvent(Started,ChargingStateChanged)']);
      const e = csms.txEvents[0]!;
      assert.deepEqual([e.seqNo, e.idToken, e.evse, e.transactionInfo.chargingState], [0, TAG, { id: 1, connectorId: 1 }, 'Charging']);
    });

    test('TC_E_12_CS E01.FR.01 E01.FR.07 E01.FR.15 TxStartPoint ParkingBayOccupancy: the EV drives into the bay, Started(EVDetected), seqNo 0', async () => {
      const { st, csms } = await harness({ version, variables: points('ParkingBayOccupancy', 'ParkingBayOccupancy') });
      csms.clear();
      driveIn(st, 1);
      await settle();
      assert.deepEqual(sequence(csms), ['TransactionEvent(Started,EVDetected)']);
      assert.deepEqual([csms.txEvents[0]!.seqNo, csms.txEvents[0]!.evse?.id], [0, 1]);
    });

    for (const how of ['local', 'remote'] as const) {
      test(`TC_E_19_CS E06.FR.01 E06.FR.15 TxStopPoint ParkingBayOccupancy, stop ${how}, EV unplugged: the transaction ends when the EV leaves the bay, Ended(EVDeparted, ${how === 'local' ? 'Local' : 'Remote'})`, async () => {
        const h = await harness({ version, variables: points('ParkingBayOccupancy', 'ParkingBayOccupancy') });
        driveIn(h.st, 1);
        const id = await energyTransferStarted(h);
        if (how === 'local') await h.st.presentToken('TAG1');
        else assert.equal((await h.csms.call('RequestStopTransaction', { transactionId: id })).status, 'Accepted');
        await settle();
        h.st.unplug(1); // reusable state EVDisconnected
        await settle();
        assert.deepEqual(h.csms.txEvents.map((e) => e.eventType), ['Updated', 'Updated'], 'the transaction goes on while the EV is in the bay');
        h.csms.clear();
        driveOut(h.st, 1);
        await settle();
        assert.deepEqual(h.csms.txEvents.map(brief), [['Ended', 'EVDeparted', 'Idle', how === 'local' ? 'Local' : 'Remote']]);
      });
    }

    test('TC_E_13_CS E01.FR.03 F01.FR.03 F01.FR.04 F01.FR.06 F01.FR.19 F02.FR.01 TxStartPoint Authorized, remote start: Accepted, Authorize, Started(RemoteStart) with idToken and remoteStartId', async () => {
      const { st, csms } = await harness({ version, variables: points('Authorized', 'EVConnected,Authorized', { 'AuthCtrlr.AuthorizeRemoteStart': 'true' }) });
      csms.clear();
      const resp = await csms.call('RequestStartTransaction', { idToken: TAG, remoteStartId: 42, evseId: 1 });
      assert.equal(resp.status, 'Accepted');
      await csms.until(() => csms.txEvents.length === 1);
      assert.deepEqual(sequence(csms), ['Authorize(TAG1)', 'TransactionEvent(Started,RemoteStart)']);
      assert.deepEqual(csms.of('Authorize')[0]!.idToken, TAG);
      const e = csms.txEvents[0]!;
      assert.deepEqual([e.idToken, e.transactionInfo.remoteStartId], [TAG, 42]);
      assert.equal(st.evse(1).tx?.id, e.transactionInfo.transactionId);
    });

    test('TC_E_07_CS E06.FR.06 E06.FR.15 TxStopPoint PowerPathClosed, local stop (StopAuthorized): Ended(StopAuthorized), stoppedReason Local, idToken of the stop', async () => {
      const h = await harness({ version, variables: points('PowerPathClosed', 'PowerPathClosed') });
      await energyTransferStarted(h);
      await h.st.presentToken('TAG1');
      await settle();
      assert.deepEqual(h.csms.txEvents.map(brief), [['Ended', 'StopAuthorized', 'EVConnected', 'Local']]);
      assert.deepEqual(h.csms.txEvents[0]!.idToken, TAG);
      assert.equal(h.st.state().evses[0]!.powerW, 0);
    });

    test('TC_E_08_CS E06.FR.07 E06.FR.15 TxStopPoint EnergyTransfer, local stop (StopAuthorized): the energy transfer stops, Ended(StopAuthorized, Local)', async () => {
      const h = await harness({ version, variables: points('PowerPathClosed', 'EnergyTransfer') });
      await energyTransferStarted(h);
      await h.st.presentToken('TAG1');
      await settle();
      assert.deepEqual(h.csms.txEvents.map(brief), [['Ended', 'StopAuthorized', 'EVConnected', 'Local']]);
      assert.equal(h.st.evse(1).tx, undefined);
    });

    test('TC_E_22_CS E06.FR.07 E06.FR.15 TxStopPoint EnergyTransfer, the EV suspends: Ended(ChargingStateChanged) with EVConnected, StoppedByEV', async () => {
      const h = await harness({ version, variables: points('PowerPathClosed', 'EnergyTransfer') });
      await energyTransferStarted(h);
      h.st.setPower(1, 0);
      await settle();
      assert.deepEqual(h.csms.txEvents.map(brief), [['Ended', 'ChargingStateChanged', 'EVConnected', 'StoppedByEV']]);
    });

    for (const [tc, stop] of [['TC_E_21_CS E06.FR.03 F03.FR.09', 'Authorized'], ['TC_E_35_CS E06.FR.06', 'PowerPathClosed']] as const) {
      test(`${tc} E06.FR.15 TxStopPoint ${stop}, RequestStopTransaction: Accepted, Ended(RemoteStop, Remote)`, async () => {
        const h = await harness({ version, variables: points('PowerPathClosed', stop) });
        const id = await energyTransferStarted(h);
        assert.equal((await h.csms.call('RequestStopTransaction', { transactionId: id })).status, 'Accepted');
        await h.csms.until(() => h.csms.txEvents.length === 1);
        assert.deepEqual(h.csms.txEvents.map((e) => [...brief(e), e.transactionInfo.transactionId]), [['Ended', 'RemoteStop', 'EVConnected', 'Remote', id]]);
      });
    }

    for (const [tc, stop] of [['TC_E_20_CS E06.FR.02', 'EVConnected'], ['TC_E_37_CS E06.FR.06', 'PowerPathClosed']] as const) {
      test(`${tc} E06.FR.15 TxStopPoint ${stop}, StopTxOnEVSideDisconnect false, energy transfer suspended, EV-side disconnect: Ended(EVCommunicationLost, Idle, EVDisconnected)`, async () => {
        const h = await harness({ version, variables: points('PowerPathClosed', stop, { 'TxCtrlr.StopTxOnEVSideDisconnect': 'false' }) });
        await energyTransferStarted(h);
        h.st.setPower(1, 0); // reusable state EnergyTransferSuspended
        await settle();
        assert.deepEqual(h.csms.txEvents.map(brief), [['Updated', 'ChargingStateChanged', 'SuspendedEV', '']]);
        h.csms.clear();
        h.st.unplug(1);
        await settle();
        assert.deepEqual(h.csms.txEvents.map(brief), [['Ended', 'EVCommunicationLost', 'Idle', 'EVDisconnected']]);
      });
    }

    // E09: the simulator has no cable lock, so an EV-side disconnect also frees the connector; the lock/unlock
    // itself (E09.FR.02 / E09.FR.03) is not modelled, the messages the test cases validate are.
    for (const [tc, unlock, type] of [['TC_E_24_CS E09.FR.01 E09.FR.02 E09.FR.04', 'true', 'sType2'], ['TC_E_25_CS E09.FR.01 E09.FR.03 E09.FR.04', 'false', 'cType2']] as const) {
      test(`${tc} StopTxOnEVSideDisconnect true, UnlockOnEVSideDisconnect ${unlock} (${type}): EV-side disconnect deauthorizes, TransactionEvent(EVCommunicationLost, Idle), connector Available`, async () => {
        const h = await harness({ version, evses: [{ connectors: [{ type }] }], variables: { ...QUIET, 'TxCtrlr.StopTxOnEVSideDisconnect': 'true', 'OCPPCommCtrlr.UnlockOnEVSideDisconnect': unlock } });
        await energyTransferStarted(h);
        h.st.setPower(1, 0);
        await settle();
        h.csms.clear();
        h.st.unplug(1);
        await settle();
        assert.deepEqual(sequence(h.csms), ['TransactionEvent(Ended,EVCommunicationLost,EVDisconnected)', 'StatusNotification(1/1:Available)']);
        assert.equal(h.csms.txEvents[0]!.transactionInfo.chargingState, 'Idle');
        assert.equal(h.st.evse(1).auth, undefined, 'deauthorized');
      });
    }

    test('TC_E_27_CS E10.FR.02 E10.FR.03 TxStopPoint Authorized, StopTxOnEVSideDisconnect false, permanently attached cable: Updated(EVCommunicationLost, Idle), Available, then Ended(EVConnectTimeout, Timeout)', async () => {
      const h = await harness({ version, variables: points('PowerPathClosed', 'Authorized', { 'TxCtrlr.StopTxOnEVSideDisconnect': 'false', 'OCPPCommCtrlr.UnlockOnEVSideDisconnect': 'false', 'TxCtrlr.EVConnectionTimeOut': '30' }) });
      await energyTransferStarted(h);
      h.st.setPower(1, 0);
      await settle();
      h.csms.clear();
      h.st.unplug(1);
      await settle();
      assert.deepEqual(sequence(h.csms), ['TransactionEvent(Updated,EVCommunicationLost)', 'StatusNotification(1/1:Available)']);
      assert.equal(h.csms.txEvents[0]!.transactionInfo.chargingState, 'Idle');
      await h.clock.advance(29_000);
      assert.equal(h.csms.txEvents.length, 1, 'nothing before EVConnectionTimeOut');
      await h.clock.advance(2_000);
      assert.deepEqual(h.csms.txEvents.map(brief).at(-1), ['Ended', 'EVConnectTimeout', 'Idle', 'Timeout']);
      const seq = h.csms.txEvents.map((e) => e.seqNo);
      assert.deepEqual(seq, [seq[0]!, seq[0]! + 1], 'seqNo goes on (E10.FR.03)');
    });

    test('TC_E_26_CS E10.FR.01 E10.FR.03 TxStopPoint Authorized, StopTxOnEVSideDisconnect false: EV-side disconnect suspends (Updated EVCommunicationLost, Idle), reconnect: Updated(CablePluggedIn, EVConnected), then Updated(ChargingStateChanged, Charging)', async () => {
      const h = await harness({ version, variables: points('PowerPathClosed', 'Authorized', { 'TxCtrlr.StopTxOnEVSideDisconnect': 'false', 'OCPPCommCtrlr.UnlockOnEVSideDisconnect': 'false', 'TxCtrlr.EVConnectionTimeOut': '60' }) });
      const id = await energyTransferStarted(h);
      h.st.setPower(1, 0); // reusable state EnergyTransferSuspended
      await settle();
      h.csms.clear();
      h.st.unplug(1);
      await settle();
      // Steps 1-3: the transaction goes on without the EV; the (permanently attached) connector is Available.
      assert.deepEqual(sequence(h.csms), ['TransactionEvent(Updated,EVCommunicationLost)', 'StatusNotification(1/1:Available)']);
      assert.equal(h.csms.txEvents[0]!.transactionInfo.chargingState, 'Idle');
      h.csms.clear();
      h.st.plugIn(1, 1, { powerW: 11_000 });
      await settle();
      // Steps 5-7: [E03.FR.12] the plug-in and the restart of the energy transfer are two events, in this order.
      assert.deepEqual(h.csms.txEvents.map(brief), [['Updated', 'CablePluggedIn', 'EVConnected', ''], ['Updated', 'ChargingStateChanged', 'Charging', '']]);
      assert.ok(h.csms.txEvents.every((e) => e.transactionInfo.transactionId === id), 'E10.FR.03 the same transaction');
      const seq = h.csms.txEvents.map((e) => e.seqNo);
      assert.deepEqual(seq, [seq[0]!, seq[0]! + 1]);
      assert.ok(h.st.state().evses[0]!.powerW > 0, 'energy flows again');
    });

    for (const start of ['PowerPathClosed', 'Authorized'] as const) {
      test(`TC_E_38_CS E03 TxStartPoint ${start}, authorized first, EV not ready: CablePluggedIn with EVConnected, then Updated(ChargingStateChanged, SuspendedEV)`, async () => {
        const { st, csms } = await harness({ version, variables: points(start, 'EVConnected,Authorized') });
        await st.presentToken(TAG.idToken, TAG.type); // reusable state Authorized
        await settle();
        const before = csms.txEvents.length;
        st.plugIn(1, 1, { powerW: 0 }); // the EV is not ready for energy transfer
        await settle();
        const ev = csms.txEvents.slice(before);
        assert.deepEqual(ev.map(brief), [[start === 'Authorized' ? 'Updated' : 'Started', 'CablePluggedIn', 'EVConnected', ''], ['Updated', 'ChargingStateChanged', 'SuspendedEV', '']]);
        assert.equal(st.state().evses[0]!.powerW, 0);
      });
    }

    test('TC_E_39_CS E06.FR.04 E06.FR.15 TxStopPoint Authorized, TxStartPoint Authorized: EVConnectionTimeOut ends the transaction (Ended EVConnectTimeout, Timeout); a late EV gets no energy', async () => {
      const { st, csms, clock } = await harness({ version, variables: points('Authorized', 'Authorized', { 'TxCtrlr.EVConnectionTimeOut': '30' }) });
      csms.clear();
      await st.presentToken('TAG1');
      await clock.advance(31_000);
      assert.deepEqual(csms.txEvents.map(brief), [['Started', 'Authorized', 'Idle', ''], ['Ended', 'EVConnectTimeout', 'Idle', 'Timeout']]);
      st.plugIn(1, 1);
      await settle();
      assert.equal(csms.txEvents.length, 2, 'no new transaction: TxStartPoint Authorized and nobody authorized');
      assert.equal(st.state().evses[0]!.powerW, 0);
    });

    test('TC_E_39_CS E06.FR.04 TxStartPoint PowerPathClosed: the authorization expires without a transaction; the late EV starts nothing and gets no energy', async () => {
      const { st, csms, clock } = await harness({ version, variables: points('PowerPathClosed', 'Authorized', { 'TxCtrlr.EVConnectionTimeOut': '30' }) });
      csms.clear();
      await st.presentToken('TAG1');
      await clock.advance(31_000);
      st.plugIn(1, 1);
      await settle();
      assert.deepEqual(sequence(csms), ['Authorize(TAG1)', 'StatusNotification(1/1:Occupied)']);
      assert.equal(st.state().evses[0]!.powerW, 0);
    });
  });
}
