// A05 Upgrade Charging Station Security Profile, station side (socket-free: MemoryLink + scripted CSMS): the
// NetworkConfigurationPriority check (network-profiles.ts networkGuard) and the connection after the reboot
// (network-connect.ts). A MemoryLink "connects" to whatever profile is first, so the reboot lands on the new slot.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { makeCaPki, type CaPki } from '../testing/ca-pki.ts';
import { QUIET } from './sequence.ts';

const PASSWORD = 'a-password-of-16+chars';
const PRIO = { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NetworkConfigurationPriority' } };
/** A NetworkConfiguration slot given through the device model (not through SetNetworkProfile, which checks it too). */
const slot = (n: string, url: string, sp: number) => ({
  [`NetworkConfiguration[${n}].OcppCsmsUrl`]: url, [`NetworkConfiguration[${n}].SecurityProfile`]: String(sp),
  [`NetworkConfiguration[${n}].MessageTimeout`]: '30', [`NetworkConfiguration[${n}].BasicAuthPassword`]: PASSWORD,
});

let pki: CaPki;
before(() => { pki = makeCaPki(); });
after(() => pki.cleanup());

for (const version of VERSIONS) {
  describe(`A05 upgrade the security profile, station (${version})`, () => {
    test('A05.FR.03 NetworkConfigurationPriority with a profile-3 slot, above the active profile, without a ChargingStationCertificate: Rejected, nothing changes', async () => {
      const { st, csms } = await harness({ version, password: PASSWORD, variables: { ...QUIET, ...slot('1', 'wss://csms.example/ocpp', 3) } });
      const r = (await csms.call('SetVariables', { setVariableData: [{ ...PRIO, attributeValue: '1,0' }] })).setVariableResult[0]!;
      assert.equal(r.attributeStatus, 'Rejected');
      assert.equal(r.attributeStatusInfo?.reasonCode, 'InvalidNetworkConf');
      assert.match(r.attributeStatusInfo?.additionalInfo ?? '', /ChargingStationCertificate/);
      assert.equal(st.str('OCPPCommCtrlr', 'NetworkConfigurationPriority', ''), '0');
      assert.equal(st.str('SecurityCtrlr', 'SecurityProfile', ''), '1');
      // No reconnect either: still the first connection, one BootNotification.
      await settle();
      assert.equal(csms.of('BootNotification').length, 1);
    });

    test('A05.FR.03 the same with a ChargingStationCertificate (tls.cert + tls.key): the new priority is taken (from the next reboot on)', async () => {
      const leaf = pki.leaf('CS001', pki.root('csms-root'));
      const { st, csms } = await harness({ version, password: PASSWORD, tls: { cert: leaf.cert, key: leaf.key }, variables: { ...QUIET, ...slot('1', 'wss://csms.example/ocpp', 3) } });
      const r = (await csms.call('SetVariables', { setVariableData: [{ ...PRIO, attributeValue: '1,0' }] })).setVariableResult[0]!;
      assert.equal(r.attributeStatus, 'RebootRequired');
      assert.equal(st.str('OCPPCommCtrlr', 'NetworkConfigurationPriority', ''), '1,0');
      assert.equal(st.str('SecurityCtrlr', 'SecurityProfile', ''), '1', 'SecurityProfile changes only once connected with the new profile');
    });

    test('A05.FR.05 A05.FR.06 after the reboot the first entry is used; once connected with it SecurityProfile is 2 and the profile-1 slot is removed', async () => {
      const { st, csms } = await harness({ version, password: PASSWORD, variables: { ...QUIET, ...slot('1', 'wss://csms.example/ocpp', 2) } });
      assert.equal(st.str('OCPPCommCtrlr', 'ActiveNetworkProfile', ''), '0');
      const r = (await csms.call('SetVariables', { setVariableData: [{ ...PRIO, attributeValue: '1,0' }] })).setVariableResult[0]!;
      assert.equal(r.attributeStatus, 'RebootRequired');
      assert.equal((await csms.call('Reset', { type: 'Immediate' })).status, 'Accepted');
      await csms.until(() => csms.of('BootNotification').length === 2);
      await settle();
      assert.equal(csms.of('BootNotification')[1]!.reason, 'RemoteReset');
      // [A05.FR.05] the first entry of NetworkConfigurationPriority.
      assert.equal(st.str('OCPPCommCtrlr', 'ActiveNetworkProfile', ''), '1');
      // [A05.FR.06] SecurityProfile updated, lower profiles removed, the priority list follows.
      assert.equal(st.str('SecurityCtrlr', 'SecurityProfile', ''), '2');
      assert.equal(st.str('OCPPCommCtrlr', 'NetworkConfigurationPriority', ''), '1');
      const slot0 = (v: string) => st.dm.value({ name: 'NetworkConfiguration', instance: '0' }, { name: v }) ?? '';
      assert.deepEqual([slot0('OcppCsmsUrl'), slot0('SecurityProfile')], ['', ''], 'the profile-1 slot is removed');
      assert.equal(st.dm.value({ name: 'NetworkConfiguration', instance: '1' }, { name: 'OcppCsmsUrl' }), 'wss://csms.example/ocpp');
      // A05.FR.07 (CSMS side) aside, the station itself no longer offers the profile-1 connection: [B09.FR.04] a
      // profile 1 is now a downgrade.
      const down = await csms.call('SetNetworkProfile', {
        configurationSlot: 0,
        connectionData: { ocppCsmsUrl: 'ws://csms.example/ocpp', ocppInterface: 'Wired0', ocppTransport: 'JSON', messageTimeout: 30, securityProfile: 1, ...(version === '2.0.1' ? { ocppVersion: 'OCPP20' } : {}) },
      });
      assert.equal(down.statusInfo?.reasonCode, 'NoSecurityDowngrade');
    });
  });
}
