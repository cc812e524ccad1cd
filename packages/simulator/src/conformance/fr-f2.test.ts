// Block F (Remote Control), station side, more FRs named by ID (2.1 and 2.0.1): meter data and trigger events
// in the TransactionEvents of a remotely started transaction (F01 cable first, F02 remote start first).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { OcppTypes } from '@chargewire/ocpp';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { QUIET } from './sequence.ts';

type Ev = OcppTypes.TransactionEventRequest;
const TX = { ...QUIET, 'TxCtrlr.TxStartPoint': 'PowerPathClosed', 'TxCtrlr.TxStopPoint': 'EVConnected,Authorized' };
const rfid = { idToken: 'R1', type: 'ISO14443' as const };
const ctx = (e: Ev | undefined): string[] => (e?.meterValue ?? []).flatMap((m) => m.sampledValue.map((v) => `${v.context}:${v.measurand ?? 'Energy.Active.Import.Register'}${v.phase ? `.${v.phase}` : ''}`)).sort();
const PERIODIC = { 'SampledDataCtrlr.TxUpdatedInterval': '10', 'SampledDataCtrlr.TxUpdatedMeasurands': 'Energy.Active.Import.Register,Power.Active.Import' };
const periodicCtx = ['Sample.Periodic:Energy.Active.Import.Register', 'Sample.Periodic:Power.Active.Import'];

for (const version of VERSIONS) {
  describe(`block F station FRs, part 2 (${version})`, () => {
    test('F01.FR.15 cable first, remote start: periodic Updated events carry TxUpdatedMeasurands', async () => {
      const { st, csms, clock } = await harness({ version, variables: { ...TX, ...PERIODIC } });
      st.plugIn(1, 1);
      await settle();
      assert.equal((await csms.call('RequestStartTransaction', { idToken: rfid, remoteStartId: 11, evseId: 1 })).status, 'Accepted');
      await csms.until(() => csms.txEvents.length === 2);
      // [E03.FR.12] RemoteStart (EVConnected), then the start of energy transfer in its own Updated event.
      assert.deepEqual(csms.txEvents.map((e) => [e.eventType, e.triggerReason]), [['Started', 'RemoteStart'], ['Updated', 'ChargingStateChanged']]);
      await clock.advance(10_000);
      const u = csms.txEvents.slice(2);
      assert.deepEqual(u.map((e) => e.triggerReason), ['MeterValuePeriodic']);
      assert.deepEqual(ctx(u[0]), periodicCtx);
      assert.ok(u[0]!.meterValue![0]!.sampledValue.some((v) => v.measurand === 'Power.Active.Import' && v.value > 0), 'power is flowing');
    });

    test('F01.FR.18 cable first, remote start: later trigger events (EV suspends, resumes) send additional Updated events', async () => {
      const { st, csms } = await harness({ version, variables: TX });
      st.plugIn(1, 1);
      await settle();
      assert.equal((await csms.call('RequestStartTransaction', { idToken: rfid, remoteStartId: 12, evseId: 1 })).status, 'Accepted');
      await csms.until(() => csms.txEvents.length === 2);
      st.setPower(1, 0);
      st.setPower(1, 5000);
      await settle();
      assert.deepEqual(csms.txEvents.map((e) => [e.eventType, e.triggerReason, e.transactionInfo.chargingState, e.seqNo]), [
        ['Started', 'RemoteStart', 'EVConnected', 0], ['Updated', 'ChargingStateChanged', 'Charging', 1],
        ['Updated', 'ChargingStateChanged', 'SuspendedEV', 2], ['Updated', 'ChargingStateChanged', 'Charging', 3]]);
    });

    test('F02.FR.02 remote start first: Started (on plug-in) carries TxStartedMeasurands with context Transaction.Begin', async () => {
      const { st, csms } = await harness({ version, variables: { ...TX, 'SampledDataCtrlr.TxStartedMeasurands': 'Energy.Active.Import.Register,Voltage' } });
      assert.equal((await csms.call('RequestStartTransaction', { idToken: rfid, remoteStartId: 13, evseId: 1 })).status, 'Accepted');
      await settle();
      assert.equal(csms.txEvents.length, 0);
      st.plugIn(1, 1);
      await csms.until(() => csms.txEvents.length === 2);
      const e = csms.txEvents[0]!;
      assert.deepEqual([e.eventType, e.triggerReason, e.transactionInfo.remoteStartId], ['Started', 'RemoteStart', 13]);
      assert.deepEqual(ctx(e), ['Transaction.Begin:Energy.Active.Import.Register', 'Transaction.Begin:Voltage.L1-N', 'Transaction.Begin:Voltage.L2-N', 'Transaction.Begin:Voltage.L3-N']);
    });

    test('F02.FR.03 remote start first: periodic Updated events carry TxUpdatedMeasurands', async () => {
      const { st, csms, clock } = await harness({ version, variables: { ...TX, ...PERIODIC } });
      assert.equal((await csms.call('RequestStartTransaction', { idToken: rfid, remoteStartId: 14, evseId: 1 })).status, 'Accepted');
      await settle();
      st.plugIn(1, 1);
      await csms.until(() => csms.txEvents.length === 2);
      // [F02.FR.21] the plug-in starts the transaction: RemoteStart with EVConnected; [E03.FR.12] the energy transfer
      // start is its own Updated event.
      assert.deepEqual(csms.txEvents.map((e) => [e.eventType, e.triggerReason, e.transactionInfo.chargingState]),
        [['Started', 'RemoteStart', 'EVConnected'], ['Updated', 'ChargingStateChanged', 'Charging']]);
      await clock.advance(20_000);
      const u = csms.txEvents.slice(2);
      assert.deepEqual(u.map((e) => [e.eventType, e.triggerReason]), [['Updated', 'MeterValuePeriodic'], ['Updated', 'MeterValuePeriodic']]);
      for (const e of u) assert.deepEqual(ctx(e), periodicCtx);
    });
  });
}
