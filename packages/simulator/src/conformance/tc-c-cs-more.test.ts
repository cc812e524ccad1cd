// OCPP 2.0.1 Part 6, block C station test cases, part 3: local start Blocked/Expired (C01), the Authorization
// Cache (C12, ClearCache C11), GroupId with the Local Authorization List (C09) and the Master Pass (C16),
// replayed by a scripted CSMS in the OCTT's role. Each test asserts the TC's message sequence and tool validations.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { OcppTypes } from '@chargewire/ocpp';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { QUIET, sequence } from './sequence.ts';

type Status = OcppTypes.AuthorizationStatusEnumType;
const tok = (idToken: string) => ({ idToken, type: 'ISO14443' as const });
// TxStartPoint Authorized,EVConnected: the TCs' "Authorized" TransactionEvent is Updated when the EV was plugged in
// first (EVConnectedPreSession: "if transaction was already started").
const TX = { ...QUIET, 'TxCtrlr.TxStartPoint': 'Authorized,EVConnected', 'TxCtrlr.TxStopPoint': 'EVConnected,Authorized' };
const CACHE = { ...TX, 'AuthCacheCtrlr.Enabled': 'true', 'AuthCtrlr.LocalPreAuthorize': 'true', 'AuthCacheCtrlr.DisablePostAuthorize': 'false' };
// TC_C_40/43 expect the StopAuthorized event to be an Updated one: TxStopPoint without Authorized (ends at EVConnected).
const LIST = { ...TX, 'TxCtrlr.TxStopPoint': 'EVConnected', 'LocalAuthListCtrlr.Enabled': 'true', 'AuthCtrlr.LocalPreAuthorize': 'true', 'LocalAuthListCtrlr.DisablePostAuthorize': 'false', 'AuthCacheCtrlr.Enabled': 'false' };
const MASTER = { ...TX, 'AuthCtrlr.MasterPassGroupId': 'MASTERGROUP' };
const group = { idToken: 'GROUP1', type: 'Central' as const };
const masterGroup = { idToken: 'MASTERGROUP', type: 'Central' as const };
const MESSAGE_TIMEOUT_MS = 30_000;
const authorizedEvents = (c: { txEvents: OcppTypes.TransactionEventRequest[] }) => c.txEvents.filter((e) => e.triggerReason === 'Authorized');
const powerW = (st: { state(): { evses: { powerW: number }[] } }, evse = 1) => st.state().evses[evse - 1]!.powerW;
const charging = (st: { state(): { evses: { powerW: number }[] } }, evse = 1) => powerW(st, evse) > 0;

