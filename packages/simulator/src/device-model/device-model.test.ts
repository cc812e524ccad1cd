import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeviceModel } from './device-model.ts';
import type { VariableChange } from './model-types.ts';

const profile = { evses: [{ connectors: 2 }, { connectors: 1 }] };
const dm = () => DeviceModel.fromProfile(profile);
const get1 = (m: DeviceModel, component: object, variable: object, attributeType?: 'Actual' | 'Target' | 'MinSet' | 'MaxSet') =>
  m.getVariables([{ component: component as { name: string }, variable: variable as { name: string }, ...(attributeType ? { attributeType } : {}) }])[0]!;
const set1 = (m: DeviceModel, component: object, variable: object, attributeValue: string, attributeType?: 'Actual' | 'Target' | 'MinSet' | 'MaxSet') =>
  m.setVariables([{ component: component as { name: string }, variable: variable as { name: string }, attributeValue, ...(attributeType ? { attributeType } : {}) }])[0]!;
const HB = [{ name: 'OCPPCommCtrlr' }, { name: 'HeartbeatInterval' }] as const;

describe('B06 Get Variables', () => {
  test('B06.FR.01 B06.FR.02 one result per item, same component/variable', () => {
    const r = dm().getVariables([{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }, { component: { name: 'Nope' }, variable: { name: 'X' } }]);
    assert.equal(r.length, 2);
    assert.deepEqual(r[1]!.component, { name: 'Nope' });
    assert.deepEqual(r[1]!.variable, { name: 'X' });
  });
  test('B06.FR.10 B06.FR.11 Accepted with value, attributeType defaults to Actual', () => {
    const r = get1(dm(), ...HB);
    assert.equal(r.attributeStatus, 'Accepted');
    assert.equal(r.attributeValue, '300');
    assert.equal(r.attributeType, 'Actual');
  });
  test('B06.FR.06 unknown component -> UnknownComponent without attributeValue', () => {
    const r = get1(dm(), { name: 'FooCtrlr' }, { name: 'Enabled' });
    assert.equal(r.attributeStatus, 'UnknownComponent');
    assert.equal('attributeValue' in r, false);
  });
  test('B06.FR.07 unknown variable -> UnknownVariable without attributeValue', () => {
    const r = get1(dm(), { name: 'OCPPCommCtrlr' }, { name: 'NoSuchVar' });
    assert.equal(r.attributeStatus, 'UnknownVariable');
    assert.equal('attributeValue' in r, false);
  });
  test('B06.FR.08 B06.FR.03 unsupported attributeType -> NotSupportedAttributeType, type echoed', () => {
    const r = get1(dm(), ...HB, 'Target');
    assert.equal(r.attributeStatus, 'NotSupportedAttributeType');
    assert.equal(r.attributeType, 'Target');
    assert.equal('attributeValue' in r, false);
  });
  test('B06.FR.09 WriteOnly -> Rejected', () => {
    const r = get1(dm(), { name: 'SecurityCtrlr' }, { name: 'BasicAuthPassword' });
    assert.equal(r.attributeStatus, 'Rejected');
    assert.equal(r.attributeValue, undefined);
  });
  test('B06.FR.13 supported but unset attribute -> empty string', () => {
    const r = get1(dm(), { name: 'EVSE', evse: { id: 1 } }, { name: 'Power' }, 'Target');
    assert.equal(r.attributeStatus, 'Accepted');
    assert.equal(r.attributeValue, '');
  });
  test('B06.FR.14 variable instance addressing', () => {
    const m = dm();
    assert.equal(get1(m, { name: 'DeviceDataCtrlr' }, { name: 'ItemsPerMessage', instance: 'GetReport' }).attributeValue, '100');
    assert.equal(get1(m, { name: 'DeviceDataCtrlr' }, { name: 'ItemsPerMessage', instance: 'GetVariables' }).attributeValue, '50');
  });
  test('B06.FR.15 no instance given and no instance-less variable -> UnknownVariable', () => {
    assert.equal(get1(dm(), { name: 'DeviceDataCtrlr' }, { name: 'ItemsPerMessage' }).attributeStatus, 'UnknownVariable');
    assert.equal(get1(dm(), { name: 'DeviceDataCtrlr' }, { name: 'ItemsPerMessage', instance: '' }).attributeStatus, 'UnknownVariable');
  });
  test('B06.FR.14 evse/connector addressing; unknown evse or connector -> UnknownComponent', () => {
    const m = dm();
    assert.equal(get1(m, { name: 'Connector', evse: { id: 1, connectorId: 2 } }, { name: 'ConnectorType' }).attributeValue, 'cType2');
    assert.equal(get1(m, { name: 'Connector', evse: { id: 2, connectorId: 2 } }, { name: 'ConnectorType' }).attributeStatus, 'UnknownComponent');
    assert.equal(get1(m, { name: 'EVSE', evse: { id: 3 } }, { name: 'AvailabilityState' }).attributeStatus, 'UnknownComponent');
    assert.equal(get1(m, { name: 'EVSE' }, { name: 'AvailabilityState' }).attributeStatus, 'UnknownComponent');
    assert.equal(get1(m, { name: 'EVSE', evse: { id: 2 } }, { name: 'Power' }, 'MaxSet').attributeValue, '22000');
  });
  test('ClockCtrlr.DateTime is served live', () => {
    const r = get1(dm(), { name: 'ClockCtrlr' }, { name: 'DateTime' });
    assert.ok(Math.abs(Date.parse(r.attributeValue!) - Date.now()) < 5000);
  });
});

