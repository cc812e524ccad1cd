import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { blockHarness } from '../../../../test/fixtures/block-harness.ts';
import { aBootNotification, aDataTransfer } from '../../../../test/fixtures/builders.ts';
import { dataTransfer, registerVendorHandler, sendDataTransfer } from './data-transfer.ts';

describe('P01/P02 DataTransfer', () => {
  test('[P02.FR.06] an unknown vendorId is answered UnknownVendorId, not Accepted', async () => {
    const h = await blockHarness();
    assert.deepEqual(await dataTransfer(h.ctx(), aDataTransfer({ vendorId: 'org.nobody' })), { status: 'UnknownVendorId' });
  });

  test('[P02.FR.07] [P02.FR.08] a registered vendor handler answers, UnknownMessageId for what it does not implement', async () => {
    const h = await blockHarness();
    await h.station.call('BootNotification', aBootNotification());
    const off = registerVendorHandler(h.runtime, 'com.example', (_ctx, req) =>
      req.messageId === 'Echo' ? { status: 'Accepted', data: req.data } : { status: 'UnknownMessageId' });
    assert.deepEqual(await h.station.call('DataTransfer', { vendorId: 'com.example', messageId: 'Echo', data: [1, 2] }), { status: 'Accepted', data: [1, 2] });
    assert.deepEqual(await h.station.call('DataTransfer', { vendorId: 'com.example', messageId: 'Nope' }), { status: 'UnknownMessageId' });
    assert.throws(() => registerVendorHandler(h.runtime, 'com.example', () => ({ status: 'Rejected' })), { code: 'CSMS_ERR_VENDOR_EXISTS' });
    off();
    assert.deepEqual(await h.station.call('DataTransfer', { vendorId: 'com.example', messageId: 'Echo' }), { status: 'UnknownVendorId' });
  });

  test('[P01.FR.05] [P01.FR.06] DataTransfer to the station returns its answer, UnknownVendorId included', async () => {
    const h = await blockHarness();
    await h.station.call('BootNotification', aBootNotification());
    h.station.handle('DataTransfer', async (_c, req) => ({ status: req.vendorId === 'com.known' ? 'UnknownMessageId' : 'UnknownVendorId' }));
    assert.equal((await sendDataTransfer(h.runtime, 'CS001', aDataTransfer({ vendorId: 'com.other' }))).status, 'UnknownVendorId');
    assert.equal((await sendDataTransfer(h.runtime, 'CS001', aDataTransfer({ vendorId: 'com.known' }))).status, 'UnknownMessageId');
  });
});
