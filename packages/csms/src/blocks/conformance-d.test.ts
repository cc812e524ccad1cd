// Conformance tests for block D (Local Authorization List Management), CSMS side.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthorizationData, SendLocalListRequest } from '@chargewire/ocpp/types';
import { blockHarness } from '../../../../test/fixtures/block-harness.ts';
import { aBootNotification } from '../../../../test/fixtures/builders.ts';
import { applyUpdate, sendLocalList } from './local-auth-list.ts';

const entry = (id: string): AuthorizationData => ({ idToken: { idToken: id, type: 'ISO14443' }, idTokenInfo: { status: 'Accepted' } });

describe('D01 SendLocalList', () => {
  test('[D01.FR.05] a Differential update without or with an empty list changes no entry of the list (only its version)', async () => {
    const h = await blockHarness();
    await h.station.call('BootNotification', aBootNotification());
    const sent: SendLocalListRequest[] = [];
    h.station.handle('SendLocalList', async (_c, req) => { sent.push(req); return { status: 'Accepted' }; });
    await sendLocalList(h.runtime, 'CS001', { updateType: 'Full', entries: [entry('A'), entry('B')] });
    const a = await sendLocalList(h.runtime, 'CS001', { updateType: 'Differential' });
    const b = await sendLocalList(h.runtime, 'CS001', { updateType: 'Differential', entries: [] });
    assert.deepEqual(sent.slice(1), [{ versionNumber: 2, updateType: 'Differential' }, { versionNumber: 3, updateType: 'Differential' }]);
    assert.equal(a.status, 'Accepted');
    assert.deepEqual(b.list.entries.map((e) => e.idToken.idToken).sort(), ['A', 'B']);
    assert.equal(b.list.version, 3);
    // the pure list model agrees
    assert.deepEqual(applyUpdate([entry('A')], 'Differential', []), [entry('A')]);
  });
});
