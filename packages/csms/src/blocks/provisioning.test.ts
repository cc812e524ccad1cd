import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { RpcError } from '@chargewire/ocpp';
import { blockHarness } from '../../../../test/fixtures/block-harness.ts';
import { aBootNotification, aNotifyReport, aReportData, aStatusNotification } from '../../../../test/fixtures/builders.ts';
import { bootNotification } from './provisioning.ts';
import { getVariables, migrateNetworkProfile, requestCustomReport, requestReport, setVariables } from './provisioning-commands.ts';
import { requestStartTransaction } from './remote-control.ts';

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

describe('B09/B10 network profiles', () => {
  async function bootedAs(version: '2.0.1' | '2.1') {
    const h = await blockHarness({ version });
    await h.station.call('BootNotification', aBootNotification());
    return h;
  }
  type Sent = { component: { name: string; instance?: string }; variable: { name: string }; attributeValue: string };
  function recordSetVariables(h: Awaited<ReturnType<typeof bootedAs>>, status: 'Accepted' | 'Rejected' | 'RebootRequired' = 'Accepted') {
    const sent: Sent[] = [];
    h.station.handle('SetVariables', async (_c, req) => {
      sent.push(...(req.setVariableData as Sent[]));
      return { setVariableResult: req.setVariableData.map((d) => ({ component: d.component, variable: d.variable, attributeStatus: status })) };
    });
    return sent;
  }
  const flag = (sent: Sent[], instance: string, name: string) => sent.find((d) => d.component.name === 'NetworkConfiguration' && d.component.instance === instance && d.variable.name === name)?.attributeValue;

  test('[B09.FR.29] [B09.FR.30] (2.1) configuring APN variables of a slot sets ApnEnabled=true; without VPN variables VpnEnabled=false', async () => {
    const h = await bootedAs('2.1');
    const sent = recordSetVariables(h);
    await setVariables(h.runtime, 'CS001', [
      { component: { name: 'NetworkConfiguration', instance: '3' }, variable: { name: 'OcppCsmsUrl' }, attributeValue: 'wss://new.example/ocpp' },
      { component: { name: 'NetworkConfiguration', instance: '3' }, variable: { name: 'Apn' }, attributeValue: 'internet.example' },
      { component: { name: 'NetworkConfiguration', instance: '3' }, variable: { name: 'ApnUserName' }, attributeValue: 'u' },
    ]);
    assert.equal(flag(sent, '3', 'ApnEnabled'), 'true');
    assert.equal(flag(sent, '3', 'VpnEnabled'), 'false');
    assert.equal(sent.length, 5);
    const stored = await h.store.listVariables('CS001', { component: 'NetworkConfiguration', variable: 'ApnEnabled', limit: 10, offset: 0 });
    assert.equal(stored.items[0]?.value, 'true', 'the Accepted flag is stored in the device model');
  });

  test('[B09.FR.29] [B09.FR.30] (2.1) VPN variables set VpnEnabled=true and ApnEnabled=false, per slot', async () => {
    const h = await bootedAs('2.1');
    const sent = recordSetVariables(h);
    await setVariables(h.runtime, 'CS001', [
      { component: { name: 'NetworkConfiguration', instance: '2' }, variable: { name: 'VpnServer' }, attributeValue: 'vpn.example' },
      { component: { name: 'NetworkConfiguration', instance: '4' }, variable: { name: 'OcppCsmsUrl' }, attributeValue: 'wss://plain.example/ocpp' },
    ]);
    assert.deepEqual([flag(sent, '2', 'VpnEnabled'), flag(sent, '2', 'ApnEnabled')], ['true', 'false']);
    assert.deepEqual([flag(sent, '4', 'VpnEnabled'), flag(sent, '4', 'ApnEnabled')], ['false', 'false'], '[B09.FR.30] no APN/VPN configured: both False');
  });

  test('[B09.FR.29] an ApnEnabled/VpnEnabled the caller sets itself is sent as given, not doubled', async () => {
    const h = await bootedAs('2.1');
    const sent = recordSetVariables(h);
    await setVariables(h.runtime, 'CS001', [
      { component: { name: 'NetworkConfiguration', instance: '3' }, variable: { name: 'Apn' }, attributeValue: 'a' },
      { component: { name: 'NetworkConfiguration', instance: '3' }, variable: { name: 'ApnEnabled' }, attributeValue: 'false' },
      { component: { name: 'NetworkConfiguration', instance: '3' }, variable: { name: 'VpnEnabled' }, attributeValue: 'true' },
    ]);
    assert.equal(sent.length, 3);
    assert.deepEqual([flag(sent, '3', 'ApnEnabled'), flag(sent, '3', 'VpnEnabled')], ['false', 'true']);
  });

  test('[B09.FR.29] 2.0.1 has no NetworkConfiguration component: nothing is added; other components untouched', async () => {
    const h = await bootedAs('2.0.1');
    const sent = recordSetVariables(h);
    await setVariables(h.runtime, 'CS001', [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '60' }]);
    assert.equal(sent.length, 1);
    const h21 = await bootedAs('2.1');
    const sent21 = recordSetVariables(h21);
    await setVariables(h21.runtime, 'CS001', [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '60' }]);
    assert.equal(sent21.length, 1);
  });

  for (const version of ['2.0.1', '2.1'] as const) {
    test(`[B10.FR.05] (${version}) migration: priority set, Inoperative, wait until the transaction queue is empty, then Reset`, async () => {
      const h = await bootedAs(version);
      const order: string[] = [];
      h.station.handle('SetVariables', async (_c, req) => {
        order.push(`SetVariables ${req.setVariableData[0]!.variable.name}=${req.setVariableData[0]!.attributeValue}`);
        return { setVariableResult: req.setVariableData.map((d) => ({ component: d.component, variable: d.variable, attributeStatus: 'RebootRequired' as const })) };
      });
      h.station.handle('ChangeAvailability', async (_c, req) => {
        order.push(`ChangeAvailability ${req.operationalStatus}${req.evse ? ' evse' : ''}`);
        return { status: 'Accepted' };
      });
      let queued = 2;
      h.station.handle('GetTransactionStatus', async (_c, req) => {
        order.push(`GetTransactionStatus${req.transactionId ? ` ${req.transactionId}` : ''}`);
        return { messagesInQueue: queued-- > 0 };
      });
      h.station.handle('Reset', async (_c, req) => {
        order.push(`Reset ${req.type}`);
        return { status: 'Accepted' };
      });
      const out = await migrateNetworkProfile(h.runtime, 'CS001', { priority: '2,1', pollMs: 5 });
      assert.deepEqual(order, [
        'SetVariables NetworkConfigurationPriority=2,1',
        'ChangeAvailability Inoperative',
        'GetTransactionStatus', 'GetTransactionStatus', 'GetTransactionStatus',
        'Reset Immediate',
      ]);
      assert.deepEqual([out.status, out.queuePolls, out.queueEmpty], ['Reset', 3, true]);
    });
  }

  test('[B10.FR.02] a Rejected NetworkConfigurationPriority stops the migration: no Inoperative, no Reset', async () => {
    const h = await bootedAs('2.1');
    recordSetVariables(h, 'Rejected');
    const other: string[] = [];
    for (const a of ['ChangeAvailability', 'GetTransactionStatus', 'Reset'] as const) h.station.handle(a, async () => { other.push(a); return {} as never; });
    const out = await migrateNetworkProfile(h.runtime, 'CS001', { priority: '9' });
    assert.equal(out.status, 'PriorityRejected');
    assert.deepEqual(other, []);
  });

  test('[B10.FR.05] a queue that never empties: Reset after maxWaitMs anyway, reported as queueEmpty=false', async () => {
    const h = await bootedAs('2.1');
    recordSetVariables(h);
    h.station.handle('ChangeAvailability', async () => ({ status: 'Scheduled' }));
    h.station.handle('GetTransactionStatus', async () => ({ messagesInQueue: true }));
    let resets = 0;
    h.station.handle('Reset', async () => { resets++; return { status: 'Accepted' }; });
    const out = await migrateNetworkProfile(h.runtime, 'CS001', { priority: '2', pollMs: 10, maxWaitMs: 50 });
    assert.equal(resets, 1);
    assert.equal(out.queueEmpty, false);
    assert.ok(out.queuePolls >= 2 && out.queuePolls <= 7, String(out.queuePolls));
    assert.equal(out.availability?.status, 'Scheduled');
  });
});

