// Block C (C01–C16), station side: one focused test per requirement group, named after the FR IDs.
// The simulator runs on a ManualClock against a scripted CSMS (2.1 and 2.0.1).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OcppTypes } from '@chargewire/ocpp';
import { settle } from '../clock.ts';
import { AuthStore } from '../auth-store.ts';
import { pressStartButton } from '../blocks/authorization.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { QUIET, sequence } from './sequence.ts';

type Status = OcppTypes.AuthorizationStatusEnumType;
const tok = (idToken: string, type: OcppTypes.IdTokenEnumType = 'ISO14443') => ({ idToken, type });
const entry = (id: string, status: Status, extra: Partial<OcppTypes.IdTokenInfoType> = {}) => ({ idToken: tok(id), idTokenInfo: { status, ...extra } });
const TX = { ...QUIET, 'TxCtrlr.TxStartPoint': 'PowerPathClosed', 'TxCtrlr.TxStopPoint': 'EVConnected,Authorized' };
const ON = { ...TX, 'LocalAuthListCtrlr.Enabled': 'true', 'AuthCacheCtrlr.Enabled': 'true' };
const past = '2000-01-01T00:00:00Z';
const future = '2100-01-01T00:00:00Z';
const TWO = [{ connectors: [{}] }, { connectors: [{}] }];

