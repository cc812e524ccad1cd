// B — Provisioning, station side, against a scripted CSMS (2.1 and 2.0.1).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';

for (const version of VERSIONS) {
  describe(`provisioning (${version})`, () => {
    test('TC_B_01_CS B01.FR.01 B01.FR.04 B01.FR.05 boot Accepted: heartbeat interval adopted, all connectors reported', async () => {
      const { st, csms, clock } = await harness({ version, evses: [{ connectors: [{}, {}] }], replies: { BootNotification: () => ({ currentTime: new Date().toISOString(), interval: 42, status: 'Accepted' }) } });
      assert.equal(st.registration, 'Accepted');
      assert.equal(csms.of('BootNotification')[0]!.reason, 'PowerUp'); // B01.FR.09
      assert.equal(st.str('OCPPCommCtrlr', 'HeartbeatInterval', ''), '42');
      assert.deepEqual(csms.of('StatusNotification').map((s) => [s.evseId, s.connectorId, s.connectorStatus]), [[1, 1, 'Available'], [1, 2, 'Available']]);
      await clock.advance(42_000 * 3);
      assert.equal(csms.of('Heartbeat').length, 3, 'G02 heartbeat every HeartbeatInterval');
    });

    test('TC_B_02_CS B02.FR.02 B02.FR.08 B02.FR.01 Pending: nothing but BootNotification, retry after interval, answers GetVariables', async () => {
      let status: 'Pending' | 'Accepted' = 'Pending';
      const { st, csms, clock } = await harness({ version, replies: { BootNotification: () => ({ currentTime: new Date().toISOString(), interval: 60, status }) } });
      assert.equal(st.registration, 'Pending');
      st.plugIn(1, 1);
      await settle();
      assert.deepEqual(csms.received.map((r) => r.action), ['BootNotification'], 'no StatusNotification while Pending');
      const gv = await csms.call('GetVariables', { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] });
      assert.equal(gv.getVariableResult[0]!.attributeStatus, 'Accepted');
      const rs = await csms.call('RequestStartTransaction', { idToken: { idToken: 'X', type: 'Central' }, remoteStartId: 1 });
      assert.equal(rs.status, 'Rejected', 'B02.FR.05');
      await clock.advance(59_000);
      assert.equal(csms.of('BootNotification').length, 1, 'B02.FR.04 not earlier than the interval');
      status = 'Accepted';
      await clock.advance(1_000);
      assert.equal(csms.of('BootNotification').length, 2);
      assert.equal(st.registration, 'Accepted');
      assert.ok(csms.of('StatusNotification').some((s) => s.connectorStatus === 'Occupied'));
    });

    test('TC_B_03_CS B03.FR.02 B03.FR.06 B03.FR.08 Rejected: silent, CSMS requests get SecurityError, retry after interval', async () => {
      const { st, csms, clock } = await harness({ version, replies: { BootNotification: () => ({ currentTime: new Date().toISOString(), interval: 30, status: 'Rejected' }) } });
      assert.equal(st.registration, 'Rejected');
      await assert.rejects(csms.call('GetVariables', { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] }), (e: Error & { code?: string }) => e.code === 'SecurityError');
      await clock.advance(30_000);
      assert.equal(csms.of('BootNotification').length, 2);
      assert.deepEqual([...new Set(csms.received.map((r) => r.action))], ['BootNotification']);
    });

    test('B05 B06 SetVariables/GetVariables through the device model; B07.FR.10 GetBaseReport split into NotifyReport parts', async () => {
      const { csms } = await harness({ version, variables: { 'DeviceDataCtrlr.ItemsPerMessage[GetReport]': '5' } });
      const sv = await csms.call('SetVariables', { setVariableData: [
        { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '120' },
        { component: { name: 'DeviceDataCtrlr' }, variable: { name: 'ItemsPerMessage', instance: 'GetReport' }, attributeValue: '5' },
        { component: { name: 'Nope' }, variable: { name: 'X' }, attributeValue: '1' },
      ] });
      assert.deepEqual(sv.setVariableResult.map((r) => r.attributeStatus), ['Accepted', 'Rejected', 'UnknownComponent']);
      const r = await csms.call('GetBaseReport', { requestId: 7, reportBase: 'FullInventory' });
      assert.equal(r.status, 'Accepted');
      await csms.until(() => csms.of('NotifyReport').some((n) => !n.tbc));
      const parts = csms.of('NotifyReport');
      assert.ok(parts.length > 1);
      assert.deepEqual(parts.map((p) => p.seqNo), parts.map((_, i) => i));
      assert.ok(parts.every((p) => p.requestId === 7));
      const nr = await csms.call('GetReport', { requestId: 8, componentVariable: [{ component: { name: 'Bogus' } }] });
      assert.equal(nr.status, 'EmptyResultSet');
    });

    test('B11.FR.03 B11.FR.04 Reset Immediate without transaction: reboot and BootNotification(RemoteReset)', async () => {
      const { st, csms, link } = await harness({ version });
      const r = await csms.call('Reset', { type: 'Immediate' });
      assert.equal(r.status, 'Accepted');
      await csms.until(() => csms.of('BootNotification').length === 2);
      assert.equal(csms.of('BootNotification')[1]!.reason, 'RemoteReset');
      assert.equal(link.sessions, 2);
      await csms.until(() => st.registration === 'Accepted');
    });

    test('TC_B_21_CS B12.FR.01 B12.FR.03 Reset OnIdle with a transaction: Scheduled, reboot after it ends', async () => {
      const { st, csms } = await harness({ version, variables: { 'TxCtrlr.TxStartPoint': 'EVConnected', 'TxCtrlr.TxStopPoint': 'EVConnected' } });
      st.plugIn(1, 1);
      await settle();
      assert.equal((await csms.call('Reset', { type: 'OnIdle' })).status, 'Scheduled');
      await settle();
      assert.equal(csms.of('BootNotification').length, 1);
      st.unplug(1);
      await csms.until(() => csms.of('BootNotification').length === 2);
      assert.equal(csms.of('BootNotification')[1]!.reason, 'ScheduledReset');
    });

    test('TC_B_22_CS B12.FR.02 B12.FR.04 Reset Immediate with a transaction: Ended(ResetCommand, ImmediateReset) before the reboot', async () => {
      const { st, csms } = await harness({ version, variables: { 'TxCtrlr.TxStartPoint': 'EVConnected', 'TxCtrlr.TxStopPoint': 'EVConnected' } });
      st.plugIn(1, 1);
      await settle();
      assert.equal((await csms.call('Reset', { type: 'Immediate' })).status, 'Accepted');
      await csms.until(() => csms.of('BootNotification').length === 2);
      const end = csms.txEvents.find((e) => e.eventType === 'Ended')!;
      assert.equal(end.triggerReason, 'ResetCommand');
      assert.equal(end.transactionInfo.stoppedReason, 'ImmediateReset');
      const iEnd = csms.received.findIndex((r) => r.payload === end);
      const iBoot = csms.received.findIndex((r) => r.action === 'BootNotification' && r.payload.reason === 'RemoteReset');
      assert.ok(iEnd < iBoot);
    });
  });
}
