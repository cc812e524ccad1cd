// Part 6 test cases for the Charging Station, block B (Provisioning): the simulator under test, a
// scripted CSMS in the OCTT's role; exact message sequences, in OCPP 2.1 and 2.0.1.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { QUIET, sequence } from './sequence.ts';

const now = () => new Date().toISOString();
const cv = (component: string, variable: string) => ({ component: { name: component }, variable: { name: variable } });
const sv = (component: string, variable: string, attributeValue: string) => ({ ...cv(component, variable), attributeValue });

for (const version of VERSIONS) {
  describe(`Part 6 block B, station side (${version})`, () => {
    test('TC_B_01_CS B01.FR.01 B01.FR.05 B01.FR.09 Cold boot Accepted: BootNotification(PowerUp), then the state of every connector', async () => {
      const { csms } = await harness({ version, variables: QUIET, evses: [{ connectors: [{}, {}] }, { connectors: [{}] }] });
      assert.deepEqual(sequence(csms), ['BootNotification(PowerUp)', 'StatusNotification(1/1:Available)', 'StatusNotification(1/2:Available)', 'StatusNotification(2/1:Available)']);
    });

    test('TC_B_30_CS B02.FR.02 B03.FR.08 Pending then Rejected: only BootNotification; requests answered with SecurityError while Rejected', async () => {
      let status: 'Pending' | 'Rejected' = 'Pending';
      const { csms, clock } = await harness({ version, variables: QUIET, replies: { BootNotification: () => ({ currentTime: now(), interval: 10, status }) } });
      status = 'Rejected';
      await clock.advance(10_000);
      await assert.rejects(csms.call('RequestStartTransaction', { idToken: { idToken: 'X', type: 'Central' }, remoteStartId: 1 }), (e: Error & { code?: string }) => e.code === 'SecurityError');
      assert.deepEqual(sequence(csms), ['BootNotification(PowerUp)', 'BootNotification(PowerUp)']);
    });

    test('TC_B_06_CS TC_B_07_CS B06.FR.01 GetVariables single and multiple values: Accepted with the values', async () => {
      const { csms } = await harness({ version, variables: QUIET });
      const one = await csms.call('GetVariables', { getVariableData: [cv('OCPPCommCtrlr', 'OfflineThreshold')] });
      assert.deepEqual(one.getVariableResult.map((r) => [r.attributeStatus, r.component.name, r.variable.name, typeof r.attributeValue]), [['Accepted', 'OCPPCommCtrlr', 'OfflineThreshold', 'string']]);
      const two = await csms.call('GetVariables', { getVariableData: [cv('OCPPCommCtrlr', 'OfflineThreshold'), cv('AuthCtrlr', 'AuthorizeRemoteStart')] });
      assert.deepEqual(two.getVariableResult.map((r) => r.attributeStatus), ['Accepted', 'Accepted']);
    });

    test('TC_B_32_CS TC_B_33_CS TC_B_34_CS B06.FR.04 B06.FR.05 B06.FR.06 GetVariables: UnknownComponent, UnknownVariable, NotSupportedAttributeType', async () => {
      const { csms } = await harness({ version, variables: QUIET });
      const r = await csms.call('GetVariables', { getVariableData: [
        cv('NoSuchCtrlr', 'OfflineThreshold'), cv('OCPPCommCtrlr', 'NoSuchVariable'),
        { ...cv('OCPPCommCtrlr', 'OfflineThreshold'), attributeType: 'Target' },
      ] });
      assert.deepEqual(r.getVariableResult.map((x) => x.attributeStatus), ['UnknownComponent', 'UnknownVariable', 'NotSupportedAttributeType']);
    });

    test('TC_B_09_CS TC_B_10_CS B05.FR.01 SetVariables OfflineThreshold=300 (and AuthCtrlr): Accepted, Actual', async () => {
      const { st, csms } = await harness({ version, variables: QUIET });
      const r = await csms.call('SetVariables', { setVariableData: [{ ...sv('OCPPCommCtrlr', 'OfflineThreshold', '300'), attributeType: 'Actual' }, sv('AuthCtrlr', 'LocalAuthorizeOffline', 'true')] });
      assert.deepEqual(r.setVariableResult.map((x) => [x.attributeStatus, x.attributeType ?? 'Actual', x.component.name, x.variable.name]),
        [['Accepted', 'Actual', 'OCPPCommCtrlr', 'OfflineThreshold'], ['Accepted', 'Actual', 'AuthCtrlr', 'LocalAuthorizeOffline']]);
      assert.equal(st.str('OCPPCommCtrlr', 'OfflineThreshold', ''), '300');
    });

    test('TC_B_35_CS TC_B_36_CS TC_B_37_CS TC_B_39_CS B05.FR.02..B05.FR.05 SetVariables: unknown component/variable, Target type, read-only', async () => {
      const { csms } = await harness({ version, variables: QUIET });
      const r = await csms.call('SetVariables', { setVariableData: [
        sv('NoSuchCtrlr', 'OfflineThreshold', '1'), sv('OCPPCommCtrlr', 'NoSuchVariable', '1'),
        { ...sv('OCPPCommCtrlr', 'OfflineThreshold', '1'), attributeType: 'Target' }, { component: { name: 'DeviceDataCtrlr' }, variable: { name: 'ItemsPerMessage', instance: 'GetReport' }, attributeValue: '5' },
      ] });
      assert.deepEqual(r.setVariableResult.map((x) => x.attributeStatus), ['UnknownComponent', 'UnknownVariable', 'NotSupportedAttributeType', 'Rejected']);
    });

    for (const [tc, base] of [['TC_B_12_CS', 'ConfigurationInventory'], ['TC_B_13_CS', 'FullInventory'], ['TC_B_14_CS', 'SummaryInventory']] as const) {
      test(`${tc} B07.FR.01 B07.FR.10 GetBaseReport ${base}: Accepted, then NotifyReport parts seqNo 0.., last without tbc`, async () => {
        const { csms } = await harness({ version, variables: QUIET });
        csms.clear();
        assert.deepEqual(await csms.call('GetBaseReport', { requestId: 3, reportBase: base }), { status: 'Accepted' });
        await csms.until(() => csms.of('NotifyReport').some((n) => !n.tbc));
        const parts = csms.of('NotifyReport');
        assert.deepEqual(parts.map((p) => [p.requestId, p.seqNo, p.tbc ?? false]), parts.map((_, i) => [3, i, i < parts.length - 1]));
        assert.deepEqual([...new Set(sequence(csms))], ['NotifyReport']);
      });
    }

    test('TC_B_19_CS B08.FR.17 GetReport for an unknown component criterion: EmptyResultSet, no NotifyReport', async () => {
      const { csms } = await harness({ version, variables: QUIET });
      csms.clear();
      const r = await csms.call('GetReport', { requestId: 4, componentVariable: [{ component: { name: 'NoSuchCtrlr' } }] });
      assert.equal(r.status, 'EmptyResultSet');
      await settle();
      assert.deepEqual(sequence(csms), []);
    });

    test('TC_B_20_CS B11.FR.01 B11.FR.03 Reset OnIdle without transaction: Accepted, BootNotification(RemoteReset), connectors reported', async () => {
      const { csms } = await harness({ version, variables: QUIET });
      csms.clear();
      assert.deepEqual(await csms.call('Reset', { type: 'OnIdle' }), { status: 'Accepted' });
      await csms.until(() => csms.of('StatusNotification').length === 1);
      assert.deepEqual(sequence(csms), ['BootNotification(RemoteReset)', 'StatusNotification(1/1:Available)']);
    });

    test('TC_B_21_CS B12.FR.01 Reset OnIdle with a transaction: Scheduled; after StopAuthorized the transaction ends, then the station reboots', async () => {
      // TxStartPoint PowerPathClosed: the TC's steps 4-6 (EV disconnect, bay unoccupied) are not executed.
      const { st, csms } = await harness({ version, variables: QUIET });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      csms.clear();
      assert.deepEqual(await csms.call('Reset', { type: 'OnIdle' }), { status: 'Scheduled' });
      await st.presentToken('TAG1'); // Reusable state StopAuthorized
      await csms.until(() => csms.of('BootNotification').length === 1 && csms.of('StatusNotification').length === 1);
      await settle();
      assert.deepEqual(sequence(csms), ['TransactionEvent(Ended,StopAuthorized,Local)', 'BootNotification(ScheduledReset)', 'StatusNotification(1/1:Occupied)']);
    });

    test('TC_B_22_CS B12.FR.04 B12.FR.08 Reset Immediate with a transaction: Ended(ImmediateReset) before the reboot', async () => {
      const { st, csms } = await harness({ version, variables: QUIET });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      csms.clear();
      assert.deepEqual(await csms.call('Reset', { type: 'Immediate' }), { status: 'Accepted' });
      await csms.until(() => csms.of('BootNotification').length === 1 && csms.of('StatusNotification').length >= 1);
      assert.deepEqual(sequence(csms), ['TransactionEvent(Ended,ResetCommand,ImmediateReset)', 'BootNotification(RemoteReset)', 'StatusNotification(1/1:Occupied)']);
    });

    test('TC_B_25_CS TC_B_28_CS B11.FR.04 B11.FR.09 Reset of an EVSE without transaction: Accepted; an unknown EVSE: Rejected', async () => {
      const { csms } = await harness({ version, variables: QUIET });
      assert.deepEqual(await csms.call('Reset', { type: 'Immediate', evseId: 1 }), { status: 'Accepted' });
      assert.equal((await csms.call('Reset', { type: 'Immediate', evseId: 9 })).status, 'Rejected');
    });

    test('TC_B_51_CS B04.FR.01 status change while offline longer than OfflineThreshold: all connectors reported after reconnect', async () => {
      const { st, csms, clock } = await harness({ version, variables: { ...QUIET, 'OCPPCommCtrlr.OfflineThreshold': '60' }, evses: [{ connectors: [{}] }, { connectors: [{}] }] });
      await st.goOffline();
      st.plugIn(1, 1);
      await clock.advance(61_000);
      csms.clear();
      await st.goOnline();
      await csms.until(() => csms.of('StatusNotification').length === 2);
      assert.deepEqual(sequence(csms).filter((s) => s.startsWith('Status')), ['StatusNotification(1/1:Occupied)', 'StatusNotification(2/1:Available)']);
    });

    test('TC_B_52_CS B04.FR.02 status change while offline shorter than OfflineThreshold: only the changed connector', async () => {
      const { st, csms, clock } = await harness({ version, variables: { ...QUIET, 'OCPPCommCtrlr.OfflineThreshold': '60' }, evses: [{ connectors: [{}] }, { connectors: [{}] }] });
      await st.goOffline();
      st.plugIn(1, 1);
      await clock.advance(10_000);
      csms.clear();
      await st.goOnline();
      await csms.until(() => csms.of('StatusNotification').length === 1);
      await settle();
      assert.deepEqual(sequence(csms).filter((s) => s.startsWith('Status')), ['StatusNotification(1/1:Occupied)']);
    });
  });
}
