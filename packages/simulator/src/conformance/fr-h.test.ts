// Block H (Reservation), station side, named after the FR IDs (2.1 and 2.0.1), with the FRs of other blocks that
// depend on reservations (B01.FR.13, B11.FR.05, E01.FR.13, E02.FR.03, E03.FR.03, F01/F02, G01.FR.06, G01.FR.09).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Action, ActionMap, OcppTypes, OcppVersion } from '@chargewire/ocpp';
import { settle } from '../clock.ts';
import { harness, VERSIONS, type Harness } from '../testing/harness.ts';
import type { StationOptions } from '../station-types.ts';
import { QUIET } from './sequence.ts';
import { reservations } from '../blocks/reservation.ts';

type Token = OcppTypes.IdTokenType;
type Replies = { [A in Action]?: (req: ActionMap[A]['request']) => ActionMap[A]['response'] };
const tok = (idToken: string): Token => ({ idToken, type: 'ISO14443' });
const RES = tok('RES1');
const GROUP: Token = { idToken: 'FLEET', type: 'Central' };
const MIN = 60_000;
/** Authorize: MEMBER belongs to GROUP, STRANGER to another group, everybody is Accepted. */
const groups: Replies = {
  Authorize: (req) => ({ idTokenInfo: { status: 'Accepted', ...(req.idToken.idToken === 'MEMBER' ? { groupIdToken: GROUP } : req.idToken.idToken === 'STRANGER' ? { groupIdToken: tok('OTHERS') } : {}) } }),
};
const setup = (version: OcppVersion, opts: Partial<StationOptions> & { replies?: Replies } = {}) =>
  harness({ version, ...opts, variables: { ...QUIET, ...opts.variables }, replies: { ReservationStatusUpdate: () => ({}), ...groups, ...opts.replies } });
const statuses = (h: Harness): string[] => h.csms.of('StatusNotification').map((s) => `${s.evseId}/${s.connectorId}:${s.connectorStatus}`);
const updates = (h: Harness) => h.csms.of('ReservationStatusUpdate').map((u) => `${u.reservationId}:${u.reservationUpdateStatus}`);
async function reserve(h: Harness, id: number, more: Partial<OcppTypes.ReserveNowRequest> = {}): Promise<string> {
  const r = await h.csms.call('ReserveNow', { id, expiryDateTime: new Date(h.clock.now() + 10 * MIN).toISOString(), idToken: RES, ...more });
  await settle();
  return r.status;
}
const TWO_CONNECTORS = [{ connectors: [{ type: 'cType2' }, { type: 'cCCS2' }] }];

