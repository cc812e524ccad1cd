// Block B interop: our simulator against our CSMS over real WebSockets, OCPP 2.1 and 2.0.1.
// Scenarios follow the OCPP 2.0.1 Part 6 certification test cases for the CSMS (TC_B_xx_CSMS).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { getVariables, setVariables, requestReport, requestCustomReport, reset } from '@chargewire/csms';
import { startSimEnv, VERSIONS, idFor, eventually, statusStored, type SimEnv } from './sim-harness.ts';

for (const version of VERSIONS) {
  describe(`simulator <-> CSMS, block B, OCPP ${version}`, () => {
    let env: SimEnv;
    before(async () => { env = await startSimEnv(); });
    after(async () => { await env.stop(); });

    test('TC_B_01_CSMS [B01.FR.01] [B01.FR.02] [B01.FR.04] [B01.FR.05] [B07.FR.14] Cold Boot - Accepted, then the full device model is stored', async () => {
      const sid = idFor('B01', version);
      const s = await env.station({ identity: sid, version, vendorName: 'Acme', model: 'Sim-1', serialNumber: 'SN-1', firmwareVersion: '1.2.3' });
      await s.accepted();
      // Station side: Accepted with the CSMS heartbeat interval (B01.FR.04), every connector reported (B01.FR.05).
      assert.deepEqual(s.log.registrations, ['Accepted']);
      assert.equal(s.st.version, version);
      assert.equal(s.st.str('OCPPCommCtrlr', 'HeartbeatInterval', ''), String(env.runtime.config.boot.heartbeatIntervalS));
      assert.deepEqual(s.log.statuses, [{ evseId: 1, connectorId: 1, status: 'Available' }]);
      // CSMS side: the boot, the connection version and the connector status are stored.
      const rec = await env.store.getStation(sid);
      assert.equal(rec?.lastBoot?.status, 'Accepted');
      assert.equal(rec?.lastBoot?.reason, 'PowerUp');
      assert.deepEqual(rec?.lastBoot?.chargingStation, { vendorName: 'Acme', model: 'Sim-1', serialNumber: 'SN-1', firmwareVersion: '1.2.3' });
      assert.equal(rec?.ocppVersion, `ocpp${version}`);
      assert.equal(rec?.connected, true);
      assert.deepEqual((await env.store.listConnectors(sid)).map((c) => [c.evseId, c.connectorId, c.status]), [[1, 1, 'Available']]);
      // [B07.FR.14] after the first boot the CSMS fetched the FullInventory; the simulator answered it.
      const full = s.st.dm.report('FullInventory');
      const expected = full.reduce((n, r) => n + r.variableAttribute.length, 0);
      const stored = await eventually(async () => { const p = await env.store.listVariables(sid, { limit: 1, offset: 0 }); return p.total >= expected ? p.total : 0; }, 5000);
      assert.equal(stored, expected);
      // What the CSMS stored is what the station reported (value by value for one component).
      await eventually(() => s.log.sent.some((m) => m.action === 'NotifyReport' && !(m.payload as { tbc?: boolean }).tbc));
      const reported = s.log.sent.filter((m) => m.action === 'NotifyReport').flatMap((m) => (m.payload as { reportData: { component: { name: string }; variable: { name: string; instance?: string }; variableAttribute: { type?: string; value?: string }[] }[] }).reportData);
      const sent = reported.filter((r) => r.component.name === 'OCPPCommCtrlr' && !r.variable.instance).map((r) => `${r.variable.name}=${r.variableAttribute.find((a) => (a.type ?? 'Actual') === 'Actual')?.value}`).sort();
      const kept = (await env.store.listVariables(sid, { component: 'OCPPCommCtrlr', limit: 200, offset: 0 })).items.filter((v) => v.attributeType === 'Actual' && !v.variableInstance && !v.componentInstance).map((v) => `${v.variable}=${v.value}`).sort();
      assert.ok(sent.length > 5);
      assert.deepEqual(kept, sent);
      const gb = s.log.requests.filter((r) => r.action === 'GetBaseReport');
      assert.deepEqual(gb.map((r) => (r.payload as { reportBase: string }).reportBase), ['FullInventory']);
    });

    test('TC_B_02_CSMS [B02.FR.01] [B02.FR.04] [B02.FR.06] Cold Boot - Pending: the CSMS reads variables meanwhile, then the retried boot is Accepted', async () => {
      const sid = idFor('B02', version);
      await env.store.registerStation({ id: sid, securityProfile: 0, bootPolicy: 'Pending' });
      const s = await env.station({ identity: sid, version });
      await eventually(() => s.st.registration === 'Pending');
      assert.equal((await env.store.getStation(sid))?.lastBoot?.status, 'Pending');
      // [B02.FR.01] while Pending the CSMS may read the configuration; the station answers.
      const got = await getVariables(env.runtime, sid, [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'OfflineThreshold' } }]);
      assert.deepEqual(got.map((r) => [r.attributeStatus, r.attributeValue]), [['Accepted', '300']]);
      // [B02.FR.06] the connection stays open; no status notifications before Accepted.
      assert.equal(s.st.connected, true);
      assert.deepEqual(s.log.statuses, []);
      assert.equal((await env.store.listConnectors(sid)).length, 0);
      await env.store.updateStation(sid, { bootPolicy: 'Accepted' });
      // [B02.FR.04] the station retries after the interval from the Pending answer.
      await s.clock.advance(env.runtime.config.boot.retryIntervalS * 1000);
      await s.accepted();
      assert.deepEqual(s.log.registrations, ['Pending', 'Accepted']);
      assert.deepEqual((await env.store.listBoots(sid, 5)).map((b) => b.status), ['Accepted', 'Pending']);
    });

    test('TC_B_31_CSMS [F06.FR.17] Pending - the CSMS triggers a new BootNotification and the station becomes Accepted', async () => {
      const sid = idFor('B31', version);
      await env.store.registerStation({ id: sid, securityProfile: 0, bootPolicy: 'Pending' });
      const s = await env.station({ identity: sid, version });
      await eventually(() => s.st.registration === 'Pending');
      await env.store.updateStation(sid, { bootPolicy: 'Accepted' });
      const res = await env.runtime.callStation(sid, 'TriggerMessage', { requestedMessage: 'BootNotification' });
      assert.equal(res.status, 'Accepted');
      await s.accepted();
      assert.equal((await env.store.listBoots(sid, 1))[0]?.reason, 'Triggered');
    });

    test('[B03.FR.01] [B03.FR.03] [B03.FR.06] Cold Boot - Rejected: the CSMS sends nothing, the station sends nothing but boots, then retries', async () => {
      const sid = idFor('B03', version);
      await env.store.registerStation({ id: sid, securityProfile: 0, bootPolicy: 'Rejected' });
      const s = await env.station({ identity: sid, version });
      await eventually(() => s.st.registration === 'Rejected');
      assert.equal((await env.store.getStation(sid))?.lastBoot?.status, 'Rejected');
      // [B03.FR.03] the CSMS initiates nothing towards a Rejected station.
      await assert.rejects(getVariables(env.runtime, sid, [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'OfflineThreshold' } }]), (e: Error & { code?: string }) => e.code === 'CSMS_ERR_STATION_REJECTED');
      assert.equal(s.log.requests.length, 0);
      // No inventory fetched and no status stored for a Rejected station.
      assert.equal(s.log.sent.filter((m) => m.action !== 'BootNotification').length, 0);
      assert.equal((await env.store.listVariables(sid, { limit: 1, offset: 0 })).total, 0);
      assert.equal((await env.store.listConnectors(sid)).length, 0);
      await env.store.updateStation(sid, { bootPolicy: 'Accepted' });
      await s.clock.advance(env.runtime.config.boot.retryIntervalS * 1000);
      await s.accepted();
      assert.deepEqual(s.log.registrations, ['Rejected', 'Accepted']);
    });

    test('TC_B_06_CSMS TC_B_07_CSMS [B06.FR.01] [B06.FR.02] [B06.FR.10] Get Variables - single and multiple, values stored', async () => {
      const sid = idFor('B06', version);
      const s = await env.station({ identity: sid, version, variables: { 'OCPPCommCtrlr.OfflineThreshold': '456' } });
      await s.accepted();
      const one = await getVariables(env.runtime, sid, [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'OfflineThreshold' } }]);
      assert.deepEqual(one.map((r) => [r.attributeStatus, r.attributeValue]), [['Accepted', '456']]);
      const many = await getVariables(env.runtime, sid, [
        { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'OfflineThreshold' } },
        { component: { name: 'AuthCtrlr' }, variable: { name: 'AuthorizeRemoteStart' } },
        { component: { name: 'NoSuchCtrlr' }, variable: { name: 'X' } },
      ]);
      assert.deepEqual(many.map((r) => [r.component.name, r.attributeStatus, r.attributeValue]), [
        ['OCPPCommCtrlr', 'Accepted', '456'], ['AuthCtrlr', 'Accepted', 'false'], ['NoSuchCtrlr', 'UnknownComponent', undefined],
      ]);
      const stored = await env.store.listVariables(sid, { component: 'OCPPCommCtrlr', variable: 'OfflineThreshold', limit: 5, offset: 0 });
      assert.equal(stored.items.find((v) => v.attributeType === 'Actual')?.value, '456');
    });

    test('TC_B_08_CSMS [B06.FR.05] Get Variables - never more than the station\'s ItemsPerMessage[GetVariables] per request', async () => {
      const sid = idFor('B08', version);
      const s = await env.station({ identity: sid, version, variables: { 'DeviceDataCtrlr.ItemsPerMessage[GetVariables]': '4' } });
      await s.accepted();
      // The CSMS learns ItemsPerMessage from the inventory it fetched at first boot.
      await eventually(async () => (await env.store.listVariables(sid, { component: 'DeviceDataCtrlr', variable: 'ItemsPerMessage', limit: 10, offset: 0 })).items.some((v) => v.variableInstance === 'GetVariables' && v.value === '4'), 5000);
      const dd = (variable: string, instance: string) => ({ component: { name: 'DeviceDataCtrlr' }, variable: { name: variable, instance } });
      const res = await getVariables(env.runtime, sid, [dd('ItemsPerMessage', 'GetReport'), dd('ItemsPerMessage', 'GetVariables'), dd('BytesPerMessage', 'GetReport'), dd('BytesPerMessage', 'GetVariables'), { component: { name: 'AuthCtrlr' }, variable: { name: 'AuthorizeRemoteStart' } }]);
      assert.equal(res.length, 5);
      assert.ok(res.every((r) => r.attributeStatus === 'Accepted'));
      const sizes = s.log.requests.filter((r) => r.action === 'GetVariables').map((r) => (r.payload as { getVariableData: unknown[] }).getVariableData.length);
      assert.deepEqual(sizes, [4, 1]);
    });

    test('TC_B_09_CSMS TC_B_10_CSMS [B05.FR.01] [B05.FR.02] [B05.FR.09] [B05.FR.10] Set Variables - single and multiple; ReadOnly rejected and not stored', async () => {
      const sid = idFor('B09', version);
      const s = await env.station({ identity: sid, version });
      await s.accepted();
      const one = await setVariables(env.runtime, sid, [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'OfflineThreshold' }, attributeValue: '123' }]);
      assert.deepEqual(one.map((r) => r.attributeStatus), ['Accepted']);
      assert.equal(s.st.str('OCPPCommCtrlr', 'OfflineThreshold', ''), '123');
      const many = await setVariables(env.runtime, sid, [
        { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'OfflineThreshold' }, attributeValue: '124' },
        { component: { name: 'AuthCtrlr' }, variable: { name: 'AuthorizeRemoteStart' }, attributeValue: 'true' },
        { component: { name: 'DeviceDataCtrlr' }, variable: { name: 'ItemsPerMessage', instance: 'GetVariables' }, attributeValue: '1' },
      ]);
      assert.deepEqual(many.map((r) => r.attributeStatus), ['Accepted', 'Accepted', 'Rejected']);
      assert.equal(s.st.str('AuthCtrlr', 'AuthorizeRemoteStart', ''), 'true');
      assert.equal(s.st.str('DeviceDataCtrlr', 'ItemsPerMessage', '', 'GetVariables'), '50');
      const vars = async (component: string, variable: string) => (await env.store.listVariables(sid, { component, variable, limit: 10, offset: 0 })).items.filter((v) => v.attributeType === 'Actual');
      assert.equal((await vars('OCPPCommCtrlr', 'OfflineThreshold'))[0]?.value, '124');
      assert.equal((await vars('AuthCtrlr', 'AuthorizeRemoteStart'))[0]?.value, 'true');
      const ipm = (await vars('DeviceDataCtrlr', 'ItemsPerMessage')).find((v) => v.variableInstance === 'GetVariables');
      assert.equal(ipm?.lastSetStatus, 'Rejected');
      assert.notEqual(ipm?.value, '1');
    });

    for (const [tc, fr, base] of [['TC_B_12_CSMS', 'B07.FR.07', 'ConfigurationInventory'], ['TC_B_13_CSMS', 'B07.FR.08', 'FullInventory'], ['TC_B_14_CSMS', 'B07.FR.09', 'SummaryInventory']] as const) {
      test(`${tc} [${fr}] [B07.FR.10] Get Base Report - ${base}: every NotifyReport part stored`, async () => {
        const sid = idFor(tc, version);
        const s = await env.station({ identity: sid, version });
        await s.accepted();
        const items = s.st.dm.report(base);
        const parts = s.st.dm.paginate(items).length;
        const out = await requestReport(env.runtime, sid, base);
        assert.equal(out.status, 'Accepted');
        assert.equal(out.report?.parts, parts);
        assert.equal(out.report?.items, items.length);
        // The CSMS completes the report when the last part is stored, i.e. before the station has its answer.
        await eventually(() => s.log.sent.filter((m) => m.action === 'NotifyReport' && (m.payload as { requestId: number }).requestId === out.requestId).length === parts);
        const comp = items[0]!.component.name;
        const storedComp = await env.store.listVariables(sid, { component: comp, limit: 1000, offset: 0 });
        assert.ok(storedComp.items.some((v) => v.reportRequestId === out.requestId), `stored with requestId ${out.requestId}`);
      });
    }

    test('TC_B_18_CSMS [B08.FR.01] [B08.FR.03] Get Custom Report - by component variable, then an empty result set', async () => {
      const sid = idFor('B18', version);
      const s = await env.station({ identity: sid, version });
      await s.accepted();
      const cv = [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }];
      const [out] = await requestCustomReport(env.runtime, sid, { componentVariable: cv });
      assert.equal(out?.status, 'Accepted');
      assert.equal(out?.report?.items, 1);
      const [none] = await requestCustomReport(env.runtime, sid, { componentVariable: [{ component: { name: 'NoSuchCtrlr' } }] });
      assert.equal(none?.status, 'EmptyResultSet');
      assert.equal(s.log.requests.filter((r) => r.action === 'GetReport').length, 2);
    });

    for (const [tc, type] of [['TC_B_20_CSMS', 'OnIdle'], ['TC_B_22_CSMS', 'Immediate']] as const) {
      test(`${tc} [B11.FR.01] [B11.FR.03] [B11.FR.04] Reset Charging Station ${type} without transaction: the station reboots and boots again`, async () => {
        const sid = idFor(tc, version);
        const s = await env.station({ identity: sid, version });
        await s.accepted();
        assert.equal((await reset(env.runtime, sid, type)).status, 'Accepted');
        await eventually(async () => (await env.store.listBoots(sid, 5))[0]?.reason === 'RemoteReset', 5000);
        await eventually(() => s.st.registration === 'Accepted' && s.st.connected, 5000);
        assert.deepEqual(s.log.registrations, ['Accepted', 'Accepted']);
        const boots = await env.store.listBoots(sid, 5);
        assert.deepEqual(boots.map((b) => [b.reason, b.status]), [['RemoteReset', 'Accepted'], ['PowerUp', 'Accepted']]);
        // After the reboot all connectors are reported again (B01.FR.05).
        await statusStored(env.store, sid, 'Available');
        assert.equal(s.log.statuses.length, 2);
      });
    }
  });
}
