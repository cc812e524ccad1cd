// B09 Setting a new NetworkConnectionProfile, station side (socket-free: MemoryLink + scripted CSMS).
// The connecting part (B10, real sockets) is in network-migrate.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OcppTypes, OcppVersion } from '@chargewire/ocpp';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { QUIET } from './sequence.ts';

type Profile = OcppTypes.NetworkConnectionProfileType;
const profile = (version: OcppVersion, over: Partial<Profile> = {}): Profile => ({
  ocppCsmsUrl: 'ws://127.0.0.1:9999/ocpp', ocppInterface: 'Wired0', ocppTransport: 'JSON', messageTimeout: 30, securityProfile: 1,
  ...(version === '2.0.1' ? { ocppVersion: 'OCPP20' } : {}), ...over,
});
const cv = (component: string, variable: string, instance?: string) =>
  ({ component: instance !== undefined ? { name: component, instance } : { name: component }, variable: { name: variable } });
const NC = (slot: string, variable: string) => cv('NetworkConfiguration', variable, slot);
const PRIO = cv('OCPPCommCtrlr', 'NetworkConfigurationPriority');
const PASSWORD = 'a-password-of-16+chars';

for (const version of VERSIONS) {
  describe(`B09 network connection profiles, station (${version})`, () => {
    test('TC_B_43_CS B09.FR.05 configurationSlot not in the valuesList of NetworkConfigurationPriority: Rejected', async () => {
      const { csms } = await harness({ version, variables: QUIET });
      const r = await csms.call('SetNetworkProfile', { configurationSlot: 999, connectionData: profile(version) });
      assert.equal(r.status, 'Rejected');
      assert.equal(r.statusInfo?.reasonCode, 'InvalidConfSlot');
    });

    test('B09.FR.01 B09.FR.09 B09.FR.11 B09.FR.12 Accepted and stored in NetworkConfiguration[slot]', async () => {
      const { st, csms } = await harness({ version, variables: QUIET });
      const apn = { apn: 'internet.example', apnAuthentication: 'CHAP' as const, apnUserName: 'u' };
      const r = await csms.call('SetNetworkProfile', { configurationSlot: 1, connectionData: profile(version, { ocppCsmsUrl: 'ws://csms2.example/ocpp', messageTimeout: 45, apn }) });
      assert.equal(r.status, 'Accepted');
      const get = await csms.call('GetVariables', { getVariableData: ['OcppCsmsUrl', 'MessageTimeout', 'SecurityProfile', 'ApnEnabled', 'Apn', 'ApnAuthentication', 'VpnEnabled', 'OcppTransport'].map((v) => NC('1', v)) });
      assert.deepEqual(get.getVariableResult.map((x) => x.attributeValue), ['ws://csms2.example/ocpp', '45', '1', 'true', 'internet.example', 'CHAP', 'false', 'JSON']);
      // Not in NetworkConfigurationPriority: nothing changes for the current connection (B09 remark).
      assert.equal(st.str('OCPPCommCtrlr', 'NetworkConfigurationPriority', ''), '0');
      assert.equal(st.str('OCPPCommCtrlr', 'ActiveNetworkProfile', ''), '0');
      // [B09.FR.11] a later profile without apn: ApnEnabled false again.
      await csms.call('SetNetworkProfile', { configurationSlot: 1, connectionData: profile(version) });
      assert.equal(st.dm.value({ name: 'NetworkConfiguration', instance: '1' }, { name: 'ApnEnabled' }), 'false');
    });

    test('B09.FR.02 invalid content: Rejected with InvalidNetworkConf', async () => {
      const { csms } = await harness({ version, variables: QUIET });
      const bad: Partial<Profile>[] = [
        { ocppTransport: 'SOAP' }, { securityProfile: 2 /* ws:// URL */ }, { ocppCsmsUrl: 'http://csms.example/ocpp' },
        { ocppCsmsUrl: 'not a url' }, { messageTimeout: 0 }, { securityProfile: 4, ocppCsmsUrl: 'wss://csms.example/ocpp' },
        ...(version === '2.0.1' ? [{ ocppVersion: 'OCPP16' as const }] : [{ basicAuthPassword: 'short' }]),
      ];
      for (const over of bad) {
        const r = await csms.call('SetNetworkProfile', { configurationSlot: 1, connectionData: profile(version, over) });
        assert.equal(r.status, 'Rejected', JSON.stringify(over));
        assert.equal(r.statusInfo?.reasonCode, 'InvalidNetworkConf');
      }
      const after = await csms.call('GetVariables', { getVariableData: [NC('1', 'OcppCsmsUrl')] });
      assert.equal(after.getVariableResult[0]!.attributeValue, '', 'nothing stored');
    });

    test('TC_A_22_CS B09.FR.04 lower securityProfile than the active one: Rejected (NoSecurityDowngrade)', async () => {
      const { csms } = await harness({ version, securityProfile: 2, url: 'wss://csms.example/ocpp', variables: QUIET });
      const r = await csms.call('SetNetworkProfile', { configurationSlot: 1, connectionData: profile(version, { securityProfile: 1 }) });
      assert.equal(r.status, 'Rejected');
      assert.equal(r.statusInfo?.reasonCode, 'NoSecurityDowngrade');
      const same = await csms.call('SetNetworkProfile', { configurationSlot: 1, connectionData: profile(version, { securityProfile: 2, ocppCsmsUrl: 'wss://csms2.example/ocpp' }) });
      assert.equal(same.status, 'Accepted');
    });

    test('B09.FR.31 B09.FR.32 AllowSecurityProfileDowngrade true: 3 -> 2 Accepted, down to 1 still Rejected', async () => {
      const { csms } = await harness({ version, securityProfile: 3, url: 'wss://csms.example/ocpp', variables: { ...QUIET, 'SecurityCtrlr.AllowSecurityProfileDowngrade': 'true' } });
      const two = await csms.call('SetNetworkProfile', { configurationSlot: 1, connectionData: profile(version, { securityProfile: 2, ocppCsmsUrl: 'wss://csms2.example/ocpp' }) });
      assert.equal(two.status, 'Accepted');
      const one = await csms.call('SetNetworkProfile', { configurationSlot: 2, connectionData: profile(version, { securityProfile: 1 }) });
      assert.equal(one.status, 'Rejected');
      assert.equal(one.statusInfo?.reasonCode, 'NoSecurityDowngrade');
      // [B09.FR.32] the same through the device model (NetworkConfiguration.SecurityProfile = 1).
      const set = await csms.call('SetVariables', { setVariableData: [{ ...NC('2', 'SecurityProfile'), attributeValue: '1' }] });
      assert.equal(set.setVariableResult[0]!.attributeStatusInfo?.reasonCode, 'NoSecurityDowngrade');
    });

    test('B09.FR.03 storing the profile fails: Failed, and the slot keeps its old content', async () => {
      const base = mkdtempSync(join(tmpdir(), 'cw-netprof-'));
      const dataDir = join(base, 'data');
      try {
        const { st, csms } = await harness({ version, dataDir, variables: QUIET });
        rmSync(dataDir, { recursive: true, force: true });
        writeFileSync(dataDir, 'not a directory'); // the device model cannot be saved any more
        const r = await csms.call('SetNetworkProfile', { configurationSlot: 1, connectionData: profile(version) });
        assert.equal(r.status, 'Failed');
        assert.equal(st.dm.value({ name: 'NetworkConfiguration', instance: '1' }, { name: 'OcppCsmsUrl' }) ?? '', '');
        await st.stop();
      } finally { rmSync(base, { recursive: true, force: true }); }
    });

    test('B09.FR.01 profiles and NetworkConfigurationPriority persist across a restart; slot 0 follows changed StationOptions', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'cw-netprof-'));
      try {
        const first = await harness({ version, dataDir, url: 'ws://a.example/ocpp', variables: QUIET });
        assert.equal((await first.csms.call('SetNetworkProfile', { configurationSlot: 2, connectionData: profile(version, { ocppCsmsUrl: 'ws://b.example/ocpp' }) })).status, 'Accepted');
        const set = await first.csms.call('SetVariables', { setVariableData: [{ ...PRIO, attributeValue: '2,0' }] });
        assert.equal(set.setVariableResult[0]!.attributeStatus, 'RebootRequired');
        await first.st.stop();
        const again = await harness({ version, dataDir, url: 'ws://a.example/ocpp', variables: QUIET, start: false });
        assert.equal(again.st.dm.value({ name: 'NetworkConfiguration', instance: '2' }, { name: 'OcppCsmsUrl' }), 'ws://b.example/ocpp');
        assert.equal(again.st.str('OCPPCommCtrlr', 'NetworkConfigurationPriority', ''), '2,0');
        // [B10.FR.04] after the restart the first entry of the priority list is used.
        await again.st.start();
        await settle();
        assert.equal(again.st.network.slot, '2');
        assert.equal(again.st.str('OCPPCommCtrlr', 'ActiveNetworkProfile', ''), '2');
        await again.st.stop();
        const moved = await harness({ version, dataDir, url: 'ws://c.example/ocpp', variables: QUIET, start: false });
        assert.equal(moved.st.dm.value({ name: 'NetworkConfiguration', instance: '0' }, { name: 'OcppCsmsUrl' }), 'ws://c.example/ocpp');
        assert.equal(moved.st.dm.value({ name: 'NetworkConfiguration', instance: '2' }, { name: 'OcppCsmsUrl' }), 'ws://b.example/ocpp');
      } finally { rmSync(dataDir, { recursive: true, force: true }); }
    });

    test('B09.FR.06 B09.FR.08 B09.FR.10 base report: NetworkConfiguration for every slot, writable, passwords WriteOnly', async () => {
      const { csms } = await harness({ version, password: PASSWORD, variables: { ...QUIET, 'DeviceDataCtrlr.ItemsPerMessage[GetReport]': '1000' } });
      csms.clear();
      assert.equal((await csms.call('GetBaseReport', { requestId: 7, reportBase: 'FullInventory' })).status, 'Accepted');
      await csms.until(() => csms.of('NotifyReport').some((n) => !n.tbc));
      const data = csms.of('NotifyReport').flatMap((n) => n.reportData ?? []);
      const prio = data.find((d) => d.variable.name === 'NetworkConfigurationPriority')!;
      assert.equal(prio.variableCharacteristics?.valuesList, '0,1,2');
      const slots = new Set(data.filter((d) => d.component.name === 'NetworkConfiguration').map((d) => d.component.instance));
      assert.deepEqual([...slots].sort(), ['0', '1', '2']);
      const url0 = data.find((d) => d.component.name === 'NetworkConfiguration' && d.component.instance === '0' && d.variable.name === 'OcppCsmsUrl')!;
      assert.equal(url0.variableAttribute[0]!.mutability, 'ReadWrite');
      const pw0 = data.find((d) => d.component.name === 'NetworkConfiguration' && d.component.instance === '0' && d.variable.name === 'BasicAuthPassword')!;
      assert.equal(pw0.variableAttribute[0]!.mutability, 'WriteOnly');
      assert.equal(pw0.variableAttribute[0]!.value, undefined);
    });

    test('B09.FR.20 B10.FR.01 B10.FR.02 B09.FR.34 SetVariables NetworkConfigurationPriority', async () => {
      const { csms } = await harness({ version, variables: QUIET });
      const prio = async (v: string) => (await csms.call('SetVariables', { setVariableData: [{ ...PRIO, attributeValue: v }] })).setVariableResult[0]!;
      // [B10.FR.02] [B09.FR.34] slot 1 holds no configuration.
      const empty = await prio('1,0');
      assert.equal(empty.attributeStatus, 'Rejected');
      assert.equal(empty.attributeStatusInfo?.reasonCode, 'InvalidNetworkConf');
      await csms.call('SetNetworkProfile', { configurationSlot: 1, connectionData: profile(version) });
      // [B10.FR.01] valid slots: Accepted or RebootRequired (the order applies from the next reboot).
      assert.equal((await prio('1,0')).attributeStatus, 'RebootRequired');
      // [B09.FR.20] only removing a slot: Accepted.
      assert.equal((await prio('0')).attributeStatus, 'Accepted');
    });

    test('B09.FR.22 B09.FR.23 B09.FR.24 B09.FR.25 B09.FR.33 B09.FR.35 SetVariables on NetworkConfiguration[slot]', async () => {
      const { csms } = await harness({ version, securityProfile: 2, url: 'wss://a.example/ocpp', variables: QUIET });
      const set = async (items: { slot: string; variable: string; value: string }[]) =>
        (await csms.call('SetVariables', { setVariableData: items.map((i) => ({ ...NC(i.slot, i.variable), attributeValue: i.value })) })).setVariableResult;
      // [B09.FR.22] slot 0 is in NetworkConfigurationPriority.
      const active = await set([{ slot: '0', variable: 'OcppCsmsUrl', value: 'wss://x.example/ocpp' }]);
      assert.deepEqual([active[0]!.attributeStatus, active[0]!.attributeStatusInfo?.reasonCode], ['Rejected', 'ActiveNetworkConf']);
      // [B09.FR.23] [B09.FR.25] validated: not a ws(s) URL, [B09.FR.35] a downgrade, generic type check.
      const bad = await set([
        { slot: '2', variable: 'OcppCsmsUrl', value: 'http://x.example/ocpp' }, { slot: '2', variable: 'SecurityProfile', value: '1' },
        { slot: '2', variable: 'MessageTimeout', value: 'soon' },
      ]);
      assert.deepEqual(bad.map((r) => r.attributeStatus), ['Rejected', 'Rejected', 'Rejected']);
      assert.equal(bad[1]!.attributeStatusInfo?.reasonCode, 'NoSecurityDowngrade');
      // [B09.FR.24] valid values are stored.
      const ok = await set([
        { slot: '2', variable: 'SecurityProfile', value: '2' }, { slot: '2', variable: 'OcppCsmsUrl', value: 'wss://b.example/ocpp' },
        { slot: '2', variable: 'MessageTimeout', value: '20' }, { slot: '2', variable: 'OcppInterface', value: 'Wireless0' },
        { slot: '2', variable: 'BasicAuthPassword', value: PASSWORD },
      ]);
      assert.deepEqual(ok.map((r) => r.attributeStatus), ['Accepted', 'Accepted', 'Accepted', 'Accepted', 'Accepted']);
      // [B09.FR.33] adding the validated slot to the priority list.
      const prio = await csms.call('SetVariables', { setVariableData: [{ ...PRIO, attributeValue: '2,0' }] });
      assert.equal(prio.setVariableResult[0]!.attributeStatus, 'RebootRequired');
      // …after which slot 2 is locked too ([B09.FR.22]).
      assert.equal((await set([{ slot: '2', variable: 'MessageTimeout', value: '25' }]))[0]!.attributeStatusInfo?.reasonCode, 'ActiveNetworkConf');
    });

    test('B09.FR.26 B09.FR.27 B09.FR.28 SecurityCtrlr identity/password and the active profile', async () => {
      const { st, csms } = await harness({ version, password: PASSWORD, variables: QUIET });
      const slot0 = (v: string) => st.dm.value({ name: 'NetworkConfiguration', instance: '0' }, { name: v });
      // [B09.FR.28] connected with slot 0: its password / identity are SecurityCtrlr's.
      assert.equal(st.dm.value({ name: 'SecurityCtrlr' }, { name: 'BasicAuthPassword' }), PASSWORD);
      assert.equal(st.dm.value({ name: 'SecurityCtrlr' }, { name: 'Identity' }), 'CS001');
      assert.equal(slot0('BasicAuthPassword'), PASSWORD);
      // [B09.FR.27] a new SecurityCtrlr.BasicAuthPassword clears the active profile's password.
      const r = await csms.call('SetVariables', { setVariableData: [{ ...cv('SecurityCtrlr', 'BasicAuthPassword'), attributeValue: 'another-password-16chars' }] });
      assert.notEqual(r.setVariableResult[0]!.attributeStatus, 'Rejected');
      assert.equal(slot0('BasicAuthPassword'), '');
      assert.equal(slot0('Identity'), 'CS001');
      // [B09.FR.26] likewise for the identity.
      await csms.call('SetVariables', { setVariableData: [{ ...cv('SecurityCtrlr', 'Identity'), attributeValue: 'CS001B' }] });
      assert.equal(slot0('Identity'), '');
    });

    test('B09 ActiveNetworkProfile and MessageTimeout[Default] come from the profile in use', async () => {
      const { st, csms } = await harness({ version, variables: { ...QUIET, 'NetworkConfiguration[1].OcppCsmsUrl': 'ws://b.example/ocpp', 'NetworkConfiguration[1].SecurityProfile': '1', 'NetworkConfiguration[1].MessageTimeout': '12', 'OCPPCommCtrlr.NetworkConfigurationPriority': '1,0' } });
      const r = await csms.call('GetVariables', { getVariableData: [cv('OCPPCommCtrlr', 'ActiveNetworkProfile'), { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'MessageTimeout', instance: 'Default' } }] });
      assert.deepEqual(r.getVariableResult.map((x) => x.attributeValue), ['1', '12']);
      assert.equal(st.messageTimeoutMs(), 12_000);
    });
  });
}
