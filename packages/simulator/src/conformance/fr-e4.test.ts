// Block E (Transactions), station side, part 4 (2.1 and 2.0.1): signed readings in the stop/offline use cases
// (E07–E12), numberOfPhasesUsed (E02/E03), the permanently attached cable (E10.FR.02), a meter that can no
// longer sign with TxStopPoint DataSigned (E06.FR.05), the plug-in status (E02.FR.05).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { OcppTypes } from '@chargewire/ocpp';
import { settle } from '../clock.ts';
import { METER_SIGN_DELAY_MS, setMeterSigning } from '../data-signed.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { QUIET, sequence } from './sequence.ts';

type Ev = OcppTypes.TransactionEventRequest;
const points = (start: string, stop: string, more: Record<string, string> = {}) => ({ ...QUIET, 'TxCtrlr.TxStartPoint': start, 'TxCtrlr.TxStopPoint': stop, ...more });
const SIGNED = { 'SampledDataCtrlr.SignReadings': 'true' };
/** context:signed? of every energy register value of an event. */
const energy = (e: Ev | undefined): string[] => (e?.meterValue ?? []).flatMap((m) => m.sampledValue)
  .filter((s) => (s.measurand ?? 'Energy.Active.Import.Register') === 'Energy.Active.Import.Register')
  .map((s) => `${s.context}:${s.signedMeterValue?.encodingMethod === 'OCMF' && s.signedMeterValue.signedMeterData.length > 0 ? 'signed' : 'unsigned'}`);
const ended = (evs: Ev[]): Ev => evs.find((e) => e.eventType === 'Ended')!;

