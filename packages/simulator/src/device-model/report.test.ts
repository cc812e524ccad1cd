import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DeviceModel } from './device-model.ts';
import { paginate } from './report.ts';

const dm = () => DeviceModel.fromProfile({ evses: [{ connectors: 2 }, { connectors: 1 }] });
const names = (r: { component: { name: string }; variable: { name: string } }[]) => r.map((x) => `${x.component.name}.${x.variable.name}`);

describe('B07 Get Base Report', () => {
  test('B07.FR.12 B07.FR.02 ConfigurationInventory and FullInventory supported, others NotSupported', () => {
    const m = dm();
    assert.ok(m.supportsReportBase('ConfigurationInventory') && m.supportsReportBase('FullInventory') && m.supportsReportBase('SummaryInventory'));
    assert.equal(m.supportsReportBase('Everything'), false);
  });
  test('B07.FR.08 B07.FR.11 FullInventory reports every variable with all supported attribute types and characteristics', () => {
    const r = dm().report('FullInventory');
    const power = r.find((x) => x.component.name === 'EVSE' && x.component.evse?.id === 1 && x.variable.name === 'Power')!;
    assert.deepEqual(power.variableAttribute.map((a) => a.type), ['Actual', 'Target', 'MaxSet']);
    assert.equal(power.variableAttribute[1]!.value, undefined); // unset Target still reported
    assert.ok(r.every((x) => x.variableCharacteristics && x.variableCharacteristics.supportsMonitoring === false));
    assert.ok(names(r).includes('Connector.ConnectorType'));
  });
  test('B07.FR.03 WriteOnly values are never reported', () => {
    const m = dm();
    m.setVariables([{ component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' }, attributeValue: 'a-long-enough-password' }]);
    const pw = m.report('FullInventory').find((x) => x.variable.name === 'BasicAuthPassword')!;
    assert.equal(pw.variableAttribute[0]!.mutability, 'WriteOnly');
    assert.equal(pw.variableAttribute[0]!.value, undefined);
  });
  test('B07.FR.07 ConfigurationInventory only has settable variables', () => {
    const r = dm().report('ConfigurationInventory');
    assert.ok(names(r).includes('OCPPCommCtrlr.HeartbeatInterval'));
    assert.ok(!names(r).includes('DeviceDataCtrlr.ItemsPerMessage'));
    assert.ok(r.every((x) => x.variableAttribute.some((a) => a.mutability !== 'ReadOnly')));
  });
  test('B07.FR.09 SummaryInventory: AvailabilityState of station/EVSE/connectors plus problem components', () => {
    const m = dm();
    let r = m.report('SummaryInventory');
    assert.equal(r.length, 1 + 2 + 3);
    assert.ok(r.every((x) => x.variable.name === 'AvailabilityState'));
    m.setInternal({ name: 'Connector', evse: { id: 2, connectorId: 1 } }, { name: 'Problem' }, 'true');
    r = m.report('SummaryInventory');
    assert.ok(r.some((x) => x.component.name === 'Connector' && x.component.evse?.id === 2 && x.variable.name === 'Problem'));
  });
});

describe('B08 Get Custom Report', () => {
  test('B08.FR.02 unsupported criteria -> NotSupported', () => {
    assert.equal(dm().customReportStatus(['Broken' as never]), 'NotSupported');
  });
  test('B08.FR.09 Enabled: components with Enabled true or without Enabled', () => {
    const m = dm();
    m.setVariables([{ component: { name: 'AuthCtrlr' }, variable: { name: 'Enabled' }, attributeValue: 'false' }]);
    const comps = new Set(m.customReport(['Enabled']).map((x) => x.component.name));
    assert.ok(!comps.has('AuthCtrlr'));
    assert.ok(comps.has('SampledDataCtrlr') && comps.has('OCPPCommCtrlr') && comps.has('EVSE'));
  });
  test('B08.FR.08 Available: components with Available true or without Available', () => {
    const m = dm();
    m.setInternal({ name: 'EVSE', evse: { id: 2 } }, { name: 'Available' }, 'false');
    const r = m.customReport(['Available']);
    assert.ok(!r.some((x) => x.component.name === 'EVSE' && x.component.evse?.id === 2));
    assert.ok(r.some((x) => x.component.name === 'EVSE' && x.component.evse?.id === 1));
  });
  test('B08.FR.07 Active: components without Active variable are reported', () => {
    assert.equal(dm().customReport(['Active']).length, dm().report('FullInventory').length);
  });
  test('B08.FR.10 B08.FR.15 Problem: only components with Problem true; none -> EmptyResultSet', () => {
    const m = dm();
    assert.equal(m.customReportStatus(['Problem']), 'EmptyResultSet');
    m.setInternal({ name: 'EVSE', evse: { id: 1 } }, { name: 'Problem' }, 'true');
    const r = m.customReport(['Problem']);
    assert.ok(r.length > 0 && r.every((x) => x.component.name === 'EVSE' && x.component.evse?.id === 1));
    assert.equal(m.customReportStatus(['Problem']), 'Accepted');
  });
  test('B08.FR.13 multiple criteria are OR-ed; B08.FR.05 criteria AND componentVariables intersect', () => {
    const m = dm();
    m.setVariables([{ component: { name: 'AuthCtrlr' }, variable: { name: 'Enabled' }, attributeValue: 'false' }]);
    m.setInternal({ name: 'EVSE', evse: { id: 1 } }, { name: 'Problem' }, 'true');
    const r = m.customReport(['Problem', 'Enabled']);
    assert.ok(r.some((x) => x.component.name === 'EVSE') && !r.some((x) => x.component.name === 'AuthCtrlr'));
    const both = m.customReport(['Problem'], [{ component: { name: 'EVSE' }, variable: { name: 'Power' } }]);
    assert.deepEqual(both.map((x) => x.component.evse?.id), [1]);
  });
  test('B08.FR.11 B08.FR.20 componentVariables only; variable missing -> every variable of the component', () => {
    const r = dm().customReport(undefined, [{ component: { name: 'ReservationCtrlr' } }]);
    assert.deepEqual(names(r).sort(), ['ReservationCtrlr.Available', 'ReservationCtrlr.Enabled', 'ReservationCtrlr.NonEvseSpecific']);
  });
  test('B08.FR.12 GetReport variables carry variableCharacteristics', () => {
    const r = dm().customReport(undefined, [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }]);
    assert.equal(r.length, 1);
    assert.equal(r[0]!.variableCharacteristics?.dataType, 'integer');
  });
  test('B08.FR.21 variable without instance -> every instance', () => {
    const r = dm().customReport(undefined, [{ component: { name: 'DeviceDataCtrlr' }, variable: { name: 'ItemsPerMessage' } }]);
    assert.deepEqual(r.map((x) => x.variable.instance).sort(), ['GetReport', 'GetVariables', 'SetVariables']);
    const one = dm().customReport(undefined, [{ component: { name: 'DeviceDataCtrlr' }, variable: { name: 'ItemsPerMessage', instance: 'GetReport' } }]);
    assert.equal(one.length, 1);
  });
  test('B08.FR.22 B08.FR.23 evse without connectorId -> all its connectors; no evse -> every evse', () => {
    const m = dm();
    const ct = { name: 'ConnectorType' };
    assert.equal(m.customReport(undefined, [{ component: { name: 'Connector', evse: { id: 1 } }, variable: ct }]).length, 2);
    assert.equal(m.customReport(undefined, [{ component: { name: 'Connector' }, variable: ct }]).length, 3);
    assert.equal(m.customReport(undefined, [{ component: { name: 'Connector', evse: { id: 1, connectorId: 2 } }, variable: ct }]).length, 1);
    assert.equal(m.customReportStatus(undefined, [{ component: { name: 'Connector', evse: { id: 9 } } }]), 'EmptyResultSet');
  });
});

describe('NotifyReport pagination', () => {
  test('B07.FR.10 B08.FR.14 seqNo starts at 0, tbc true except the last part', () => {
    const data = dm().report('FullInventory');
    const parts = paginate(data, 10);
    assert.equal(parts.length, Math.ceil(data.length / 10));
    assert.deepEqual(parts.map((p) => p.seqNo), parts.map((_, i) => i));
    assert.ok(parts.slice(0, -1).every((p) => p.tbc) && parts.at(-1)!.tbc === false);
    assert.deepEqual(parts.flatMap((p) => p.reportData), data);
    assert.ok(parts.every((p) => p.reportData.length <= 10 && p.reportData.length > 0));
  });
  test('paginate uses DeviceDataCtrlr.ItemsPerMessage[GetReport] by default; single part has tbc false', () => {
    const m = dm();
    const data = m.report('FullInventory');
    const parts = m.paginate(data);
    assert.equal(parts[0]!.reportData.length, Math.min(100, data.length));
    const one = m.paginate(data.slice(0, 3));
    assert.deepEqual(one.map((p) => [p.seqNo, p.tbc, p.reportData.length]), [[0, false, 3]]);
    assert.deepEqual(paginate([], 5), []);
    assert.throws(() => paginate(data, 0), RangeError);
  });
});
