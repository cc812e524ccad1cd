// Conformance tests for block P (DataTransfer), CSMS side, both directions.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { DataTransferRequest } from '@chargewire/ocpp/types';
import { blockHarness } from '../../../../test/fixtures/block-harness.ts';
import { aBootNotification } from '../../../../test/fixtures/builders.ts';
import { registerVendorHandler, sendDataTransfer } from './data-transfer.ts';

async function booted() {
  const h = await blockHarness();
  await h.station.call('BootNotification', aBootNotification());
  return h;
}
const big = { rows: Array.from({ length: 2000 }, (_, i) => ({ i, label: `row-${i}` })), blob: 'x'.repeat(20_000) };

describe('P01 DataTransfer to the station', () => {
  test('[P01.FR.03] [P01.FR.04] [P01.FR.07] messageId and data of any size/shape go out unchanged; status and data come back as the station answers', async () => {
    const h = await booted();
    const seen: DataTransferRequest[] = [];
    h.station.handle('DataTransfer', async (_c, req) => {
      seen.push(req);
      return req.messageId === 'reject-me' ? { status: 'Rejected', data: { why: 'vendor rule' } } : { status: 'Accepted', data: big };
    });
    const a = await sendDataTransfer(h.runtime, 'CS001', { vendorId: 'com.example.vendor', messageId: 'dump', data: big });
    assert.deepEqual(seen[0], { vendorId: 'com.example.vendor', messageId: 'dump', data: big });
    assert.deepEqual(a, { status: 'Accepted', data: big });
    assert.deepEqual(await sendDataTransfer(h.runtime, 'CS001', { vendorId: 'com.example.vendor', messageId: 'reject-me' }), { status: 'Rejected', data: { why: 'vendor rule' } });
  });
});

describe('P02 DataTransfer to the CSMS', () => {
  test('[P02.FR.01] a vendorId identifies exactly one implementation: exact match, no second handler for the same vendorId', async () => {
    const h = await booted();
    registerVendorHandler(h.runtime, 'com.example.a', () => ({ status: 'Accepted', data: 'a' }));
    registerVendorHandler(h.runtime, 'com.example.b', () => ({ status: 'Accepted', data: 'b' }));
    assert.throws(() => registerVendorHandler(h.runtime, 'com.example.a', () => ({ status: 'Rejected' })), { code: 'CSMS_ERR_VENDOR_EXISTS' });
    assert.equal((await h.station.call('DataTransfer', { vendorId: 'com.example.a' })).data, 'a');
    assert.equal((await h.station.call('DataTransfer', { vendorId: 'com.example.b' })).data, 'b');
    assert.equal((await h.station.call('DataTransfer', { vendorId: 'com.example' })).status, 'UnknownVendorId');
  });

  test('[P02.FR.04] [P02.FR.05] [P01.FR.07] the vendor handler gets messageId and data unchanged and decides status and data', async () => {
    const h = await booted();
    const got: DataTransferRequest[] = [];
    registerVendorHandler(h.runtime, 'com.example.meter', (_ctx, req) => {
      got.push(req);
      return req.messageId === 'echo' ? { status: 'Accepted', data: req.data } : { status: 'Rejected' };
    });
    const echo = await h.station.call('DataTransfer', { vendorId: 'com.example.meter', messageId: 'echo', data: big });
    assert.deepEqual(echo, { status: 'Accepted', data: big });
    assert.deepEqual(got[0], { vendorId: 'com.example.meter', messageId: 'echo', data: big });
    assert.deepEqual(await h.station.call('DataTransfer', { vendorId: 'com.example.meter', messageId: 'other', data: 42 }), { status: 'Rejected' });
  });
});
