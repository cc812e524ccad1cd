import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { RpcError } from '@chargewire/ocpp';
import { blockHarness } from '../../../../test/fixtures/block-harness.ts';
import { aBootNotification, aNotifyReport, aReportData, aStatusNotification } from '../../../../test/fixtures/builders.ts';
import { bootNotification } from './provisioning.ts';
import { getVariables, requestCustomReport, requestReport, setVariables } from './provisioning-commands.ts';

const rpcCode = (code: string) => (err: unknown) => err instanceof RpcError && err.code === code;

describe('B01–B03 BootNotification', () => {
  test('[B01.FR.02] the default policy Accepted answers with the heartbeat interval, stored and announced', async () => {
    const h = await blockHarness({ config: { boot: { heartbeatIntervalS: 120 } } });
    const res = await bootNotification(h.ctx(), aBootNotification());
    assert.equal(res.status, 'Accepted');
    assert.equal(res.interval, 120);
    assert.ok(Math.abs(Date.parse(res.currentTime) - Date.now()) < 5000);
    const st = await h.store.getStation('CS001');
    assert.equal(st?.lastBoot?.status, 'Accepted');
    assert.equal(st?.lastBoot?.chargingStation.model, 'CW-Test');
    assert.equal(h.session.bootStatus, 'Accepted');
    assert.ok(h.events.some((e) => e.type === 'station.booted' && e.status === 'Accepted'));
  });

  test('[B01.FR.02] a per-station policy overrides the default; Pending/Rejected carry the retry interval', async () => {
    const h = await blockHarness({ config: { boot: { retryIntervalS: 7 } } });
    await h.store.updateStation('CS001', { bootPolicy: 'Pending' });
    const res = await bootNotification(h.ctx(), aBootNotification());
    assert.deepEqual([res.status, res.interval], ['Pending', 7]);
    await h.store.updateStation('CS001', { bootPolicy: 'Rejected' });
    assert.equal((await bootNotification(h.ctx(), aBootNotification())).status, 'Rejected');
    const h2 = await blockHarness({ config: { boot: { defaultStatus: 'Pending' } } });
    assert.equal((await bootNotification(h2.ctx(), aBootNotification())).status, 'Pending');
  });

  test('[B01.FR.10] before any BootNotification only BootNotification passes (SecurityError)', async () => {
    const h = await blockHarness();
    await assert.rejects(h.station.call('StatusNotification', aStatusNotification()), rpcCode('SecurityError'));
    assert.equal((await h.store.listConnectors('CS001')).length, 0, 'nothing stored');
    assert.equal((await h.station.call('BootNotification', aBootNotification())).status, 'Accepted');
    await h.station.call('StatusNotification', aStatusNotification());
    assert.equal((await h.store.listConnectors('CS001')).length, 1);
  });

  test('[B02.FR.09] while Pending, untriggered messages get SecurityError; [B02.FR.06] the connection stays open', async () => {
    const h = await blockHarness({ config: { boot: { defaultStatus: 'Pending' } } });
    assert.equal((await h.station.call('BootNotification', aBootNotification())).status, 'Pending');
    await assert.rejects(h.station.call('Heartbeat', {}), rpcCode('SecurityError'));
    await assert.rejects(h.station.call('StatusNotification', aStatusNotification()), rpcCode('SecurityError'));
    assert.equal(h.station.closed, false);
  });

  test('[B02.FR.09] while Pending, a message triggered by TriggerMessage passes', async () => {
    const h = await blockHarness({ config: { boot: { defaultStatus: 'Pending' } } });
    await h.station.call('BootNotification', aBootNotification());
    h.station.handle('TriggerMessage', async () => ({ status: 'Accepted' }));
    // [B02.FR.01] the CSMS may send messages while Pending
    assert.equal((await h.runtime.callStation('CS001', 'TriggerMessage', { requestedMessage: 'StatusNotification' })).status, 'Accepted');
    await h.station.call('StatusNotification', aStatusNotification());
    await assert.rejects(h.station.call('Heartbeat', {}), rpcCode('SecurityError'));
  });

  test('[B02.FR.09] a rejected TriggerMessage opens nothing', async () => {
    const h = await blockHarness({ config: { boot: { defaultStatus: 'Pending' } } });
    await h.station.call('BootNotification', aBootNotification());
    h.station.handle('TriggerMessage', async () => ({ status: 'Rejected' }));
    await h.runtime.callStation('CS001', 'TriggerMessage', { requestedMessage: 'Heartbeat' });
    await assert.rejects(h.station.call('Heartbeat', {}), rpcCode('SecurityError'));
  });

  test('[B02.FR.09] while Pending, NotifyReport parts of an accepted GetBaseReport pass', async () => {
    const h = await blockHarness({ config: { boot: { defaultStatus: 'Pending' } } });
    await h.station.call('BootNotification', aBootNotification());
    h.station.handle('GetBaseReport', async (_c, req) => {
      setImmediate(() => void h.station.call('NotifyReport', aNotifyReport({ requestId: req.requestId })));
      return { status: 'Accepted' };
    });
    const out = await requestReport(h.runtime, 'CS001', 'FullInventory');
    assert.equal(out.report?.parts, 1);
    await assert.rejects(h.station.call('NotifyReport', aNotifyReport({ requestId: 999 })), rpcCode('SecurityError'));
  });

  test('[B03.FR.07] [FR.04] after Rejected everything but BootNotification gets SecurityError', async () => {
    const h = await blockHarness({ config: { boot: { defaultStatus: 'Rejected' } } });
    assert.equal((await h.station.call('BootNotification', aBootNotification())).status, 'Rejected');
    await assert.rejects(h.station.call('Heartbeat', {}), rpcCode('SecurityError'));
    await assert.rejects(h.station.call('DataTransfer', { vendorId: 'x' }), rpcCode('SecurityError'));
    assert.equal((await h.station.call('BootNotification', aBootNotification())).status, 'Rejected');
  });

  test('[B03.FR.03] after Rejected the CSMS initiates no messages except a TriggerMessage for a new boot', async () => {
    const h = await blockHarness({ config: { boot: { defaultStatus: 'Rejected' } } });
    await h.station.call('BootNotification', aBootNotification());
    let received = 0;
    h.station.handle('GetVariables', async () => { received++; return { getVariableResult: [] }; });
    h.station.handle('TriggerMessage', async () => ({ status: 'Accepted' }));
    await assert.rejects(h.runtime.callStation('CS001', 'GetVariables', { getVariableData: [{ component: { name: 'X' }, variable: { name: 'Y' } }] }), { code: 'CSMS_ERR_STATION_REJECTED' });
    assert.equal(received, 0);
    assert.equal((await h.runtime.callStation('CS001', 'TriggerMessage', { requestedMessage: 'BootNotification' })).status, 'Accepted');
  });

  test('[B01.FR.11] [B01.FR.12] profile 3: a serialNumber that differs from the certificate CN closes the connection', async () => {
    const h = await blockHarness({ station: { securityProfile: 3 } });
    h.session.certificateCN = 'CS001';
    const ok = await bootNotification(h.ctx(), aBootNotification({ serialNumber: 'CS001' }));
    assert.equal(ok.status, 'Accepted');
    await assert.rejects(bootNotification(h.ctx(), aBootNotification({ serialNumber: 'OTHER' })), rpcCode('SecurityError'));
    assert.equal(h.session.connection.endpoint.closed || (await Promise.race([h.session.connection.endpoint.whenClosed().then(() => true), new Promise((r) => setTimeout(() => r(false), 500))])), true);
  });
});

