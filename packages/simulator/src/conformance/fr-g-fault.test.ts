// A Faulted connector / EVSE / station (connector-fault.ts: Station.fault / clearFault), station side, 2.1 and 2.0.1:
// the StatusNotification Faulted (G01), a transaction on it ends (E06.FR.16), Faulted stays Faulted when the EVSE or
// station goes Inoperative and back (G03.FR.06/07, G04.FR.07/08), no (remote) start on it (F01.FR.23, F02.FR.25),
// ReserveNow answered Faulted (H01.FR.12) and reservations cancelled (H01.FR.16); the scenario steps fault / clearFault / evStop.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { OcppTypes, OcppVersion } from '@chargewire/ocpp';
import { settle } from '../clock.ts';
import { harness, VERSIONS, type Harness } from '../testing/harness.ts';
import type { StationOptions } from '../station-types.ts';
import { reservations } from '../blocks/reservation.ts';
import { runScenario } from '../scenario.ts';
import { QUIET, sequence } from './sequence.ts';

const MIN = 60_000;
const TX = { 'TxCtrlr.TxStartPoint': 'EVConnected,Authorized', 'TxCtrlr.TxStopPoint': 'EVConnected' };
const TWO_CONNECTORS = [{ connectors: [{ type: 'cType2' }, { type: 'cCCS2' }] }];
const setup = (version: OcppVersion, opts: Partial<StationOptions> = {}) =>
  harness({ version, ...opts, variables: { ...QUIET, ...TX, ...opts.variables }, replies: { ReservationStatusUpdate: () => ({}) } });
const statuses = (h: Harness): string[] => h.csms.of('StatusNotification').map((s) => `${s.evseId}/${s.connectorId}:${s.connectorStatus}`);
const brief = (e: OcppTypes.TransactionEventRequest): string[] => [e.eventType, e.triggerReason, e.transactionInfo.chargingState ?? '', e.transactionInfo.stoppedReason ?? ''];
const connectors = (h: Harness, evse = 1) => h.st.state().evses[evse - 1]!.connectors.map((c) => c.status);
async function reserve(h: Harness, id: number, more: Partial<OcppTypes.ReserveNowRequest> = {}): Promise<string> {
  const r = await h.csms.call('ReserveNow', { id, expiryDateTime: new Date(h.clock.now() + 10 * MIN).toISOString(), idToken: { idToken: 'RES1', type: 'ISO14443' }, ...more });
  await settle();
  return r.status;
}
const change = async (h: Harness, operationalStatus: 'Operative' | 'Inoperative', evse?: { id: number; connectorId?: number }) => {
  const r = await h.csms.call('ChangeAvailability', { operationalStatus, ...(evse ? { evse } : {}) });
  await settle();
  return r.status;
};

