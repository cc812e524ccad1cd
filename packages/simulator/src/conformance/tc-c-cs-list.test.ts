// OCPP 2.0.1 Part 6, block C station test cases, part 2: authorization through the Local Authorization List,
// online (C14) and offline (C13), replayed by a scripted CSMS in the OCTT's role.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { OcppTypes } from '@chargewire/ocpp';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { QUIET, sequence } from './sequence.ts';

type Status = OcppTypes.AuthorizationStatusEnumType;
const tok = (idToken: string) => ({ idToken, type: 'ISO14443' as const });
const entry = (id: string, status: Status, extra: Partial<OcppTypes.IdTokenInfoType> = {}) => ({ idToken: tok(id), idTokenInfo: { status, ...extra } });
const TX = { ...QUIET, 'TxCtrlr.TxStartPoint': 'Authorized,EVConnected', 'TxCtrlr.TxStopPoint': 'EVConnected,Authorized' };
const LIST = { ...TX, 'LocalAuthListCtrlr.Enabled': 'true', 'AuthCtrlr.LocalPreAuthorize': 'true', 'LocalAuthListCtrlr.DisablePostAuthorize': 'false', 'AuthCacheCtrlr.Enabled': 'false' };
const OFFLINE = { ...LIST, 'AuthCtrlr.OfflineTxForUnknownIdEnabled': 'false', 'AuthCtrlr.LocalAuthorizeOffline': 'true' };
const charging = (st: { state(): { evses: { powerW: number }[] } }) => st.state().evses[0]!.powerW > 0;
const past = '2000-01-01T00:00:00Z';

for (const version of VERSIONS) {
  describe(`Part 6 block C station test cases, local list (${version})`, () => {
    const withList = async (variables: Record<string, string>, list: ReturnType<typeof entry>[], replies = {}) => {
      const h = await harness({ version, variables, replies });
      assert.equal((await h.csms.call('SendLocalList', { versionNumber: 1, updateType: 'Full', localAuthorizationList: list })).status, 'Accepted');
      h.csms.clear();
      return h;
    };

    // TC_C_22..24: offline, a non-Accepted list entry is presented; after the reconnect nothing was authorized.
    // (The TCs' TransactionEvent(EVDetected, offline) needs a parking bay detector with TxStartPoint
    // ParkingBayOccupancy, which the simulator does not model separately from the cable: not asserted.)
    for (const [tc, status, extra] of [['TC_C_22_CS', 'Invalid', {}], ['TC_C_23_CS', 'Blocked', {}], ['TC_C_24_CS', 'Expired', {}], ['TC_C_24_CS', 'Accepted', { cacheExpiryDateTime: past }]] as [string, Status, object][]) {
      test(`${tc} C13.FR.02 offline, list entry ${status}${'cacheExpiryDateTime' in extra ? ' (past its expiry)' : ''}: not authorized, no transaction`, async () => {
        const { st, csms, clock } = await withList({ ...OFFLINE, 'LocalAuthListCtrlr.SupportsExpiryDateTime': 'true' }, [entry('T', status, extra)]);
        await st.goOffline();
        assert.notEqual((await st.presentToken('T')).status, 'Accepted');
        await clock.advance(5_000);
        await st.goOnline();
        await settle();
        await clock.advance(1_000);
        assert.deepEqual([csms.of('Authorize').length, csms.txEvents.length, st.evse(1).auth], [0, 0, undefined], JSON.stringify(sequence(csms)));
      });
    }

    test('TC_C_25_CS C13.FR.01 C14.FR.01 offline, the list (Invalid) wins over the cache (Accepted): no transaction', async () => {
      const { st, csms, clock } = await withList({ ...OFFLINE, 'AuthCacheCtrlr.Enabled': 'true', 'AuthCtrlr.OfflineTxForUnknownIdEnabled': 'true', 'TxCtrlr.StopTxOnInvalidId': 'false' }, [entry('T', 'Invalid')]);
      st.auth.remember(tok('T'), { status: 'Accepted' }, st.clock.now());
      st.plugIn(1, 1); // EVConnectedPreSession
      await settle();
      const before = csms.txEvents.length;
      await st.goOffline();
      assert.equal((await st.presentToken('T')).status, 'Invalid');
      await clock.advance(10_000);
      await st.goOnline();
      await settle();
      await clock.advance(1_000);
      assert.ok(!csms.txEvents.slice(before).some((e) => e.idToken || e.triggerReason === 'Authorized' || e.transactionInfo.chargingState === 'Charging'), JSON.stringify(sequence(csms)));
      assert.ok(!charging(st));
    });

    test('TC_C_27_CS C14.FR.02 online, an Accepted list entry authorizes without Authorize; energy after plug-in', async () => {
      const { st, csms } = await withList(LIST, [entry('V', 'Accepted')]);
      assert.equal((await st.presentToken('V')).status, 'Accepted');
      await settle();
      assert.equal(csms.of('Authorize').length, 0);
      assert.deepEqual([csms.txEvents[0]?.triggerReason, csms.txEvents[0]?.idToken], ['Authorized', tok('V')]);
      st.plugIn(1, 1);
      await settle();
      assert.ok(charging(st));
    });

    for (const [tc, status] of [['TC_C_28_CS', 'Invalid'], ['TC_C_29_CS', 'Blocked'], ['TC_C_30_CS', 'Expired']] as [string, Status][]) {
      test(`${tc} C14.FR.03 online, a ${status} list entry is sent in Authorize; ${status} answer: no transaction`, async () => {
        const { st, csms, clock } = await withList(LIST, [entry('T', status)], { Authorize: () => ({ idTokenInfo: { status } }) });
        if (tc !== 'TC_C_28_CS') { st.plugIn(1, 1); await settle(); csms.clear(); } // EVConnectedPreSession
        assert.equal((await st.presentToken('T')).status, status);
        await clock.advance(10_000);
        assert.deepEqual(sequence(csms), ['Authorize(T)']);
        assert.deepEqual(csms.of('Authorize')[0]!.idToken, tok('T'));
      });
    }

    test('TC_C_31_CS C14.FR.03 online, an Invalid list entry that the CSMS accepts: Authorize, then energy is transferred', async () => {
      const { st, csms } = await withList(LIST, [entry('T', 'Invalid')]);
      assert.equal((await st.presentToken('T')).status, 'Accepted');
      st.plugIn(1, 1);
      await settle();
      assert.deepEqual(csms.of('Authorize').map((a) => a.idToken), [tok('T')]);
      assert.ok(charging(st));
      assert.equal(st.auth.fromList(tok('T'))?.status, 'Invalid', 'D01.FR.09: the list itself is not changed');
    });

    test('TC_C_58_CS C14.FR.03 LocalAuthListCtrlr.DisablePostAuthorize: an Invalid list entry is refused without Authorize', async () => {
      const { st, csms, clock } = await withList({ ...LIST, 'LocalAuthListCtrlr.DisablePostAuthorize': 'true' }, [entry('T', 'Invalid')]);
      assert.equal((await st.presentToken('T')).status, 'Invalid');
      await clock.advance(10_000);
      assert.deepEqual([csms.received.length, st.evse(1).auth], [0, undefined]);
    });
  });
}