describe('B05 Set Variables', () => {
  test('B05.FR.10 B05.FR.12 Accepted, value stored, attributeType Actual, onChange fires', () => {
    const m = dm();
    const seen: VariableChange[] = [];
    m.onChange((c) => seen.push(c));
    const r = set1(m, ...HB, '120');
    assert.equal(r.attributeStatus, 'Accepted');
    assert.equal(r.attributeType, 'Actual');
    assert.equal(get1(m, ...HB).attributeValue, '120');
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.value, '120');
    assert.equal(seen[0]!.previous, '300');
  });
  test('B05.FR.01 B05.FR.02 one result per item in order', () => {
    const r = dm().setVariables([
      { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '10' },
      { component: { name: 'TxCtrlr' }, variable: { name: 'EVConnectionTimeOut' }, attributeValue: '30' },
    ]);
    assert.deepEqual(r.map((x) => [x.variable.name, x.attributeStatus]), [['HeartbeatInterval', 'Accepted'], ['EVConnectionTimeOut', 'Accepted']]);
  });
  test('B05.FR.04 unknown component -> UnknownComponent', () => {
    assert.equal(set1(dm(), { name: 'FooCtrlr' }, { name: 'Enabled' }, 'true').attributeStatus, 'UnknownComponent');
  });
  test('B05.FR.05 unknown variable -> UnknownVariable', () => {
    assert.equal(set1(dm(), { name: 'TxCtrlr' }, { name: 'Bogus' }, '1').attributeStatus, 'UnknownVariable');
  });
  test('B05.FR.06 B05.FR.03 unsupported attributeType -> NotSupportedAttributeType', () => {
    const r = set1(dm(), ...HB, '10', 'MinSet');
    assert.equal(r.attributeStatus, 'NotSupportedAttributeType');
    assert.equal(r.attributeType, 'MinSet');
  });
  test('B05.FR.07 wrong data type -> Rejected (integer, decimal, boolean, dateTime)', () => {
    const m = dm();
    for (const v of ['abc', '1.5', '', ' 10']) assert.equal(set1(m, ...HB, v).attributeStatus, 'Rejected', v);
    assert.equal(set1(m, { name: 'SmartChargingCtrlr' }, { name: 'LimitChangeSignificance' }, 'x').attributeStatus, 'Rejected');
    assert.equal(set1(m, { name: 'SmartChargingCtrlr' }, { name: 'LimitChangeSignificance' }, '0.25').attributeStatus, 'Accepted');
    assert.equal(set1(m, { name: 'AuthCtrlr' }, { name: 'Enabled' }, 'yes').attributeStatus, 'Rejected');
    assert.equal(set1(m, { name: 'AuthCtrlr' }, { name: 'Enabled' }, 'false').attributeStatus, 'Accepted');
    const r = set1(m, ...HB, 'abc');
    assert.equal(r.attributeStatusInfo?.reasonCode, 'InvalidValue');
  });
  test('B05.FR.08 value out of min/max limits -> Rejected', () => {
    const m = dm();
    assert.equal(set1(m, ...HB, '0').attributeStatus, 'Rejected'); // minLimit 1
    assert.equal(set1(m, ...HB, '86401').attributeStatus, 'Rejected');
    assert.equal(set1(m, ...HB, '1').attributeStatus, 'Accepted');
    assert.equal(set1(m, { name: 'SmartChargingCtrlr' }, { name: 'LimitChangeSignificance' }, '1.5').attributeStatus, 'Rejected');
    assert.equal(set1(m, { name: 'EVSE', evse: { id: 1 } }, { name: 'Power' }, '30000', 'Target').attributeStatus, 'Rejected');
    assert.equal(set1(m, { name: 'EVSE', evse: { id: 1 } }, { name: 'Power' }, '11000', 'Target').attributeStatus, 'Accepted');
    assert.equal(get1(m, { name: 'EVSE', evse: { id: 1 } }, { name: 'Power' }, 'Target').attributeValue, '11000');
    assert.equal(get1(m, ...HB).attributeValue, '1');
  });
  test('B05.FR.08 string maxLimit is a maximum length (BasicAuthPassword 16..40)', () => {
    const m = dm();
    assert.equal(set1(m, { name: 'SecurityCtrlr' }, { name: 'BasicAuthPassword' }, 'short').attributeStatus, 'Rejected');
    assert.equal(set1(m, { name: 'SecurityCtrlr' }, { name: 'BasicAuthPassword' }, 'x'.repeat(41)).attributeStatus, 'Rejected');
  });
  test('B05.FR.07 OptionList must be one value of valuesList', () => {
    const m = dm();
    assert.equal(set1(m, { name: 'AuthCacheCtrlr' }, { name: 'Policy' }, 'FIFO').attributeStatus, 'Accepted');
    assert.equal(set1(m, { name: 'AuthCacheCtrlr' }, { name: 'Policy' }, 'LRU,FIFO').attributeStatus, 'Rejected');
    assert.equal(set1(m, { name: 'AuthCacheCtrlr' }, { name: 'Policy' }, 'MRU').attributeStatus, 'Rejected');
  });
  test('B05.FR.07 MemberList: members of valuesList, no duplicates; SequenceList ordered members', () => {
    const m = dm();
    const tx = { name: 'TxCtrlr' };
    assert.equal(set1(m, tx, { name: 'TxStartPoint' }, 'EVConnected,Authorized').attributeStatus, 'Accepted');
    assert.equal(set1(m, tx, { name: 'TxStartPoint' }, 'EVConnected,Teleported').attributeStatus, 'Rejected');
    assert.equal(set1(m, tx, { name: 'TxStartPoint' }, 'EVConnected,EVConnected').attributeStatus, 'Rejected');
    assert.equal(set1(m, tx, { name: 'TxStopPoint' }, 'EVConnected,,Authorized').attributeStatus, 'Rejected');
    const sd = { name: 'SampledDataCtrlr' };
    assert.equal(set1(m, sd, { name: 'TxUpdatedMeasurands' }, 'Energy.Active.Import.Register,SoC').attributeStatus, 'Accepted');
    assert.equal(set1(m, sd, { name: 'TxUpdatedMeasurands' }, 'Temperature').attributeStatus, 'Rejected');
    const clk = { name: 'ClockCtrlr' };
    assert.equal(set1(m, clk, { name: 'TimeSource' }, 'NTP,Heartbeat').attributeStatus, 'Accepted');
    assert.equal(get1(m, clk, { name: 'TimeSource' }).attributeValue, 'NTP,Heartbeat');
    assert.equal(set1(m, clk, { name: 'TimeSource' }, 'NTP,Sundial').attributeStatus, 'Rejected');
  });
  test('B05.FR.09 ReadOnly -> Rejected, value unchanged, no onChange', () => {
    const m = dm();
    let fired = 0;
    m.onChange(() => fired++);
    const r = set1(m, { name: 'DeviceDataCtrlr' }, { name: 'ItemsPerMessage', instance: 'GetReport' }, '5');
    assert.equal(r.attributeStatus, 'Rejected');
    assert.equal(r.attributeStatusInfo?.reasonCode, 'ReadOnly');
    assert.equal(get1(m, { name: 'DeviceDataCtrlr' }, { name: 'ItemsPerMessage', instance: 'GetReport' }).attributeValue, '100');
    assert.equal(fired, 0);
  });
  test('B05 RebootRequired for values that take effect after reboot', () => {
    const m = dm();
    const r = set1(m, { name: 'OCPPCommCtrlr' }, { name: 'NetworkConfigurationPriority' }, '1,0');
    assert.equal(r.attributeStatus, 'RebootRequired');
    assert.equal(get1(m, { name: 'OCPPCommCtrlr' }, { name: 'NetworkConfigurationPriority' }).attributeValue, '1,0');
  });
  test('B05.FR.07 value longer than DeviceDataCtrlr.ConfigurationValueSize -> Rejected', () => {
    const r = set1(dm(), { name: 'SecurityCtrlr' }, { name: 'OrganizationName' }, 'x'.repeat(1001));
    assert.equal(r.attributeStatus, 'Rejected');
    assert.equal(r.attributeStatusInfo?.reasonCode, 'ValueTooLong');
  });
  test('profile values override defaults and unknown references throw', () => {
    const m = DeviceModel.fromProfile({ evses: [{ connectors: 1 }], values: { 'OCPPCommCtrlr.HeartbeatInterval': '42', 'DeviceDataCtrlr.ItemsPerMessage[GetReport]': '7' } });
    assert.equal(get1(m, ...HB).attributeValue, '42');
    assert.equal(m.paginate(m.report('FullInventory'))[0]!.reportData.length, 7);
    assert.throws(() => DeviceModel.fromProfile({ evses: [], values: { 'Nope.X': '1' } }));
  });
});