describe('B13 reset with transaction resumption (CSMS side)', () => {
  const txProfile = { id: 31, stackLevel: 0, chargingProfilePurpose: 'TxProfile' as const, chargingProfileKind: 'Absolute' as const, chargingSchedule: [{ id: 1, chargingRateUnit: 'A' as const, chargingSchedulePeriod: [{ startPeriod: 0, limit: 10 }] }] };
  const at = (s: number) => new Date(Date.parse('2026-03-01T10:00:00Z') + s * 1000).toISOString();

  for (const persistence of ['absent', 'false'] as const) {
    test(`[B13.FR.31] (2.1) after TxResumed the TxProfile is sent again (ChargingProfilePersistence[TxProfile] ${persistence})`, async () => {
      const h = await blockHarness({ version: '2.1' });
      await h.station.call('BootNotification', aBootNotification());
      if (persistence === 'false') {
        await h.store.applyReport('CS001', 1, [{ component: { name: 'SmartChargingCtrlr' }, variable: { name: 'ChargingProfilePersistence', instance: 'TxProfile' }, variableAttribute: [{ type: 'Actual', value: 'false' }] }]);
      }
      h.station.handle('RequestStartTransaction', async () => ({ status: 'Accepted' }));
      const profiles: Array<{ evseId: number; chargingProfile: { id: number; transactionId?: string } }> = [];
      h.station.handle('SetChargingProfile', async (_c, req) => {
        profiles.push(req);
        return { status: 'Accepted' };
      });
      const { remoteStartId } = await requestStartTransaction(h.runtime, 'CS001', { idToken: { idToken: 'B13', type: 'Central' }, evseId: 1, chargingProfile: txProfile });
      const base = { evse: { id: 1, connectorId: 1 }, seqNo: 0 };
      await h.station.call('TransactionEvent', { ...base, eventType: 'Started', timestamp: at(0), triggerReason: 'RemoteStart', transactionInfo: { transactionId: 'tx-b13', remoteStartId } });
      // The station reset with ImmediateAndResume (B13.FR.21), resumed the transaction (B13.FR.23) and says so (B13.FR.30).
      await h.station.call('TransactionEvent', { ...base, seqNo: 1, eventType: 'Updated', timestamp: at(60), triggerReason: 'TxResumed', transactionInfo: { transactionId: 'tx-b13', chargingState: 'SuspendedEVSE' } });
      for (let i = 0; i < 100 && profiles.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(profiles.length, 1);
      assert.equal(profiles[0]!.evseId, 1);
      assert.deepEqual([profiles[0]!.chargingProfile.id, profiles[0]!.chargingProfile.transactionId], [31, 'tx-b13']);
    });
  }

  test('[B13.FR.31] a TxResumed for a transaction the CSMS holds no TxProfile for sends nothing', async () => {
    const h = await blockHarness({ version: '2.1' });
    await h.station.call('BootNotification', aBootNotification());
    let sent = 0;
    h.station.handle('SetChargingProfile', async () => { sent++; return { status: 'Accepted' }; });
    const base = { evse: { id: 1, connectorId: 1 }, transactionInfo: { transactionId: 'tx-plain' } };
    await h.station.call('TransactionEvent', { ...base, seqNo: 0, eventType: 'Started', timestamp: at(0), triggerReason: 'CablePluggedIn' });
    await h.station.call('TransactionEvent', { ...base, seqNo: 1, eventType: 'Updated', timestamp: at(60), triggerReason: 'TxResumed' });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(sent, 0);
  });
});