for (const version of VERSIONS) {
  describe(`block E station FRs, part 4 (${version})`, () => {
    test('E07.FR.12 SignReadings: a transaction stopped locally with the idToken ends with signed readings', async () => {
      const { st, csms } = await harness({ version, variables: points('PowerPathClosed', 'Authorized', SIGNED) });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await st.presentToken('TAG1');
      await settle();
      assert.deepEqual([ended(csms.txEvents).triggerReason, energy(ended(csms.txEvents))], ['StopAuthorized', ['Transaction.Begin:signed', 'Transaction.End:signed']]);
    });

    test('E08.FR.12 E12.FR.10 SignReadings: stopped while offline; the queued Ended (offline) carries signed readings', async () => {
      const { st, csms } = await harness({ version, variables: points('PowerPathClosed', 'Authorized', SIGNED) });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await st.goOffline();
      assert.equal((await st.presentToken('TAG1')).status, 'Stopped');
      await st.goOnline();
      await csms.until(() => csms.txEvents.some((e) => e.eventType === 'Ended'));
      const e = ended(csms.txEvents);
      assert.deepEqual([e.offline, energy(e)], [true, ['Transaction.Begin:signed', 'Transaction.End:signed']]);
    });

    test('E12.FR.10 E11.FR.08 SignReadings: a transaction that happened offline is delivered with signed readings', async () => {
      const { st, csms } = await harness({ version, variables: points('PowerPathClosed', 'EVConnected', { ...SIGNED, 'AuthCtrlr.OfflineTxForUnknownIdEnabled': 'true' }) });
      await st.goOffline();
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      st.unplug(1);
      await st.goOnline();
      await csms.until(() => csms.txEvents.length === 3);
      // [E03.FR.12] the energy transfer start is its own Updated(ChargingStateChanged) (no reading of its own).
      assert.deepEqual(csms.txEvents.map((e) => [e.eventType, e.triggerReason, e.offline, energy(e)]), [
        ['Started', 'Authorized', true, ['Transaction.Begin:signed']], ['Updated', 'ChargingStateChanged', true, []],
        ['Ended', 'EVCommunicationLost', true, ['Transaction.Begin:signed', 'Transaction.End:signed']]]);
    });

    test('E11.FR.08 SignReadings: periodic readings queued during a connection loss go out signed (offline = true)', async () => {
      const { st, csms, clock } = await harness({ version, variables: points('PowerPathClosed', 'EVConnected', { ...SIGNED, 'SampledDataCtrlr.TxUpdatedInterval': '60', 'SampledDataCtrlr.TxUpdatedMeasurands': 'Energy.Active.Import.Register' }) });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      await st.goOffline();
      csms.clear();
      await clock.advance(60_000);
      await st.goOnline();
      await csms.until(() => csms.txEvents.length === 1);
      assert.deepEqual(csms.txEvents.map((e) => [e.triggerReason, e.offline, energy(e)]), [['MeterValuePeriodic', true, ['Sample.Periodic:signed']]]);
    });

    test('E09.FR.08 SignReadings: the cable unplugged on the EV side ends the transaction with signed readings', async () => {
      const { st, csms } = await harness({ version, variables: points('PowerPathClosed', 'EVConnected,Authorized', SIGNED) });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      st.unplug(1);
      await settle();
      assert.deepEqual([ended(csms.txEvents).triggerReason, energy(ended(csms.txEvents))], ['EVCommunicationLost', ['Transaction.Begin:signed', 'Transaction.End:signed']]);
    });

    test('E10.FR.07 SignReadings: StopTxOnEVSideDisconnect false, unplug suspends; the later stop carries signed readings', async () => {
      const { st, csms } = await harness({ version, variables: points('PowerPathClosed', 'Authorized', { ...SIGNED, 'TxCtrlr.StopTxOnEVSideDisconnect': 'false' }) });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      st.unplug(1);
      await st.presentToken('TAG1');
      await settle();
      assert.deepEqual(csms.txEvents.map((e) => [e.eventType, e.triggerReason]), [
        ['Started', 'Authorized'], ['Updated', 'ChargingStateChanged'], ['Updated', 'EVCommunicationLost'], ['Ended', 'StopAuthorized']]);
      assert.deepEqual(energy(ended(csms.txEvents)), ['Transaction.Begin:signed', 'Transaction.End:signed']);
    });

    test('E10.FR.02 cable permanently attached (cType2), EV not plugged in again within EVConnectionTimeOut: deauthorized', async () => {
      const { st, csms, clock } = await harness({ version, variables: points('PowerPathClosed', 'Authorized', { 'TxCtrlr.StopTxOnEVSideDisconnect': 'false', 'TxCtrlr.EVConnectionTimeOut': '30' }) });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      st.unplug(1);
      await clock.advance(29_000);
      assert.ok(st.evse(1).auth, 'still authorized within the timeout');
      await clock.advance(2_000);
      assert.equal(st.evse(1).auth, undefined);
      assert.deepEqual(csms.txEvents.map((e) => [e.eventType, e.triggerReason, e.transactionInfo.stoppedReason]), [
        ['Started', 'Authorized', undefined], ['Updated', 'ChargingStateChanged', undefined], ['Updated', 'EVCommunicationLost', undefined], ['Ended', 'EVConnectTimeout', 'Timeout']]);
    });

    test('E10.FR.02 a socket (sType2, cable not attached) or an EV back in time: no timeout', async () => {
      const socket = await harness({ version, evses: [{ connectors: [{ type: 'sType2' }] }], variables: points('PowerPathClosed', 'Authorized', { 'TxCtrlr.StopTxOnEVSideDisconnect': 'false', 'TxCtrlr.EVConnectionTimeOut': '30' }) });
      socket.st.plugIn(1, 1);
      await socket.st.presentToken('TAG1');
      socket.st.unplug(1);
      await socket.clock.advance(60_000);
      assert.ok(socket.st.evse(1).auth && socket.st.evse(1).tx, 'the transaction stays authorized (a socket: no permanently attached cable)');
      const back = await harness({ version, variables: points('PowerPathClosed', 'Authorized', { 'TxCtrlr.StopTxOnEVSideDisconnect': 'false', 'TxCtrlr.EVConnectionTimeOut': '30' }) });
      back.st.plugIn(1, 1);
      await back.st.presentToken('TAG1');
      back.st.unplug(1);
      await back.clock.advance(10_000);
      back.st.plugIn(1, 1);
      await back.clock.advance(60_000);
      // the EV back in: Updated(CablePluggedIn), then energy transfer resumes in its own Updated(ChargingStateChanged).
      assert.deepEqual(back.csms.txEvents.map((e) => [e.triggerReason, e.transactionInfo.chargingState]), [
        ['Authorized', 'EVConnected'], ['ChargingStateChanged', 'Charging'], ['EVCommunicationLost', 'Idle'], ['CablePluggedIn', 'EVConnected'], ['ChargingStateChanged', 'Charging']]);
    });

    test('E06.FR.05 TxStopPoint DataSigned: the meter can no longer sign, the transaction ends (Ended, unsigned readings)', async () => {
      const { st, csms, clock } = await harness({ version, variables: points('DataSigned', 'DataSigned', SIGNED) });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await clock.advance(METER_SIGN_DELAY_MS);
      assert.equal(csms.txEvents[0]?.triggerReason, 'SignedDataReceived');
      setMeterSigning(st, st.evse(1), false);
      await settle();
      const e = ended(csms.txEvents);
      assert.deepEqual([e.triggerReason, e.transactionInfo.stoppedReason, energy(e)], ['AbnormalCondition', 'Other', ['Transaction.Begin:signed', 'Transaction.End:unsigned']]);
      assert.equal(st.evse(1).tx, undefined);
      assert.equal(st.state().evses[0]!.powerW, 0, 'no energy after the stop');
    });

    test('E06.FR.05 the meter fault without TxStopPoint DataSigned: the transaction goes on, readings unsigned', async () => {
      const { st, csms } = await harness({ version, variables: points('PowerPathClosed', 'EVConnected,Authorized', SIGNED) });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      setMeterSigning(st, st.evse(1), false);
      await settle();
      assert.ok(st.evse(1).tx);
      st.unplug(1);
      await settle();
      assert.deepEqual(energy(ended(csms.txEvents)), ['Transaction.Begin:signed', 'Transaction.End:unsigned']);
    });

    test('E02.FR.18 E02.FR.19 E03.FR.13 E03.FR.14 numberOfPhasesUsed when energy transfer starts, again after the EV switched phases', async () => {
      const { st, csms, clock } = await harness({ version, variables: points('EVConnected', 'EVConnected', { 'SampledDataCtrlr.TxUpdatedInterval': '60' }) });
      st.plugIn(1, 1); // cable first (E02)
      await st.presentToken('TAG1');
      await clock.advance(60_000);
      st.evse(1).meter.setPhases(1);
      await clock.advance(60_000);
      await clock.advance(60_000);
      st.unplug(1);
      await settle();
      assert.deepEqual(csms.txEvents.map((e) => [e.triggerReason, e.transactionInfo.chargingState ?? '', e.numberOfPhasesUsed]), [
        // [E02.FR.18] the phases go in the event that reports the start of energy transfer (after Authorized, E03.FR.12).
        ['CablePluggedIn', 'EVConnected', undefined], ['Authorized', 'EVConnected', undefined], ['ChargingStateChanged', 'Charging', 3], ['MeterValuePeriodic', 'Charging', undefined],
        ['MeterValuePeriodic', 'Charging', 1], ['MeterValuePeriodic', 'Charging', undefined], ['EVCommunicationLost', 'Idle', undefined]]);
      // idToken first (E03), 1-phase EVSE
      const b = await harness({ version, evses: [{ phases: 1, connectors: [{}] }], variables: points('PowerPathClosed', 'EVConnected') });
      await b.st.presentToken('TAG2');
      b.st.plugIn(1, 1);
      await settle();
      assert.deepEqual(b.csms.txEvents.map((e) => [e.eventType, e.triggerReason, e.numberOfPhasesUsed]), [['Started', 'CablePluggedIn', undefined], ['Updated', 'ChargingStateChanged', 1]]);
    });

    test('E02.FR.05 cable plugged in: the connector is reported Occupied (StatusNotification, the allowed alternative to NotifyEvent AvailabilityState)', async () => {
      const { st, csms } = await harness({ version, variables: points('PowerPathClosed', 'EVConnected,Authorized') });
      csms.clear();
      st.plugIn(1, 1);
      await settle();
      assert.deepEqual(sequence(csms).filter((s) => s.startsWith('StatusNotification')), ['StatusNotification(1/1:Occupied)']);
    });
  });
}