for (const version of VERSIONS) {
  describe(`Faulted connectors, station side (${version})`, () => {
    test('G01.FR.01 E06.FR.16 a fault on the connector of a charging EV: StatusNotification Faulted, Ended(AbnormalCondition, GroundFault), no energy; repaired: Occupied, no new transaction', async () => {
      const h = await setup(version);
      h.st.plugIn(1, 1);
      await h.st.presentToken('TAG1');
      await settle();
      assert.equal(h.st.state().evses[0]!.chargingState, 'Charging');
      h.csms.clear();
      h.st.fault(1, 1, 'GroundFault');
      await settle();
      assert.deepEqual(sequence(h.csms).sort(), ['StatusNotification(1/1:Faulted)', 'TransactionEvent(Ended,AbnormalCondition,GroundFault)']);
      assert.deepEqual(h.csms.txEvents.map(brief), [['Ended', 'AbnormalCondition', 'EVConnected', 'GroundFault']]);
      assert.deepEqual([h.st.state().evses[0]!.powerW, h.st.evse(1).tx, h.st.evse(1).auth], [0, undefined, undefined]);
      // No energy and no authorization at a faulted EVSE.
      assert.equal((await h.st.presentToken('TAG1', 'ISO14443', 1)).status, 'Faulted');
      await h.clock.advance(MIN);
      h.csms.clear();
      h.st.clearFault(1, 1);
      await settle();
      assert.deepEqual(sequence(h.csms), ['StatusNotification(1/1:Occupied)'], 'back to what it is without the fault; the EV is still plugged in');
      h.st.unplug(1);
      await settle();
      assert.deepEqual(statuses(h).at(-1), '1/1:Available');
    });

    test('G01.FR.01 a fault on the other connector of the EVSE leaves the transaction alone; a station-wide fault (evseId 0) ends it', async () => {
      const h = await setup(version, { evses: [...TWO_CONNECTORS, {}] });
      h.st.plugIn(1, 1);
      await h.st.presentToken('TAG1');
      await settle();
      h.csms.clear();
      h.st.fault(1, 2);
      await settle();
      assert.deepEqual(sequence(h.csms), ['StatusNotification(1/2:Faulted)']);
      assert.equal(h.st.state().evses[0]!.chargingState, 'Charging');
      h.csms.clear();
      h.st.fault(0, undefined, 'PowerQuality');
      await settle();
      assert.deepEqual(sequence(h.csms).sort(), ['StatusNotification(1/1:Faulted)', 'StatusNotification(2/1:Faulted)', 'TransactionEvent(Ended,AbnormalCondition,PowerQuality)']);
      h.csms.clear();
      h.st.clearFault(0);
      await settle();
      assert.deepEqual(sequence(h.csms).sort(), ['StatusNotification(1/1:Occupied)', 'StatusNotification(1/2:Available)', 'StatusNotification(2/1:Available)']);
    });

    test('F01.FR.23 F02.FR.25 G01.FR.01 a Faulted idle EVSE: RequestStartTransaction Rejected, a token is refused without Authorize, TriggerMessage StatusNotification says Faulted', async () => {
      const h = await setup(version);
      h.csms.clear();
      h.st.fault(1);
      await settle();
      assert.deepEqual(statuses(h), ['1/1:Faulted']);
      assert.equal((await h.csms.call('RequestStartTransaction', { idToken: { idToken: 'TAG1', type: 'ISO14443' }, remoteStartId: 1, evseId: 1 })).status, 'Rejected');
      assert.equal((await h.st.presentToken('TAG1')).status, 'NoEvseAvailable');
      assert.equal((await h.csms.call('TriggerMessage', { requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } })).status, 'Accepted');
      await settle();
      assert.deepEqual(sequence(h.csms), ['StatusNotification(1/1:Faulted)', 'StatusNotification(1/1:Faulted)'], 'no Authorize, no TransactionEvent');
      h.st.clearFault(1);
      assert.equal((await h.csms.call('RequestStartTransaction', { idToken: { idToken: 'TAG1', type: 'ISO14443' }, remoteStartId: 2, evseId: 1 })).status, 'Accepted');
    });

    test('G03.FR.06 G03.FR.07 EVSE Inoperative with one connector Faulted: only the operative connector becomes Unavailable; Operative: it reverts, the Faulted one stays Faulted', async () => {
      const h = await setup(version, { evses: TWO_CONNECTORS });
      h.st.fault(1, 1);
      await settle();
      h.csms.clear();
      assert.equal(await change(h, 'Inoperative', { id: 1 }), 'Accepted');
      assert.deepEqual([statuses(h), connectors(h)], [['1/2:Unavailable'], ['Faulted', 'Unavailable']]);
      h.csms.clear();
      assert.equal(await change(h, 'Operative', { id: 1 }), 'Accepted');
      assert.deepEqual([statuses(h), connectors(h)], [['1/2:Available'], ['Faulted', 'Available']]);
      // A fault repaired while the connector is Inoperative: it reports Unavailable, not Available.
      assert.equal(await change(h, 'Inoperative', { id: 1, connectorId: 1 }), 'Accepted');
      h.csms.clear();
      h.st.clearFault(1, 1);
      await settle();
      assert.deepEqual(statuses(h), ['1/1:Unavailable']);
    });

    test('G04.FR.07 G04.FR.08 station Inoperative with one EVSE Faulted: only the operative EVSE becomes Unavailable; Operative: it reverts, the Faulted one stays Faulted', async () => {
      const h = await setup(version, { evses: [{}, {}] });
      h.st.fault(1);
      await settle();
      h.csms.clear();
      assert.equal(await change(h, 'Inoperative'), 'Accepted');
      assert.deepEqual([statuses(h), connectors(h, 1), connectors(h, 2)], [['2/1:Unavailable'], ['Faulted'], ['Unavailable']]);
      h.csms.clear();
      assert.equal(await change(h, 'Operative'), 'Accepted');
      assert.deepEqual([statuses(h), connectors(h, 1), connectors(h, 2)], [['2/1:Available'], ['Faulted'], ['Available']]);
    });

    test('H01.FR.12 ReserveNow when all targeted EVSEs are Faulted: Faulted (by id, and without an EVSE); Faulted and Unavailable mixed: Unavailable', async () => {
      const h = await setup(version, { evses: [{}, {}], variables: { 'ReservationCtrlr.NonEvseSpecific': 'true' } });
      h.st.fault(1);
      await settle();
      assert.equal(await reserve(h, 1, { evseId: 1 }), 'Faulted');
      assert.equal(await reserve(h, 2), 'Accepted', 'EVSE 2 is still free');
      assert.equal(await h.csms.call('CancelReservation', { reservationId: 2 }).then((r) => r.status), 'Accepted');
      await settle();
      h.st.fault(2);
      await settle();
      assert.equal(await reserve(h, 3), 'Faulted');
      h.st.clearFault(2);
      assert.equal(await change(h, 'Inoperative', { id: 2 }), 'Accepted');
      assert.equal(await reserve(h, 4), 'Unavailable');
      assert.deepEqual(reservations(h.st), []);
    });

    test('H01.FR.16 a targeted EVSE becomes Faulted: the reservation is cancelled, ReservationStatusUpdate Removed; repaired: Available, not Reserved', async () => {
      const h = await setup(version, { evses: TWO_CONNECTORS });
      assert.equal(await reserve(h, 7, { evseId: 1 }), 'Accepted');
      h.csms.clear();
      // One connector of the EVSE Faulted: the EVSE is not Faulted, the reservation stays.
      h.st.fault(1, 2);
      await settle();
      assert.deepEqual([statuses(h), reservations(h.st).map((r) => r.id)], [['1/2:Faulted'], [7]]);
      h.csms.clear();
      h.st.fault(1, 1);
      await settle();
      assert.deepEqual(sequence(h.csms), ['StatusNotification(1/1:Faulted)', 'ReservationStatusUpdate']);
      assert.deepEqual(h.csms.of('ReservationStatusUpdate'), [{ reservationId: 7, reservationUpdateStatus: 'Removed' }]);
      assert.deepEqual(reservations(h.st), []);
      h.csms.clear();
      h.st.clearFault(1);
      await settle();
      assert.deepEqual(statuses(h).sort(), ['1/1:Available', '1/2:Available']);
    });

    test('H01.FR.16 a reservation without an EVSE is cancelled only when every EVSE it could use is Faulted', async () => {
      const h = await setup(version, { evses: [{}, {}], variables: { 'ReservationCtrlr.NonEvseSpecific': 'true' } });
      assert.equal(await reserve(h, 9), 'Accepted');
      h.st.fault(1);
      await settle();
      assert.deepEqual([reservations(h.st).map((r) => r.id), h.csms.of('ReservationStatusUpdate')], [[9], []]);
      h.st.fault(2);
      await settle();
      assert.deepEqual([reservations(h.st), h.csms.of('ReservationStatusUpdate')], [[], [{ reservationId: 9, reservationUpdateStatus: 'Removed' }]]);
    });
  });
}

