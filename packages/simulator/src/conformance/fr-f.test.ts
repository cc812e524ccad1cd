// Block F (Remote Control), station side, named after the FR IDs (2.1 and 2.0.1).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { QUIET, sequence } from './sequence.ts';

const TX = { ...QUIET, 'TxCtrlr.TxStartPoint': 'PowerPathClosed', 'TxCtrlr.TxStopPoint': 'EVConnected,Authorized' };
const rfid = { idToken: 'R1', type: 'ISO14443' as const };
const txs = (seq: string[]): string[] => seq.filter((s) => s.startsWith('TransactionEvent'));

for (const version of VERSIONS) {
  describe(`block F station FRs (${version})`, () => {
    test('F01.FR.03 F01.FR.04 F01.FR.17 F01.FR.05 F01.FR.14 F01.FR.20 cable first, remote start without evseId: the EVSE with the EV is chosen, Started carries the idToken and meter data', async () => {
      const { st, csms } = await harness({ version, evses: [{}, {}], variables: TX });
      st.plugIn(2, 1);
      await settle();
      csms.clear();
      assert.equal((await csms.call('RequestStartTransaction', { idToken: rfid, remoteStartId: 1 })).status, 'Accepted');
      await csms.until(() => csms.txEvents.length === 2);
      const e = csms.txEvents[0]!;
      assert.deepEqual([e.eventType, e.triggerReason, e.evse?.id, e.idToken, e.meterValue?.[0]?.sampledValue[0]?.context], ['Started', 'RemoteStart', 2, rfid, 'Transaction.Begin']);
      // [F01.FR.05] as in E02: [E03.FR.12] the start of energy transfer follows in its own event (F01 scenario step 10).
      assert.deepEqual(txs(sequence(csms)), ['TransactionEvent(Started,RemoteStart)', 'TransactionEvent(Updated,ChargingStateChanged)']);
    });

    test('F02.FR.11 F02.FR.12 F02.FR.05 F02.FR.13 F02.FR.22 F02.FR.10 remote start first without evseId: a free EVSE is chosen, no Authorize, Started on plug-in', async () => {
      const { st, csms } = await harness({ version, evses: [{}, {}], variables: TX });
      csms.clear();
      assert.equal((await csms.call('RequestStartTransaction', { idToken: rfid, remoteStartId: 2 })).status, 'Accepted');
      await settle();
      assert.equal(st.evse(1).auth?.idToken.idToken, 'R1');
      st.plugIn(1, 1);
      await csms.until(() => csms.txEvents.length === 2);
      // [F02.FR.21] the first TransactionEvent after the remote start has triggerReason RemoteStart, the plug-in shows as
      // chargingState EVConnected; [F02.FR.13] [E03.FR.12] the start of energy transfer follows (F02 scenario step 10).
      assert.deepEqual(txs(sequence(csms)), ['TransactionEvent(Started,RemoteStart)', 'TransactionEvent(Updated,ChargingStateChanged)']);
      assert.deepEqual(csms.txEvents.map((e) => e.transactionInfo.chargingState), ['EVConnected', 'Charging']);
      assert.deepEqual([csms.of('Authorize').length, csms.txEvents[0]!.idToken, csms.txEvents[0]!.transactionInfo.remoteStartId], [0, rfid, 2]);
    });

    test('F02.FR.09 AuthorizeRemoteStart true: authorized like a local token; a rejected token starts nothing', async () => {
      const { st, csms } = await harness({ version, variables: { ...TX, 'AuthCtrlr.AuthorizeRemoteStart': 'true' }, replies: { Authorize: () => ({ idTokenInfo: { status: 'Blocked' } }) } });
      assert.equal((await csms.call('RequestStartTransaction', { idToken: rfid, remoteStartId: 3, evseId: 1 })).status, 'Accepted');
      await csms.until(() => csms.of('Authorize').length === 1);
      await settle();
      st.plugIn(1, 1);
      await settle();
      assert.deepEqual([st.evse(1).auth, csms.txEvents.length], [undefined, 0]);
    });

    test('F01.FR.12 F02.FR.20 a ChargingProfile in RequestStartTransaction is ignored (smart charging not enabled; enabled: fr-k.test.ts)', async () => {
      const { st, csms } = await harness({ version, variables: { ...TX, 'SmartChargingCtrlr.Enabled': 'false' } });
      const chargingProfile = { id: 1, stackLevel: 0, chargingProfilePurpose: 'TxProfile' as const, chargingProfileKind: 'Absolute' as const,
        chargingSchedule: [{ id: 1, chargingRateUnit: 'W' as const, chargingSchedulePeriod: [{ startPeriod: 0, limit: 1000 }] }] };
      assert.equal((await csms.call('RequestStartTransaction', { idToken: rfid, remoteStartId: 4, evseId: 1, chargingProfile } as never)).status, 'Accepted');
      await settle();
      st.plugIn(1, 1);
      await settle();
      assert.equal(st.state().evses[0]!.powerW, 11_000);
    });

    test('F02.FR.25 F02.FR.26 Rejected on an Unavailable EVSE and on an EVSE with an authorized transaction', async () => {
      const { st, csms } = await harness({ version, evses: [{}, {}], variables: TX });
      await csms.call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 2 } });
      assert.equal((await csms.call('RequestStartTransaction', { idToken: rfid, remoteStartId: 5, evseId: 2 })).status, 'Rejected');
      st.plugIn(1, 1);
      await st.presentToken('TAG1', 'ISO14443', 1);
      assert.equal((await csms.call('RequestStartTransaction', { idToken: rfid, remoteStartId: 6, evseId: 1 })).status, 'Rejected');
    });

    test('F01.FR.06 F02.FR.14 RequestStartTransaction with an evseId starts on that EVSE (cable first and remote start first); an unknown EVSE: Rejected', async () => {
      const { st, csms } = await harness({ version, evses: [{}, {}, {}], variables: TX });
      st.plugIn(1, 1); // an EV waits on EVSE 1, but the CSMS asks for EVSE 2
      st.plugIn(2, 1);
      await settle();
      csms.clear();
      assert.equal((await csms.call('RequestStartTransaction', { idToken: rfid, remoteStartId: 5, evseId: 2 })).status, 'Accepted');
      await csms.until(() => csms.txEvents.length === 2);
      assert.deepEqual([csms.txEvents[0]!.eventType, csms.txEvents[0]!.evse?.id, st.evse(1).auth], ['Started', 2, undefined]);
      assert.equal((await csms.call('RequestStartTransaction', { idToken: rfid, remoteStartId: 6, evseId: 3 })).status, 'Accepted');
      await settle();
      assert.deepEqual([st.evse(1).auth, st.evse(3).auth?.remoteStartId], [undefined, 6]);
      st.plugIn(3, 1);
      await csms.until(() => csms.txEvents.length === 4);
      assert.deepEqual([csms.txEvents[2]!.eventType, csms.txEvents[2]!.triggerReason, csms.txEvents[2]!.evse?.id, csms.txEvents[2]!.transactionInfo.remoteStartId], ['Started', 'RemoteStart', 3, 6]);
      assert.equal((await csms.call('RequestStartTransaction', { idToken: rfid, remoteStartId: 7, evseId: 9 })).status, 'Rejected');
    });

    test('F04.FR.02 F04.FR.03 F04.FR.04 remote stop, cable stays (TxStopPoint EVConnected): Updated, then Ended(Remote) at unplug with the TxEndedMeasurands', async () => {
      const { st, csms } = await harness({ version, variables: { ...QUIET, 'TxCtrlr.TxStartPoint': 'PowerPathClosed', 'TxCtrlr.TxStopPoint': 'EVConnected', 'SampledDataCtrlr.TxEndedMeasurands': 'Energy.Active.Import.Register' } });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      const id = csms.txEvents[0]!.transactionInfo.transactionId;
      // [E03.FR.12] the authorization (EVConnected) and the energy transfer start are two events.
      assert.deepEqual(csms.txEvents.map((x) => [x.eventType, x.triggerReason, x.transactionInfo.chargingState]),
        [['Started', 'Authorized', 'EVConnected'], ['Updated', 'ChargingStateChanged', 'Charging']]);
      assert.equal((await csms.call('RequestStopTransaction', { transactionId: id })).status, 'Accepted');
      await csms.until(() => csms.txEvents.length === 3);
      assert.deepEqual([csms.txEvents[2]!.eventType, csms.txEvents[2]!.triggerReason], ['Updated', 'RemoteStop']);
      st.unplug(1);
      await csms.until(() => csms.txEvents.length === 4);
      const e = csms.txEvents[3]!;
      const last = e.meterValue?.at(-1)?.sampledValue[0];
      assert.deepEqual([e.eventType, e.transactionInfo.stoppedReason, last?.context, last?.measurand ?? 'Energy.Active.Import.Register'], ['Ended', 'Remote', 'Transaction.End', 'Energy.Active.Import.Register']);
    });

    test('F03.FR.04 F03.FR.09 remote stop: Ended(RemoteStop, Remote) with Transaction.End meter data', async () => {
      const { st, csms } = await harness({ version, variables: TX });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      const id = csms.txEvents[0]!.transactionInfo.transactionId;
      assert.deepEqual(csms.txEvents.map((x) => [x.eventType, x.triggerReason, x.transactionInfo.chargingState]),
        [['Started', 'Authorized', 'EVConnected'], ['Updated', 'ChargingStateChanged', 'Charging']]);
      assert.equal((await csms.call('RequestStopTransaction', { transactionId: id })).status, 'Accepted');
      await csms.until(() => csms.txEvents.length === 3);
      const e = csms.txEvents[2]!;
      assert.deepEqual([e.eventType, e.triggerReason, e.transactionInfo.stoppedReason, e.meterValue?.at(-1)?.sampledValue[0]?.context], ['Ended', 'RemoteStop', 'Remote', 'Transaction.End']);
    });

    test('F05.FR.01 F05.FR.06 UnlockConnector is answered; without a cable the unlock is still attempted (Unlocked)', async () => {
      const { csms } = await harness({ version, variables: TX });
      assert.deepEqual(await csms.call('UnlockConnector', { evseId: 1, connectorId: 1 }), { status: 'Unlocked' });
    });

    test('F06.FR.03 F06.FR.05 F06.FR.10 an irrelevant evse is ignored (Heartbeat sent); Rejected requests send nothing', async () => {
      const { csms } = await harness({ version, variables: TX });
      csms.clear();
      assert.equal((await csms.call('TriggerMessage', { requestedMessage: 'Heartbeat', evse: { id: 1 } })).status, 'Accepted');
      await csms.until(() => csms.of('Heartbeat').length === 1);
      assert.equal((await csms.call('TriggerMessage', { requestedMessage: 'TransactionEvent' })).status, 'Rejected');
      await settle();
      assert.equal(csms.txEvents.length, 0);
    });

    test('F06.FR.09 F06.FR.11 MeterValues without evse: current values for every EVSE', async () => {
      const { st, csms, clock } = await harness({ version, evses: [{}, {}], variables: TX });
      st.plugIn(2, 1);
      await st.presentToken('TAG1', 'ISO14443', 2);
      await clock.advance(60_000);
      csms.clear();
      assert.equal((await csms.call('TriggerMessage', { requestedMessage: 'MeterValues' })).status, 'Accepted');
      await csms.until(() => csms.of('MeterValues').length === 2);
      const byEvse = new Map(csms.of('MeterValues').map((m) => [m.evseId, m.meterValue[0]!.sampledValue.find((v) => (v.measurand ?? 'Energy.Active.Import.Register') === 'Energy.Active.Import.Register')!.value]));
      assert.deepEqual([...byEvse.keys()].sort(), [1, 2]);
      assert.equal(byEvse.get(2), st.state().evses[1]!.energyWh);
    });

    test('F06.FR.19 CustomTrigger not supported: NotImplemented', async () => {
      const { csms } = await harness({ version: '2.1', variables: TX });
      assert.equal((await csms.call('TriggerMessage', { requestedMessage: 'CustomTrigger', customTrigger: 'Foo' } as never)).status, 'NotImplemented');
    });
  });
}
