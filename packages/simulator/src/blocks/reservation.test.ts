// H — Reservation, station side: the block's bookkeeping (2.1 and 2.0.1). FR-named tests: conformance/fr-h.test.ts,
// Part 6 test cases: conformance/tc-h-cs.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OcppTypes, OcppVersion } from '@chargewire/ocpp';
import { ManualClock, settle } from '../clock.ts';
import { harness } from '../testing/harness.ts';
import type { StationOptions } from '../station-types.ts';
import { QUIET, sequence } from '../conformance/sequence.ts';
import { reservations } from './reservation.ts';
import { pressStartButton } from './authorization.ts';

const TAG: OcppTypes.IdTokenType = { idToken: 'RES1', type: 'ISO14443' };
const MIN = 60_000;
const setup = (version: OcppVersion, opts: Partial<StationOptions> = {}) =>
  harness({ version, ...opts, variables: { ...QUIET, ...opts.variables }, replies: { ReservationStatusUpdate: () => ({}) } });
const statuses = (h: { csms: { of: (a: 'StatusNotification') => OcppTypes.StatusNotificationRequest[] } }) =>
  h.csms.of('StatusNotification').map((s) => `${s.evseId}/${s.connectorId}:${s.connectorStatus}`);

for (const version of ['2.1', '2.0.1'] as const) {
  describe(`reservation block (${version})`, () => {
    test('ReserveNow for a connector type that no EVSE has, or an unknown EVSE: Rejected with a reason', async () => {
      const h = await setup(version);
      const expiryDateTime = new Date(h.clock.now() + MIN).toISOString();
      const a = await h.csms.call('ReserveNow', { id: 1, expiryDateTime, idToken: TAG, connectorType: 'cCCS1' });
      const b = await h.csms.call('ReserveNow', { id: 2, expiryDateTime, idToken: TAG, evseId: 9 });
      assert.deepEqual([a.status, a.statusInfo?.reasonCode, b.status, b.statusInfo?.reasonCode], ['Rejected', 'UnknownConnectorType', 'Rejected', 'UnknownEvse']);
      assert.deepEqual(reservations(h.st), []);
    });

    test('reservations are written to <dataDir>/reservations.json and removed from it when they end', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'cw-res-'));
      const h = await setup(version, { dataDir });
      const expiryDateTime = new Date(h.clock.now() + MIN).toISOString();
      await h.csms.call('ReserveNow', { id: 5, expiryDateTime, idToken: TAG, evseId: 1 });
      assert.deepEqual(JSON.parse(readFileSync(join(dataDir, 'reservations.json'), 'utf8')), [{ id: 5, expiryDateTime, idToken: TAG, evseId: 1 }]);
      await h.csms.call('CancelReservation', { reservationId: 5 });
      assert.deepEqual(JSON.parse(readFileSync(join(dataDir, 'reservations.json'), 'utf8')), []);
      await h.st.stop();
    });

    test('a reservation that expires while the station is down: Expired is sent once the station is registered again', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'cw-res-'));
      const a = await setup(version, { dataDir });
      await a.csms.call('ReserveNow', { id: 6, expiryDateTime: new Date(a.clock.now() + MIN).toISOString(), idToken: TAG, evseId: 1 });
      await a.st.stop();
      const clock = new ManualClock(a.clock.now() + 2 * MIN);
      const b = await setup(version, { dataDir, clock });
      await clock.advance(0);
      await b.csms.until(() => b.csms.of('ReservationStatusUpdate').length === 1);
      assert.deepEqual(b.csms.of('ReservationStatusUpdate'), [{ reservationId: 6, reservationUpdateStatus: 'Expired' }]);
      assert.deepEqual(statuses(b), ['1/1:Available']);
      await b.st.stop();
    });

    test('a reservation that expires while offline: connectors Available at once, ReservationStatusUpdate after reconnecting', async () => {
      const h = await setup(version);
      await h.csms.call('ReserveNow', { id: 7, expiryDateTime: new Date(h.clock.now() + MIN).toISOString(), idToken: TAG, evseId: 1 });
      await settle();
      await h.st.goOffline();
      await h.clock.advance(2 * MIN);
      assert.equal(h.st.state().evses[0]!.connectors[0]!.status, 'Available');
      h.csms.clear();
      await h.st.goOnline();
      await h.csms.until(() => h.csms.of('ReservationStatusUpdate').length === 1);
      assert.deepEqual(h.csms.of('ReservationStatusUpdate'), [{ reservationId: 7, reservationUpdateStatus: 'Expired' }]);
    });

    test('a used reservation without a transaction within EVConnectionTimeOut: NoTransaction in 2.1 (H03.FR.11), nothing in 2.0.1', async () => {
      const h = await setup(version, { variables: { 'TxCtrlr.EVConnectionTimeOut': '30' } });
      await h.csms.call('ReserveNow', { id: 8, expiryDateTime: new Date(h.clock.now() + 10 * MIN).toISOString(), idToken: TAG, evseId: 1 });
      await settle();
      assert.equal((await h.st.presentToken(TAG.idToken)).status, 'Accepted');
      h.csms.clear();
      await h.clock.advance(31_000);
      await settle();
      assert.deepEqual(h.csms.of('ReservationStatusUpdate'), version === '2.1' ? [{ reservationId: 8, reservationUpdateStatus: 'NoTransaction' }] : []);
      assert.equal(h.st.evse(1).reservationId, undefined);
    });

    test('a start button (C02, NoAuthorization) does not start on an EVSE reserved for somebody', async () => {
      const h = await setup(version, { evses: [{}, {}] });
      await h.csms.call('ReserveNow', { id: 10, expiryDateTime: new Date(h.clock.now() + MIN).toISOString(), idToken: TAG, evseId: 1 });
      pressStartButton(h.st, 1);
      pressStartButton(h.st, 2);
      assert.deepEqual([h.st.evse(1).auth, h.st.evse(2).auth?.idToken.type], [undefined, 'NoAuthorization']);
    });

    test('without an EVSE, a token with no reservation gets the EVSE nobody reserved; the reserved one waits for its driver', async () => {
      const h = await setup(version, { evses: [{}, {}] });
      await h.csms.call('ReserveNow', { id: 9, expiryDateTime: new Date(h.clock.now() + MIN).toISOString(), idToken: TAG, evseId: 1 });
      await settle();
      assert.deepEqual(await h.st.presentToken('OTHER'), { status: 'Accepted', evseId: 2 });
      h.csms.clear();
      assert.deepEqual(await h.st.presentToken(TAG.idToken), { status: 'Accepted', evseId: 1 });
      await settle();
      assert.deepEqual(statuses(h), ['1/1:Available']);
      assert.deepEqual(sequence(h.csms), ['Authorize(RES1)', 'StatusNotification(1/1:Available)']);
    });
  });
}