describe('B05/B06 Set/GetVariables', () => {
  async function booted() {
    const h = await blockHarness();
    await h.station.call('BootNotification', aBootNotification());
    return h;
  }

  test('[B05.FR.13] two SetVariableData with the same component, variable and attributeType are refused before sending', async () => {
    const h = await booted();
    let sent = 0;
    h.station.handle('SetVariables', async () => { sent++; return { setVariableResult: [] }; });
    await assert.rejects(setVariables(h.runtime, 'CS001', [
      { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '10' },
      { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeType: 'Actual', attributeValue: '20' },
    ]), { code: 'CSMS_ERR_DUPLICATE_VARIABLE' });
    assert.equal(sent, 0);
  });

  test('[B05.FR.11] SetVariables is split by ItemsPerMessage[SetVariables]; Accepted values are stored', async () => {
    const h = await booted();
    await h.store.applyReport('CS001', 1, [
      { component: { name: 'DeviceDataCtrlr' }, variable: { name: 'ItemsPerMessage', instance: 'SetVariables' }, variableAttribute: [{ type: 'Actual', value: '2' }] },
      { component: { name: 'TestCtrlr' }, variable: { name: 'V3' }, variableAttribute: [{ type: 'Actual', value: 'original' }] },
    ]);
    const sizes: number[] = [];
    h.station.handle('SetVariables', async (_c, req) => {
      sizes.push(req.setVariableData.length);
      return { setVariableResult: req.setVariableData.map((d) => ({ component: d.component, variable: d.variable, attributeStatus: d.variable.name === 'V3' ? 'Rejected' as const : 'Accepted' as const })) };
    });
    const data = ['V1', 'V2', 'V3', 'V4', 'V5'].map((v) => ({ component: { name: 'TestCtrlr' }, variable: { name: v }, attributeValue: `${v}-val` }));
    const results = await setVariables(h.runtime, 'CS001', data);
    assert.deepEqual(sizes, [2, 2, 1]);
    assert.equal(results.length, 5);
    const vars = await h.store.listVariables('CS001', { component: 'TestCtrlr', limit: 10, offset: 0 });
    const byName = new Map(vars.items.map((r) => [r.variable, r.value]));
    assert.equal(byName.get('V1'), 'V1-val');
    assert.equal(byName.get('V3'), 'original', 'a Rejected value does not replace the stored value');
  });

  test('[B06.FR.05] GetVariables is split by ItemsPerMessage[GetVariables]; values are stored', async () => {
    const h = await booted();
    await h.store.applyReport('CS001', 1, [{ component: { name: 'DeviceDataCtrlr' }, variable: { name: 'ItemsPerMessage', instance: 'GetVariables' }, variableAttribute: [{ type: 'Actual', value: '1' }] }]);
    const sizes: number[] = [];
    h.station.handle('GetVariables', async (_c, req) => {
      sizes.push(req.getVariableData.length);
      return { getVariableResult: req.getVariableData.map((d) => ({ component: d.component, variable: d.variable, attributeStatus: 'Accepted' as const, attributeValue: `${d.variable.name}!` })) };
    });
    const res = await getVariables(h.runtime, 'CS001', [{ component: { name: 'C' }, variable: { name: 'A' } }, { component: { name: 'C' }, variable: { name: 'B' } }]);
    assert.deepEqual(sizes, [1, 1]);
    assert.deepEqual(res.map((r) => r.attributeValue), ['A!', 'B!']);
    const vars = await h.store.listVariables('CS001', { component: 'C', limit: 10, offset: 0 });
    assert.deepEqual(vars.items.map((r) => r.value).sort(), ['A!', 'B!']);
  });

  test('[B09.FR.21] (2.1) SetVariables on a NetworkConfiguration slot in NetworkConfigurationPriority is refused', async () => {
    const h = await booted();
    await h.store.applyReport('CS001', 1, [aReportData('OCPPCommCtrlr', 'NetworkConfigurationPriority', '1,2')]);
    await assert.rejects(setVariables(h.runtime, 'CS001', [{ component: { name: 'NetworkConfiguration', instance: '2' }, variable: { name: 'OcppCsmsUrl' }, attributeValue: 'wss://x' }]), { code: 'CSMS_ERR_ACTIVE_NETWORK_PROFILE' });
  });
});