for (const version of VERSIONS) {
  describe(`block H station FRs (${version})`, () => {
    test('H01.FR.01 not configured to accept reservations (ReservationCtrlr.Enabled false, or Available false): Rejected', async () => {
      const h = await setup(version);
      await h.csms.call('SetVariables', { setVariableData: [{ component: { name: 'ReservationCtrlr' }, variable: { name: 'Enabled' }, attributeValue: 'false' }] });
      assert.equal(await reserve(h, 1, { evseId: 1 }), 'Rejected');
      const off = await setup(version, { variables: { 'ReservationCtrlr.Available': 'false' } });
      assert.equal(await reserve(off, 1, { evseId: 1 }), 'Rejected');
      assert.deepEqual([reservations(h.st), statuses(h).filter((s) => s.endsWith('Reserved'))], [[], []]);
    });

    test('H01.FR.03 H01.FR.23 an Available EVSE by id: Accepted, then StatusNotification Reserved for all its connectors', async () => {
      const h = await setup(version, { evses: TWO_CONNECTORS });
      h.csms.clear();
      assert.equal(await reserve(h, 1, { evseId: 1 }), 'Accepted');
      assert.deepEqual(statuses(h), ['1/1:Reserved', '1/2:Reserved']);
    });

    test('H01.FR.02 a ReserveNow with the id of a reservation replaces it (here: another EVSE and idToken)', async () => {
      const h = await setup(version, { evses: [{}, {}] });
      await reserve(h, 7, { evseId: 1 });
      h.csms.clear();
      assert.equal(await reserve(h, 7, { evseId: 2, idToken: tok('RES2') }), 'Accepted');
      assert.deepEqual(statuses(h).sort(), ['1/1:Available', '2/1:Reserved']);
      assert.deepEqual(reservations(h.st).map((r) => [r.id, r.evseId, r.idToken.idToken]), [[7, 2, 'RES2']]);
    });

    test('H01.FR.04 H01.FR.18 H01.FR.07 H01.FR.20 without evseId: Accepted; as many EVSEs left as reservations: all Reserved; the last one is kept free', async () => {
      const h = await setup(version, { evses: [{}, {}] });
      h.csms.clear();
      assert.equal(await reserve(h, 1), 'Accepted');
      assert.deepEqual(statuses(h), [], 'two EVSEs for one reservation: still Available');
      assert.deepEqual(await h.st.presentToken('OTHER'), { status: 'Accepted', evseId: 1 });
      await settle();
      assert.deepEqual(statuses(h), ['2/1:Reserved'], 'H01.FR.07 one EVSE stays available for the reservation');
      assert.deepEqual(await h.st.presentToken('STRANGER', 'ISO14443', 2), { status: 'Reserved', evseId: 2 });
      const two = await setup(version, { evses: [{}, {}] });
      await reserve(two, 1);
      two.csms.clear();
      assert.equal(await reserve(two, 2, { idToken: tok('RES2') }), 'Accepted');
      assert.deepEqual(statuses(two), ['1/1:Reserved', '2/1:Reserved'], 'H01.FR.20');
    });

    test('H01.FR.19 ReservationCtrlr.NonEvseSpecific false: a reservation without evseId (also for a connector type) is Rejected', async () => {
      const h = await setup(version, { variables: { 'ReservationCtrlr.NonEvseSpecific': 'false' } });
      assert.deepEqual([await reserve(h, 1), await reserve(h, 2, { connectorType: 'cType2' }), await reserve(h, 3, { evseId: 1 })], ['Rejected', 'Rejected', 'Accepted']);
    });

    test('H01.FR.06 H01.FR.09 H01.FR.24 H01.FR.11 a connector type: Accepted while an EVSE with it is Available; all such EVSEs Reserved once the count is reached; then Occupied', async () => {
      const h = await setup(version, { evses: [{ connectors: [{ type: 'cType2' }] }, { connectors: [{ type: 'cCCS2' }] }, { connectors: [{ type: 'cCCS2' }] }] });
      h.csms.clear();
      assert.equal(await reserve(h, 1, { connectorType: 'cCCS2' }), 'Accepted');
      assert.deepEqual(statuses(h), []);
      assert.deepEqual(await h.st.presentToken('OTHER', 'ISO14443', 2), { status: 'Accepted', evseId: 2 });
      await settle();
      assert.deepEqual(statuses(h), ['3/1:Reserved'], 'H01.FR.09 the last cCCS2 EVSE is kept for the reservation');
      assert.deepEqual(await h.st.presentToken('STRANGER', 'ISO14443', 3), { status: 'Reserved', evseId: 3 });
      assert.deepEqual(await h.st.presentToken('STRANGER', 'ISO14443', 1), { status: 'Accepted', evseId: 1 }, 'another connector type is free');
      assert.equal(await reserve(h, 2, { connectorType: 'cCCS2', idToken: tok('RES2') }), 'Occupied');
      const b = await setup(version, { evses: [{ connectors: [{ type: 'cType2' }] }, { connectors: [{ type: 'cCCS2' }] }, { connectors: [{ type: 'cCCS2' }] }] });
      await reserve(b, 1, { connectorType: 'cCCS2' });
      b.csms.clear();
      await reserve(b, 2, { connectorType: 'cCCS2', idToken: tok('RES2') });
      assert.deepEqual(statuses(b), ['2/1:Reserved', '3/1:Reserved'], 'H01.FR.24');
    });

    test('H01.FR.11 an EVSE that is Reserved, or Occupied by an EV / transaction: Occupied', async () => {
      const h = await setup(version, { evses: [{}, {}] });
      await reserve(h, 1, { evseId: 1 });
      assert.equal(await reserve(h, 2, { evseId: 1, idToken: tok('RES2') }), 'Occupied');
      h.st.plugIn(2, 1);
      await settle();
      assert.equal(await reserve(h, 3, { evseId: 2, idToken: tok('RES3') }), 'Occupied');
      assert.equal(await reserve(h, 4, { idToken: tok('RES4') }), 'Occupied', 'without evseId: the only free EVSE is reserved');
    });

    test('H01.FR.14 an Inoperative EVSE, or without evseId an Inoperative station: Unavailable', async () => {
      const h = await setup(version, { evses: [{}, {}] });
      await h.csms.call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1 } });
      assert.equal(await reserve(h, 1, { evseId: 1 }), 'Unavailable');
      await h.csms.call('ChangeAvailability', { operationalStatus: 'Inoperative' });
      assert.deepEqual([await reserve(h, 2), await reserve(h, 3, { evseId: 2 })], ['Unavailable', 'Unavailable']);
    });

    test('H01.FR.17 the reserved EVSE is made Inoperative: Unavailable, then ReservationStatusUpdate Removed; a station-wide Inoperative removes all', async () => {
      const h = await setup(version, { evses: [{}, {}] });
      await reserve(h, 1, { evseId: 1 });
      await reserve(h, 2);
      h.csms.clear();
      assert.equal((await h.csms.call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1 } })).status, 'Accepted');
      await h.csms.until(() => updates(h).length === 1);
      assert.deepEqual([h.csms.received.map((r) => r.action), updates(h)], [['StatusNotification', 'ReservationStatusUpdate'], ['1:Removed']]);
      await h.csms.call('ChangeAvailability', { operationalStatus: 'Inoperative' });
      await h.csms.until(() => updates(h).length === 2);
      assert.deepEqual([updates(h), reservations(h.st)], [['1:Removed', '2:Removed'], []]);
    });

    test('E03.FR.03 H01.FR.15 H03.FR.01 H03.FR.09 H03.FR.10 IdToken first at the reserved EVSE: Available, the transaction that follows carries the reservationId', async () => {
      const h = await setup(version, { variables: { 'TxCtrlr.TxStartPoint': 'Authorized' } });
      await reserve(h, 11, { evseId: 1 });
      h.csms.clear();
      assert.deepEqual(await h.st.presentToken(RES.idToken), { status: 'Accepted', evseId: 1 });
      await settle();
      assert.deepEqual(statuses(h), ['1/1:Available']);
      assert.deepEqual(h.csms.txEvents.map((e) => [e.eventType, e.reservationId]), [['Started', 11]]);
      h.st.plugIn(1, 1);
      await settle();
      assert.ok(h.csms.txEvents.slice(1).every((e) => e.reservationId === undefined), 'only the next TransactionEvent');
      assert.deepEqual(reservations(h.st), []);
    });

    test('E01.FR.13 E02.FR.03 G01.FR.09 G01.FR.06 cable first (TxStartPoint EVConnected) on a Reserved connector: stays Reserved, another token is refused; the reserved one: Occupied, the next event has the reservationId', async () => {
      const h = await setup(version, { variables: { 'TxCtrlr.TxStartPoint': 'EVConnected', 'TxCtrlr.TxStopPoint': 'EVConnected' } });
      await reserve(h, 12, { evseId: 1 });
      h.csms.clear();
      h.st.plugIn(1, 1);
      await settle();
      assert.deepEqual(statuses(h), [], 'G01.FR.09 no status change on plug-in');
      assert.deepEqual(h.csms.txEvents.map((e) => [e.eventType, e.reservationId]), [['Started', undefined]]);
      assert.deepEqual(await h.st.presentToken('STRANGER'), { status: 'Reserved', evseId: 1 });
      await settle();
      assert.deepEqual([statuses(h), h.st.state().evses[0]!.chargingState], [[], 'EVConnected'], 'G01.FR.09 no change, no charging');
      assert.deepEqual(await h.st.presentToken(RES.idToken), { status: 'Accepted', evseId: 1 });
      await settle();
      assert.deepEqual(statuses(h), ['1/1:Occupied'], 'G01.FR.06');
      assert.deepEqual(h.csms.txEvents.slice(1, 2).map((e) => [e.eventType, e.triggerReason, e.reservationId]), [['Updated', 'Authorized', 12]]);
    });

    test('F01.FR.21 F02.FR.23 RequestStartTransaction for an EVSE Reserved for another idToken, no groupIdToken: Rejected (EV plugged in, and not)', async () => {
      const h = await setup(version, { evses: [{}, {}] });
      await reserve(h, 1, { evseId: 1 });
      await reserve(h, 2, { evseId: 2 });
      h.st.plugIn(1, 1);
      await settle();
      for (const evseId of [1, 2]) {
        const r = await h.csms.call('RequestStartTransaction', { idToken: tok('OTHER'), remoteStartId: evseId, evseId, groupIdToken: GROUP });
        assert.equal(r.status, 'Rejected', `EVSE ${evseId}`);
      }
    });

    test('F01.FR.22 F02.FR.24 F02.FR.06 Reserved for an idToken and a groupIdToken: another token of another group is Rejected; one of the group starts, with the reservationId', async () => {
      const h = await setup(version, { evses: [{}, {}] });
      await reserve(h, 1, { evseId: 1, groupIdToken: GROUP });
      await reserve(h, 2, { evseId: 2, groupIdToken: GROUP });
      h.st.plugIn(1, 1);
      await settle();
      for (const evseId of [1, 2]) {
        const r = await h.csms.call('RequestStartTransaction', { idToken: tok('OTHER'), remoteStartId: evseId, evseId, groupIdToken: tok('OTHERS') });
        assert.equal(r.status, 'Rejected', `EVSE ${evseId}`);
      }
      h.csms.clear();
      assert.equal((await h.csms.call('RequestStartTransaction', { idToken: tok('MEMBER'), remoteStartId: 9, evseId: 2, groupIdToken: GROUP })).status, 'Accepted');
      await settle();
      h.st.plugIn(2, 1);
      await h.csms.until(() => h.csms.txEvents.length === 1);
      assert.deepEqual(h.csms.txEvents.map((e) => [e.eventType, e.evse?.id, e.reservationId, e.transactionInfo.remoteStartId]), [['Started', 2, 2, 9]]);
    });

    test('H02.FR.01 CancelReservation of an unknown reservationId: Rejected', async () => {
      const h = await setup(version);
      assert.equal((await h.csms.call('CancelReservation', { reservationId: 99 })).status, 'Rejected');
    });

    test('H02.FR.02 H02.FR.03 H02.FR.04 cancelling a reservation by EVSE: Accepted, its connectors Available, no ReservationStatusUpdate, anyone may charge', async () => {
      const h = await setup(version, { evses: TWO_CONNECTORS });
      await reserve(h, 3, { evseId: 1 });
      h.csms.clear();
      assert.equal((await h.csms.call('CancelReservation', { reservationId: 3 })).status, 'Accepted');
      await settle();
      assert.deepEqual([statuses(h), updates(h)], [['1/1:Available', '1/2:Available'], []]);
      assert.deepEqual(await h.st.presentToken('OTHER'), { status: 'Accepted', evseId: 1 });
    });

    test('H02.FR.05 H02.FR.06 cancelling a reservation without EVSE when the count was reached: the EVSEs that were Reserved report Available', async () => {
      const h = await setup(version, { evses: [{}, {}] });
      await reserve(h, 1);
      await reserve(h, 2, { idToken: tok('RES2') });
      h.csms.clear();
      assert.equal((await h.csms.call('CancelReservation', { reservationId: 2 })).status, 'Accepted');
      await settle();
      assert.deepEqual(statuses(h), ['1/1:Available', '2/1:Available']);
      assert.deepEqual(await h.st.presentToken('OTHER'), { status: 'Accepted', evseId: 1 });
    });

    test('H03.FR.04 H03.FR.08 a reservation by EVSE with a groupIdToken: an unknown token is looked up with Authorize and starts when its group matches', async () => {
      const h = await setup(version);
      await reserve(h, 4, { evseId: 1, groupIdToken: GROUP });
      assert.deepEqual(await h.st.presentToken('STRANGER'), { status: 'Reserved', evseId: 1 });
      h.csms.clear();
      assert.deepEqual(await h.st.presentToken('MEMBER'), { status: 'Accepted', evseId: 1 });
      await settle();
      assert.deepEqual([h.csms.of('Authorize').map((a) => a.idToken.idToken), statuses(h)], [['MEMBER'], ['1/1:Available']]);
      assert.equal(h.st.evse(1).reservationId, 4);
    });

    test('H03.FR.07 the groupIdToken of a token in the Local Authorization List is used without Authorize (LocalPreAuthorize)', async () => {
      const h = await setup(version, { variables: { 'LocalAuthListCtrlr.Enabled': 'true', 'AuthCtrlr.LocalPreAuthorize': 'true' } });
      await h.csms.call('SendLocalList', { versionNumber: 1, updateType: 'Full', localAuthorizationList: [{ idToken: tok('LISTED'), idTokenInfo: { status: 'Accepted', groupIdToken: GROUP } }] });
      await reserve(h, 5, { evseId: 1, groupIdToken: GROUP });
      h.csms.clear();
      assert.deepEqual(await h.st.presentToken('LISTED'), { status: 'Accepted', evseId: 1 });
      assert.deepEqual([h.csms.of('Authorize').length, reservations(h.st)], [0, []]);
    });

    test('H03.FR.02 H03.FR.05 a connector type reservation is used at an EVSE with that type, by its idToken or its group', async () => {
      const evses = [{ connectors: [{ type: 'cType2' }] }, { connectors: [{ type: 'cCCS2' }] }];
      const h = await setup(version, { evses });
      await reserve(h, 1, { connectorType: 'cCCS2' });
      assert.deepEqual(statuses(h).at(-1), '2/1:Reserved');
      assert.deepEqual(await h.st.presentToken(RES.idToken), { status: 'Accepted', evseId: 2 }, 'its reserved EVSE is chosen');
      assert.equal(h.st.evse(2).reservationId, 1);
      const g = await setup(version, { evses });
      await reserve(g, 2, { connectorType: 'cCCS2', groupIdToken: GROUP });
      assert.deepEqual(await g.st.presentToken('MEMBER', 'ISO14443', 2), { status: 'Accepted', evseId: 2 });
      assert.equal(g.st.evse(2).reservationId, 2);
    });

    test('H03.FR.03 H03.FR.06 a reservation without EVSE is used at any EVSE, by its idToken or its group', async () => {
      const h = await setup(version, { evses: [{}, {}] });
      await reserve(h, 1);
      await reserve(h, 2, { idToken: tok('RES2'), groupIdToken: GROUP });
      assert.deepEqual(await h.st.presentToken(RES.idToken, 'ISO14443', 2), { status: 'Accepted', evseId: 2 });
      assert.deepEqual(await h.st.presentToken('STRANGER', 'ISO14443', 1), { status: 'Reserved', evseId: 1 });
      assert.deepEqual(await h.st.presentToken('MEMBER', 'ISO14443', 1), { status: 'Accepted', evseId: 1 });
      assert.deepEqual([h.st.evse(2).reservationId, h.st.evse(1).reservationId, reservations(h.st)], [1, 2, []]);
    });

    if (version === '2.1') {
      test('H03.FR.11 a used reservation without a transaction within EVConnectionTimeOut: ReservationStatusUpdate NoTransaction', async () => {
        const h = await setup(version, { variables: { 'TxCtrlr.EVConnectionTimeOut': '60' } });
        await reserve(h, 6, { evseId: 1 });
        await h.st.presentToken(RES.idToken);
        await h.clock.advance(61_000);
        await h.csms.until(() => updates(h).length === 1);
        assert.deepEqual([updates(h), h.csms.txEvents.length], [['6:NoTransaction'], 0]);
      });
    }

    test('H04.FR.01 H04.FR.02 H04.FR.03 the expiryDateTime is reached: connectors Available, then ReservationStatusUpdate Expired; anyone may charge', async () => {
      const h = await setup(version, { evses: TWO_CONNECTORS });
      await reserve(h, 8, { evseId: 1 });
      h.csms.clear();
      await h.clock.advance(10 * MIN);
      await h.csms.until(() => updates(h).length === 1);
      assert.deepEqual(h.csms.received.map((r) => r.action).filter((a) => a !== 'Heartbeat'), ['StatusNotification', 'StatusNotification', 'ReservationStatusUpdate']);
      assert.deepEqual([statuses(h), updates(h)], [['1/1:Available', '1/2:Available'], ['8:Expired']]);
      assert.deepEqual(await h.st.presentToken('OTHER'), { status: 'Accepted', evseId: 1 });
    });

    test('B01.FR.13 B11.FR.05 the Reserved state persists across a restart (data dir), a Reset of the station and a Reset of the EVSE', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'cw-h-'));
      const a = await setup(version, { dataDir, evses: [{}, {}] });
      await reserve(a, 1, { evseId: 1 });
      await a.st.stop();
      const b = await setup(version, { dataDir, evses: [{}, {}] });
      assert.deepEqual(statuses(b), ['1/1:Reserved', '2/1:Available'], 'restart');
      b.csms.clear();
      assert.equal((await b.csms.call('Reset', { type: 'OnIdle' })).status, 'Accepted');
      await b.csms.until(() => b.csms.of('StatusNotification').length === 2);
      assert.deepEqual(statuses(b), ['1/1:Reserved', '2/1:Available'], 'Reset of the station');
      b.csms.clear();
      assert.equal((await b.csms.call('Reset', { type: 'OnIdle', evseId: 1 })).status, 'Accepted');
      await b.csms.until(() => b.csms.of('StatusNotification').length === 2);
      assert.deepEqual([statuses(b), updates(b)], [['1/1:Unavailable', '1/1:Reserved'], []], 'Reset of the EVSE');
      await b.st.stop();
    });
  });
}