for (const version of VERSIONS) {
  describe(`Part 6 block C station test cases, part 3 (${version})`, () => {
    for (const [tc, status] of [['TC_C_06_CS', 'Blocked'], ['TC_C_07_CS', 'Expired']] as [string, Status][]) {
      test(`${tc} C01.FR.02 EVConnectedPreSession, Authorize answered ${status}: no TransactionEvent after the Authorize`, async () => {
        const { st, csms, clock } = await harness({ version, variables: TX, replies: { Authorize: () => ({ idTokenInfo: { status } }) } });
        st.plugIn(1, 1); // EVConnectedPreSession
        await settle();
        csms.clear();
        assert.equal((await st.presentToken('T')).status, status);
        await clock.advance(MESSAGE_TIMEOUT_MS);
        assert.deepEqual(sequence(csms), ['Authorize(T)']);
        assert.deepEqual(csms.of('Authorize')[0]!.idToken, tok('T'), 'step 1: idToken.idToken and type');
        assert.equal(st.evse(1).auth, undefined);
        assert.ok(!charging(st));
      });
    }

    test('TC_C_08_CS C12.FR.02 C12.FR.04 EVConnectedPreSession, a cached Accepted token: Authorized without Authorize, energy transfer started', async () => {
      const { st, csms } = await harness({ version, variables: CACHE });
      st.auth.remember(tok('V'), { status: 'Accepted' }, st.clock.now());
      st.plugIn(1, 1); // EVConnectedPreSession: the transaction starts here (TxStartPoint EVConnected)
      await settle();
      csms.clear();
      assert.equal((await st.presentToken('V')).status, 'Accepted');
      await settle();
      assert.equal(csms.of('Authorize').length, 0, 'the idToken is cached: no AuthorizationRequest');
      const a = authorizedEvents(csms)[0];
      assert.deepEqual([a?.eventType, a?.triggerReason, a?.idToken], ['Updated', 'Authorized', tok('V')]);
      assert.ok(csms.txEvents.some((e) => e.triggerReason === 'ChargingStateChanged' && e.transactionInfo.chargingState === 'Charging'), JSON.stringify(sequence(csms)));
      assert.ok(charging(st), 'post scenario: energy transfer is started');
    });

    test('TC_C_37_CS C11.FR.01 C11.FR.02 C11.FR.03 ClearCache Accepted; the formerly cached token is then sent in Authorize', async () => {
      const { st, csms } = await harness({ version, variables: CACHE });
      st.auth.remember(tok('V'), { status: 'Accepted' }, st.clock.now());
      csms.clear();
      assert.deepEqual(await csms.call('ClearCache', {}), { status: 'Accepted' });
      assert.equal(st.auth.cacheSize, 0);
      st.plugIn(1, 1); // ParkingBayOccupied, EVConnectedPreSession
      await settle();
      csms.clear();
      assert.equal((await st.presentToken('V')).status, 'Accepted');
      await settle();
      assert.deepEqual(csms.of('Authorize').map((a) => a.idToken), [tok('V')], 'step 5');
      assert.equal(sequence(csms)[0], 'Authorize(V)');
      const a = authorizedEvents(csms)[0];
      assert.deepEqual([a?.triggerReason, a?.idToken], ['Authorized', tok('V')], 'step 7');
      assert.ok(charging(st), 'step 9: EnergyTransferStarted');
    });

    test('TC_C_38_CS C11.FR.01 C11.FR.04 AuthCacheCtrlr.Enabled false: ClearCache Rejected', async () => {
      const { st, csms } = await harness({ version, variables: { ...CACHE, 'AuthCacheCtrlr.Enabled': 'false' } });
      st.auth.remember(tok('V'), { status: 'Accepted' }, st.clock.now());
      assert.deepEqual(await csms.call('ClearCache', {}), { status: 'Rejected' });
    });

    const withList = async (list: { idToken: ReturnType<typeof tok>; idTokenInfo: OcppTypes.IdTokenInfoType }[], replies = {}) => {
      const h = await harness({ version, variables: LIST, replies });
      assert.equal((await h.csms.call('SendLocalList', { versionNumber: 1, updateType: 'Full', localAuthorizationList: list })).status, 'Accepted');
      h.st.plugIn(1, 1); // EVConnectedPreSession
      await settle();
      h.csms.clear();
      return h;
    };
    const groupReply = { TransactionEvent: (r: OcppTypes.TransactionEventRequest) => (r.idToken ? { idTokenInfo: { status: 'Accepted' as const, groupIdToken: group } } : {}) };

    test('TC_C_40_CS C09.FR.02 C09.FR.03 C09.FR.07 two list tokens of one group: the second stops the transaction without Authorize', async () => {
      const { st, csms } = await withList([{ idToken: tok('V1'), idTokenInfo: { status: 'Accepted', groupIdToken: group } }, { idToken: tok('V2'), idTokenInfo: { status: 'Accepted', groupIdToken: group } }], groupReply);
      assert.equal((await st.presentToken('V1')).status, 'Accepted');
      await settle();
      const a = authorizedEvents(csms)[0];
      assert.deepEqual([a?.eventType, a?.triggerReason, a?.idToken], ['Updated', 'Authorized', tok('V1')], 'step 1');
      assert.ok(charging(st), 'step 3: EnergyTransferStarted');
      assert.equal((await st.presentToken('V2')).status, 'Stopped');
      await settle();
      const stop = csms.txEvents.find((e) => e.triggerReason === 'StopAuthorized');
      // Step 4 names valid_idtoken; E07.FR.02 makes it the token that stopped the transaction (V2), as in TC_C_41_CS.
      assert.deepEqual([stop?.eventType, stop?.idToken], ['Updated', tok('V2')], JSON.stringify(sequence(csms)));
      assert.equal(csms.of('Authorize').length, 0);
      assert.ok(!charging(st));
      st.unplug(1); // EVDisconnected: the transaction ends
      await settle();
      assert.equal(csms.txEvents.at(-1)?.eventType, 'Ended');
    });

    test('TC_C_43_CS C09.FR.02 C09.FR.03 C09.FR.07 an Invalid list token of the same group: Authorize (Invalid), no TransactionEvent, energy continues', async () => {
      const { st, csms, clock } = await withList([{ idToken: tok('V'), idTokenInfo: { status: 'Accepted', groupIdToken: group } }, { idToken: tok('BAD'), idTokenInfo: { status: 'Invalid', groupIdToken: group } }],
        { ...groupReply, Authorize: () => ({ idTokenInfo: { status: 'Invalid' as const, groupIdToken: group } }) });
      assert.equal((await st.presentToken('V')).status, 'Accepted');
      await settle();
      const a = authorizedEvents(csms)[0];
      assert.deepEqual([a?.eventType, a?.triggerReason, a?.idToken, csms.of('Authorize').length], ['Updated', 'Authorized', tok('V'), 0], 'step 1');
      assert.ok(charging(st), 'step 3: EnergyTransferStarted');
      const n = csms.received.length;
      await st.presentToken('BAD', 'ISO14443', 1);
      await clock.advance(MESSAGE_TIMEOUT_MS);
      // Step 4 is the Authorize; the scenario's note (no TransactionEventRequest) is asserted; the tool
      // validations' "Step 6" (StopAuthorized) has no step in the scenario.
      assert.deepEqual(sequence(csms).slice(n), ['Authorize(BAD)']);
      assert.deepEqual(csms.of('Authorize')[0]!.idToken, tok('BAD'));
      assert.ok(charging(st));
    });

    // C16: the station has no User Interface (C16.FR.01 is n/a, docs/conformance-status.json): a Master Pass
    // stops all ongoing transactions (C16.FR.02) with stoppedReason MasterPass (C16.FR.08).
    const masterPassStop = async () => {
      const h = await harness({ version, variables: MASTER, evses: [{ connectors: [{}] }, { connectors: [{}] }],
        replies: { Authorize: (r) => ({ idTokenInfo: r.idToken.idToken === 'M' ? { status: 'Accepted', groupIdToken: masterGroup } : { status: 'Accepted' } }),
          TransactionEvent: (r) => (r.idToken?.idToken === 'M' ? { idTokenInfo: { status: 'Accepted', groupIdToken: masterGroup } } : {}) } });
      // EnergyTransferStarted for EVSE 1 (valid_idtoken) and EVSE 2 (valid_idtoken2)
      for (const [evse, id] of [[1, 'V1'], [2, 'V2']] as const) {
        h.st.plugIn(evse, 1);
        await settle();
        assert.equal((await h.st.presentToken(id, 'ISO14443', evse)).status, 'Accepted');
        await settle();
        assert.ok(charging(h.st, evse), `EVSE ${evse} transfers energy`);
      }
      h.csms.clear();
      assert.equal((await h.st.presentToken('M')).status, 'Stopped');
      await settle();
      return h;
    };

    test('TC_C_49_CS C16.FR.02 C16.FR.08 a Master Pass without UI: Authorize, then every EVSE\'s transaction stops with stoppedReason MasterPass', async () => {
      const { st, csms } = await masterPassStop();
      assert.equal(sequence(csms)[0], 'Authorize(M)', JSON.stringify(sequence(csms)));
      assert.deepEqual(csms.of('Authorize').map((a) => a.idToken), [tok('M')], 'step 1');
      const ended = csms.txEvents.filter((e) => e.eventType === 'Ended');
      assert.deepEqual(ended.map((e) => e.evse?.id ?? 0).sort(), [1, 2], JSON.stringify(sequence(csms)));
      for (const e of ended) {
        assert.equal(e.transactionInfo.stoppedReason, 'MasterPass', 'step 3');
        assert.ok(e.idToken === undefined || (e.idToken.idToken === 'M' && e.idToken.type === 'ISO14443'), 'step 3: idToken omitted or the master pass token');
      }
      for (const e of csms.txEvents.filter((x) => x.idToken)) assert.deepEqual(e.idToken, tok('M'));
      assert.ok(!charging(st, 1) && !charging(st, 2));
    });

    test('TC_C_47_CS TC_C_48_CS C16.FR.01 (prerequisite not met: the station has no User Interface) a Master Pass offers no selection: all transactions stop', async () => {
      // Without a UI there is no "Select to stop all / the transaction on EVSE 1" step: C16.FR.02 applies, so
      // TC_C_48's post scenario (the other EVSE still transfers energy) cannot hold, and TC_C_47 equals TC_C_49.
      const { st, csms } = await masterPassStop();
      assert.deepEqual(csms.txEvents.filter((e) => e.eventType === 'Ended').map((e) => e.transactionInfo.stoppedReason), ['MasterPass', 'MasterPass']);
      assert.ok(!charging(st, 1) && !charging(st, 2));
    });
  });
}