test('scenario steps fault / clearFault (G01) and evStop (E15.FR.04): the station sends what the Station methods send', async () => {
  const h = await setup('2.1', { variables: { 'TxCtrlr.TxStopPoint': 'Authorized' } });
  const r = await runScenario(h.st, {
    steps: [
      { plug: { evse: 1 } }, { token: { idToken: 'TAG1', expect: 'Accepted' } },
      { fault: { evse: 1, reason: 'OvercurrentFault' } },
      { expectSent: 'StatusNotification', match: { evseId: 1, connectorStatus: 'Faulted' }, timeoutMs: 2000 },
      { expectSent: 'TransactionEvent', match: { eventType: 'Ended', triggerReason: 'AbnormalCondition', transactionInfo: { stoppedReason: 'OvercurrentFault' } }, timeoutMs: 2000 },
      { clearFault: { evse: 1 } },
      { expectSent: 'StatusNotification', match: { connectorStatus: 'Occupied' }, timeoutMs: 2000 },
      { token: { idToken: 'TAG1', expect: 'Accepted' } },
      { evStop: { evse: 1 } },
      { expectSent: 'TransactionEvent', match: { eventType: 'Ended', triggerReason: 'StopAuthorized', transactionInfo: { stoppedReason: 'StoppedByEV' } }, timeoutMs: 2000 },
    ],
  });
  assert.deepEqual(r.failures, []);
});
