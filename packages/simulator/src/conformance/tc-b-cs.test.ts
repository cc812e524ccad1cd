// OCPP 2.0.1 Part 6, block B station test cases (SetVariables formats, custom reports, FullInventory,
// Reset of the station / an EVSE, reconnection back-off), replayed by a scripted CSMS in the OCTT's role.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOcppServer, type OcppTypes } from '@chargewire/ocpp';
import { settle } from '../clock.ts';
import { STANDARD_VARIABLES } from '../device-model/standard-variables.ts';
import { createStation } from '../station.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { ScriptedCsms } from '../testing/scripted-csms.ts';
import { QUIET, sequence } from './sequence.ts';

const cv = (component: string, variable: string) => ({ component: { name: component }, variable: { name: variable } });
const TWO = [{ connectors: [{}] }, { connectors: [{}] }];
type Report = OcppTypes.ReportDataType;
const reported = (csms: ScriptedCsms, requestId: number): Report[] => csms.of('NotifyReport').filter((n) => n.requestId === requestId).flatMap((n) => n.reportData ?? []);
const reportDone = (csms: ScriptedCsms, requestId: number) => () => csms.of('NotifyReport').some((n) => n.requestId === requestId && !n.tbc);

for (const version of VERSIONS) {
  describe(`Part 6 block B station test cases (${version})`, () => {
    test('TC_B_11_CS B05.FR.07 SetVariables with invalidly formatted values: Rejected (InvalidValue), valid formats Accepted', async () => {
      const { csms } = await harness({ version, variables: QUIET });
      const time = new Date().toISOString();
      const values = ['300', '300.1', 'true', time, 'abc'];
      const cases: [string, string, string[]][] = [
        ['OCPPCommCtrlr', 'OfflineThreshold', ['300']], // integer
        ['SmartChargingCtrlr', 'LimitChangeSignificance', []], // decimal, maxLimit 1: 300 and 300.1 are out of range
        ['AuthCtrlr', 'AuthorizeRemoteStart', ['true']], // boolean
        ['ClockCtrlr', 'NextTimeOffsetTransitionDateTime', [time]], // dateTime
      ];
      for (const [component, variable, ok] of cases) {
        for (const value of values) {
          const r = (await csms.call('SetVariables', { setVariableData: [{ ...cv(component, variable), attributeValue: value }] })).setVariableResult[0]!;
          // Steps 7-8 only when supported: the simulator does not implement ClockCtrlr.NextTimeOffsetTransitionDateTime.
          if (variable === 'NextTimeOffsetTransitionDateTime' && r.attributeStatus === 'UnknownVariable') continue;
          const expected = ok.includes(value) ? 'Accepted' : 'Rejected';
          assert.deepEqual([r.attributeStatus, r.component.name, r.variable.name, r.attributeType ?? 'Actual'], [expected, component, variable, 'Actual'], `${component}.${variable} = ${value}`);
          // reasonCode InvalidValue "(not required)"; a well-formed number above maxLimit is ValueOutOfRange.
          if (expected === 'Rejected') assert.ok(!r.attributeStatusInfo || ['InvalidValue', 'ValueOutOfRange'].includes(r.attributeStatusInfo.reasonCode), JSON.stringify(r));
        }
      }
    });

    test('TC_B_16_CS B08.FR.01 B08.FR.03 B08.FR.04 B08.FR.07 B08.FR.09 B08.FR.12 B08.FR.13 B08.FR.14 GetReport componentCriteria Enabled: the enabled components, their Enabled = true', async () => {
      const { csms } = await harness({ version, variables: QUIET });
      csms.clear();
      assert.deepEqual(await csms.call('GetBaseReport', { requestId: 1, reportBase: 'FullInventory' }), { status: 'Accepted' });
      await csms.until(reportDone(csms, 1));
      const key = (r: Report) => `${r.component.name}/${r.component.instance ?? ''}/${r.component.evse?.id ?? ''}/${r.component.evse?.connectorId ?? ''}`;
      const enabled = reported(csms, 1).filter((r) => r.variable.name === 'Enabled' && r.variableAttribute.find((a) => (a.type ?? 'Actual') === 'Actual')?.value === 'true');
      assert.ok(enabled.length > 0);
      assert.deepEqual(await csms.call('GetReport', { requestId: 2, componentCriteria: ['Enabled'] }), { status: 'Accepted' });
      await csms.until(reportDone(csms, 2));
      const parts = csms.of('NotifyReport').filter((n) => n.requestId === 2);
      assert.deepEqual(parts.map((p) => [p.seqNo, p.tbc ?? false]), parts.map((_, i) => [i, i < parts.length - 1]));
      const custom = reported(csms, 2);
      assert.ok(custom.every((r) => r.variableCharacteristics), 'variableCharacteristics are present');
      const customEnabled = custom.filter((r) => r.variable.name === 'Enabled');
      assert.ok(customEnabled.every((r) => r.variableAttribute[0]!.value === 'true'));
      // Post scenario: every Enabled = true of the FullInventory is in the custom report, and no other component.
      assert.deepEqual(customEnabled.map(key).sort(), enabled.map(key).sort());
      // [B08.FR.09] a component whose Enabled is false is not reported (one without Enabled counts as enabled).
      const disabled = reported(csms, 1).filter((r) => r.variable.name === 'Enabled' && r.variableAttribute[0]!.value === 'false').map(key);
      assert.ok(!custom.some((r) => disabled.includes(key(r))), 'no component with Enabled = false');
      // Step 6 (errata 6.2.12): GetVariables for them: Accepted, "true" (none of them is WriteOnly).
      assert.ok(customEnabled.every((r) => r.variableAttribute[0]!.mutability !== 'WriteOnly'));
      const gv = await csms.call('GetVariables', { getVariableData: customEnabled.slice(0, 10).map((r) => ({ component: r.component, variable: r.variable })) });
      assert.ok(gv.getVariableResult.every((g) => g.attributeStatus === 'Accepted' && g.attributeValue === 'true'), JSON.stringify(gv));
    });

    const availabilityState = (r: Report | undefined, evseId: number) => {
      assert.ok(r);
      assert.deepEqual([r.component.name, r.component.evse?.id, r.variable.name, r.variableCharacteristics?.dataType, r.variableAttribute.map((a) => [a.type ?? 'Actual', a.mutability])],
        ['EVSE', evseId, 'AvailabilityState', 'OptionList', [['Actual', 'ReadOnly']]]);
      assert.deepEqual(r.variableCharacteristics!.valuesList!.split(',').map((v) => v.trim()), ['Available', 'Occupied', 'Reserved', 'Unavailable', 'Faulted']);
    };

    test('TC_B_17_CS B08.FR.01 B08.FR.03 B08.FR.04 B08.FR.11 B08.FR.12 B08.FR.14 GetReport EVSE #1 AvailabilityState: one OptionList ReadOnly Actual entry', async () => {
      const { csms } = await harness({ version, variables: QUIET });
      csms.clear();
      assert.deepEqual(await csms.call('GetReport', { requestId: 5, componentVariable: [{ component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'AvailabilityState' } }] }), { status: 'Accepted' });
      await csms.until(reportDone(csms, 5));
      const [n] = csms.of('NotifyReport');
      assert.deepEqual([n!.requestId, n!.seqNo, n!.reportData!.length], [5, 0, 1]);
      availabilityState(n!.reportData![0], 1);
    });

    test('TC_B_18_CS B08.FR.05 B08.FR.11 B08.FR.15 GetReport with criteria and component/variable: Available reports it, Problem gives EmptyResultSet', async () => {
      const { csms } = await harness({ version, variables: QUIET });
      const evse1 = [{ component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'AvailabilityState' } }];
      csms.clear();
      assert.deepEqual(await csms.call('GetReport', { requestId: 6, componentCriteria: ['Available'], componentVariable: evse1 }), { status: 'Accepted' });
      await csms.until(reportDone(csms, 6));
      assert.equal(reported(csms, 6).length, 1);
      availabilityState(reported(csms, 6)[0], 1);
      const r = await csms.call('GetReport', { requestId: 7, componentCriteria: ['Problem'], componentVariable: evse1 });
      assert.equal(r.status, 'EmptyResultSet');
      assert.ok(!r.statusInfo || r.statusInfo.reasonCode === 'NotFound');
      await settle();
      assert.equal(reported(csms, 7).length, 0);
    });

    for (const [tc, instance, expected] of [['TC_B_54_CS', undefined, ['GetReport', 'GetVariables']], // (and SetVariables)
       ['TC_B_55_CS', 'GetReport', ['GetReport']]] as const) {
      test(`${tc} B08.FR.11 B08.FR.12 GetReport DeviceDataCtrlr.ItemsPerMessage ${instance ? `instance ${instance}: only that instance` : 'without instance: every instance'}`, async () => {
        const { csms } = await harness({ version, variables: QUIET });
        csms.clear();
        const variable = instance ? { name: 'ItemsPerMessage', instance } : { name: 'ItemsPerMessage' };
        assert.deepEqual(await csms.call('GetReport', { requestId: 8, componentVariable: [{ component: { name: 'DeviceDataCtrlr' }, variable }] }), { status: 'Accepted' });
        await csms.until(reportDone(csms, 8));
        const data = reported(csms, 8);
        assert.ok(data.every((r) => r.component.name === 'DeviceDataCtrlr' && r.variable.name === 'ItemsPerMessage'));
        const instances = data.map((r) => r.variable.instance);
        assert.ok(expected.every((i) => instances.includes(i)), JSON.stringify(instances));
        if (instance) assert.deepEqual(instances, [instance]);
      });
    }

    test('TC_B_56_CS B08.FR.11 B08.FR.12 GetReport EVSE AvailabilityState without evse id: one entry per EVSE', async () => {
      const { csms } = await harness({ version, evses: TWO, variables: QUIET });
      csms.clear();
      assert.deepEqual(await csms.call('GetReport', { requestId: 9, componentVariable: [{ component: { name: 'EVSE' }, variable: { name: 'AvailabilityState' } }] }), { status: 'Accepted' });
      await csms.until(reportDone(csms, 9));
      const data = reported(csms, 9);
      assert.deepEqual(data.map((r) => r.component.evse?.id).sort(), [1, 2]);
      data.forEach((r) => availabilityState(r, r.component.evse!.id));
    });

    test('TC_B_15_CS B07.FR.02 (prerequisite not met: the station supports every reportBase) SummaryInventory: Accepted and reported, never NotSupported', async () => {
      const { csms } = await harness({ version, variables: QUIET });
      for (const [i, reportBase] of (['SummaryInventory', 'ConfigurationInventory', 'FullInventory'] as const).entries()) {
        assert.deepEqual(await csms.call('GetBaseReport', { requestId: 150 + i, reportBase }), { status: 'Accepted' });
        await csms.until(reportDone(csms, 150 + i));
      }
    });

    test('TC_B_53_CS Referenced Components and Variables: FullInventory reports the required variables; list types have valuesList, values in it; WriteOnly without value', async () => {
      const { csms } = await harness({ version, variables: QUIET });
      csms.clear();
      assert.deepEqual(await csms.call('GetBaseReport', { requestId: 10, reportBase: 'FullInventory' }), { status: 'Accepted' });
      await csms.until(reportDone(csms, 10));
      const parts = csms.of('NotifyReport');
      assert.deepEqual(parts.map((p) => [p.requestId, p.seqNo]), parts.map((_, i) => [10, i]));
      const data = reported(csms, 10);
      const has = (c: string, v: string) => data.some((r) => r.component.name === c && r.variable.name === v);
      for (const [c, v] of [['OCPPCommCtrlr', 'OfflineThreshold'], ['OCPPCommCtrlr', 'MessageTimeout'], ['OCPPCommCtrlr', 'HeartbeatInterval'], ['AuthCtrlr', 'LocalAuthorizeOffline'], ['AuthCtrlr', 'LocalPreAuthorize'],
        ['TxCtrlr', 'TxStartPoint'], ['TxCtrlr', 'TxStopPoint'], ['TxCtrlr', 'EVConnectionTimeOut'], ['TxCtrlr', 'StopTxOnInvalidId'], ['DeviceDataCtrlr', 'ItemsPerMessage'], ['DeviceDataCtrlr', 'BytesPerMessage'],
        ['SampledDataCtrlr', 'TxUpdatedInterval'], ['AlignedDataCtrlr', 'Interval'], ['SecurityCtrlr', 'SecurityProfile'], ['ChargingStation', 'AvailabilityState'], ['EVSE', 'AvailabilityState'], ['Connector', 'AvailabilityState'], ['ClockCtrlr', 'DateTime']] as const) {
        assert.ok(has(c, v), `${c}.${v} reported`);
      }
      // Of every implemented (reported) standard component, the variables that the Referenced Components and
      // Variables list (2.1-generated) marks required are reported.
      const components = new Set(data.map((r) => r.component.name));
      // AlignedDataCtrlr.TxEndInterval is the 2.1 list's spelling of TxEndedInterval (reported).
      const notIn201 = ['AlignedDataCtrlr.TxEndInterval'];
      const missing = STANDARD_VARIABLES.filter((x) => x.required && components.has(x.component) && !has(x.component, x.variable)).map((x) => `${x.component}.${x.variable}`).filter((x) => !notIn201.includes(x));
      assert.deepEqual(missing, []);
      for (const r of data) {
        const ch = r.variableCharacteristics;
        const name = `${r.component.name}.${r.variable.name}`;
        if (ch && ['OptionList', 'SequenceList', 'MemberList'].includes(ch.dataType)) {
          assert.ok(ch.valuesList, `${name} has a valuesList`);
          const allowed = ch.valuesList.split(',').map((v) => v.trim());
          for (const a of r.variableAttribute) {
            if (a.value === undefined || a.value === '') continue;
            const vals = ch.dataType === 'OptionList' ? [a.value] : a.value.split(',').map((v) => v.trim());
            assert.ok(vals.every((v) => allowed.includes(v)), `${name} = ${a.value} not in ${ch.valuesList}`);
          }
        }
        // Errata 6.2.19: WriteOnly without a value, every other one with a value (EVSE.Power: only maxLimit).
        for (const a of r.variableAttribute) {
          if (a.mutability === 'WriteOnly') assert.equal(a.value, undefined, `${name} is WriteOnly`);
          // NetworkConfiguration (a 2.1 component, not a 2.0.1 standardized one) has unset fields in empty slots.
          else if (name !== 'EVSE.Power' && r.component.name !== 'NetworkConfiguration') assert.ok(a.value !== undefined, `${name} has a value`);
        }
      }
    });

    test('TC_B_23_CS B11.FR.01 B11.FR.02 B11.FR.03 B11.FR.04 B01.FR.03 an Unavailable connector stays Unavailable across a Reset OnIdle', async () => {
      const { csms } = await harness({ version, evses: TWO, variables: QUIET });
      assert.equal((await csms.call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1, connectorId: 1 } })).status, 'Accepted');
      await settle();
      csms.clear();
      assert.deepEqual(await csms.call('Reset', { type: 'OnIdle' }), { status: 'Accepted' });
      await csms.until(() => csms.of('StatusNotification').length === 2);
      assert.deepEqual(sequence(csms), ['BootNotification(RemoteReset)', 'StatusNotification(1/1:Unavailable)', 'StatusNotification(2/1:Available)']);
    });

    const charging = async (evses: { connectors: object[] }[] = [{ connectors: [{}] }], ids = [1]) => {
      const h = await harness({ version, evses, variables: { ...QUIET, 'TxCtrlr.TxStartPoint': 'PowerPathClosed', 'TxCtrlr.TxStopPoint': 'EVConnected' } });
      for (const id of ids) { h.st.plugIn(id, 1); await h.st.presentToken(`TAG${id}`, 'ISO14443', id); }
      await settle();
      assert.ok(ids.every((id) => h.st.evse(id).tx), 'EnergyTransferStarted');
      h.csms.clear();
      return h;
    };

    test('TC_B_26_CS B12.FR.01 B12.FR.07 Reset OnIdle of an EVSE with a transaction: Scheduled; the EVSE resets after the transaction ended', async () => {
      const { st, csms } = await charging(undefined, [1]);
      assert.deepEqual(await csms.call('Reset', { type: 'OnIdle', evseId: 1 }), { status: 'Scheduled' });
      await settle();
      assert.deepEqual(sequence(csms), [], 'nothing happens while the transaction runs');
      await st.presentToken('TAG1', 'ISO14443', 1); // StopAuthorized
      await settle();
      assert.equal(csms.txEvents.at(-1)!.triggerReason, 'StopAuthorized');
      st.unplug(1); // EVDisconnected: the transaction ends (TxStopPoint EVConnected), then the EVSE resets
      await csms.until(() => csms.of('StatusNotification').some((s) => s.connectorStatus === 'Unavailable') && csms.of('StatusNotification').at(-1)!.connectorStatus === 'Available');
      const seq = sequence(csms);
      const ended = seq.findIndex((x) => x.startsWith('TransactionEvent(Ended'));
      assert.ok(ended >= 0 && ended < seq.indexOf('StatusNotification(1/1:Unavailable)'), JSON.stringify(seq));
      assert.equal(csms.of('BootNotification').length, 0, 'only the EVSE resets, not the station');
    });

    test('TC_B_27_CS B12.FR.02 B12.FR.08 E07.FR.03 Reset Immediate of an EVSE with a transaction: Accepted; Ended(ResetCommand, EVConnected, ImmediateReset)', async () => {
      const { csms } = await charging(undefined, [1]);
      assert.deepEqual(await csms.call('Reset', { type: 'Immediate', evseId: 1 }), { status: 'Accepted' });
      await csms.until(() => csms.txEvents.some((e) => e.eventType === 'Ended'));
      const ended = csms.txEvents.find((e) => e.eventType === 'Ended')!;
      assert.deepEqual([ended.triggerReason, ended.transactionInfo.chargingState, ended.transactionInfo.stoppedReason], ['ResetCommand', 'EVConnected', 'ImmediateReset']);
    });

    test('TC_B_29_CS B12.FR.01 B12.FR.09 Reset OnIdle of an EVSE that cannot be reset on its own (EVSE.AllowReset false): Rejected', async () => {
      const { st, csms } = await charging(undefined, [1]);
      st.dm.setInternal({ name: 'EVSE', evse: { id: 1 } }, { name: 'AllowReset' }, 'false');
      assert.deepEqual((await csms.call('Reset', { type: 'OnIdle', evseId: 1 })).status, 'Rejected');
      await settle();
      assert.ok(st.evse(1).tx, 'the transaction goes on');
      assert.equal(csms.txEvents.length, 0);
    });

    test('TC_B_41_CS B12.FR.01 B12.FR.03 E07.FR.03 Reset OnIdle with two transactions: Scheduled; BootNotification(ScheduledReset) after both ended', async () => {
      const { st, csms } = await charging(TWO, [1, 2]);
      assert.deepEqual(await csms.call('Reset', { type: 'OnIdle' }), { status: 'Scheduled' });
      await st.presentToken('TAG1', 'ISO14443', 1);
      st.unplug(1);
      await settle();
      assert.equal(csms.of('BootNotification').length, 0, 'EVSE 2 still charging');
      await st.presentToken('TAG2', 'ISO14443', 2);
      st.unplug(2);
      await csms.until(() => csms.of('BootNotification').length === 1 && csms.of('StatusNotification').filter((s) => s.connectorStatus === 'Available').length >= 2);
      await settle();
      const seq = sequence(csms);
      assert.equal(seq.filter((x) => x.startsWith('TransactionEvent(Ended')).length, 2);
      assert.ok(seq.lastIndexOf('TransactionEvent(Ended,EVCommunicationLost,EVDisconnected)') < seq.indexOf('BootNotification(ScheduledReset)'), JSON.stringify(seq));
      assert.deepEqual(seq.slice(seq.indexOf('BootNotification(ScheduledReset)')), ['BootNotification(ScheduledReset)', 'StatusNotification(1/1:Available)', 'StatusNotification(2/1:Available)']);
    });

    test('TC_B_57_CS Part 4 §5.3 reconnection after connection loss: after RetryBackOffWaitMinimum, doubled after a refused attempt', async () => {
      let refuse = false;
      const attempts: { at: number; ok: boolean }[] = [];
      const csms = new ScriptedCsms();
      const ocpp = createOcppServer({ versions: [version],
        authenticate: () => { attempts.push({ at: Date.now(), ok: !refuse }); if (refuse) { refuse = false; return { ok: false, status: 401 }; } return { ok: true, context: {} }; },
        onConnection: ({ endpoint }) => csms.attach(endpoint) });
      const server = createServer();
      ocpp.attach(server);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ocpp`;
      const st = createStation({ identity: `B57-${version.replace('.', '')}`, url, versions: [version], variables: { ...QUIET, 'OCPPCommCtrlr.RetryBackOffRepeatTimes': '2', 'OCPPCommCtrlr.RetryBackOffRandomRange': '0', 'OCPPCommCtrlr.RetryBackOffWaitMinimum': '1', 'OCPPCommCtrlr.NetworkProfileConnectionAttempts': '3' } });
      try {
        await st.start();
        await csms.until(() => csms.of('BootNotification').length === 1);
        const t1 = Date.now();
        csms.endpoint!.close(1001, 'OCTT closes'); // step 1
        await csms.until(() => attempts.length === 2, 10_000);
        assert.ok(attempts[1]!.at - t1 >= 950, `step 2 after ${attempts[1]!.at - t1} ms`);
        await settle();
        refuse = true;
        const t4 = Date.now();
        csms.endpoint!.close(1001, 'OCTT closes'); // step 4
        await csms.until(() => attempts.length === 4, 15_000);
        assert.deepEqual(attempts.map((a) => a.ok), [true, true, false, true]);
        assert.ok(attempts[2]!.at - t4 >= 950, `step 5 after ${attempts[2]!.at - t4} ms`);
        assert.ok(attempts[3]!.at - attempts[2]!.at >= 1900, `step 7 after ${attempts[3]!.at - attempts[2]!.at} ms: twice the wait`);
      } finally {
        await st.stop();
        await ocpp.close();
        await new Promise<void>((r) => server.close(() => r()));
      }
    });
  });
}
