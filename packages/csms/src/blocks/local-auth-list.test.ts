import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthorizationData, SendLocalListRequest } from '@chargewire/ocpp/types';
import { blockHarness } from '../../../../test/fixtures/block-harness.ts';
import { aBootNotification } from '../../../../test/fixtures/builders.ts';
import { getLocalListVersion, sendLocalList, splitLocalList } from './local-auth-list.ts';

async function booted() {
  const h = await blockHarness({ version: '2.1' });
  await h.station.call('BootNotification', aBootNotification());
  return h;
}
const entry = (id: string, status: 'Accepted' | 'Blocked' = 'Accepted'): AuthorizationData => ({ idToken: { idToken: id, type: 'ISO14443' }, idTokenInfo: { status } });
const remove = (id: string): AuthorizationData => ({ idToken: { idToken: id, type: 'ISO14443' } });
const setLimits = (h: Awaited<ReturnType<typeof booted>>, items: string, bytes: string) =>
  h.store.applyReport('CS001', 1, [
    { component: { name: 'LocalAuthListCtrlr' }, variable: { name: 'ItemsPerMessage' }, variableAttribute: [{ type: 'Actual', value: items }] },
    { component: { name: 'LocalAuthListCtrlr' }, variable: { name: 'BytesPerMessage' }, variableAttribute: [{ type: 'Actual', value: bytes }] },
  ]);

describe('D01 SendLocalList', () => {
  test('[D01.FR.11] a full list is split by ItemsPerMessage into Full + Differential parts with one version', async () => {
    const h = await booted();
    await setLimits(h, '2', '100000');
    const sent: SendLocalListRequest[] = [];
    h.station.handle('SendLocalList', async (_c, req) => { sent.push(req); return { status: 'Accepted' }; });
    const r = await sendLocalList(h.runtime, 'CS001', { updateType: 'Full', entries: ['A', 'B', 'C', 'D', 'E'].map((x) => entry(x)) });
    assert.equal(r.status, 'Accepted');
    assert.deepEqual(sent.map((s) => [s.updateType, s.versionNumber, s.localAuthorizationList?.length]), [['Full', 1, 2], ['Differential', 1, 2], ['Differential', 1, 1]]);
    assert.equal(r.list.version, 1);
    assert.equal(r.list.entries.length, 5);
  });

  test('[D01.FR.11] BytesPerMessage limits each request size', () => {
    const entries = Array.from({ length: 20 }, (_, i) => entry(`TOKEN-${i}`));
    const parts = splitLocalList(3, 'Full', entries, { itemsPerMessage: 100, bytesPerMessage: 400 });
    assert.ok(parts.length > 1);
    for (const p of parts) assert.ok(Buffer.byteLength(JSON.stringify(p)) <= 400);
    assert.equal(parts.flatMap((p) => p.localAuthorizationList ?? []).length, 20);
    assert.throws(() => splitLocalList(3, 'Full', [entry('X'.repeat(500))], { itemsPerMessage: 10, bytesPerMessage: 200 }), /BytesPerMessage/);
  });

  test('[D01.FR.17] [D01.FR.18] differential updates add and remove; the version goes up and stays > 0', async () => {
    const h = await booted();
    h.station.handle('SendLocalList', async () => ({ status: 'Accepted' }));
    await sendLocalList(h.runtime, 'CS001', { updateType: 'Full', entries: [entry('A'), entry('B')] });
    const r = await sendLocalList(h.runtime, 'CS001', { updateType: 'Differential', entries: [entry('C', 'Blocked'), remove('A')] });
    assert.equal(r.versionNumber, 2);
    assert.deepEqual(r.list.entries.map((e) => [e.idToken.idToken, e.idTokenInfo?.status]), [['B', 'Accepted'], ['C', 'Blocked']]);
    await assert.rejects(sendLocalList(h.runtime, 'CS001', { updateType: 'Full', versionNumber: 0 }), /greater than 0/);
  });

  test('[D01.FR.06] duplicate tokens in one update are refused before anything is sent', async () => {
    const h = await booted();
    await assert.rejects(sendLocalList(h.runtime, 'CS001', { updateType: 'Full', entries: [entry('A'), entry('a')] }), /repeats/);
  });

  test('TC_D_04 a Full update with an empty list empties it', async () => {
    const h = await booted();
    const sent: SendLocalListRequest[] = [];
    h.station.handle('SendLocalList', async (_c, req) => { sent.push(req); return { status: 'Accepted' }; });
    await sendLocalList(h.runtime, 'CS001', { updateType: 'Full', entries: [entry('A')] });
    const r = await sendLocalList(h.runtime, 'CS001', { updateType: 'Full' });
    assert.deepEqual(sent[1], { versionNumber: 2, updateType: 'Full' });
    assert.equal(r.list.entries.length, 0);
  });

  test('[D01.FR.03] a failed differential update is followed by the full list; the store follows only Accepted parts', async () => {
    const h = await booted();
    const sent: SendLocalListRequest[] = [];
    let failAll = false;
    h.station.handle('SendLocalList', async (_c, req) => { sent.push(req); return { status: failAll ? 'Failed' : sent.length === 2 ? 'VersionMismatch' : 'Accepted' }; });
    await sendLocalList(h.runtime, 'CS001', { updateType: 'Full', entries: [entry('A')] });
    const r = await sendLocalList(h.runtime, 'CS001', { updateType: 'Differential', entries: [entry('B')] });
    assert.equal(r.resentFull, true);
    assert.equal(r.status, 'Accepted');
    assert.deepEqual(sent.map((s) => s.updateType), ['Full', 'Differential', 'Full']);
    assert.deepEqual(sent[2]!.localAuthorizationList?.map((e) => e.idToken.idToken), ['A', 'B']);
    failAll = true;
    const f = await sendLocalList(h.runtime, 'CS001', { updateType: 'Full', entries: [entry('Z')] });
    assert.equal(f.status, 'Failed');
    assert.equal(f.list.version, 2);
  });
});

describe('D02 GetLocalListVersion', () => {
  test('[D02.FR.01] [D02.FR.02] the station version is compared with the stored one', async () => {
    const h = await booted();
    let v = 0;
    h.station.handle('GetLocalListVersion', async () => ({ versionNumber: v }));
    assert.deepEqual(await getLocalListVersion(h.runtime, 'CS001'), { versionNumber: 0, storedVersion: 0, inSync: true });
    h.station.handle('SendLocalList', async () => ({ status: 'Accepted' }));
    await sendLocalList(h.runtime, 'CS001', { updateType: 'Full', entries: [entry('A')], versionNumber: 7 });
    v = 6;
    assert.deepEqual(await getLocalListVersion(h.runtime, 'CS001'), { versionNumber: 6, storedVersion: 7, inSync: false });
  });
});