describe('Persistence', () => {
  test('toJSON / fromJSON round trip keeps set values', () => {
    const m = dm();
    set1(m, ...HB, '77');
    set1(m, { name: 'EVSE', evse: { id: 2 } }, { name: 'Power' }, '5000', 'Target');
    const back = DeviceModel.fromJSON(JSON.parse(JSON.stringify(m)));
    assert.equal(get1(back, ...HB).attributeValue, '77');
    assert.equal(get1(back, { name: 'EVSE', evse: { id: 2 } }, { name: 'Power' }, 'Target').attributeValue, '5000');
    assert.deepEqual(back.report('ConfigurationInventory'), m.report('ConfigurationInventory'));
    assert.throws(() => DeviceModel.fromJSON({ version: 9 }), /version 1/);
  });
  test('saveTo / loadFrom survive a restart; atomic write leaves no temp files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-dm-'));
    try {
      const file = join(dir, 'sub', 'device-model.json');
      const first = DeviceModel.loadFrom(file, profile); // no file yet -> built from profile
      assert.equal(get1(first, ...HB).attributeValue, '300');
      set1(first, ...HB, '15');
      first.saveTo(file);
      first.saveTo(file);
      assert.deepEqual(readdirSync(join(dir, 'sub')), ['device-model.json']);
      const restarted = DeviceModel.loadFrom(file);
      assert.equal(get1(restarted, ...HB).attributeValue, '15');
      assert.ok(get1(restarted, { name: 'ClockCtrlr' }, { name: 'DateTime' }).attributeValue!.length > 0);
      assert.throws(() => DeviceModel.loadFrom(join(dir, 'missing.json')));
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
