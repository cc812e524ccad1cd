// Block C interop: our simulator against our CSMS over real WebSockets, OCPP 2.1 and 2.0.1.
// Scenarios follow the OCPP 2.0.1 Part 6 certification test cases for the CSMS (TC_C_xx_CSMS).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { clearCache } from '../../packages/csms/src/blocks/authorization.ts';
import { startSimEnv, VERSIONS, idFor, eventually, drained, statusStored, type SimEnv } from './sim-harness.ts';

const MIN = 60_000;
const authorizeAnswers = (sent: { action: string; response?: unknown }[]) =>
  sent.filter((m) => m.action === 'Authorize').map((m) => (m.response as { idTokenInfo: { status: string } }).idTokenInfo.status);

for (const version of VERSIONS) {
  describe(`simulator <-> CSMS, block C, OCPP ${version}`, () => {
    let env: SimEnv;
    const v = version.replace(/\./g, '');
    const tok = (name: string) => ({ idToken: `${name}-${v}`, type: 'ISO14443' });
    before(async () => {
      env = await startSimEnv();
      await env.store.upsertIdToken({ ...tok('OK'), status: 'Accepted' });
      await env.store.upsertIdToken({ ...tok('BLOCKED'), status: 'Blocked' });
      await env.store.upsertIdToken({ ...tok('EXPIRED'), status: 'Accepted', expiryDate: '2020-01-01T00:00:00.000Z' });
      for (const n of ['GA', 'GB']) await env.store.upsertIdToken({ ...tok(n), status: 'Accepted', groupIdToken: { idToken: `GROUP-${v}`, type: 'Central' } });
    });
    after(async () => { await env.stop(); });

    test('TC_C_02_CSMS TC_C_07_CSMS [C01.FR.07] Authorize - Blocked, Expired and Unknown tokens are refused; no transaction starts', async () => {
      const sid = idFor('C02', version);
      const s = await env.station({ identity: sid, version });
      await s.accepted();
      s.st.plugIn(1, 1);
      await statusStored(env.store, sid, 'Occupied');
      assert.equal((await s.st.presentToken(tok('BLOCKED').idToken)).status, 'Blocked');
      assert.equal((await s.st.presentToken(tok('EXPIRED').idToken)).status, 'Expired');
      assert.equal((await s.st.presentToken(`NOBODY-${v}`)).status, 'Unknown');
      assert.deepEqual(authorizeAnswers(s.log.sent), ['Blocked', 'Expired', 'Unknown']);
      assert.equal(s.st.state().evses[0]?.transactionId, undefined);
      assert.equal((await env.store.listTransactions({ stationId: sid, limit: 10, offset: 0 })).total, 0);
      await eventually(async () => (await env.store.listJournal(sid, { action: 'Authorize', direction: 'in', limit: 10 })).length === 3);
    });

    test('TC_C_08_CSMS [C12.FR.02] [C10.FR.04] [E01.FR.11] LocalPreAuthorize from the cache: the second start needs no Authorize, the CSMS still verifies the token', async () => {
      const sid = idFor('C08', version);
      const s = await env.station({ identity: sid, version, variables: { 'AuthCacheCtrlr.Enabled': 'true', 'AuthCtrlr.LocalPreAuthorize': 'true' } });
      await s.accepted();
      s.st.plugIn(1, 1);
      assert.equal((await s.st.presentToken(tok('OK').idToken)).status, 'Accepted');
      await s.clock.advance(MIN);
      s.st.unplug(1);
      await drained(s.st);
      s.st.plugIn(1, 1);
      assert.equal((await s.st.presentToken(tok('OK').idToken)).status, 'Accepted');
      assert.deepEqual(authorizeAnswers(s.log.sent), ['Accepted']);
      const txId = s.st.state().evses[0]!.transactionId!;
      await drained(s.st);
      const started = s.log.sent.find((m) => m.action === 'TransactionEvent' && (m.payload as { transactionInfo: { transactionId: string } }).transactionInfo.transactionId === txId);
      assert.equal((started?.response as { idTokenInfo?: { status: string } }).idTokenInfo?.status, 'Accepted');
      const tx = await eventually(() => env.store.getTransaction(sid, txId));
      assert.deepEqual(tx.idToken, tok('OK'));
    });

    test('TC_C_20_CSMS TC_E_16_CSMS [C12.FR.03] [E01.FR.11] [E05.FR.01] Cached Accepted but Blocked at the CSMS: the TransactionEvent answer deauthorizes, the transaction ends', async () => {
      const sid = idFor('C20', version);
      const t = tok('LATERBLOCKED');
      await env.store.upsertIdToken({ ...t, status: 'Accepted' });
      const s = await env.station({ identity: sid, version, variables: { 'AuthCacheCtrlr.Enabled': 'true', 'AuthCtrlr.LocalPreAuthorize': 'true' } });
      await s.accepted();
      assert.equal((await s.st.presentToken(t.idToken)).status, 'Accepted'); // cached as Accepted
      assert.equal((await s.st.presentToken(t.idToken)).status, 'Stopped'); // end that authorization
      await env.store.upsertIdToken({ ...t, status: 'Blocked' });
      s.st.plugIn(1, 1);
      assert.equal((await s.st.presentToken(t.idToken)).status, 'Accepted'); // from the cache, no Authorize
      const txId = s.st.state().evses[0]!.transactionId!;
      const tx = await eventually(async () => { const r = await env.store.getTransaction(sid, txId); return r?.state === 'Ended' ? r : undefined; }, 5000);
      assert.equal(tx.stoppedReason, 'DeAuthorized');
      assert.equal(tx.triggerReason, 'Deauthorized');
      assert.equal(authorizeAnswers(s.log.sent).length, 1);
      assert.equal(s.st.state().evses[0]?.transactionId, undefined);
    });

    test('TC_C_37_CSMS TC_C_38_CSMS [C11.FR.01] [C11.FR.04] Clear Authorization Cache - Accepted when enabled, Rejected when disabled', async () => {
      const on = await env.station({ identity: idFor('C37', version), version, variables: { 'AuthCacheCtrlr.Enabled': 'true' } });
      const off = await env.station({ identity: idFor('C38', version), version, variables: { 'AuthCacheCtrlr.Enabled': 'false' } });
      await on.accepted();
      await off.accepted();
      await on.st.presentToken(tok('OK').idToken);
      assert.equal((await clearCache(env.runtime, on.st.opts.identity)).status, 'Accepted');
      assert.equal(on.st.auth.fromCache(tok('OK') as never, on.clock.now(), 86400), undefined);
      assert.equal((await clearCache(env.runtime, off.st.opts.identity)).status, 'Rejected');
    });

    test('TC_C_39_CSMS [C09.FR.02] [C09.FR.03] Group id: another token of the same group stops the transaction', async () => {
      const sid = idFor('C39', version);
      const s = await env.station({ identity: sid, version });
      await s.accepted();
      s.st.plugIn(1, 1);
      assert.equal((await s.st.presentToken(tok('GA').idToken)).status, 'Accepted');
      const txId = s.st.state().evses[0]!.transactionId!;
      await s.clock.advance(MIN);
      // Presented without naming an EVSE: the station finds the session of the token's group (C09.FR.03).
      assert.deepEqual(await s.st.presentToken(tok('GB').idToken), { status: 'Stopped', evseId: 1 });
      const answers = s.log.sent.filter((m) => m.action === 'Authorize').map((m) => (m.response as { idTokenInfo: { groupIdToken?: { idToken: string } } }).idTokenInfo.groupIdToken?.idToken);
      assert.deepEqual(answers, [`GROUP-${v}`, `GROUP-${v}`]);
      const tx = await eventually(async () => { const r = await env.store.getTransaction(sid, txId); return r?.state === 'Ended' ? r : undefined; }, 5000);
      assert.deepEqual([tx.stoppedReason, tx.triggerReason], ['Local', 'StopAuthorized']);
      assert.deepEqual(tx.idToken, tok('GA'));
    });
  });
}
