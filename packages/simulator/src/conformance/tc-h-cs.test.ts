// Part 6 test cases for the Charging Station, block H (Reservation), and TC_B_24_CS (Reset with a Reserved
// connector): the simulator under test, a scripted CSMS in the OCTT's role (2.1 and 2.0.1). The station reports
// connector states with StatusNotification (the OCTT accepts it or NotifyEvent AvailabilityState).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Action, ActionMap, OcppTypes, OcppVersion } from '@chargewire/ocpp';
import { settle } from '../clock.ts';
import { harness, VERSIONS, type Harness } from '../testing/harness.ts';
import type { StationOptions } from '../station-types.ts';
import { QUIET, sequence } from './sequence.ts';

type Token = OcppTypes.IdTokenType;
type Replies = { [A in Action]?: (req: ActionMap[A]['request']) => ActionMap[A]['response'] };
const tok = (idToken: string): Token => ({ idToken, type: 'ISO14443' });
const VALID = tok('VALID1');
const VALID2 = tok('VALID2');
const GROUP: Token = { idToken: 'GROUP1', type: 'Central' };
const MIN = 60_000;
/** The OCTT's configured tokens: VALID2 belongs to GROUP (TC_H_19_CS, TC_H_24_CS). */
const octt: Replies = {
  Authorize: (req) => ({ idTokenInfo: { status: 'Accepted', ...(req.idToken.idToken === 'VALID2' ? { groupIdToken: GROUP } : {}) } }),
  ReservationStatusUpdate: () => ({}),
};
const setup = (version: OcppVersion, opts: Partial<StationOptions> = {}) =>
  harness({ version, ...opts, variables: { ...QUIET, ...opts.variables }, replies: octt });
/** What the CSMS saw, without heartbeats. */
const seq = (h: Harness): string[] => sequence(h.csms).filter((s) => s !== 'Heartbeat');
const reserveNow = (h: Harness, req: Partial<OcppTypes.ReserveNowRequest> & { id: number }, expireInMs = 10 * MIN) =>
  h.csms.call('ReserveNow', { expiryDateTime: new Date(h.clock.now() + expireInMs).toISOString(), idToken: VALID, ...req });
/** Reusable state Reserved (for evseId): Accepted, then its connectors report Reserved. */
async function reserved(h: Harness, id = 1, evseId = 1, idToken = VALID, expireInMs?: number): Promise<void> {
  h.csms.clear();
  assert.equal((await reserveNow(h, { id, evseId, idToken }, expireInMs)).status, 'Accepted');
  await settle();
  assert.deepEqual(seq(h), h.st.evse(evseId).connectors.map((c) => `StatusNotification(${evseId}/${c.id}:Reserved)`));
}
/** Reusable state Authorized (local, idToken first): Authorize, Accepted. */
async function authorized(h: Harness, idToken: Token, evseId?: number): Promise<void> {
  assert.equal((await h.st.presentToken(idToken.idToken, idToken.type, evseId)).status, 'Accepted');
  await settle();
}
/** Reusable state EnergyTransferStarted after Authorized: plug-in, the transaction runs and charges. */
async function energyTransferStarted(h: Harness, evseId = 1): Promise<OcppTypes.TransactionEventRequest> {
  h.st.plugIn(evseId, 1);
  await settle();
  assert.equal(h.st.evse(evseId).tx?.chargingState, 'Charging');
  return h.csms.txEvents.find((e) => e.eventType === 'Started' && e.evse?.id === evseId)!;
}

