// Block E (Transactions), station side, more FRs named by ID (2.1 and 2.0.1): E04 offline start, E09 EV-side stop.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { OcppTypes } from '@chargewire/ocpp';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { QUIET } from './sequence.ts';

type Ev = OcppTypes.TransactionEventRequest;
const points = (start: string, stop: string, more: Record<string, string> = {}) => ({ ...QUIET, 'TxCtrlr.TxStartPoint': start, 'TxCtrlr.TxStopPoint': stop, ...more });
const ctx = (e: Ev | undefined): string[] => (e?.meterValue ?? []).flatMap((m) => m.sampledValue.map((v) => `${v.context}:${v.measurand ?? 'Energy.Active.Import.Register'}${v.phase ? `.${v.phase}` : ''}`)).sort();

for (const version of VERSIONS) {
  describe(`block E station FRs, part 2 (${version})`, () => {
    test('E04.FR.05 transaction started offline: Started carries TxStartedMeasurands with context Transaction.Begin', async () => {
      const { st, csms } = await harness({ version, variables: points('EVConnected', 'EVConnected', {
        'SampledDataCtrlr.TxStartedMeasurands': 'Energy.Active.Import.Register,Power.Active.Import', 'SampledDataCtrlr.TxUpdatedMeasurands': '' }) });
      await st.goOffline();
      csms.clear();
      st.plugIn(1, 1);
      await settle();
      assert.equal(csms.txEvents.length, 0);
      await st.goOnline();
      await csms.until(() => csms.txEvents.length === 1);
      const e = csms.txEvents[0]!;
      assert.deepEqual([e.eventType, e.offline, e.evse?.id], ['Started', true, 1]);
      assert.deepEqual(ctx(e), ['Transaction.Begin:Energy.Active.Import.Register', 'Transaction.Begin:Power.Active.Import']);
    });

    test('E04.FR.06 transaction offline: periodic Updated events carry TxUpdatedMeasurands (Sample.Periodic), queued and sent with offline = true', async () => {
      const { st, csms, clock } = await harness({ version, variables: points('EVConnected', 'EVConnected', {
        'SampledDataCtrlr.TxUpdatedInterval': '10', 'SampledDataCtrlr.TxUpdatedMeasurands': 'Energy.Active.Import.Register,Power.Active.Import' }) });
      await st.goOffline();
      csms.clear();
      st.plugIn(1, 1);
      await clock.advance(20_000);
      assert.equal(csms.txEvents.length, 0);
      await st.goOnline();
      await csms.until(() => csms.txEvents.length >= 3);
      const updated = csms.txEvents.filter((e) => e.eventType === 'Updated');
      assert.deepEqual(updated.map((e) => [e.triggerReason, e.offline]), [['MeterValuePeriodic', true], ['MeterValuePeriodic', true]]);
      for (const u of updated) assert.deepEqual(ctx(u), ['Sample.Periodic:Energy.Active.Import.Register', 'Sample.Periodic:Power.Active.Import']);
    });

    test('E09.FR.04 E09.FR.05 cable unplugged on the EV side ends the transaction: seqNo 0,1,2,… and Ended carries TxEndedMeasurands (Transaction.End)', async () => {
      const { st, csms } = await harness({ version, variables: points('PowerPathClosed', 'EVConnected', {
        'TxCtrlr.StopTxOnEVSideDisconnect': 'true', 'SampledDataCtrlr.TxEndedMeasurands': 'Energy.Active.Import.Register,Current.Import' }) });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      st.setPower(1, 0);
      st.unplug(1);
      await csms.until(() => csms.txEvents.some((e) => e.eventType === 'Ended'));
      const evs = csms.txEvents;
      assert.deepEqual(evs.map((e) => [e.eventType, e.triggerReason, e.transactionInfo.chargingState, e.seqNo]), [
        ['Started', 'Authorized', 'EVConnected', 0], ['Updated', 'ChargingStateChanged', 'Charging', 1], ['Updated', 'ChargingStateChanged', 'SuspendedEV', 2], ['Ended', 'EVCommunicationLost', 'Idle', 3]]);
      assert.equal(new Set(evs.map((e) => e.transactionInfo.transactionId)).size, 1);
      const ended = evs[3]!;
      assert.equal(ended.transactionInfo.stoppedReason, 'EVDisconnected');
      assert.deepEqual(ctx(ended), ['Transaction.Begin:Current.Import.L1', 'Transaction.Begin:Current.Import.L2', 'Transaction.Begin:Current.Import.L3', 'Transaction.Begin:Energy.Active.Import.Register', 'Transaction.End:Current.Import.L1', 'Transaction.End:Current.Import.L2', 'Transaction.End:Current.Import.L3', 'Transaction.End:Energy.Active.Import.Register']);
    });
  });
}
