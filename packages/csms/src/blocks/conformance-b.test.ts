// Conformance tests for block B (Provisioning), CSMS side: FRs the block tests did not name yet.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { GetBaseReportRequest } from '@chargewire/ocpp/types';
import { blockHarness } from '../../../../test/fixtures/block-harness.ts';
import { aBootNotification } from '../../../../test/fixtures/builders.ts';

const settle = () => new Promise((r) => setTimeout(r, 30));

describe('B07 device model inventory', () => {
  test('[B07.FR.14] FullInventory is requested at the first boot and after a firmware change, not on an ordinary reboot', async () => {
    const h = await blockHarness({ config: { boot: { fetchInventory: true } } });
    const asked: GetBaseReportRequest[] = [];
    h.station.handle('GetBaseReport', async (_c, req) => {
      asked.push(req);
      return { status: 'NotSupported' }; // nothing to wait for
    });
    await h.station.call('BootNotification', aBootNotification());
    await settle();
    assert.deepEqual(asked.map((r) => r.reportBase), ['FullInventory']);
    // same firmware: the stored device model is still valid
    await h.station.call('BootNotification', aBootNotification({ reason: 'RemoteReset' }));
    await settle();
    assert.equal(asked.length, 1);
    // new firmware: the CSMS suspects the device model changed and fetches it again
    await h.station.call('BootNotification', aBootNotification({ reason: 'FirmwareUpdate', chargingStation: { model: 'CW-Test', vendorName: 'Chargewire', firmwareVersion: '1.1.0' } }));
    await settle();
    assert.deepEqual(asked.map((r) => r.reportBase), ['FullInventory', 'FullInventory']);
  });

  test('[B07.FR.14] a Rejected station is not asked for its inventory', async () => {
    const h = await blockHarness({ config: { boot: { fetchInventory: true, defaultStatus: 'Rejected' } } });
    let asked = 0;
    h.station.handle('GetBaseReport', async () => {
      asked++;
      return { status: 'NotSupported' };
    });
    assert.equal((await h.station.call('BootNotification', aBootNotification())).status, 'Rejected');
    await settle();
    assert.equal(asked, 0);
  });
});
