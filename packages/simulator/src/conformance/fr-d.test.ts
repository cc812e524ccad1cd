// Block D (Local Authorization List Management), station side, named after the FR IDs (2.1 and 2.0.1).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, VERSIONS } from '../testing/harness.ts';
import { QUIET } from './sequence.ts';

const tok = (idToken: string) => ({ idToken, type: 'ISO14443' as const });
const entry = (id: string, status: 'Accepted' | 'Blocked') => ({ idToken: tok(id), idTokenInfo: { status } });
const ON = { ...QUIET, 'LocalAuthListCtrlr.Enabled': 'true', 'AuthCacheCtrlr.Enabled': 'false' };

for (const version of VERSIONS) {
  describe(`block D station FRs (${version})`, () => {
    test('D01.FR.01 D01.FR.02 D01.FR.12 D02.FR.01 the list takes the versionNumber, the response says Accepted, Entries follows', async () => {
      const { st, csms } = await harness({ version, variables: ON });
      assert.deepEqual(await csms.call('SendLocalList', { versionNumber: 5, updateType: 'Full', localAuthorizationList: [entry('A', 'Accepted'), entry('B', 'Accepted')] }), { status: 'Accepted' });
      assert.equal((await csms.call('GetLocalListVersion', {})).versionNumber, 5);
      assert.equal(st.str('LocalAuthListCtrlr', 'Entries', ''), '2');
    });

    test('D01.FR.05 a Differential update without entries (an empty array is refused by the schema) leaves the list as it is', async () => {
      const { st, csms } = await harness({ version, variables: ON });
      await csms.call('SendLocalList', { versionNumber: 1, updateType: 'Full', localAuthorizationList: [entry('A', 'Accepted')] });
      await csms.call('SendLocalList', { versionNumber: 2, updateType: 'Differential' });
      assert.deepEqual([st.auth.listSize, st.auth.fromList(tok('A'))?.status], [1, 'Accepted']);
    });

    test('D01.FR.06 duplicate IdTokens in an update: Failed, list unchanged', async () => {
      const { st, csms } = await harness({ version, variables: ON });
      await csms.call('SendLocalList', { versionNumber: 1, updateType: 'Full', localAuthorizationList: [entry('A', 'Accepted')] });
      assert.equal((await csms.call('SendLocalList', { versionNumber: 2, updateType: 'Full', localAuthorizationList: [entry('X', 'Accepted'), entry('X', 'Blocked')] })).status, 'Failed');
      assert.deepEqual([st.auth.listVersion, st.auth.listSize, st.auth.fromList(tok('X'))], [1, 1, undefined]);
    });

    test('D01.FR.09 an Authorize answer does not change the Local Authorization List', async () => {
      const { st, csms } = await harness({ version, variables: ON });
      await csms.call('SendLocalList', { versionNumber: 1, updateType: 'Full', localAuthorizationList: [entry('B', 'Blocked')] });
      assert.equal((await st.presentToken('B')).status, 'Accepted'); // the CSMS says Accepted
      assert.equal(st.auth.fromList(tok('B'))?.status, 'Blocked');
    });

    test('D01.FR.13 LocalAuthListCtrlr.Enabled = false: the list is not used', async () => {
      const { st, csms } = await harness({ version, variables: ON });
      await csms.call('SendLocalList', { versionNumber: 1, updateType: 'Full', localAuthorizationList: [entry('A', 'Accepted')] });
      st.dm.setInternal({ name: 'LocalAuthListCtrlr' }, { name: 'Enabled' }, 'false');
      await st.goOffline();
      assert.equal((await st.presentToken('A')).status, 'Unknown');
    });

    test('D01.FR.11 a SendLocalList above LocalAuthListCtrlr.ItemsPerMessage / BytesPerMessage: CALLERROR, list unchanged', async () => {
      const { st, csms } = await harness({ version, variables: { ...ON, 'LocalAuthListCtrlr.ItemsPerMessage': '2', 'LocalAuthListCtrlr.BytesPerMessage': '400' } });
      const code = (c: string) => (e: Error & { code?: string }) => e.code === c;
      await assert.rejects(csms.call('SendLocalList', { versionNumber: 1, updateType: 'Full', localAuthorizationList: [entry('A', 'Accepted'), entry('B', 'Accepted'), entry('C', 'Accepted')] }), code('OccurrenceConstraintViolation'));
      await assert.rejects(csms.call('SendLocalList', { versionNumber: 1, updateType: 'Full', localAuthorizationList: [entry('A'.repeat(36), 'Accepted'), { idToken: tok('B'), idTokenInfo: { status: 'Accepted', personalMessage: { format: 'UTF8', content: 'x'.repeat(300) } } }] }), code('FormatViolation'));
      assert.deepEqual([st.auth.listVersion, st.auth.listSize], [0, 0]);
      assert.deepEqual(await csms.call('SendLocalList', { versionNumber: 2, updateType: 'Full', localAuthorizationList: [entry('A', 'Accepted'), entry('B', 'Accepted')] }), { status: 'Accepted' });
    });

    test('D02.FR.02 D02.FR.03 GetLocalListVersion is 0 without a list and while the list is disabled', async () => {
      const { st, csms } = await harness({ version, variables: ON });
      assert.equal((await csms.call('GetLocalListVersion', {})).versionNumber, 0);
      await csms.call('SendLocalList', { versionNumber: 4, updateType: 'Full', localAuthorizationList: [entry('A', 'Accepted')] });
      st.dm.setInternal({ name: 'LocalAuthListCtrlr' }, { name: 'Enabled' }, 'false');
      assert.equal((await csms.call('GetLocalListVersion', {})).versionNumber, 0);
    });
  });
}
