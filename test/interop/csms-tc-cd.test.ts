// Blocks C and D end-to-end over real WebSockets: the OCPP 2.0.1 Part 6 test cases TC_C_40/43/48_CSMS and
// TC_D_09_CSMS, each in OCPP 2.0.1 and 2.1. The station is a raw OcppClient playing the OCTT's side; the
// operator's "manual actions" go through the REST API of the running CSMS (Fastify inject, admin token).
// TC_C_50/51/52_CSMS (ISO 15118 contract certificates checked by the CSMS over OCSP) are not applicable: the
// CSMS has no OCSP client and leaves certificateStatus to an external authorizer (authorization.ts, C07).
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { OcppClient, OcppVersion } from '@chargewire/ocpp';
import type { AuthorizationData, SendLocalListRequest } from '@chargewire/ocpp/types';
import type { TestCsms } from '../fixtures/csms.ts';
import { aBootNotification, aNotifyReport, aReportData } from '../fixtures/builders.ts';
import { connectorStatus, startApiCsms, txOf } from '../fixtures/tc-csms.ts';

const iso = (idToken: string) => ({ idToken, type: 'ISO14443' as const });

for (const version of ['2.0.1', '2.1'] as OcppVersion[]) {
  describe(`blocks C and D test cases over WebSocket, OCPP ${version}`, () => {
    let h: Awaited<ReturnType<typeof startApiCsms>>;
    let t: TestCsms;
    before(async () => {
      h = await startApiCsms('tc-cd');
      t = h.t;
      // Memory state: two valid idTokens with the same GroupId (operator API), a master pass group token
      for (const id of ['VALID', 'VALID2']) assert.equal((await h.api('PUT', `/id-tokens/ISO14443/${id}`, { status: 'Accepted', groupIdToken: { idToken: 'GROUP', type: 'Central' } })).status, 200);
      assert.equal((await h.api('PUT', '/id-tokens/ISO14443/MASTER', { status: 'Accepted', groupIdToken: { idToken: 'MPG', type: 'Central' } })).status, 200);
    });
    after(async () => { await h.stop(); });
    let n = 0;
    const booted = async (tc: string) => {
      const sid = `${tc}-${version.replace(/\./g, '')}-${n++}`;
      const cs = await t.connect(sid, { version });
      assert.equal((await cs.call('BootNotification', aBootNotification())).status, 'Accepted');
      await connectorStatus(cs, 1, 'Available');
      return { sid, cs };
    };

    /** Memory state of TC_C_40/43: both tokens in the station's Local Authorization List, sent by the operator. */
    const withLocalList = async (sid: string, cs: OcppClient) => {
      const got: SendLocalListRequest[] = [];
      cs.handle('SendLocalList', async (_c, req) => { got.push(req); return { status: 'Accepted' }; });
      const entry = (id: string): AuthorizationData => ({ idToken: iso(id), idTokenInfo: { status: 'Accepted', groupIdToken: { idToken: 'GROUP', type: 'Central' } } });
      const r = await h.api('POST', `/stations/${sid}/local-list`, { updateType: 'Full', localAuthorizationList: [entry('VALID'), entry('VALID2')] });
      assert.equal(r.status, 200);
      assert.equal(r.body['status'], 'Accepted');
      // [C09.FR.02] the tokens of one group carry the common groupIdToken in their IdTokenInfo
      assert.deepEqual(got.flatMap((g) => g.localAuthorizationList ?? []).map((e) => [e.idToken.idToken, e.idTokenInfo?.groupIdToken?.idToken]), [['VALID', 'GROUP'], ['VALID2', 'GROUP']]);
    };

    /** EVConnectedPreSession, then the Authorized event of VALID (steps 1-2), then EnergyTransferStarted (step 3). */
    const startedByValid = async (cs: OcppClient, id: string) => {
      const send = txOf(cs, id, 1);
      await connectorStatus(cs, 1, 'Occupied');
      await send('Started', 'CablePluggedIn', { chargingState: 'EVConnected' });
      const step2 = await send('Updated', 'Authorized', {}, { idToken: iso('VALID') });
      assert.deepEqual(step2.idTokenInfo && [step2.idTokenInfo.status, step2.idTokenInfo.groupIdToken?.idToken], ['Accepted', 'GROUP']);
      await send('Updated', 'ChargingStateChanged', { chargingState: 'Charging' });
      return send;
    };

    /** EVConnectedPostSession and EVDisconnected: the transaction ends with stoppedReason EVDisconnected. */
    const endSession = async (cs: OcppClient, send: ReturnType<typeof txOf>) => {
      await send('Updated', 'ChargingStateChanged', { chargingState: 'EVConnected' });
      await connectorStatus(cs, 1, 'Available');
      await send('Ended', 'EVCommunicationLost', { chargingState: 'Idle', stoppedReason: 'EVDisconnected' });
    };

    test('TC_C_40_CSMS [C09.FR.02] [C09.FR.03] GroupId with Local Authorization List: another token of the group stops, both Accepted with the group', async () => {
      const { sid, cs } = await booted('C40');
      await withLocalList(sid, cs);
      const send = await startedByValid(cs, 'c40');
      // step 5-6: StopAuthorized by the second token of the same group
      const step6 = await send('Updated', 'StopAuthorized', {}, { idToken: iso('VALID2') });
      assert.deepEqual(step6.idTokenInfo && [step6.idTokenInfo.status, step6.idTokenInfo.groupIdToken], ['Accepted', { idToken: 'GROUP', type: 'Central' }]);
      await endSession(cs, send);
      const tx = (await t.store.getTransaction(sid, 'c40'))!;
      assert.deepEqual([tx.state, tx.stoppedReason, tx.idToken?.idToken, tx.deauthorized], ['Ended', 'EVDisconnected', 'VALID', true]);
    });

    test('TC_C_43_CSMS [C09.FR.02] [C09.FR.03] GroupId with Local Authorization List: Authorize of the second token and its StopAuthorized carry the group', async () => {
      const { sid, cs } = await booted('C43');
      await withLocalList(sid, cs);
      const send = await startedByValid(cs, 'c43');
      // step 4-5: AuthorizeRequest with the second token of the group
      const step5 = await cs.call('Authorize', { idToken: iso('VALID2') });
      assert.deepEqual([step5.idTokenInfo.status, step5.idTokenInfo.groupIdToken?.idToken], ['Accepted', 'GROUP']);
      // step 6-7
      const step7 = await send('Updated', 'StopAuthorized', {}, { idToken: iso('VALID2') });
      assert.deepEqual(step7.idTokenInfo && [step7.idTokenInfo.status, step7.idTokenInfo.groupIdToken?.idToken], ['Accepted', 'GROUP']);
      await endSession(cs, send);
      assert.equal((await t.store.getTransaction(sid, 'c43'))?.state, 'Ended');
      // a different group is no group member: the CSMS does not give it GROUP
      const other = await cs.call('Authorize', { idToken: iso('MASTER') });
      assert.notEqual(other.idTokenInfo.groupIdToken?.idToken, 'GROUP');
    });

    test('TC_C_48_CSMS [C16.FR.01] [C12.FR.09] Master Pass with UI stops one selected transaction: Accepted with MasterPassGroupId, the other keeps running', async () => {
      const { sid, cs } = await booted('C48');
      // Memory state: the station's AuthCtrlr.MasterPassGroupId (reported in its device model) is MPG
      assert.deepEqual(await cs.call('NotifyReport', aNotifyReport({ requestId: 1, reportData: [aReportData('AuthCtrlr', 'MasterPassGroupId', 'MPG')] })), {});
      await connectorStatus(cs, 2, 'Available');
      // State is EnergyTransferStarted for all EVSE (VALID on EVSE 1, VALID2 on EVSE 2)
      const sends = [];
      for (const [evseId, token] of [[1, 'VALID'], [2, 'VALID2']] as const) {
        const send = txOf(cs, `c48-${evseId}`, evseId);
        assert.equal((await cs.call('Authorize', { idToken: iso(token) })).idTokenInfo.status, 'Accepted');
        await connectorStatus(cs, evseId, 'Occupied');
        assert.equal((await send('Started', 'Authorized', { chargingState: 'EVConnected' }, { idToken: iso(token) })).idTokenInfo?.status, 'Accepted');
        await send('Updated', 'ChargingStateChanged', { chargingState: 'Charging' });
        sends.push(send);
      }
      // steps 1-2: Authorize of the master pass
      const step2 = await cs.call('Authorize', { idToken: iso('MASTER') });
      assert.deepEqual([step2.idTokenInfo.status, step2.idTokenInfo.groupIdToken?.idToken], ['Accepted', 'MPG']);
      // steps 3-4: the user selected the transaction on EVSE 1 only
      const step4 = await sends[0]!('Ended', 'StopAuthorized', { stoppedReason: 'MasterPass', chargingState: 'EVConnected' }, { idToken: iso('MASTER') });
      assert.deepEqual(step4.idTokenInfo && [step4.idTokenInfo.status, step4.idTokenInfo.groupIdToken?.idToken], ['Accepted', 'MPG']);
      const [a, b] = [await t.store.getTransaction(sid, 'c48-1'), await t.store.getTransaction(sid, 'c48-2')];
      assert.deepEqual([a?.state, a?.stoppedReason], ['Ended', 'MasterPass']);
      assert.deepEqual([b?.state, b?.chargingState], ['Updated', 'Charging']);
      // [C16.FR.03] the master pass cannot start a transaction of its own
      const own = await txOf(cs, 'c48-own', 1)('Started', 'Authorized', {}, { idToken: iso('MASTER') });
      assert.notEqual(own.idTokenInfo?.status, 'Accepted');
    });

    test('TC_D_09_CSMS [D02.FR.01] [D02.FR.02] Get Local List Version - no list available: GetLocalListVersion sent, versionNumber 0 in sync', async () => {
      const { sid, cs } = await booted('D09');
      const got: unknown[] = [];
      let held = 0; // the OCTT holds no list
      cs.handle('GetLocalListVersion', async (_c, req) => { got.push(req); return { versionNumber: held }; });
      // Manual action: request the CSMS to get the Local Authorization List version
      const r = await h.api('POST', `/stations/${sid}/local-list/version`);
      assert.equal(r.status, 200);
      assert.deepEqual(got, [{}]);
      assert.deepEqual(r.body, { versionNumber: 0, storedVersion: 0, inSync: true });
      // a station that holds a list the CSMS never sent is reported out of sync
      held = 7;
      assert.deepEqual((await h.api('POST', `/stations/${sid}/local-list/version`)).body, { versionNumber: 7, storedVersion: 0, inSync: false });
    });
  });
}
