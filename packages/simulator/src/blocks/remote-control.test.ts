// F — Remote Control, station side (2.1 and 2.0.1).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';

const TX = { 'TxCtrlr.TxStartPoint': 'EVConnected,Authorized', 'TxCtrlr.TxStopPoint': 'EVConnected,Authorized' };

for (const version of VERSIONS) {
  describe(`remote control (${version})`, () => {
    test('TC_F_01_CS F01.FR.13 F01.FR.19 F01.FR.25 RequestStartTransaction after plug-in: transactionId returned, RemoteStart with remoteStartId', async () => {
      const { st, csms } = await harness({ version, variables: TX });
      st.plugIn(1, 1);
      await settle();
      const txId = csms.txEvents[0]!.transactionInfo.transactionId;
      const r = await csms.call('RequestStartTransaction', { idToken: { idToken: 'APP1', type: 'Central' }, remoteStartId: 77, evseId: 1 });
      assert.deepEqual(r, { status: 'Accepted', transactionId: txId });
      await settle();
      const u = csms.txEvents[1]!;
      assert.equal(u.triggerReason, 'RemoteStart');
      assert.equal(u.transactionInfo.remoteStartId, 77);
      assert.equal(u.idToken?.idToken, 'APP1');
      // [E03.FR.12] the remote start (EVConnected) and the start of energy transfer are two events (F01 scenario step 10).
      assert.equal(u.transactionInfo.chargingState, 'EVConnected');
      assert.deepEqual(csms.txEvents.slice(2).map((e) => [e.eventType, e.triggerReason, e.transactionInfo.chargingState]), [['Updated', 'ChargingStateChanged', 'Charging']]);
      assert.equal(csms.of('Authorize').length, 0, 'F01.FR.02 AuthorizeRemoteStart=false: no Authorize');
    });

    test('TC_F_02_CS F02.FR.01 F02.FR.21 RequestStartTransaction before plug-in; F01.FR.24 second start Rejected', async () => {
      const { st, csms } = await harness({ version, variables: TX });
      const r = await csms.call('RequestStartTransaction', { idToken: { idToken: 'APP1', type: 'Central' }, remoteStartId: 5 });
      assert.equal(r.status, 'Accepted');
      await settle();
      const s = csms.txEvents[0]!;
      assert.deepEqual([s.eventType, s.triggerReason, s.transactionInfo.remoteStartId], ['Started', 'RemoteStart', 5]);
      assert.equal((await csms.call('RequestStartTransaction', { idToken: { idToken: 'B', type: 'Central' }, remoteStartId: 6, evseId: 1 })).status, 'Rejected');
      st.plugIn(1, 1);
      await settle();
      // [E03.FR.12] the plug-in step (EVConnected), then the energy transfer start in its own Updated event.
      assert.deepEqual(csms.txEvents.slice(1).map((e) => [e.eventType, e.triggerReason, e.transactionInfo.chargingState]),
        [['Updated', 'CablePluggedIn', 'EVConnected'], ['Updated', 'ChargingStateChanged', 'Charging']]);
    });

    test('TC_F_08_CS TC_F_09_CS F03.FR.03 F03.FR.07 F03.FR.08 RequestStopTransaction: Ended(RemoteStop, Remote); unknown id Rejected', async () => {
      const { st, csms } = await harness({ version, variables: TX });
      st.plugIn(1, 1);
      await st.presentToken('T1');
      await settle();
      const txId = csms.txEvents[0]!.transactionInfo.transactionId;
      assert.equal((await csms.call('RequestStopTransaction', { transactionId: 'nope' })).status, 'Rejected');
      assert.equal((await csms.call('RequestStopTransaction', { transactionId: txId })).status, 'Accepted');
      await settle();
      const end = csms.txEvents.at(-1)!;
      assert.deepEqual([end.eventType, end.triggerReason, end.transactionInfo.stoppedReason], ['Ended', 'RemoteStop', 'Remote']);
    });

    test('F03.FR.02 F04.FR.02 F04.FR.03 RequestStopTransaction with TxStopPoint EVConnected: Updated, Ended(Remote) at unplug', async () => {
      const { st, csms } = await harness({ version, variables: { 'TxCtrlr.TxStartPoint': 'EVConnected', 'TxCtrlr.TxStopPoint': 'EVConnected' } });
      st.plugIn(1, 1);
      await st.presentToken('T1');
      await settle();
      await csms.call('RequestStopTransaction', { transactionId: csms.txEvents[0]!.transactionInfo.transactionId });
      await settle();
      const u = csms.txEvents.at(-1)!;
      assert.deepEqual([u.eventType, u.triggerReason, u.transactionInfo.chargingState], ['Updated', 'RemoteStop', 'EVConnected']);
      st.unplug(1);
      await settle();
      assert.deepEqual([csms.txEvents.at(-1)!.eventType, csms.txEvents.at(-1)!.transactionInfo.stoppedReason], ['Ended', 'Remote']);
    });

    test('TC_F_05_CS F05.FR.02 F05.FR.03 F05.FR.04 UnlockConnector', async () => {
      const { st, csms } = await harness({ version, variables: TX });
      assert.equal((await csms.call('UnlockConnector', { evseId: 1, connectorId: 9 })).status, 'UnknownConnector');
      assert.equal((await csms.call('UnlockConnector', { evseId: 1, connectorId: 1 })).status, 'Unlocked');
      st.plugIn(1, 1);
      await st.presentToken('T1');
      assert.equal((await csms.call('UnlockConnector', { evseId: 1, connectorId: 1 })).status, 'OngoingAuthorizedTransaction');
    });

    test('TC_F_11_CS TC_F_13_CS TC_F_20_CS TC_F_23_CS TC_F_26_CS TC_F_27_CS F06.FR.04 F06.FR.06 F06.FR.07 F06.FR.08 F06.FR.12 F06.FR.17 TriggerMessage', async () => {
      const { st, csms } = await harness({ version, variables: TX });
      csms.clear();
      assert.equal((await csms.call('TriggerMessage', { requestedMessage: 'BootNotification' })).status, 'Rejected');
      assert.equal((await csms.call('TriggerMessage', { requestedMessage: 'Heartbeat' })).status, 'Accepted');
      assert.equal((await csms.call('TriggerMessage', { requestedMessage: 'StatusNotification' })).status, 'Rejected');
      assert.equal((await csms.call('TriggerMessage', { requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } })).status, 'Accepted');
      assert.equal((await csms.call('TriggerMessage', { requestedMessage: 'MeterValues', evse: { id: 1 } })).status, 'Accepted');
      assert.equal((await csms.call('TriggerMessage', { requestedMessage: 'TransactionEvent' })).status, 'Rejected');
      assert.equal((await csms.call('TriggerMessage', { requestedMessage: 'PublishFirmwareStatusNotification' })).status, 'NotImplemented');
      st.plugIn(1, 1);
      await settle();
      assert.equal((await csms.call('TriggerMessage', { requestedMessage: 'TransactionEvent', evse: { id: 1 } })).status, 'Accepted');
      await settle();
      assert.deepEqual(csms.received.map((r) => r.action).filter((a) => a !== 'StatusNotification' || true).slice(0, 3), ['Heartbeat', 'StatusNotification', 'MeterValues']);
      assert.equal(csms.of('MeterValues')[0]!.meterValue[0]!.sampledValue[0]!.context, 'Trigger');
      const t = csms.txEvents.at(-1)!;
      assert.deepEqual([t.eventType, t.triggerReason], ['Updated', 'Trigger']);
    });

    test('TC_P_01_CS P01.FR.05 DataTransfer with an unknown vendor: UnknownVendorId', async () => {
      const { csms } = await harness({ version });
      assert.equal((await csms.call('DataTransfer', { vendorId: 'com.example' })).status, 'UnknownVendorId');
    });

    test('E14.FR.01 E14.FR.02 E14.FR.06 GetTransactionStatus', async () => {
      const { st, csms } = await harness({ version, variables: TX });
      st.plugIn(1, 1);
      await settle();
      const id = csms.txEvents[0]!.transactionInfo.transactionId;
      assert.deepEqual(await csms.call('GetTransactionStatus', { transactionId: id }), { ongoingIndicator: true, messagesInQueue: false });
      assert.deepEqual(await csms.call('GetTransactionStatus', { transactionId: 'x' }), { ongoingIndicator: false, messagesInQueue: false });
      assert.deepEqual(await csms.call('GetTransactionStatus', {}), { messagesInQueue: false });
    });
  });
}
