// C and D — Authorization, cache, local list, offline rules (2.1 and 2.0.1).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';

const ON = { 'LocalAuthListCtrlr.Enabled': 'true', 'AuthCacheCtrlr.Enabled': 'true' };

for (const version of VERSIONS) {
  describe(`authorization (${version})`, () => {
    test('TC_C_02_CS C01 online token: Authorize; Invalid status does not authorize; C10.FR.01 C10.FR.04 cache updated', async () => {
      const { st, csms } = await harness({ version, variables: ON, replies: { Authorize: (r) => ({ idTokenInfo: { status: r.idToken.idToken === 'BAD' ? 'Invalid' : 'Accepted' } }) } });
      assert.equal((await st.presentToken('BAD')).status, 'Invalid');
      assert.equal((await st.presentToken('GOOD')).status, 'Accepted');
      assert.equal(csms.of('Authorize').length, 2);
      assert.equal(st.auth.cacheSize, 2);
    });

    test('TC_D_01_CS D01.FR.04 D01.FR.15 D01.FR.16 D01.FR.17 D01.FR.18 D01.FR.19 D02 SendLocalList / GetLocalListVersion', async () => {
      const { st, csms } = await harness({ version, variables: ON });
      assert.equal((await csms.call('GetLocalListVersion', {})).versionNumber, 0);
      const e = (id: string, status?: 'Accepted' | 'Blocked') => ({ idToken: { idToken: id, type: 'ISO14443' as const }, ...(status ? { idTokenInfo: { status } } : {}) });
      assert.equal((await csms.call('SendLocalList', { versionNumber: 1, updateType: 'Full', localAuthorizationList: [e('A', 'Accepted'), e('B', 'Blocked')] })).status, 'Accepted');
      assert.equal(st.auth.listSize, 2);
      assert.equal((await csms.call('SendLocalList', { versionNumber: 1, updateType: 'Differential', localAuthorizationList: [e('C', 'Accepted')] })).status, 'VersionMismatch');
      assert.equal((await csms.call('SendLocalList', { versionNumber: 2, updateType: 'Differential', localAuthorizationList: [e('C', 'Accepted'), e('B')] })).status, 'Accepted');
      assert.deepEqual([st.auth.fromList({ idToken: 'B', type: 'ISO14443' }), st.auth.fromList({ idToken: 'C', type: 'ISO14443' })?.status], [undefined, 'Accepted']);
      assert.equal(st.str('LocalAuthListCtrlr', 'Entries', ''), '2');
      assert.equal((await csms.call('GetLocalListVersion', {})).versionNumber, 2);
      assert.equal((await csms.call('SendLocalList', { versionNumber: 3, updateType: 'Full' })).status, 'Accepted');
      assert.equal(st.auth.listSize, 0);
    });

    test('TC_C_21_CS C13 C14 offline: local list then cache decide (LocalAuthorizeOffline); unknown rejected', async () => {
      const { st, csms } = await harness({ version, variables: ON });
      await csms.call('SendLocalList', { versionNumber: 1, updateType: 'Full', localAuthorizationList: [{ idToken: { idToken: 'L', type: 'ISO14443' }, idTokenInfo: { status: 'Accepted' } }] });
      await st.presentToken('CACHED'); // cached Accepted via Authorize
      st.stopCharging(1);
      await settle();
      await st.goOffline();
      csms.clear();
      assert.equal((await st.presentToken('UNKNOWN')).status, 'Unknown');
      assert.equal((await st.presentToken('L')).status, 'Accepted');
      st.stopCharging(1);
      assert.equal((await st.presentToken('CACHED')).status, 'Accepted');
      assert.equal(csms.received.length, 0);
    });

    test('TC_C_26_CS C15.FR.08 C15.FR.01 C15.FR.02 OfflineTxForUnknownIdEnabled: offline start, delivered after reconnect, not cached', async () => {
      const { st, csms } = await harness({ version, variables: { ...ON, 'AuthCtrlr.OfflineTxForUnknownIdEnabled': 'true', 'TxCtrlr.TxStartPoint': 'Authorized', 'TxCtrlr.TxStopPoint': 'Authorized' } });
      await st.goOffline();
      assert.equal((await st.presentToken('STRANGER')).status, 'Accepted');
      st.plugIn(1, 1);
      assert.equal(st.auth.cacheSize, 0);
      assert.equal(csms.txEvents.length, 0);
      await st.goOnline();
      await csms.until(() => csms.txEvents.length === 2);
      assert.deepEqual(csms.txEvents.map((e) => [e.eventType, e.offline]), [['Started', true], ['Updated', true]]);
    });

    const GROUP = { idToken: 'FLEET', type: 'Central' as const };
    const groupReplies = { Authorize: (r: { idToken: { idToken: string } }) => ({ idTokenInfo: { status: r.idToken.idToken === 'G-BLOCKED' ? 'Blocked' as const : 'Accepted' as const, groupIdToken: GROUP } }) };
    const TX = { 'TxCtrlr.TxStartPoint': 'PowerPathClosed', 'TxCtrlr.TxStopPoint': 'Authorized' };
    test('TC_C_39_CS C09.FR.03 C09.FR.05 another token of the group, no EVSE named: Authorize, then the session stops (StopAuthorized)', async () => {
      const { st, csms } = await harness({ version, variables: TX, replies: groupReplies });
      st.plugIn(1, 1);
      assert.deepEqual(await st.presentToken('G-A'), { status: 'Accepted', evseId: 1 });
      await settle();
      csms.clear();
      assert.deepEqual(await st.presentToken('G-B'), { status: 'Stopped', evseId: 1 });
      await csms.until(() => csms.txEvents.length === 1);
      assert.deepEqual(csms.received.map((m) => m.action), ['Authorize', 'TransactionEvent']);
      const ended = csms.txEvents[0]!;
      assert.deepEqual([ended.eventType, ended.triggerReason, ended.transactionInfo.stoppedReason], ['Ended', 'StopAuthorized', 'Local']);
    });
    test('C09.FR.07 C09.FR.04 a token of the group known valid in the cache stops the session without Authorize', async () => {
      const { st, csms } = await harness({ version, variables: { ...TX, 'AuthCacheCtrlr.Enabled': 'true' }, replies: groupReplies });
      await st.presentToken('G-B'); // cached Accepted, group FLEET
      st.stopCharging(1);
      await settle();
      st.plugIn(1, 1);
      await st.presentToken('G-A');
      await settle();
      csms.clear();
      assert.deepEqual(await st.presentToken('G-B'), { status: 'Stopped', evseId: 1 });
      await csms.until(() => csms.txEvents.length === 1);
      assert.equal(csms.of('Authorize').length, 0);
      assert.equal(csms.txEvents[0]!.eventType, 'Ended');
    });
    test('C09.FR.11 a token of the same group that is not Accepted does not stop the session', async () => {
      const { st, csms } = await harness({ version, variables: TX, replies: groupReplies });
      st.plugIn(1, 1);
      await st.presentToken('G-A');
      await settle();
      csms.clear();
      assert.deepEqual(await st.presentToken('G-BLOCKED'), { status: 'NoEvseAvailable' });
      assert.deepEqual(await st.presentToken('G-BLOCKED', 'ISO14443', 1), { status: 'Occupied', evseId: 1 });
      await settle();
      assert.equal(csms.txEvents.length, 0);
      assert.ok(st.evse(1).tx && st.evse(1).auth);
    });
    test('C11 ClearCache: Accepted and the cache is empty', async () => {
      const { st, csms } = await harness({ version, variables: ON });
      await st.presentToken('X');
      assert.equal(st.auth.cacheSize, 1);
      assert.equal((await csms.call('ClearCache', {})).status, 'Accepted');
      assert.equal(st.auth.cacheSize, 0);
    });
  });
}
