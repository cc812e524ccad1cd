// OCPP 2.0.1 Part 6, block C station test cases (plain authorization, the Authorization Cache, GroupId,
// Master Pass), replayed by a scripted CSMS in the OCTT's role. The local list and offline cases are in
// tc-c-cs-list.test.ts. Each test asserts the TC's "Tool validations" / post-scenario checks.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OcppTypes } from '@chargewire/ocpp';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { QUIET, sequence } from './sequence.ts';

type Status = OcppTypes.AuthorizationStatusEnumType;
const tok = (idToken: string, type: OcppTypes.IdTokenEnumType = 'ISO14443') => ({ idToken, type });
// TxStartPoint Authorized,EVConnected: the TCs' "Authorized" TransactionEvent is Started when the token comes
// first, Updated when the EV was plugged in first (EVConnectedPreSession: "if transaction was already started").
const TX = { ...QUIET, 'TxCtrlr.TxStartPoint': 'Authorized,EVConnected', 'TxCtrlr.TxStopPoint': 'EVConnected,Authorized' };
const CACHE = { ...TX, 'AuthCacheCtrlr.Enabled': 'true', 'AuthCtrlr.LocalPreAuthorize': 'true', 'AuthCacheCtrlr.DisablePostAuthorize': 'false' };
const group = { idToken: 'GROUP1', type: 'Central' as const };
const authorizedEvents = (c: { txEvents: OcppTypes.TransactionEventRequest[] }) => c.txEvents.filter((e) => e.triggerReason === 'Authorized');
const charging = (st: { state(): { evses: { powerW: number }[] } }) => st.state().evses[0]!.powerW > 0;