for (const version of VERSIONS) {
  describe(`Part 6 block H station side (${version})`, () => {
    test('TC_H_01_CS H01.FR.15 H03.FR.01 H03.FR.09 H03.FR.10 reserve a specific EVSE, valid idToken: Reserved, after authorization Available, the transaction carries the reservationId', async () => {
      const h = await setup(version);
      await reserved(h, 101);
      h.csms.clear();
      await authorized(h, VALID);
      assert.deepEqual(seq(h), ['Authorize(VALID1)', 'StatusNotification(1/1:Available)']);
      const started = await energyTransferStarted(h);
      assert.equal(started.reservationId, 101);
    });

    for (const main of ['A', 'B'] as const) {
      test(`TC_H_02_CS H03.FR.01 F01.FR.22 reserve a specific EVSE, different idToken (main ${main}, EV plugged in first): ${main === 'A' ? 'no charging' : 'RequestStartTransaction Rejected'}`, async () => {
        const h = await setup(version);
        await reserved(h, 102);
        h.st.plugIn(1, 1); // EVConnectedPreSession
        await settle();
        h.csms.clear();
        if (main === 'A') {
          assert.equal((await h.st.presentToken(VALID2.idToken)).status, 'Reserved');
          await settle();
          assert.ok(!h.csms.txEvents.some((e) => e.transactionInfo.chargingState === 'Charging'), 'no TransactionEvent with Charging');
          assert.equal(h.st.state().evses[0]!.powerW, 0);
        } else {
          const r = await h.csms.call('RequestStartTransaction', { idToken: VALID2, remoteStartId: 1, evseId: 1 });
          assert.equal(r.status, 'Rejected');
        }
        assert.deepEqual(seq(h).filter((s) => s.startsWith('StatusNotification')), [], 'the connector stays Reserved');
      });
    }

    test('TC_H_03_CS H01.FR.11 reserve a specific EVSE that is Reserved: Occupied', async () => {
      const h = await setup(version);
      await reserved(h, 103);
      assert.equal((await reserveNow(h, { id: 203, evseId: 1, idToken: VALID2 })).status, 'Occupied');
    });

    test('TC_H_04_CS H01.FR.11 reserve a specific EVSE that is in EnergyTransferStarted: Occupied', async () => {
      const h = await setup(version);
      await authorized(h, VALID);
      await energyTransferStarted(h);
      assert.equal((await reserveNow(h, { id: 104, evseId: 1, idToken: VALID2 })).status, 'Occupied');
    });

    test('TC_H_06_CS H01.FR.14 reserve a specific EVSE that is Unavailable: Unavailable', async () => {
      const h = await setup(version);
      assert.equal((await h.csms.call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1 } })).status, 'Accepted');
      assert.equal((await reserveNow(h, { id: 106, evseId: 1, idToken: VALID2 })).status, 'Unavailable');
    });

    test('TC_H_07_CS H04.FR.01 H04.FR.02 H04.FR.03 reservation ended, not used: after the expiry Available, ReservationStatusUpdate Expired; another driver charges', async () => {
      const h = await setup(version);
      await reserved(h, 107, 1, VALID, MIN);
      h.csms.clear();
      await h.clock.advance(MIN);
      await h.csms.until(() => h.csms.of('ReservationStatusUpdate').length === 1);
      assert.deepEqual(seq(h), ['StatusNotification(1/1:Available)', 'ReservationStatusUpdate']);
      assert.deepEqual(h.csms.of('ReservationStatusUpdate')[0], { reservationId: 107, reservationUpdateStatus: 'Expired' });
      await authorized(h, VALID2);
      const started = await energyTransferStarted(h);
      assert.equal(started.reservationId, undefined);
    });

    test('TC_H_08_CS H01.FR.04 H01.FR.07 H01.FR.15 H03.FR.03 reserve an unspecified EVSE: Accepted, the only EVSE Reserved; the reserved idToken charges, with the reservationId', async () => {
      const h = await setup(version);
      h.csms.clear();
      assert.equal((await reserveNow(h, { id: 108 })).status, 'Accepted');
      await settle();
      assert.deepEqual(seq(h), ['StatusNotification(1/1:Reserved)']);
      await authorized(h, VALID);
      const started = await energyTransferStarted(h);
      assert.equal(started.reservationId, 108);
    });

    test('TC_H_09_CS H01.FR.11 reserve an unspecified EVSE when all EVSEs are Reserved: Occupied', async () => {
      const h = await setup(version, { evses: [{}, {}] });
      await reserved(h, 1, 1, tok('A'));
      await reserved(h, 2, 2, tok('B'));
      assert.equal((await reserveNow(h, { id: 109 })).status, 'Occupied');
    });

    test('TC_H_10_CS H01.FR.11 reserve an unspecified EVSE when all EVSEs are in EnergyTransferStarted: Occupied', async () => {
      const h = await setup(version, { evses: [{}, {}] });
      for (const id of [1, 2]) { await authorized(h, tok(`T${id}`), id); await energyTransferStarted(h, id); }
      assert.equal((await reserveNow(h, { id: 110 })).status, 'Occupied');
    });

    test('TC_H_12_CS H01.FR.14 reserve an unspecified EVSE when the Charging Station is Unavailable: Unavailable', async () => {
      const h = await setup(version, { evses: [{}, {}] });
      assert.equal((await h.csms.call('ChangeAvailability', { operationalStatus: 'Inoperative' })).status, 'Accepted');
      assert.equal((await reserveNow(h, { id: 112 })).status, 'Unavailable');
    });

    test('TC_H_13_CS H01.FR.19 reserve an unspecified EVSE, NonEvseSpecific false: Rejected', async () => {
      const h = await setup(version, { variables: { 'ReservationCtrlr.NonEvseSpecific': 'false' } });
      assert.equal((await reserveNow(h, { id: 113 })).status, 'Rejected');
    });

    test('TC_H_14_CS H01.FR.20 as many unspecified reservations as EVSEs: all Accepted, then every connector Reserved', async () => {
      const h = await setup(version, { evses: [{}, {}] });
      h.csms.clear();
      assert.equal((await reserveNow(h, { id: 1141, idToken: tok('A') })).status, 'Accepted');
      assert.equal((await reserveNow(h, { id: 1142, idToken: tok('B') })).status, 'Accepted');
      await settle();
      assert.deepEqual(seq(h), ['StatusNotification(1/1:Reserved)', 'StatusNotification(2/1:Reserved)']);
    });

    test('TC_H_15_CS H01.FR.06 H01.FR.09 H01.FR.15 H03.FR.02 reserve a connector type: Accepted, the only EVSE with it Reserved; the reserved idToken charges there, with the reservationId', async () => {
      const h = await setup(version, { evses: [{ connectors: [{ type: 'cType2' }] }, { connectors: [{ type: 'cCCS2' }] }] });
      h.csms.clear();
      assert.equal((await reserveNow(h, { id: 115, connectorType: 'cCCS2' })).status, 'Accepted');
      await settle();
      assert.deepEqual(seq(h), ['StatusNotification(2/1:Reserved)']);
      h.csms.clear();
      await authorized(h, VALID);
      assert.deepEqual(seq(h), ['Authorize(VALID1)', 'StatusNotification(2/1:Available)']);
      const started = await energyTransferStarted(h, 2);
      assert.equal(started.reservationId, 115);
    });

    test('TC_H_16_CS H01.FR.11 reserve a connector type when all EVSEs are Reserved: Occupied', async () => {
      const h = await setup(version, { evses: [{}, {}] });
      await reserved(h, 1, 1, tok('A'));
      await reserved(h, 2, 2, tok('B'));
      assert.equal((await reserveNow(h, { id: 116, connectorType: 'cType2' })).status, 'Occupied');
    });

    test('TC_H_17_CS H02.FR.02 cancel a reservation: Accepted, the connector Available', async () => {
      const h = await setup(version);
      await reserved(h, 117);
      h.csms.clear();
      assert.equal((await h.csms.call('CancelReservation', { reservationId: 117 })).status, 'Accepted');
      await settle();
      assert.deepEqual(seq(h), ['StatusNotification(1/1:Available)']);
    });

    test('TC_H_18_CS H02.FR.01 cancel an unknown reservation: Rejected', async () => {
      const h = await setup(version);
      assert.equal((await h.csms.call('CancelReservation', { reservationId: 1 })).status, 'Rejected');
    });

    test('TC_H_19_CS H01.FR.15 H03.FR.04 H03.FR.08 reserve a specific EVSE with a groupIdToken: another idToken of the group (from Authorize) charges, with the reservationId', async () => {
      const h = await setup(version);
      h.csms.clear();
      assert.equal((await reserveNow(h, { id: 119, evseId: 1, groupIdToken: GROUP })).status, 'Accepted');
      await settle();
      assert.deepEqual(seq(h), ['StatusNotification(1/1:Reserved)']);
      h.csms.clear();
      await authorized(h, VALID2);
      assert.deepEqual(seq(h), ['Authorize(VALID2)', 'StatusNotification(1/1:Available)']);
      const started = await energyTransferStarted(h);
      assert.equal(started.reservationId, 119);
    });

    test('TC_H_21_CS H01.FR.17 the reserved EVSE is set Inoperative: Unavailable, ReservationStatusUpdate Removed; Operative again: Available, another driver charges', async () => {
      const h = await setup(version);
      await reserved(h, 121);
      h.csms.clear();
      assert.equal((await h.csms.call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1 } })).status, 'Accepted');
      await h.csms.until(() => h.csms.of('ReservationStatusUpdate').length === 1);
      assert.deepEqual(seq(h), ['StatusNotification(1/1:Unavailable)', 'ReservationStatusUpdate']);
      assert.deepEqual(h.csms.of('ReservationStatusUpdate')[0], { reservationId: 121, reservationUpdateStatus: 'Removed' });
      h.csms.clear();
      assert.equal((await h.csms.call('ChangeAvailability', { operationalStatus: 'Operative', evse: { id: 1 } })).status, 'Accepted');
      await settle();
      assert.deepEqual(seq(h), ['StatusNotification(1/1:Available)']);
      await authorized(h, VALID2);
      assert.equal((await energyTransferStarted(h)).reservationId, undefined);
    });

    test('TC_H_22_CS H01.FR.01 reservations not available / not enabled: Rejected', async () => {
      const h = await setup(version, { variables: { 'ReservationCtrlr.Available': 'false', 'ReservationCtrlr.Enabled': 'false' } });
      assert.equal((await reserveNow(h, { id: 122, evseId: 1 })).status, 'Rejected');
    });

    test('TC_H_23_CS H01.FR.02 replace a reservation (same id, another idToken): Accepted, Reserved; the new idToken charges', async () => {
      const h = await setup(version);
      await reserved(h, 123);
      h.csms.clear();
      assert.equal((await reserveNow(h, { id: 123, evseId: 1, idToken: VALID2 })).status, 'Accepted');
      await settle();
      assert.deepEqual(seq(h), ['StatusNotification(1/1:Reserved)']);
      assert.equal((await h.st.presentToken(VALID.idToken)).status, 'Reserved', 'the old idToken no longer holds it');
      await authorized(h, VALID2);
      assert.equal((await energyTransferStarted(h)).reservationId, 123);
    });

    test('TC_H_24_CS H03.FR.06 reserve an unspecified EVSE with a groupIdToken: Reserved; another idToken of the group charges, with the reservationId', async () => {
      const h = await setup(version);
      h.csms.clear();
      assert.equal((await reserveNow(h, { id: 124, groupIdToken: GROUP })).status, 'Accepted');
      await settle();
      assert.deepEqual(seq(h), ['StatusNotification(1/1:Reserved)']);
      await authorized(h, VALID2);
      assert.equal((await energyTransferStarted(h)).reservationId, 124);
    });
  });

  describe(`Part 6 block B Reset with a reservation, station side (${version})`, () => {
    test('TC_B_24_CS B11.FR.01 B11.FR.03 B11.FR.04 B11.FR.05 B01.FR.03 Reset OnIdle with a Reserved connector: Accepted, BootNotification(RemoteReset), Reserved again, the others Available', async () => {
      const h = await setup(version, { evses: [{}, {}] });
      await reserved(h, 24);
      h.csms.clear();
      assert.deepEqual(await h.csms.call('Reset', { type: 'OnIdle' }), { status: 'Accepted' });
      await h.csms.until(() => h.csms.of('StatusNotification').length === 2);
      assert.deepEqual(seq(h), ['BootNotification(RemoteReset)', 'StatusNotification(1/1:Reserved)', 'StatusNotification(2/1:Available)']);
    });
  });
}
