// Block D interop: our simulator against our CSMS over real WebSockets, OCPP 2.1 and 2.0.1.
// Scenarios follow the OCPP 2.0.1 Part 6 certification test cases for the CSMS (TC_D_xx_CSMS).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sendLocalList, getLocalListVersion } from '../../packages/csms/src/blocks/local-auth-list.ts';
import { startSimEnv, VERSIONS, idFor, eventually, drained, type SimEnv } from './sim-harness.ts';

const entry = (idToken: string, status = 'Accepted') => ({ idToken: { idToken, type: 'ISO14443' as const }, idTokenInfo: { status: status as 'Accepted' } });

for (const version of VERSIONS) {
  describe(`simulator <-> CSMS, block D, OCPP ${version}`, () => {
    let env: SimEnv;
    before(async () => { env = await startSimEnv(); });
    after(async () => { await env.stop(); });

    test('TC_D_01_CSMS TC_D_02_CSMS TC_D_03_CSMS TC_D_04_CSMS TC_D_08_CSMS [D01.FR.01] [D01.FR.17] [D01.FR.18] [D02.FR.01] Full, differential add/remove, empty full; versions in sync', async () => {
      const sid = idFor('D01', version);
      const s = await env.station({ identity: sid, version, variables: { 'LocalAuthListCtrlr.Enabled': 'true' } });
      await s.accepted();
      assert.deepEqual(await getLocalListVersion(env.runtime, sid), { versionNumber: 0, storedVersion: 0, inSync: true });
      const full = await sendLocalList(env.runtime, sid, { updateType: 'Full', entries: [entry('D-A'), entry('D-B', 'Blocked')] });
      assert.deepEqual([full.status, full.versionNumber, full.list.entries.length], ['Accepted', 1, 2]);
      assert.deepEqual([s.st.auth.listVersion, s.st.auth.listSize], [1, 2]);
      const add = await sendLocalList(env.runtime, sid, { updateType: 'Differential', entries: [entry('D-C')] });
      assert.deepEqual([add.status, add.versionNumber, add.resentFull], ['Accepted', 2, false]);
      assert.deepEqual([s.st.auth.listVersion, s.st.auth.listSize], [2, 3]);
      const remove = await sendLocalList(env.runtime, sid, { updateType: 'Differential', entries: [{ idToken: { idToken: 'D-A', type: 'ISO14443' } }] });
      assert.equal(remove.status, 'Accepted');
      assert.deepEqual(remove.list.entries.map((e) => e.idToken.idToken).sort(), ['D-B', 'D-C']);
      assert.deepEqual([s.st.auth.listVersion, s.st.auth.listSize], [3, 2]);
      assert.equal(s.st.auth.fromList({ idToken: 'D-A', type: 'ISO14443' }), undefined);
      assert.equal(s.st.auth.fromList({ idToken: 'D-B', type: 'ISO14443' })?.status, 'Blocked');
      assert.deepEqual(await getLocalListVersion(env.runtime, sid), { versionNumber: 3, storedVersion: 3, inSync: true });
      const empty = await sendLocalList(env.runtime, sid, { updateType: 'Full', entries: [] });
      assert.equal(empty.status, 'Accepted');
      assert.deepEqual([s.st.auth.listVersion, s.st.auth.listSize], [4, 0]);
      const stored = await env.store.getLocalList(sid);
      assert.deepEqual([stored.version, stored.entries.length], [4, 0]);
      assert.deepEqual(s.log.requests.filter((r) => r.action === 'SendLocalList').map((r) => (r.response as { status: string }).status), ['Accepted', 'Accepted', 'Accepted', 'Accepted']);
    });

    test('[C13.FR.01] [C14.FR.01] [E04.FR.03] Offline start authorized from the local list; the CSMS stores the replayed transaction and verifies the token', async () => {
      const sid = idFor('C14', version);
      await env.store.upsertIdToken({ idToken: 'D-OFFLINE', type: 'ISO14443', status: 'Accepted' });
      const s = await env.station({ identity: sid, version, variables: { 'LocalAuthListCtrlr.Enabled': 'true', 'AuthCtrlr.LocalAuthorizeOffline': 'true' } });
      await s.accepted();
      assert.equal((await sendLocalList(env.runtime, sid, { updateType: 'Full', entries: [entry('D-OFFLINE')] })).status, 'Accepted');
      await s.st.goOffline();
      s.st.plugIn(1, 1, { powerW: 7_200 });
      assert.equal((await s.st.presentToken('D-OFFLINE')).status, 'Accepted');
      const txId = s.st.state().evses[0]!.transactionId!;
      await s.clock.advance(10 * 60_000);
      s.st.unplug(1);
      assert.equal(s.log.sent.filter((m) => m.action === 'Authorize').length, 0);
      await s.st.goOnline();
      await drained(s.st);
      const tx = await eventually(async () => { const r = await env.store.getTransaction(sid, txId); return r?.state === 'Ended' ? r : undefined; }, 5000);
      assert.equal(tx.offline, true);
      assert.equal(tx.energyWh, 1200);
      assert.deepEqual(tx.idToken, { idToken: 'D-OFFLINE', type: 'ISO14443' });
      const started = s.log.sent.find((m) => m.action === 'TransactionEvent' && (m.payload as { eventType: string }).eventType === 'Started');
      assert.equal((started?.payload as { offline?: boolean }).offline, true);
      assert.equal((started?.response as { idTokenInfo?: { status: string } }).idTokenInfo?.status, 'Accepted');
    });
  });
}
