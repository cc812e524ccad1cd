// Block B end-to-end over real WebSockets: OCPP 2.0.1 Part 6 certification test cases for the CSMS
// (TC_B_xx_CSMS), each in OCPP 2.0.1 and 2.1. The station is an OcppClient from @chargewire/ocpp.
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { RpcError, type OcppVersion } from '@chargewire/ocpp';
import { requestCustomReport, requestReport, getVariables, setVariables, setNetworkProfile, reset } from '@chargewire/csms';
import { startTestCsms, eventually, type TestCsms } from '../fixtures/csms.ts';
import { aBootNotification, aNotifyEvent, aNotifyReport, aReportData, aStatusNotification } from '../fixtures/builders.ts';

const isSecurityError = (e: unknown) => e instanceof RpcError && e.code === 'SecurityError';

for (const version of ['2.0.1', '2.1'] as OcppVersion[]) {
  describe(`block B over WebSocket, OCPP ${version}`, () => {
    let t: TestCsms;
    before(async () => { t = await startTestCsms(); });
    after(async () => { await t.stop(); });
    let n = 0;
    const id = (tc: string) => `${tc}-${version.replace(/\./g, '')}-${n++}`;

    test('TC_B_01_CSMS [B01.FR.02] Cold Boot - Accepted: boot, then connector states', async () => {
      const sid = id('B01');
      const cs = await t.connect(sid, { version });
      const res = await cs.call('BootNotification', aBootNotification());
      assert.equal(res.status, 'Accepted');
      assert.ok(res.interval > 0);
      await cs.call('StatusNotification', aStatusNotification());
      await cs.call('NotifyEvent', aNotifyEvent());
      assert.equal((await t.store.getStation(sid))?.lastBoot?.status, 'Accepted');
      assert.equal((await t.store.listConnectors(sid))[0]?.status, 'Available');
    });

    test('TC_B_02_CSMS [B02.FR.01] [B02.FR.06] Cold Boot - Pending, then Accepted; the CSMS may configure meanwhile', async () => {
      const sid = id('B02');
      await t.store.registerStation({ id: sid, securityProfile: 0, bootPolicy: 'Pending' });
      const cs = await t.connect(sid, { version });
      cs.handle('GetVariables', async (_c, req) => ({ getVariableResult: req.getVariableData.map((d) => ({ ...d, attributeStatus: 'Accepted' as const, attributeValue: '42' })) }));
      assert.equal((await cs.call('BootNotification', aBootNotification())).status, 'Pending');
      const got = await getVariables(t.csms.runtime, sid, [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }]);
      assert.equal(got[0]?.attributeValue, '42');
      assert.ok(cs.connected, 'connection kept open while Pending');
      await t.store.updateStation(sid, { bootPolicy: 'Accepted' });
      assert.equal((await cs.call('BootNotification', aBootNotification())).status, 'Accepted');
    });

    test('TC_B_30_CSMS [B02.FR.09] [B03.FR.07] Pending/Rejected - SecurityError', async () => {
      for (const policy of ['Pending', 'Rejected'] as const) {
        const sid = id(`B30${policy}`);
        await t.store.registerStation({ id: sid, securityProfile: 0, bootPolicy: policy });
        const cs = await t.connect(sid, { version });
        assert.equal((await cs.call('BootNotification', aBootNotification())).status, policy);
        await assert.rejects(cs.call('StatusNotification', aStatusNotification()), isSecurityError);
        await assert.rejects(cs.call('NotifyEvent', aNotifyEvent()), isSecurityError);
        assert.equal((await t.store.listConnectors(sid)).length, 0);
      }
    });

    test('TC_B_31_CSMS Pending/Rejected - TriggerMessage for a new BootNotification', async () => {
      for (const policy of ['Pending', 'Rejected'] as const) {
        const sid = id(`B31${policy}`);
        await t.store.registerStation({ id: sid, securityProfile: 0, bootPolicy: policy });
        const cs = await t.connect(sid, { version });
        const triggered = new Promise<void>((resolve) => cs.handle('TriggerMessage', async (_c, req) => {
          assert.equal(req.requestedMessage, 'BootNotification');
          setImmediate(resolve);
          return { status: 'Accepted' };
        }));
        assert.equal((await cs.call('BootNotification', aBootNotification())).status, policy);
        await t.store.updateStation(sid, { bootPolicy: 'Accepted' });
        assert.equal((await t.csms.runtime.callStation(sid, 'TriggerMessage', { requestedMessage: 'BootNotification' })).status, 'Accepted');
        await triggered;
        assert.equal((await cs.call('BootNotification', aBootNotification({ reason: 'Triggered' }))).status, 'Accepted');
        await cs.call('StatusNotification', aStatusNotification());
      }
    });

    test('TC_B_06_CSMS TC_B_07_CSMS Get Variables - single and multiple values', async () => {
      const sid = id('B06');
      const cs = await t.connect(sid, { version });
      await cs.call('BootNotification', aBootNotification());
      cs.handle('GetVariables', async (_c, req) => ({ getVariableResult: req.getVariableData.map((d) => ({ component: d.component, variable: d.variable, attributeStatus: 'Accepted' as const, attributeValue: `${d.variable.name}=1` })) }));
      const one = await getVariables(t.csms.runtime, sid, [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'OfflineThreshold' } }]);
      assert.equal(one.length, 1);
      const many = await getVariables(t.csms.runtime, sid, [
        { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'OfflineThreshold' } },
        { component: { name: 'AuthCtrlr' }, variable: { name: 'AuthorizeRemoteStart' } },
      ]);
      assert.deepEqual(many.map((r) => r.attributeValue), ['OfflineThreshold=1', 'AuthorizeRemoteStart=1']);
    });

    test('TC_B_08_CSMS [B06.FR.05] Get Variables - limit to ItemsPerMessage', async () => {
      const sid = id('B08');
      const cs = await t.connect(sid, { version });
      await cs.call('BootNotification', aBootNotification());
      await t.store.applyReport(sid, 1, [{ component: { name: 'DeviceDataCtrlr' }, variable: { name: 'ItemsPerMessage', instance: 'GetVariables' }, variableAttribute: [{ type: 'Actual', value: '1' }] }]);
      const sizes: number[] = [];
      cs.handle('GetVariables', async (_c, req) => {
        sizes.push(req.getVariableData.length);
        return { getVariableResult: req.getVariableData.map((d) => ({ component: d.component, variable: d.variable, attributeStatus: 'UnknownVariable' as const })) };
      });
      await getVariables(t.csms.runtime, sid, [{ component: { name: 'A' }, variable: { name: 'x' } }, { component: { name: 'B' }, variable: { name: 'y' } }]);
      assert.deepEqual(sizes, [1, 1]);
    });

    test('TC_B_09_CSMS TC_B_10_CSMS Set Variables - single and multiple values', async () => {
      const sid = id('B09');
      const cs = await t.connect(sid, { version });
      await cs.call('BootNotification', aBootNotification());
      cs.handle('SetVariables', async (_c, req) => ({ setVariableResult: req.setVariableData.map((d) => ({ component: d.component, variable: d.variable, attributeStatus: 'Accepted' as const })) }));
      await setVariables(t.csms.runtime, sid, [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '60' }]);
      await setVariables(t.csms.runtime, sid, [
        { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'OfflineThreshold' }, attributeValue: '120' },
        { component: { name: 'AuthCtrlr' }, variable: { name: 'AuthorizeRemoteStart' }, attributeValue: 'true' },
      ]);
      const vars = await t.store.listVariables(sid, { limit: 10, offset: 0 });
      assert.deepEqual(vars.items.map((v) => `${v.component}.${v.variable}=${v.value}`).sort(), ['AuthCtrlr.AuthorizeRemoteStart=true', 'OCPPCommCtrlr.HeartbeatInterval=60', 'OCPPCommCtrlr.OfflineThreshold=120']);
    });

    for (const [tc, base] of [['TC_B_12_CSMS', 'ConfigurationInventory'], ['TC_B_13_CSMS', 'FullInventory'], ['TC_B_14_CSMS', 'SummaryInventory']] as const) {
      test(`${tc} [B07.FR.10] Get Base Report - ${base}, assembled from several NotifyReport parts`, async () => {
        const sid = id(tc);
        const cs = await t.connect(sid, { version });
        await cs.call('BootNotification', aBootNotification());
        cs.handle('GetBaseReport', async (_c, req) => {
          assert.equal(req.reportBase, base);
          setImmediate(async () => {
            for (let seqNo = 0; seqNo < 3; seqNo++) {
              await cs.call('NotifyReport', aNotifyReport({ requestId: req.requestId, seqNo, tbc: seqNo < 2, reportData: [aReportData('Ctrlr', `V${seqNo}`, String(seqNo))] }));
            }
          });
          return { status: 'Accepted' };
        });
        const out = await requestReport(t.csms.runtime, sid, base);
        assert.deepEqual([out.status, out.report?.parts, out.report?.items], ['Accepted', 3, 3]);
        assert.equal((await t.store.listVariables(sid, { component: 'Ctrlr', limit: 10, offset: 0 })).total, 3);
      });
    }

    test('TC_B_18_CSMS [B08.FR.06] Get Custom Report - criteria + component variables, empty result set', async () => {
      const sid = id('B18');
      const cs = await t.connect(sid, { version });
      await cs.call('BootNotification', aBootNotification());
      cs.handle('GetReport', async (_c, req) => {
        if (req.componentCriteria?.includes('Problem')) return { status: 'EmptyResultSet' };
        setImmediate(() => void cs.call('NotifyReport', aNotifyReport({ requestId: req.requestId, reportData: [{ component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'AvailabilityState' }, variableAttribute: [{ value: 'Available' }] }] })));
        return { status: 'Accepted' };
      });
      const cv = [{ component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'AvailabilityState' } }];
      const empty = await requestCustomReport(t.csms.runtime, sid, { componentCriteria: ['Problem'], componentVariable: cv });
      assert.equal(empty[0]?.status, 'EmptyResultSet');
      const full = await requestCustomReport(t.csms.runtime, sid, { componentCriteria: ['Available'], componentVariable: cv });
      assert.equal(full[0]?.report?.items, 1);
    });

    for (const [tc, type, evseId, answer] of [
      ['TC_B_20_CSMS', 'OnIdle', undefined, 'Accepted'], ['TC_B_21_CSMS', 'OnIdle', undefined, 'Scheduled'], ['TC_B_22_CSMS', 'Immediate', undefined, 'Accepted'],
      ['TC_B_25_CSMS', 'OnIdle', 1, 'Accepted'], ['TC_B_26_CSMS', 'OnIdle', 1, 'Scheduled'], ['TC_B_27_CSMS', 'Immediate', 1, 'Accepted'],
    ] as const) {
      test(`${tc} Reset ${evseId ? 'EVSE' : 'Charging Station'} ${type} -> ${answer}, then the station reboots`, async () => {
        const sid = id(tc);
        const cs = await t.connect(sid, { version });
        await cs.call('BootNotification', aBootNotification());
        cs.handle('Reset', async (_c, req) => {
          assert.deepEqual(req, { type, ...(evseId ? { evseId } : {}) });
          return { status: answer };
        });
        assert.equal((await reset(t.csms.runtime, sid, type, evseId)).status, answer);
        if (!evseId) {
          await cs.close();
          const again = await t.connect(sid, { version });
          assert.equal((await again.call('BootNotification', aBootNotification({ reason: 'RemoteReset' }))).status, 'Accepted');
          await again.call('StatusNotification', aStatusNotification());
          assert.equal((await t.store.listBoots(sid, 5))[0]?.reason, 'RemoteReset');
        }
      });
    }

    for (const [tc, answer] of [['TC_B_42_CSMS', 'Accepted'], ['TC_B_44_CSMS', 'Failed']] as const) {
      test(`${tc} Set new NetworkConnectionProfile - ${answer}`, async () => {
        const sid = id(tc);
        const cs = await t.connect(sid, { version });
        await cs.call('BootNotification', aBootNotification());
        cs.handle('SetNetworkProfile', async () => ({ status: answer }));
        const res = await setNetworkProfile(t.csms.runtime, sid, 2, {
          ocppVersion: version === '2.1' ? 'OCPP21' : 'OCPP20', ocppTransport: 'JSON', ocppCsmsUrl: 'wss://csms.example.com/ocpp',
          messageTimeout: 30, securityProfile: 2, ocppInterface: 'Wired0',
        } as never);
        assert.equal(res.status, answer);
      });
    }

    test('connection replacement: a newer connection of the same identity replaces the old one', async () => {
      const sid = id('replace');
      const a = await t.connect(sid, { version });
      await a.call('BootNotification', aBootNotification());
      const b = await t.connect(sid, { version });
      await eventually(() => !a.connected);
      assert.equal(t.csms.runtime.sessions.get(sid)?.connection.endpoint, t.csms.runtime.sessions.get(sid)?.connection.endpoint);
      // The station keeps its Accepted boot across the reconnect (no new BootNotification needed).
      await b.call('Heartbeat', {});
      assert.equal((await t.store.getStation(sid))?.connected, true);
      const journal = await eventually(async () => { const j = await t.store.listJournal(sid, { limit: 50 }); return j.some((e) => e.action === 'Heartbeat' && e.direction === 'out') ? j : undefined; });
      assert.ok(journal!.some((e) => e.action === 'BootNotification' && e.direction === 'in'));
    });
  });
}
