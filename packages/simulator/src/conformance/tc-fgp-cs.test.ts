// Part 6 test cases for the Charging Station, blocks F (Remote Control), G (Availability) and P (customData):
// the simulator under test, a scripted CSMS in the OCTT's role (preparations, steps, tool validations), 2.1 and 2.0.1.
// TC_F_16_CS (GetLog) and TC_F_19_CS (UpdateFirmware) are in tc-lmn-cs.test.ts; TC_P_04_CS (customData in a
// SetChargingProfile) is in tc-k-cs2.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settle } from '../clock.ts';
import { setLockFailure } from '../blocks/availability.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { QUIET, sequence } from './sequence.ts';

const TWO = { evses: [{ connectors: [{}] }, { connectors: [{}] }] };
const customData = { vendorId: 'org.openchargealliance.octt', note: 'custom' };

for (const version of VERSIONS) {
  describe(`Part 6 blocks F, G, P, station side (${version})`, () => {
    test('TC_F_07_CS F05.FR.01 F05.FR.06 UnlockConnector with no cable connected: Unlocked, nothing else sent', async () => {
      const { st, csms } = await harness({ version, variables: QUIET });
      assert.equal(st.evse(1).plugged, undefined, 'no cable at the configured connector');
      csms.clear();
      assert.deepEqual(await csms.call('UnlockConnector', { evseId: 1, connectorId: 1 }), { status: 'Unlocked' });
      await settle();
      assert.deepEqual(sequence(csms), []);
    });

    test('TC_F_14_CS F06.FR.04 F06.FR.05 F06.FR.07 F06.FR.10 F06.FR.11 TriggerMessage TransactionEvent without evse, energy transfer on every EVSE: Updated(Trigger) per EVSE with meter values', async () => {
      const { st, csms } = await harness({ version, ...TWO, variables: QUIET });
      for (const id of [1, 2]) {
        st.plugIn(id, 1, { powerW: 6000 });
        await st.presentToken(`TAG${id}`, 'ISO14443', id);
      }
      await settle();
      assert.deepEqual(st.state().evses.map((e) => e.chargingState), ['Charging', 'Charging'], 'EnergyTransferStarted for all EVSE');
      csms.clear();
      assert.deepEqual(await csms.call('TriggerMessage', { requestedMessage: 'TransactionEvent' }), { status: 'Accepted' });
      await settle();
      assert.deepEqual(sequence(csms), ['TransactionEvent(Updated,Trigger)', 'TransactionEvent(Updated,Trigger)']);
      assert.deepEqual(csms.txEvents.map((e) => e.evse?.id).sort(), [1, 2]);
      for (const e of csms.txEvents) {
        assert.equal(e.transactionInfo.chargingState, 'Charging');
        assert.ok(e.meterValue && e.meterValue.length > 0, 'meterValue present');
        assert.equal(e.meterValue[0]!.sampledValue[0]!.context, 'Trigger');
      }
    });

    test('TC_F_17_CS F06.FR.03 F06.FR.04 F06.FR.05 F06.FR.10 TriggerMessage FirmwareStatusNotification with an evse: Accepted, status Idle (no firmware update going on)', async () => {
      const { csms } = await harness({ version, variables: QUIET });
      csms.clear();
      assert.deepEqual(await csms.call('TriggerMessage', { requestedMessage: 'FirmwareStatusNotification', evse: { id: 1 } }), { status: 'Accepted' });
      await csms.until(() => csms.of('FirmwareStatusNotification').length === 1);
      assert.deepEqual(sequence(csms), ['FirmwareStatusNotification']);
      assert.equal(csms.of('FirmwareStatusNotification')[0]!.status, 'Idle');
    });

    test('TC_G_19_CS G03.FR.08 A04.FR.01 a connector set Unavailable is reported Unavailable after booting, the other one Available; SecurityEventNotification StartupOfTheDevice', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'cw-tcg19-'));
      const a = await harness({ version, ...TWO, dataDir, variables: QUIET });
      assert.equal((await a.csms.call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1, connectorId: 1 } })).status, 'Accepted');
      await settle();
      await a.st.stop(); // power off; Booting
      const { st, csms } = await harness({ version, ...TWO, dataDir, variables: QUIET });
      await csms.until(() => csms.of('StatusNotification').length === 2);
      assert.deepEqual(sequence(csms), ['BootNotification(PowerUp)', 'StatusNotification(1/1:Unavailable)', 'StatusNotification(2/1:Available)']);
      // Post scenario: the state of every connector was reported (none for evse 0 / connector 0).
      assert.ok(csms.of('StatusNotification').every((s) => s.evseId !== 0 && s.connectorId !== 0));
      // Step 6: SecurityEventNotification StartupOfTheDevice (or ResetOrReboot), after the boot.
      await csms.until(() => csms.of('SecurityEventNotification').length === 1);
      assert.equal(csms.of('SecurityEventNotification')[0]!.type, 'StartupOfTheDevice');
      assert.ok(csms.received.findIndex((r) => r.action === 'SecurityEventNotification') > csms.received.findIndex((r) => r.action === 'BootNotification'));
      await st.stop();
    });

    test('TC_G_20_CS G05.FR.01 G05.FR.02 the connector lock fails (cable not fully plugged), then Authorized: NotifyEvent ConnectorPlugRetentionLock.Problem true (Delta), no charging', async () => {
      const { st, csms } = await harness({ version, variables: QUIET });
      const dm = await csms.call('GetVariables', { getVariableData: [{ component: { name: 'ConnectorPlugRetentionLock', evse: { id: 1, connectorId: 1 } }, variable: { name: 'Problem' } }] });
      assert.deepEqual([dm.getVariableResult[0]!.attributeStatus, dm.getVariableResult[0]!.attributeValue], ['Accepted', 'false'], 'ConnectorPlugRetentionLock in the device model');
      st.plugIn(1, 1); // EVConnectedPreSession, the lock cannot close
      setLockFailure(st, 1, true);
      await st.presentToken('TAG1'); // Authorized
      await settle();
      const ev = csms.of('NotifyEvent').flatMap((n) => n.eventData).find((e) => e.component.name === 'ConnectorPlugRetentionLock')!;
      assert.deepEqual([ev.trigger, ev.component.name, ev.variable.name, ev.actualValue], ['Delta', 'ConnectorPlugRetentionLock', 'Problem', 'true']);
      assert.equal(st.state().evses[0]!.powerW, 0, 'did not start charging');
      assert.equal(csms.txEvents.some((e) => e.transactionInfo.chargingState === 'Charging'), false);
      const after = await csms.call('GetVariables', { getVariableData: [{ component: { name: 'ConnectorPlugRetentionLock', evse: { id: 1, connectorId: 1 } }, variable: { name: 'Problem' } }] });
      assert.equal(after.getVariableResult[0]!.attributeValue, 'true', 'the device model agrees with the event');
    });

    test('TC_P_03_CS customData in a request is accepted: SetVariables OCPPCommCtrlr.OfflineThreshold 200 (Actual), GetVariables returns 200', async () => {
      const { csms } = await harness({ version, variables: QUIET });
      const component = { name: 'OCPPCommCtrlr', customData };
      const variable = { name: 'OfflineThreshold', customData };
      const set = await csms.call('SetVariables', { customData, setVariableData: [{ component, variable, attributeValue: '200', attributeType: 'Actual', customData }] });
      assert.equal(set.setVariableResult[0]!.attributeStatus, 'Accepted');
      const get = await csms.call('GetVariables', { customData, getVariableData: [{ component, variable, attributeType: 'Actual', customData }] });
      const r = get.getVariableResult[0]!;
      assert.equal(r.attributeStatus, 'Accepted');
      assert.ok(r.attributeType === undefined || r.attributeType === 'Actual');
      assert.equal(r.attributeValue, '200');
    });
  });
}