for (const version of VERSIONS) {
  describe(`Part 6 block C station test cases (${version})`, () => {
    test('TC_C_04_CS C01.FR.02 C01.FR.03 a different idToken does not stop the transaction (Authorize sent, no TransactionEvent with it)', async () => {
      const { st, csms, clock } = await harness({ version, variables: TX });
      st.plugIn(1, 1);
      await st.presentToken('START');
      await settle();
      assert.ok(charging(st));
      csms.clear();
      await st.presentToken('OTHER', 'ISO14443', 1); // the EVSE's own reader
      await clock.advance(30_000);
      assert.deepEqual(csms.of('Authorize').map((a) => a.idToken), [tok('OTHER')]);
      assert.ok(!csms.txEvents.some((e) => e.idToken || e.eventType === 'Ended'), JSON.stringify(sequence(csms)));
      assert.ok(charging(st));
    });

    for (const [tc, status] of [['TC_C_05_CS', 'Invalid'], ['TC_C_56_CS', 'Unknown']] as const) {
      test(`${tc} C01.FR.02 C06.FR.02 Authorize answered ${status}: no TransactionEvent follows`, async () => {
        const { st, csms, clock } = await harness({ version, variables: TX, replies: { Authorize: () => ({ idTokenInfo: { status } }) } });
        if (tc === 'TC_C_56_CS') st.plugIn(1, 1); // EVConnectedPreSession (TC_C_05: cable lock, no cable yet)
        await settle();
        csms.clear();
        assert.equal((await st.presentToken('BAD')).status, status);
        await clock.advance(30_000);
        assert.deepEqual(sequence(csms), ['Authorize(BAD)']);
        assert.deepEqual(csms.of('Authorize')[0]!.idToken, tok('BAD'));
        assert.equal(st.evse(1).auth, undefined);
      });
    }

    for (const [tc, cached, answer] of [['TC_C_09_CS', 'Invalid', 'Invalid'], ['TC_C_10_CS', 'Blocked', 'Blocked'], ['TC_C_11_CS', 'Expired', 'Expired'], ['TC_C_12_CS', 'Invalid', 'Accepted']] as [string, Status, Status][]) {
      test(`${tc} C12.FR.05 C10.FR.03 a cached ${cached} token is sent in Authorize; the answer (${answer}) decides`, async () => {
        const { st, csms } = await harness({ version, variables: CACHE, replies: { Authorize: () => ({ idTokenInfo: { status: answer } }) } });
        st.auth.remember(tok('T'), { status: cached }, st.clock.now());
        st.plugIn(1, 1); // EVConnectedPreSession
        await settle();
        csms.clear();
        assert.equal((await st.presentToken('T')).status, answer);
        await settle();
        assert.deepEqual(csms.of('Authorize').map((a) => a.idToken), [tok('T')]);
        assert.equal(charging(st), answer === 'Accepted', 'TC_C_12: energy transfer is started; otherwise not');
        assert.equal(authorizedEvents(csms).length, answer === 'Accepted' ? 1 : 0);
      });
    }

    test('TC_C_57_CS C12.FR.05 C10.FR.03 AuthCacheCtrlr.DisablePostAuthorize: a cached Invalid token is refused without Authorize', async () => {
      const { st, csms, clock } = await harness({ version, variables: { ...CACHE, 'AuthCacheCtrlr.DisablePostAuthorize': 'true' } });
      st.auth.remember(tok('T'), { status: 'Invalid' }, st.clock.now());
      st.plugIn(1, 1);
      await settle();
      csms.clear();
      assert.equal((await st.presentToken('T')).status, 'Invalid');
      await clock.advance(30_000);
      assert.deepEqual([csms.of('Authorize').length, csms.txEvents.length, st.evse(1).auth], [0, 0, undefined]);
    });

    test('TC_C_13_CS C12.FR.02 C12.FR.04 a cached Accepted token authorizes without Authorize before the cable; energy after plug-in', async () => {
      const { st, csms } = await harness({ version, variables: CACHE });
      st.auth.remember(tok('V'), { status: 'Accepted' }, st.clock.now());
      csms.clear();
      assert.equal((await st.presentToken('V')).status, 'Accepted');
      await settle();
      assert.equal(csms.of('Authorize').length, 0);
      const first = csms.txEvents[0]!;
      assert.deepEqual([first.eventType, first.triggerReason, first.idToken], ['Started', 'Authorized', tok('V')]);
      assert.ok(!charging(st), 'no energy while the cable is not plugged in');
      st.plugIn(1, 1);
      await settle();
      assert.ok(charging(st));
    });

    test('TC_C_14_CS C12.FR.09 C16.FR.03 a cached Master Pass token stops the transaction: StopAuthorized, MasterPass', async () => {
      const master = { idToken: 'MASTER', type: 'Central' as const };
      const { st, csms } = await harness({ version, variables: { ...CACHE, 'AuthCtrlr.MasterPassGroupId': 'MASTER' } });
      st.auth.remember(tok('M'), { status: 'Accepted', groupIdToken: master }, st.clock.now());
      st.plugIn(1, 1);
      await st.presentToken('DRIVER');
      await settle();
      assert.ok(charging(st));
      csms.clear();
      assert.equal((await st.presentToken('M')).status, 'Stopped');
      await settle();
      const ev = csms.txEvents[0]!;
      assert.deepEqual([ev.triggerReason, ev.idToken, ev.eventType, ev.transactionInfo.stoppedReason], ['StopAuthorized', tok('M'), 'Ended', 'MasterPass']);
      assert.equal(csms.of('Authorize').length, 0);
    });

    // TC_C_15..18: EVConnectedPreSession, connection lost, a cached valid token starts offline, on reconnect the
    // CSMS answers the queued idToken event with Invalid. [E03.FR.12] The offline Authorized event (EVConnected) and
    // the start of charging, a separate Updated(ChargingStateChanged, Charging), are both queued and sent offline=true.
    const offlineInvalid = async (variables: Record<string, string>) => {
      const h = await harness({ version, evPowerW: 11_000, variables: { ...CACHE, 'AuthCtrlr.LocalAuthorizeOffline': 'true', 'AuthCtrlr.OfflineTxForUnknownIdEnabled': 'true', ...variables },
        replies: { TransactionEvent: (r) => (r.idToken ? { idTokenInfo: { status: 'Invalid' } } : {}) } });
      h.st.auth.remember(tok('V'), { status: 'Accepted' }, h.st.clock.now());
      h.st.plugIn(1, 1);
      await settle();
      h.csms.clear();
      await h.st.goOffline();
      assert.equal((await h.st.presentToken('V')).status, 'Accepted');
      await h.clock.advance(5_000);
      await h.st.goOnline();
      await h.csms.until(() => h.csms.txEvents.length >= 2);
      await h.clock.advance(1_000);
      const [first, second] = h.csms.txEvents;
      assert.deepEqual([first!.triggerReason, first!.idToken, first!.offline, first!.transactionInfo.chargingState], ['Authorized', tok('V'), true, 'EVConnected']);
      assert.deepEqual([second!.eventType, second!.triggerReason, second!.offline, second!.transactionInfo.chargingState], ['Updated', 'ChargingStateChanged', true, 'Charging']);
      return h;
    };

    test('TC_C_15_CS C12.FR.02 C12.FR.04 StopTxOnInvalidId false, MaxEnergyOnInvalidId 10000: energy continues, no Deauthorized, no SuspendedEVSE', async () => {
      const { st, csms, clock } = await offlineInvalid({ 'TxCtrlr.StopTxOnInvalidId': 'false', 'TxCtrlr.MaxEnergyOnInvalidId': '10000' });
      await clock.advance(60_000);
      assert.ok(!csms.txEvents.some((e) => e.triggerReason === 'Deauthorized' || e.transactionInfo.chargingState === 'SuspendedEVSE'), JSON.stringify(sequence(csms)));
      assert.ok(charging(st));
    });

    for (const [tc, max] of [['TC_C_16_CS', '0'], ['TC_C_18_CS', '500']] as const) {
      test(`${tc} C12.FR.02 C12.FR.04 StopTxOnInvalidId true, MaxEnergyOnInvalidId ${max}: Deauthorized, energy stops`, async () => {
        const { st, csms } = await offlineInvalid({ 'TxCtrlr.StopTxOnInvalidId': 'true', 'TxCtrlr.MaxEnergyOnInvalidId': max });
        await csms.until(() => csms.txEvents.some((e) => e.triggerReason === 'Deauthorized'));
        assert.ok(!charging(st));
      });
    }

    test('TC_C_17_CS C12.FR.02 C12.FR.04 StopTxOnInvalidId false, MaxEnergyOnInvalidId 0: SuspendedEVSE, energy stops', async () => {
      const { st, csms } = await offlineInvalid({ 'TxCtrlr.StopTxOnInvalidId': 'false', 'TxCtrlr.MaxEnergyOnInvalidId': '0' });
      await csms.until(() => csms.txEvents.some((e) => e.transactionInfo.chargingState === 'SuspendedEVSE'));
      assert.ok(!csms.txEvents.some((e) => e.triggerReason === 'Deauthorized'));
      assert.ok(!charging(st));
    });

    test('TC_C_32_CS C10.FR.02 the cache survives a reboot: the cached token starts without Authorize', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'cw-tc-c32-'));
      const a = await harness({ version, dataDir, variables: CACHE });
      a.st.auth.remember(tok('V'), { status: 'Accepted' }, a.st.clock.now());
      await a.st.stop();
      const { st, csms } = await harness({ version, dataDir, variables: CACHE }); // Booted again from the same storage
      csms.clear();
      assert.equal((await st.presentToken('V')).status, 'Accepted');
      await settle();
      assert.equal(csms.of('Authorize').length, 0);
      assert.deepEqual([csms.txEvents[0]?.triggerReason, csms.txEvents[0]?.idToken], ['Authorized', tok('V')]);
      st.plugIn(1, 1);
      await settle();
      assert.ok(charging(st));
    });

    test('TC_C_33_CS C10.FR.04 C12.FR.06 the AuthorizeResponse is cached: the next session starts without Authorize', async () => {
      const { st, csms } = await harness({ version, variables: { ...CACHE, 'LocalAuthListCtrlr.Enabled': 'true' },
        replies: { TransactionEvent: (r) => (r.idToken ? { idTokenInfo: { status: csms.of('Authorize').length ? 'Accepted' : 'Invalid' } } : {}) } });
      st.plugIn(1, 1);
      await settle();
      csms.clear();
      await st.presentToken('V');
      await settle();
      assert.deepEqual(csms.of('Authorize').map((a) => a.idToken), [tok('V')]);
      assert.deepEqual([authorizedEvents(csms)[0]?.eventType, authorizedEvents(csms)[0]?.idToken], ['Updated', tok('V')]);
      await st.presentToken('V'); // StopAuthorized, then EVDisconnected
      st.unplug(1);
      await settle();
      st.plugIn(1, 1);
      await settle();
      csms.clear();
      await st.presentToken('V');
      await settle();
      assert.equal(csms.of('Authorize').length, 0, 'step 12 comes from the cache');
      assert.deepEqual([authorizedEvents(csms)[0]?.eventType, authorizedEvents(csms)[0]?.idToken], ['Updated', tok('V')]);
    });

    test('TC_C_34_CS C10.FR.05 C12.FR.06 the TransactionEventResponse (Invalid) updates the cache: the next attempt is sent in Authorize', async () => {
      // Errata 6.2.28: StopTxOnInvalidId true, MaxEnergyOnInvalidId 0 (Deauthorized reusable state).
      const { st, csms } = await harness({ version, variables: { ...CACHE, 'LocalAuthListCtrlr.Enabled': 'true', 'TxCtrlr.StopTxOnInvalidId': 'true', 'TxCtrlr.MaxEnergyOnInvalidId': '0' },
        replies: { TransactionEvent: (r) => (r.idToken ? { idTokenInfo: { status: 'Invalid' } } : {}), Authorize: () => ({ idTokenInfo: { status: 'Invalid' } }) } });
      st.auth.remember(tok('V'), { status: 'Accepted' }, st.clock.now());
      st.plugIn(1, 1);
      await settle();
      csms.clear();
      await st.presentToken('V');
      await csms.until(() => csms.txEvents.some((e) => e.triggerReason === 'Deauthorized'));
      assert.equal(csms.of('Authorize').length, 0);
      assert.deepEqual([authorizedEvents(csms)[0]?.eventType, authorizedEvents(csms)[0]?.idToken], ['Updated', tok('V')]);
      st.unplug(1);
      await settle();
      st.plugIn(1, 1);
      await settle();
      assert.equal((await st.presentToken('V')).status, 'Invalid');
      assert.deepEqual(csms.of('Authorize').map((a) => a.idToken), [tok('V')]);
    });

    test('TC_C_36_CS C10.FR.11 LocalPreAuthorize false: a cached Accepted token is still sent in Authorize', async () => {
      const { st, csms } = await harness({ version, variables: { ...CACHE, 'AuthCtrlr.LocalPreAuthorize': 'false' }, replies: { Authorize: () => ({ idTokenInfo: { status: 'Invalid' } }) } });
      st.auth.remember(tok('V'), { status: 'Accepted' }, st.clock.now());
      csms.clear();
      assert.equal((await st.presentToken('V')).status, 'Invalid');
      assert.deepEqual(csms.of('Authorize').map((a) => a.idToken), [tok('V')]);
    });

    test('TC_C_41_CS C09.FR.02 C09.FR.03 C09.FR.07 a cached token of the same group stops the transaction without Authorize', async () => {
      const { st, csms } = await harness({ version, variables: CACHE, replies: { TransactionEvent: (r) => (r.idToken ? { idTokenInfo: { status: 'Accepted', groupIdToken: group } } : {}) } });
      st.auth.remember(tok('V1'), { status: 'Accepted', groupIdToken: group }, st.clock.now());
      st.auth.remember(tok('V2'), { status: 'Accepted', groupIdToken: group }, st.clock.now());
      st.plugIn(1, 1);
      await settle();
      csms.clear();
      await st.presentToken('V1');
      await settle();
      assert.deepEqual([csms.txEvents[0]?.eventType, csms.txEvents[0]?.triggerReason, csms.txEvents[0]?.idToken], ['Updated', 'Authorized', tok('V1')]);
      assert.ok(charging(st));
      assert.equal((await st.presentToken('V2')).status, 'Stopped');
      await settle();
      const stop = csms.txEvents.find((e) => e.triggerReason === 'StopAuthorized')!;
      assert.deepEqual(stop.idToken, tok('V2'), 'E07.FR.02: the stop event carries the token that stopped it');
      assert.equal(csms.of('Authorize').length, 0);
    });

    test('TC_C_42_CS C09.FR.11 an Invalid token of the same group does not stop the transaction', async () => {
      const { st, csms, clock } = await harness({ version, variables: TX,
        replies: { Authorize: (r) => ({ idTokenInfo: { status: r.idToken.idToken === 'BAD' ? 'Invalid' : 'Accepted', groupIdToken: group } }),
          TransactionEvent: (r) => (r.idToken ? { idTokenInfo: { status: 'Accepted', groupIdToken: group } } : {}) } });
      st.plugIn(1, 1);
      await settle();
      csms.clear();
      await st.presentToken('V');
      await settle();
      assert.deepEqual([csms.of('Authorize')[0]?.idToken, authorizedEvents(csms)[0]?.eventType, authorizedEvents(csms)[0]?.idToken], [tok('V'), 'Updated', tok('V')]);
      const n = csms.txEvents.length;
      await st.presentToken('BAD', 'ISO14443', 1);
      await clock.advance(30_000);
      assert.deepEqual(csms.of('Authorize').map((a) => a.idToken.idToken), ['V', 'BAD']);
      assert.ok(!csms.txEvents.slice(n).some((e) => e.triggerReason === 'StopAuthorized' || e.eventType === 'Ended'), JSON.stringify(sequence(csms)));
      assert.ok(charging(st));
    });

    test('TC_C_44_CS C09.FR.02 C09.FR.03 C09.FR.07 a cached Invalid token of the same group is checked with Authorize and does not stop', async () => {
      const { st, csms, clock } = await harness({ version, variables: CACHE,
        replies: { Authorize: () => ({ idTokenInfo: { status: 'Invalid', groupIdToken: group } }), TransactionEvent: (r) => (r.idToken ? { idTokenInfo: { status: 'Accepted', groupIdToken: group } } : {}) } });
      st.auth.remember(tok('V'), { status: 'Accepted', groupIdToken: group }, st.clock.now());
      st.auth.remember(tok('BAD'), { status: 'Invalid', groupIdToken: group }, st.clock.now());
      st.plugIn(1, 1);
      await settle();
      csms.clear();
      await st.presentToken('V');
      await settle();
      assert.deepEqual([csms.of('Authorize').length, authorizedEvents(csms)[0]?.eventType, authorizedEvents(csms)[0]?.idToken], [0, 'Updated', tok('V')]);
      const n = csms.txEvents.length;
      await st.presentToken('BAD', 'ISO14443', 1);
      await clock.advance(30_000);
      assert.deepEqual(csms.of('Authorize').map((a) => a.idToken), [tok('BAD')]);
      assert.equal(csms.txEvents.length, n, JSON.stringify(sequence(csms)));
      assert.ok(charging(st));
    });

    test('TC_C_45_CS C16.FR.03 a Master Pass token (from Authorize) cannot start a transaction', async () => {
      const { st, csms, clock } = await harness({ version, variables: { ...QUIET, 'TxCtrlr.TxStartPoint': 'Authorized', 'AuthCtrlr.MasterPassGroupId': 'MASTER' },
        replies: { Authorize: () => ({ idTokenInfo: { status: 'Accepted', groupIdToken: { idToken: 'MASTER', type: 'Central' } } }) } });
      csms.clear();
      assert.equal((await st.presentToken('M')).status, 'MasterPass');
      st.plugIn(1, 1);
      await clock.advance(10_000);
      assert.deepEqual(csms.of('Authorize').map((a) => a.idToken), [tok('M')]);
      assert.ok(!csms.txEvents.some((e) => e.transactionInfo.chargingState === 'Charging'), JSON.stringify(sequence(csms)));
      assert.ok(!charging(st));
    });

    test('TC_C_46_CS C10.FR.08 after AuthCacheCtrlr.LifeTime the cached token is no longer used: Authorize is sent', async () => {
      const { st, csms, clock } = await harness({ version, variables: { ...CACHE, 'AuthCacheCtrlr.LifeTime': '120' } });
      st.auth.remember(tok('V'), { status: 'Accepted' }, st.clock.now());
      st.plugIn(1, 1);
      await settle();
      await clock.advance(121_000);
      csms.clear();
      assert.equal((await st.presentToken('V')).status, 'Accepted');
      assert.deepEqual(csms.of('Authorize').map((a) => a.idToken), [tok('V')]);
    });
  });
}