describe('B07/B08 reports', () => {
  test('[B07.FR.10] a report in several parts (any arrival order) is complete only with every seqNo up to tbc=false, and stored', async () => {
    const h = await blockHarness();
    await h.station.call('BootNotification', aBootNotification());
    h.station.handle('GetBaseReport', async (_c, req) => {
      setImmediate(async () => {
        const id = req.requestId;
        await h.station.call('NotifyReport', aNotifyReport({ requestId: id, seqNo: 2, tbc: false, reportData: [aReportData('C', 'V3', '3')] }));
        await h.station.call('NotifyReport', aNotifyReport({ requestId: id, seqNo: 0, tbc: true, reportData: [aReportData('C', 'V1', '1')] }));
        await h.station.call('NotifyReport', aNotifyReport({ requestId: id, seqNo: 1, tbc: true, reportData: [aReportData('C', 'V2', '2'), aReportData('C', 'V4', '4')] }));
      });
      return { status: 'Accepted' };
    });
    const out = await requestReport(h.runtime, 'CS001', 'ConfigurationInventory');
    assert.equal(out.status, 'Accepted');
    assert.deepEqual({ parts: out.report?.parts, items: out.report?.items }, { parts: 3, items: 4 });
    const vars = await h.store.listVariables('CS001', { component: 'C', limit: 10, offset: 0 });
    assert.equal(vars.total, 4);
  });

  test('[B07.FR.10] a report whose request was not Accepted resolves without waiting', async () => {
    const h = await blockHarness();
    await h.station.call('BootNotification', aBootNotification());
    h.station.handle('GetBaseReport', async () => ({ status: 'NotSupported' }));
    assert.deepEqual((await requestReport(h.runtime, 'CS001', 'SummaryInventory')).report, undefined);
  });

  test('[B08.FR.06] GetReport sends at most ItemsPerMessage[GetReport] componentVariables per request', async () => {
    const h = await blockHarness();
    await h.station.call('BootNotification', aBootNotification());
    await h.store.applyReport('CS001', 1, [{ component: { name: 'DeviceDataCtrlr' }, variable: { name: 'ItemsPerMessage', instance: 'GetReport' }, variableAttribute: [{ type: 'Actual', value: '2' }] }]);
    const sizes: number[] = [];
    h.station.handle('GetReport', async (_c, req) => {
      sizes.push(req.componentVariable?.length ?? 0);
      return { status: 'EmptyResultSet' };
    });
    const cv = ['A', 'B', 'C'].map((n) => ({ component: { name: n } }));
    const out = await requestCustomReport(h.runtime, 'CS001', { componentCriteria: ['Problem'], componentVariable: cv });
    assert.deepEqual(sizes, [2, 1]);
    assert.deepEqual(out.map((o) => o.status), ['EmptyResultSet', 'EmptyResultSet']);
  });
});