for (const version of VERSIONS) {
  describe(`block C station FRs (${version})`, () => {
    test('C01.FR.01 C06.FR.01 energy is offered only after authorization', async () => {
      const { st } = await harness({ version, variables: TX });
      st.plugIn(1, 1);
      await settle();
      assert.deepEqual([st.state().evses[0]!.powerW, st.state().evses[0]!.chargingState], [0, 'EVConnected']);
      await st.presentToken('TAG1');
      assert.ok(st.state().evses[0]!.powerW > 0);
    });

    test('C01.FR.02 C06.FR.02 C01.FR.04 C06.FR.03 unknown and Local tokens are sent in Authorize; a whole session uses Authorize once', async () => {
      const { st, csms } = await harness({ version, variables: ON });
      csms.clear();
      await st.presentToken('LOC1', 'Local');
      assert.deepEqual(csms.of('Authorize').map((a) => a.idToken), [tok('LOC1', 'Local')]);
      st.plugIn(1, 1);
      await st.presentToken('LOC1', 'Local'); // stop with the same token: no Authorize
      st.unplug(1);
      await settle();
      assert.equal(csms.of('Authorize').length, 1);
    });

    test('C01.FR.03 E07.FR.01 E07.FR.02 (a) the same token ends the authorization without Authorize; the stop event carries it', async () => {
      const { st, csms } = await harness({ version, variables: { ...TX, 'TxCtrlr.TxStopPoint': 'Authorized' } });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      csms.clear();
      await st.presentToken('TAG1');
      await settle();
      assert.deepEqual(sequence(csms), ['TransactionEvent(Ended,StopAuthorized,Local)']);
      assert.deepEqual(csms.txEvents[0]!.idToken, tok('TAG1'));
    });

    test('C01.FR.03 E07.FR.01 E07.FR.02 C09.FR.02 (b) a listed, valid token of the same group ends it without Authorize; the stop event carries that token', async () => {
      const group = { idToken: 'G1', type: 'Central' as const };
      const { st, csms } = await harness({ version, variables: { ...ON, 'TxCtrlr.TxStopPoint': 'Authorized' } });
      await csms.call('SendLocalList', { versionNumber: 1, updateType: 'Full', localAuthorizationList: [entry('A', 'Accepted', { groupIdToken: group }), entry('B', 'Accepted', { groupIdToken: group })] });
      csms.replies.Authorize = () => ({ idTokenInfo: { status: 'Accepted', groupIdToken: group } });
      st.plugIn(1, 1);
      await st.presentToken('A');
      await settle();
      csms.clear();
      assert.equal((await st.presentToken('B')).status, 'Stopped');
      await settle();
      assert.deepEqual(sequence(csms), ['TransactionEvent(Ended,StopAuthorized,Local)']);
      assert.deepEqual(csms.txEvents[0]!.idToken, tok('B'));
    });

    test('C01.FR.05 a token in the Local Authorization List is still sent in Authorize when LocalPreAuthorize is false', async () => {
      const { st, csms } = await harness({ version, variables: { ...ON, 'AuthCtrlr.LocalPreAuthorize': 'false' } });
      await csms.call('SendLocalList', { versionNumber: 1, updateType: 'Full', localAuthorizationList: [entry('L', 'Accepted')] });
      await st.presentToken('L');
      assert.equal(csms.of('Authorize').length, 1);
    });

    test('C01.FR.21 charging only on the EVSEs listed in IdTokenInfo.evseId', async () => {
      const { st } = await harness({ version, evses: TWO, variables: TX, replies: { Authorize: () => ({ idTokenInfo: { status: 'Accepted', evseId: [2] } }) } });
      assert.equal((await st.presentToken('TAG1', 'ISO14443', 1)).status, 'NotAllowedAtEvse');
      assert.equal(st.evse(1).auth, undefined);
      assert.equal((await st.presentToken('TAG1', 'ISO14443', 2)).status, 'Accepted');
    });

    test('C01.FR.23 a deauthorized transaction is not re-authorized by a different token', async () => {
      const { st, csms } = await harness({ version, variables: { ...TX, 'TxCtrlr.TxStartPoint': 'EVConnected', 'TxCtrlr.TxStopPoint': 'EVConnected' },
        replies: { TransactionEvent: (r) => (r.idToken?.idToken === 'TAG1' ? { idTokenInfo: { status: 'Invalid' } } : {}) } });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await csms.until(() => csms.txEvents.some((e) => e.triggerReason === 'Deauthorized'));
      assert.equal((await st.presentToken('OTHER', 'ISO14443', 1)).status, 'Occupied');
      assert.equal(st.evse(1).auth, undefined);
      assert.equal(st.state().evses[0]!.powerW, 0);
    });

    test('C01.FR.25 tokens are equal only when idToken and type are equal', async () => {
      const { st, csms } = await harness({ version, variables: TX });
      st.plugIn(1, 1);
      await st.presentToken('TAG1', 'ISO14443');
      await settle();
      csms.clear();
      assert.notEqual((await st.presentToken('TAG1', 'ISO15693')).status, 'Stopped');
      await settle();
      assert.deepEqual(st.evse(1).auth?.idToken, tok('TAG1'));
      assert.equal(csms.txEvents.length, 0);
    });

    test('C01.FR.26 EVConnectionTimeOut ends the authorization when no cable is plugged in', async () => {
      const { st, clock } = await harness({ version, variables: { ...TX, 'TxCtrlr.EVConnectionTimeOut': '20' } });
      await st.presentToken('TAG1');
      await clock.advance(19_000);
      assert.ok(st.evse(1).auth);
      await clock.advance(2_000);
      assert.equal(st.evse(1).auth, undefined);
    });

    test('C02.FR.01 C02.FR.03 start button: NoAuthorization with an empty idToken, never cached', async () => {
      const { st, csms } = await harness({ version, variables: ON, replies: { TransactionEvent: (r) => (r.idToken ? { idTokenInfo: { status: 'Accepted' } } : {}) } });
      st.plugIn(1, 1);
      pressStartButton(st, 1);
      await csms.until(() => csms.txEvents.length === 1);
      assert.deepEqual(csms.txEvents[0]!.idToken, { idToken: '', type: 'NoAuthorization' });
      assert.equal(st.auth.cacheSize, 0);
    });

    test('C05.FR.01 C05.FR.02 C05.FR.03 C05.FR.05 Central remote start: no Authorize, remoteStartId and idToken in the first event, not cached', async () => {
      const { st, csms } = await harness({ version, variables: { ...ON, 'AuthCtrlr.AuthorizeRemoteStart': 'true' },
        replies: { TransactionEvent: (r) => (r.idToken ? { idTokenInfo: { status: 'Accepted' } } : {}) } });
      csms.clear();
      assert.equal((await csms.call('RequestStartTransaction', { idToken: tok('CENTRAL1', 'Central'), remoteStartId: 7, evseId: 1 })).status, 'Accepted');
      st.plugIn(1, 1);
      await csms.until(() => csms.txEvents.length === 1);
      assert.equal(csms.of('Authorize').length, 0);
      const first = csms.txEvents[0]!;
      assert.deepEqual([first.idToken, first.transactionInfo.remoteStartId], [tok('CENTRAL1', 'Central'), 7]);
      assert.equal(st.auth.cacheSize, 0);
    });

    test('C04.FR.03 keyCode tokens may be cached', async () => {
      const { st } = await harness({ version, variables: ON });
      await st.presentToken('1234', 'KeyCode');
      assert.equal(st.auth.cacheSize, 1);
    });

    test('C10.FR.02 D01.FR.10 the cache and the local list persist across restarts', () => {
      const path = join(mkdtempSync(join(tmpdir(), 'cw-auth-')), 'auth.json');
      const a = new AuthStore(path);
      a.applyList({ versionNumber: 3, updateType: 'Full', localAuthorizationList: [entry('L', 'Accepted')] }, 10);
      a.remember(tok('C'), { status: 'Accepted' }, 0);
      const b = new AuthStore(path);
      assert.deepEqual([b.listVersion, b.fromList(tok('L'))?.status, b.fromCache(tok('C'), 1, 60)?.status], [3, 'Accepted', 'Accepted']);
    });

    test('C10.FR.03 C12.FR.05 C12.FR.06 a cached non-Accepted token is checked with Authorize online; the cache takes the answer', async () => {
      const { st, csms } = await harness({ version, variables: { ...ON, 'AuthCtrlr.LocalPreAuthorize': 'true' } });
      st.auth.remember(tok('T'), { status: 'Blocked' }, st.clock.now());
      assert.equal((await st.presentToken('T')).status, 'Accepted');
      assert.equal(csms.of('Authorize').length, 1);
      assert.equal(st.auth.fromCache(tok('T'), st.clock.now(), 86400)?.status, 'Accepted');
    });

    test('C10.FR.05 the TransactionEventResponse idTokenInfo updates the cache entry', async () => {
      const group = { idToken: 'G9', type: 'Central' as const };
      const { st, csms } = await harness({ version, variables: ON, replies: { TransactionEvent: (r) => (r.idToken ? { idTokenInfo: { status: 'Accepted', groupIdToken: group } } : {}) } });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await csms.until(() => csms.txEvents.length === 1);
      await settle();
      assert.deepEqual(st.auth.fromCache(tok('TAG1'), st.clock.now(), 86400)?.groupIdToken, group);
    });

    test('C10.FR.07 a full cache accepts new entries by evicting (non-Accepted first, then the oldest)', () => {
      const s = new AuthStore(undefined, 2);
      s.remember(tok('A'), { status: 'Accepted' }, 0);
      s.remember(tok('B'), { status: 'Blocked' }, 1);
      s.remember(tok('C'), { status: 'Accepted' }, 2);
      assert.deepEqual([s.cacheSize, s.fromCache(tok('B'), 3, 60), s.fromCache(tok('A'), 3, 60)?.status], [2, undefined, 'Accepted']);
      s.remember(tok('D'), { status: 'Accepted' }, 3);
      assert.deepEqual([s.fromCache(tok('A'), 4, 60), s.fromCache(tok('D'), 4, 60)?.status], [undefined, 'Accepted']);
    });

    test('C10.FR.08 C10.FR.10 without cacheExpiryDateTime an entry expires AuthCacheCtrlr.LifeTime seconds after its last update', async () => {
      const { st, clock } = await harness({ version, variables: { ...ON, 'AuthCacheCtrlr.LifeTime': '60' } });
      await st.presentToken('T');
      st.stopCharging(1);
      await st.goOffline();
      await clock.advance(61_000);
      assert.equal((await st.presentToken('T')).status, 'Unknown');
      assert.equal(st.auth.cacheSize, 0);
    });

    test('C10.FR.11 C11.FR.04 AuthCacheCtrlr.Enabled = false: nothing is cached and ClearCache is Rejected', async () => {
      const { st, csms } = await harness({ version, variables: { ...ON, 'AuthCacheCtrlr.Enabled': 'false' } });
      await st.presentToken('T');
      assert.equal(st.auth.cacheSize, 0);
      assert.deepEqual(await csms.call('ClearCache', {}), { status: 'Rejected' });
    });

    test('C10.FR.13 an entry past its cacheExpiryDateTime is removed (and not stored)', () => {
      const s = new AuthStore();
      s.remember(tok('OLD'), { status: 'Accepted', cacheExpiryDateTime: past }, Date.parse('2020-01-01T00:00:00Z'));
      assert.equal(s.cacheSize, 0);
      s.remember(tok('SOON'), { status: 'Accepted', cacheExpiryDateTime: '2030-01-01T00:00:00Z' }, Date.parse('2020-01-01T00:00:00Z'));
      assert.equal(s.fromCache(tok('SOON'), Date.parse('2031-01-01T00:00:00Z'), 1e9), undefined);
      assert.equal(s.cacheSize, 0);
    });

    test('C10.FR.14 all IdTokenInfo fields are kept in the cache', async () => {
      const info: OcppTypes.IdTokenInfoType = { status: 'Accepted', cacheExpiryDateTime: future, chargingPriority: 2, language1: 'en', language2: 'nl', evseId: [1], groupIdToken: { idToken: 'G', type: 'Central' }, personalMessage: { format: 'UTF8', content: 'hi' } };
      const { st } = await harness({ version, variables: ON, replies: { Authorize: () => ({ idTokenInfo: info }) } });
      await st.presentToken('T');
      assert.deepEqual(st.auth.fromCache(tok('T'), st.clock.now(), 86400), info);
    });

    test('C11.FR.01 C11.FR.02 C11.FR.03 C11.FR.05 ClearCache empties the cache (Accepted) or reports a failure (Rejected)', async () => {
      const { st, csms } = await harness({ version, variables: ON });
      await st.presentToken('T');
      assert.equal(st.auth.cacheSize, 1);
      assert.deepEqual(await csms.call('ClearCache', {}), { status: 'Accepted' });
      assert.equal(st.auth.cacheSize, 0);
      st.auth.clearCache = () => { throw new Error('flash write failed'); };
      assert.deepEqual(await csms.call('ClearCache', {}), { status: 'Rejected' });
    });

    test('C12.FR.04 C12.FR.09 C16.FR.03 LocalPreAuthorize: a cached Accepted token starts the energy offer without Authorize; a Master Pass token does not start', async () => {
      const master = { idToken: 'MASTER', type: 'Central' as const };
      const { st, csms } = await harness({ version, variables: { ...ON, 'AuthCtrlr.LocalPreAuthorize': 'true', 'AuthCtrlr.MasterPassGroupId': 'MASTER' } });
      st.auth.remember(tok('T'), { status: 'Accepted' }, st.clock.now());
      st.auth.remember(tok('M'), { status: 'Accepted', groupIdToken: master }, st.clock.now());
      st.plugIn(1, 1);
      assert.equal((await st.presentToken('M')).status, 'MasterPass');
      assert.equal(st.state().evses[0]!.powerW, 0);
      assert.equal((await st.presentToken('T')).status, 'Accepted');
      assert.ok(st.state().evses[0]!.powerW > 0);
      assert.equal(csms.of('Authorize').length, 0);
    });

    test('C13.FR.01 C14.FR.01 the Local Authorization List has priority over the cache', async () => {
      const { st, csms } = await harness({ version, variables: { ...ON, 'AuthCtrlr.LocalPreAuthorize': 'true' } });
      await csms.call('SendLocalList', { versionNumber: 1, updateType: 'Full', localAuthorizationList: [entry('X', 'Accepted'), entry('Y', 'Blocked')] });
      st.auth.remember(tok('X'), { status: 'Blocked' }, st.clock.now());
      st.auth.remember(tok('Y'), { status: 'Accepted' }, st.clock.now());
      csms.clear();
      assert.equal((await st.presentToken('X')).status, 'Accepted');
      assert.equal(csms.of('Authorize').length, 0, 'online: the list says Accepted');
      st.stopCharging(1);
      await st.goOffline();
      assert.equal((await st.presentToken('Y')).status, 'Blocked', 'offline: the list says Blocked');
    });

    test('C13.FR.02 C13.FR.03 offline, OfflineTxForUnknownIdEnabled false: only Accepted list entries authorize, locally', async () => {
      const { st, csms } = await harness({ version, variables: { ...ON, 'AuthCacheCtrlr.Enabled': 'false' } });
      await csms.call('SendLocalList', { versionNumber: 1, updateType: 'Full', localAuthorizationList: [entry('OK', 'Accepted'), entry('NO', 'Blocked')] });
      await st.goOffline();
      csms.clear();
      assert.equal((await st.presentToken('NO')).status, 'Blocked');
      assert.equal((await st.presentToken('UNKNOWN')).status, 'Unknown');
      assert.equal((await st.presentToken('OK')).status, 'Accepted');
      assert.equal(csms.received.length, 0);
    });

    test('C13.FR.04 offline, OfflineTxForUnknownIdEnabled true: unknown and Accepted list tokens authorize, a Blocked entry does not', async () => {
      const { st, csms } = await harness({ version, evses: TWO, variables: { ...ON, 'AuthCtrlr.OfflineTxForUnknownIdEnabled': 'true' } });
      await csms.call('SendLocalList', { versionNumber: 1, updateType: 'Full', localAuthorizationList: [entry('OK', 'Accepted'), entry('NO', 'Blocked')] });
      await st.goOffline();
      assert.equal((await st.presentToken('NO', 'ISO14443', 1)).status, 'Blocked');
      assert.equal((await st.presentToken('OK', 'ISO14443', 1)).status, 'Accepted');
      assert.equal((await st.presentToken('NEW', 'ISO14443', 2)).status, 'Accepted');
    });

    test('C13.FR.05 C13.FR.06 SupportsExpiryDateTime: an expired list entry counts as absent offline', async () => {
      const { st, csms } = await harness({ version, evses: TWO, variables: { ...ON, 'AuthCacheCtrlr.Enabled': 'false', 'LocalAuthListCtrlr.SupportsExpiryDateTime': 'true' } });
      await csms.call('SendLocalList', { versionNumber: 1, updateType: 'Full', localAuthorizationList: [entry('OLD', 'Accepted', { cacheExpiryDateTime: past }), entry('NEW', 'Accepted', { cacheExpiryDateTime: future })] });
      await st.goOffline();
      assert.equal((await st.presentToken('OLD', 'ISO14443', 1)).status, 'Unknown', 'C13.FR.05');
      assert.equal((await st.presentToken('NEW', 'ISO14443', 1)).status, 'Accepted');
      st.dm.setInternal({ name: 'AuthCtrlr' }, { name: 'OfflineTxForUnknownIdEnabled' }, 'true');
      assert.equal((await st.presentToken('OLD', 'ISO14443', 2)).status, 'Accepted', 'C13.FR.06: as an unknown id');
    });

    test('C14.FR.02 C14.FR.03 C14.FR.04 C14.FR.05 online with LocalPreAuthorize: Accepted (unexpired) entries start without Authorize, others are sent in Authorize', async () => {
      const { st, csms } = await harness({ version, evses: [{}, {}, {}], variables: { ...ON, 'AuthCacheCtrlr.Enabled': 'false', 'AuthCtrlr.LocalPreAuthorize': 'true', 'LocalAuthListCtrlr.SupportsExpiryDateTime': 'true' } });
      await csms.call('SendLocalList', { versionNumber: 1, updateType: 'Full', localAuthorizationList: [entry('OK', 'Accepted', { cacheExpiryDateTime: future }), entry('NO', 'Blocked'), entry('OLD', 'Accepted', { cacheExpiryDateTime: past })] });
      csms.clear();
      await st.presentToken('OK', 'ISO14443', 1);
      assert.deepEqual(csms.of('Authorize'), [], 'C14.FR.02 C14.FR.04');
      await st.presentToken('NO', 'ISO14443', 2);
      await st.presentToken('OLD', 'ISO14443', 3);
      assert.deepEqual(csms.of('Authorize').map((a) => a.idToken.idToken), ['NO', 'OLD'], 'C14.FR.03 C14.FR.05');
    });

    test('C15.FR.06 offline-authorized unknown id rejected later, StopTxOnInvalidId false: energy stops, Updated(ChargingStateChanged, SuspendedEVSE)', async () => {
      const { st, csms } = await harness({ version, variables: { ...TX, 'AuthCtrlr.OfflineTxForUnknownIdEnabled': 'true', 'TxCtrlr.StopTxOnInvalidId': 'false', 'TxCtrlr.MaxEnergyOnInvalidId': '0' },
        replies: { TransactionEvent: (r) => (r.idToken ? { idTokenInfo: { status: 'Invalid' } } : {}) } });
      await st.goOffline();
      st.plugIn(1, 1);
      await st.presentToken('STRANGER');
      await st.goOnline();
      await csms.until(() => csms.txEvents.length === 3);
      // queued offline: Started(Authorized, EVConnected), [E03.FR.12] the energy transfer start (Charging); then the stop of the energy.
      assert.deepEqual(csms.txEvents.map((e) => [e.eventType, e.triggerReason, e.transactionInfo.chargingState]), [
        ['Started', 'Authorized', 'EVConnected'], ['Updated', 'ChargingStateChanged', 'Charging'], ['Updated', 'ChargingStateChanged', 'SuspendedEVSE']]);
      assert.equal(st.state().evses[0]!.powerW, 0);
    });

    test('C15.FR.07 MaxEnergyOnInvalidId: energy continues until that many Wh were delivered', async () => {
      const { st, csms, clock } = await harness({ version, evPowerW: 10_000, variables: { ...TX, 'TxCtrlr.StopTxOnInvalidId': 'false', 'TxCtrlr.MaxEnergyOnInvalidId': '100' },
        replies: { TransactionEvent: (r) => (r.idToken ? { idTokenInfo: { status: 'Invalid' } } : {}) } });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await clock.advance(20_000); // 10 kW x 20 s = 55.6 Wh
      assert.ok(st.state().evses[0]!.powerW > 0);
      await clock.advance(20_000); // 111 Wh > 100 Wh
      assert.equal(st.state().evses[0]!.powerW, 0);
      assert.equal(csms.txEvents.at(-1)!.transactionInfo.chargingState, 'SuspendedEVSE');
    });

    test('C16.FR.02 C16.FR.04 C16.FR.05 C16.FR.08 a Master Pass (list or cache) stops every transaction with stoppedReason MasterPass', async () => {
      const master = { idToken: 'MASTER', type: 'Central' as const };
      const { st, csms } = await harness({ version, evses: TWO, variables: { ...ON, 'TxCtrlr.TxStopPoint': 'Authorized', 'AuthCtrlr.MasterPassGroupId': 'MASTER', 'AuthCtrlr.OfflineTxForUnknownIdEnabled': 'true' } });
      await csms.call('SendLocalList', { versionNumber: 1, updateType: 'Full', localAuthorizationList: [entry('ML', 'Accepted', { groupIdToken: master })] });
      st.auth.remember(tok('MC'), { status: 'Accepted', groupIdToken: master }, st.clock.now());
      await st.goOffline();
      for (const id of [1, 2]) { st.plugIn(id, 1); await st.presentToken(`D${id}`, 'ISO14443', id); }
      assert.equal((await st.presentToken('ML')).status, 'Stopped', 'C16.FR.05 from the list');
      st.stopCharging(1); // nothing left
      await st.presentToken('D1', 'ISO14443', 1);
      assert.equal((await st.presentToken('MC')).status, 'Stopped', 'C16.FR.04 from the cache');
      await st.goOnline();
      await csms.until(() => csms.txEvents.filter((e) => e.eventType === 'Ended').length === 3);
      assert.deepEqual(csms.txEvents.filter((e) => e.eventType === 'Ended').map((e) => [e.triggerReason, e.transactionInfo.stoppedReason]),
        [['StopAuthorized', 'MasterPass'], ['StopAuthorized', 'MasterPass'], ['StopAuthorized', 'MasterPass']]);
    });
  });
}
