// Block B (Provisioning), station side: focused tests for FRs not covered by the Part 6 sequences.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { block as provisioning } from '../blocks/provisioning.ts';
import { DeviceModel } from '../device-model/device-model.ts';
import type { VariableEntry } from '../device-model/model-types.ts';
import { QUIET, sequence } from './sequence.ts';

/** A ManualClock whose wall time can be set (like SystemClock), timers keep running on the manual timeline. */
class SyncableClock extends ManualClock {
  offset = 0;
  override now(): number { return super.now() + this.offset; }
  setTime(ms: number): void { this.offset = ms - super.now(); }
}

const cv = (component: string, variable: string, instance?: string) => ({ component: { name: component }, variable: instance ? { name: variable, instance } : { name: variable } });
const rpcCode = (code: string) => (e: Error & { code?: string }) => e.code === code;

for (const version of VERSIONS) {
  describe(`block B station-side FRs (${version})`, () => {
    test('B01.FR.06 G02.FR.06 clock synchronised from BootNotificationResponse and HeartbeatResponse currentTime (TimeSource Heartbeat)', async () => {
      let csmsTime = '2030-06-01T12:00:00.000Z';
      const clock = new SyncableClock();
      const { st, csms } = await harness({ version, clock, variables: { ...QUIET, 'OCPPCommCtrlr.HeartbeatInterval': '60' },
        replies: { BootNotification: () => ({ currentTime: csmsTime, interval: 60, status: 'Accepted' }), Heartbeat: () => ({ currentTime: csmsTime }) } });
      assert.equal(new Date(st.clock.now()).toISOString(), '2030-06-01T12:00:00.000Z');
      assert.equal(csms.of('StatusNotification')[0]!.timestamp, '2030-06-01T12:00:00.000Z');
      const dt = await csms.call('GetVariables', { getVariableData: [cv('ClockCtrlr', 'DateTime')] });
      assert.equal(dt.getVariableResult[0]!.attributeValue, '2030-06-01T12:00:00.000Z');
      csmsTime = '2031-01-01T00:00:00.000Z';
      await clock.advance(60_000);
      assert.equal(csms.of('Heartbeat').length, 1);
      assert.equal(new Date(st.clock.now()).toISOString(), '2031-01-01T00:00:00.000Z');
    });

    test('B01.FR.06 no synchronisation when ClockCtrlr.TimeSource does not list Heartbeat', async () => {
      const clock = new SyncableClock();
      const before = clock.now();
      const { st } = await harness({ version, clock, variables: { ...QUIET, 'ClockCtrlr.TimeSource': 'NTP' },
        replies: { BootNotification: () => ({ currentTime: '2030-06-01T12:00:00.000Z', interval: 60, status: 'Accepted' }) } });
      assert.equal(st.clock.now(), before);
    });

    test('B06.FR.16 B06.FR.17 GetVariables above ItemsPerMessage / BytesPerMessage [GetVariables]: CALLERROR', async () => {
      const { csms } = await harness({ version, variables: { ...QUIET, 'DeviceDataCtrlr.ItemsPerMessage[GetVariables]': '2', 'DeviceDataCtrlr.BytesPerMessage[GetVariables]': '300' } });
      const three = [cv('OCPPCommCtrlr', 'OfflineThreshold'), cv('OCPPCommCtrlr', 'HeartbeatInterval'), cv('AuthCtrlr', 'Enabled')];
      await assert.rejects(csms.call('GetVariables', { getVariableData: three }), rpcCode('OccurrenceConstraintViolation'));
      const long = (n: string) => ({ component: { name: n, instance: 'i'.repeat(50) }, variable: { name: 'Enabled', instance: 'v'.repeat(50) } });
      await assert.rejects(csms.call('GetVariables', { getVariableData: [long('AuthCtrlr'), long('TxCtrlr')] }), rpcCode('FormatViolation'));
      const ok = await csms.call('GetVariables', { getVariableData: three.slice(0, 2) });
      assert.deepEqual(ok.getVariableResult.map((r) => r.attributeStatus), ['Accepted', 'Accepted']);
    });

    test('B08.FR.17 B08.FR.18 GetReport above ItemsPerMessage / BytesPerMessage [GetReport]: CALLERROR', async () => {
      const { csms } = await harness({ version, variables: { ...QUIET, 'DeviceDataCtrlr.ItemsPerMessage[GetReport]': '1', 'DeviceDataCtrlr.BytesPerMessage[GetReport]': '150' } });
      await assert.rejects(csms.call('GetReport', { requestId: 1, componentVariable: [{ component: { name: 'OCPPCommCtrlr' } }, { component: { name: 'AuthCtrlr' } }] }), rpcCode('OccurrenceConstraintViolation'));
      await assert.rejects(csms.call('GetReport', { requestId: 1, componentVariable: [{ component: { name: 'OCPPCommCtrlr', instance: 'i'.repeat(50) }, variable: { name: 'v'.repeat(50), instance: 'w'.repeat(50) } }] }), rpcCode('FormatViolation'));
    });

    test('B07.FR.04 B08.FR.01 B08.FR.03 B08.FR.04 two reports at once: each NotifyReport carries the requestId of its request', async () => {
      let release: () => void = () => {};
      const held = new Promise<void>((r) => { release = r; });
      const { csms } = await harness({ version, variables: { ...QUIET, 'DeviceDataCtrlr.ItemsPerMessage[GetReport]': '100' },
        replies: { NotifyReport: async () => { await held; return {}; } } });
      csms.clear();
      assert.deepEqual(await csms.call('GetBaseReport', { requestId: 11, reportBase: 'FullInventory' }), { status: 'Accepted' });
      await csms.until(() => csms.of('NotifyReport').length === 1);
      assert.deepEqual(await csms.call('GetReport', { requestId: 13, componentVariable: [{ component: { name: 'OCPPCommCtrlr' } }] }), { status: 'Accepted' });
      release();
      await csms.until(() => csms.of('NotifyReport').filter((n) => !n.tbc).length === 2);
      assert.deepEqual([...new Set(csms.of('NotifyReport').map((n) => n.requestId))].sort(), [11, 13]);
      await settle();
      csms.clear();
      assert.deepEqual(await csms.call('GetReport', { requestId: 14, componentVariable: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] }), { status: 'Accepted' });
      await csms.until(() => csms.of('NotifyReport').length === 1);
      const [n] = csms.of('NotifyReport');
      assert.equal(n!.requestId, 14);
      // B08.FR.03 the requested information: exactly the one variable, with its value.
      assert.deepEqual(n!.reportData!.map((d) => [d.component.name, d.variable.name, d.variableAttribute[0]!.value]), [['OCPPCommCtrlr', 'HeartbeatInterval', '300']]);
    });

    test('B07.FR.02 B07.FR.05 an unsupported reportBase: NotSupported and no NotifyReport', async () => {
      const { st, csms } = await harness({ version, variables: QUIET });
      csms.clear();
      const r = await provisioning.handlers.GetBaseReport!(st, { requestId: 5, reportBase: 'NoSuchBase' as never });
      assert.deepEqual(r, { status: 'NotSupported' });
      await settle();
      assert.deepEqual(sequence(csms), []);
    });

    test('B01.FR.03 B11.FR.02 B12.FR.06 an EVSE set Inoperative is Unavailable again after a reset', async () => {
      const { csms } = await harness({ version, variables: QUIET });
      await csms.call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1 } });
      await settle();
      csms.clear();
      assert.deepEqual(await csms.call('Reset', { type: 'OnIdle' }), { status: 'Accepted' });
      await csms.until(() => csms.of('StatusNotification').length === 1);
      assert.deepEqual(sequence(csms), ['BootNotification(RemoteReset)', 'StatusNotification(1/1:Unavailable)']);
    });

    test('B11.FR.07 B12.FR.07 Reset OnIdle of an EVSE with a transaction: Scheduled, the transaction ends normally, no reboot', async () => {
      const { st, csms } = await harness({ version, variables: QUIET });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      csms.clear();
      assert.deepEqual(await csms.call('Reset', { type: 'OnIdle', evseId: 1 }), { status: 'Scheduled' });
      await settle();
      assert.deepEqual(sequence(csms), [], 'the transaction is not ended by the reset');
      await st.presentToken('TAG1');
      await settle();
      // (then the EVSE resets: fr-b2.test.ts, B11.FR.08)
      assert.deepEqual(sequence(csms).filter((m) => !m.startsWith('StatusNotification')), ['TransactionEvent(Ended,StopAuthorized,Local)']);
      assert.equal(st.registration, 'Accepted');
    });

    test('B11.FR.09 B11.FR.10 B12.FR.09 EVSE.AllowReset is reported true; an EVSE that cannot be reset individually: Rejected', async () => {
      const { st, csms } = await harness({ version, variables: QUIET, evses: [{}, {}] });
      const g = await csms.call('GetVariables', { getVariableData: [{ component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'AllowReset' } }] });
      assert.equal(g.getVariableResult[0]!.attributeValue, 'true');
      st.dm.setInternal({ name: 'EVSE', evse: { id: 2 } }, { name: 'AllowReset' }, 'false');
      assert.equal((await csms.call('Reset', { type: 'Immediate', evseId: 2 })).status, 'Rejected');
      assert.equal((await csms.call('Reset', { type: 'OnIdle', evseId: 2 })).status, 'Rejected');
      assert.equal((await csms.call('Reset', { type: 'Immediate', evseId: 1 })).status, 'Accepted');
    });

    if (version === '2.1') {
      test('B13.FR.01 ImmediateAndResume without TxResumptionTimeout (no resumption support): Rejected, nothing happens', async () => {
        const { st, csms } = await harness({ version, variables: QUIET });
        csms.clear();
        assert.equal((await csms.call('Reset', { type: 'ImmediateAndResume' as 'Immediate' })).status, 'Rejected');
        await settle();
        assert.deepEqual(sequence(csms), []);
        assert.equal(st.registration, 'Accepted');
      });
    }
  });
}

describe('B08 component instance addressing in GetReport', () => {
  const entry = (name: string, instance?: string): VariableEntry => ({
    component: instance ? { name, instance } : { name }, variable: { name: 'Enabled' },
    characteristics: { dataType: 'boolean', supportsMonitoring: false }, attributes: { Actual: { value: 'true', mutability: 'ReadWrite' } },
  });
  const dm = new DeviceModel([entry('FiscalMetering'), entry('FiscalMetering', 'A'), entry('FiscalMetering', 'B')]);
  test('B08.FR.24 a component instance given: only that instance is reported', () => {
    const r = dm.customReport(undefined, [{ component: { name: 'FiscalMetering', instance: 'B' } }]);
    assert.deepEqual(r.map((x) => x.component.instance), ['B']);
  });
  test('B08.FR.25 no component instance: every instance and the component without instance', () => {
    const r = dm.customReport(undefined, [{ component: { name: 'FiscalMetering' }, variable: { name: 'Enabled' } }]);
    assert.deepEqual(r.map((x) => x.component.instance ?? '-'), ['-', 'A', 'B']);
  });
});
