// Optional (MAY / SHOULD) station behaviour, named after the FR IDs (2.1 and 2.0.1): transactions before the CSMS
// accepted the station (B02/B03), closing the connection while Rejected (B03.FR.04), meter data split over messages
// (J01.FR.15, J02.FR.14), dropping queued meter value events when short of memory offline (J02.FR.12/13), the
// vendorId of a station-initiated DataTransfer (P02.FR.03).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { OcppTypes } from '@chargewire/ocpp';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { dataTransfer } from '../blocks/data-transfer.ts';
import { QUIET, sequence } from './sequence.ts';

type Status = OcppTypes.RegistrationStatusEnumType;
const now = (): string => new Date().toISOString();
const TAG: OcppTypes.IdTokenType = { idToken: 'TAG1', type: 'ISO14443' };
const TX = { ...QUIET, 'TxCtrlr.TxStartPoint': 'PowerPathClosed', 'TxCtrlr.TxStopPoint': 'EVConnected,Authorized' };

for (const version of VERSIONS) {
  describe(`optional station behaviour (${version})`, () => {
    test('B02.FR.03 B03.FR.01 B01.FR.08 not yet Accepted (Pending, then Rejected): a locally authorized transaction starts, its TransactionEvents wait in the queue until Accepted', async () => {
      let status: Status = 'Pending';
      const { st, csms, clock } = await harness({ version, variables: { ...TX, 'LocalAuthListCtrlr.Enabled': 'true' },
        replies: { BootNotification: () => ({ currentTime: now(), interval: 10, status }) } });
      st.auth.applyList({ versionNumber: 1, updateType: 'Full', localAuthorizationList: [{ idToken: TAG, idTokenInfo: { status: 'Accepted' } }] }, 100);
      st.plugIn(1, 1);
      assert.equal((await st.presentToken('TAG1')).status, 'Accepted');
      await settle();
      assert.ok(st.evse(1).tx, 'the transaction runs');
      assert.ok(st.state().evses[0]!.powerW > 0, 'energy flows');
      assert.equal(st.outbox.size, 2, 'Started(Authorized) and Updated(ChargingStateChanged) are queued');
      status = 'Rejected';
      await clock.advance(10_000);
      assert.equal(st.registration, 'Rejected');
      await clock.advance(10_000); // [B03.FR.01] still running while Rejected; [B03.FR.02] nothing is sent
      assert.ok(st.evse(1).tx);
      assert.deepEqual(sequence(csms), ['BootNotification(PowerUp)', 'BootNotification(PowerUp)', 'BootNotification(PowerUp)']);
      status = 'Accepted';
      await clock.advance(10_000);
      await csms.until(() => csms.txEvents.length === 2);
      assert.deepEqual(sequence(csms).slice(3), ['BootNotification(PowerUp)', 'StatusNotification(1/1:Occupied)', 'TransactionEvent(Started,Authorized)', 'TransactionEvent(Updated,ChargingStateChanged)']);
      assert.deepEqual(csms.txEvents[0]!.idToken, TAG);
    });

    test('B03.FR.04 StationOptions.closeWhileRejected: Rejected closes the connection until the next BootNotification is due', async () => {
      let status: Status = 'Rejected';
      const { st, csms, clock, link } = await harness({ version, variables: QUIET, closeWhileRejected: true,
        replies: { BootNotification: () => ({ currentTime: now(), interval: 30, status }) } });
      await settle();
      assert.deepEqual([st.registration, st.connected, link.sessions], ['Rejected', false, 1]);
      await clock.advance(29_000);
      assert.deepEqual([st.connected, link.sessions], [false, 1], 'closed for the whole interval');
      await clock.advance(1_000);
      await settle();
      assert.deepEqual([st.registration, st.connected, link.sessions], ['Rejected', false, 2], 'reconnected, rejected again, closed again');
      status = 'Accepted';
      await clock.advance(30_000);
      await settle();
      assert.deepEqual([st.registration, st.connected, link.sessions], ['Accepted', true, 3]);
      assert.deepEqual(sequence(csms), ['BootNotification(PowerUp)', 'BootNotification(PowerUp)', 'BootNotification(PowerUp)', 'StatusNotification(1/1:Available)']);
    });

    test('B03.FR.04 by default the connection stays open while Rejected', async () => {
      const { st, link } = await harness({ version, variables: QUIET, replies: { BootNotification: () => ({ currentTime: now(), interval: 30, status: 'Rejected' }) } });
      await settle();
      assert.deepEqual([st.registration, st.connected, link.sessions], ['Rejected', true, 1]);
    });

    test('J01.FR.15 StationOptions.maxSampledValuesPerMessage: a reading with more sampled values goes in several MeterValuesRequests with the same timestamp', async () => {
      const { csms } = await harness({ version, maxSampledValuesPerMessage: 2,
        variables: { ...QUIET, 'AlignedDataCtrlr.Measurands': 'Energy.Active.Import.Register,Voltage,Frequency' } });
      csms.clear();
      assert.equal((await csms.call('TriggerMessage', { requestedMessage: 'MeterValues', evse: { id: 1 } })).status, 'Accepted');
      await csms.until(() => csms.of('MeterValues').length === 3);
      const mv = csms.of('MeterValues');
      assert.deepEqual(mv.map((m) => [m.evseId, m.meterValue.length, m.meterValue[0]!.sampledValue.length]), [[1, 1, 2], [1, 1, 2], [1, 1, 1]]);
      assert.equal(new Set(mv.map((m) => m.meterValue[0]!.timestamp)).size, 1, 'one reading, one timestamp');
      assert.deepEqual(mv.flatMap((m) => m.meterValue[0]!.sampledValue.map((v) => `${v.measurand}${v.phase ? `.${v.phase}` : ''}`)),
        ['Energy.Active.Import.Register', 'Voltage.L1-N', 'Voltage.L2-N', 'Voltage.L3-N', 'Frequency']);
    });

    test('J02.FR.14 E02.FR.11 E03.FR.09 E04.FR.09 E11.FR.06 E12.FR.06 F01.FR.16 F02.FR.04 a periodic reading too big for one TransactionEvent: several Updated(MeterValuePeriodic) with the same timestamp', async () => {
      const { st, csms, clock } = await harness({ version, maxSampledValuesPerMessage: 3,
        variables: { ...TX, 'SampledDataCtrlr.TxUpdatedInterval': '10', 'SampledDataCtrlr.TxUpdatedMeasurands': 'Energy.Active.Import.Register,Voltage,Power.Active.Import' } });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      csms.clear();
      await clock.advance(10_000);
      await csms.until(() => csms.txEvents.length === 2);
      const [a, b] = csms.txEvents as [OcppTypes.TransactionEventRequest, OcppTypes.TransactionEventRequest];
      assert.deepEqual([a, b].map((e) => [e.eventType, e.triggerReason, e.seqNo, e.meterValue![0]!.sampledValue.length]), [['Updated', 'MeterValuePeriodic', 2, 3], ['Updated', 'MeterValuePeriodic', 3, 2]]);
      assert.equal(a.timestamp, b.timestamp);
      assert.equal(a.meterValue![0]!.timestamp, b.meterValue![0]!.timestamp);
      assert.equal(a.transactionInfo.transactionId, b.transactionInfo.transactionId);
      assert.ok(b.meterValue![0]!.sampledValue.every((v) => v.context === 'Sample.Periodic'));
    });

    test('J02.FR.12 J02.FR.13 E04.FR.07 E04.FR.08 E11.FR.04 E11.FR.05 E12.FR.04 E12.FR.05 StationOptions.maxQueuedTransactionEvents: offline and full, periodic meter value events are dropped, 1st, 3rd, ... first; other events are kept', async () => {
      const { st, csms, clock } = await harness({ version, maxQueuedTransactionEvents: 4,
        variables: { ...TX, 'SampledDataCtrlr.TxUpdatedInterval': '10', 'SampledDataCtrlr.TxUpdatedMeasurands': 'Energy.Active.Import.Register' } });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      assert.equal(csms.txEvents.length, 2); // Started (seqNo 0), Updated ChargingStateChanged (1)
      await st.goOffline();
      await clock.advance(20_000); // periodic 2, 3
      st.setPower(1, 0); // ChargingStateChanged 4: never dropped
      await clock.advance(40_000); // periodic 5 .. 8: the queue of 4 is full at 6 and again at 8
      assert.equal(st.outbox.size, 3);
      await st.goOnline();
      await csms.until(() => csms.txEvents.length === 5);
      const sent = csms.txEvents.slice(2);
      assert.deepEqual(sent.map((e) => [e.seqNo, e.triggerReason, e.offline]), [[4, 'ChargingStateChanged', true], [6, 'MeterValuePeriodic', true], [8, 'MeterValuePeriodic', true]]);
      // Online again: nothing is dropped.
      await clock.advance(60_000);
      await csms.until(() => csms.txEvents.length === 11);
      assert.deepEqual(csms.txEvents.slice(5).map((e) => e.seqNo), [9, 10, 11, 12, 13, 14]);
    });

    test('P02.FR.03 P02.FR.02 a station-initiated DataTransfer needs a reversed DNS vendorId: anything else is refused and nothing is sent', async () => {
      const { st, csms } = await harness({ version, variables: QUIET });
      csms.clear();
      for (const vendorId of ['ACME', 'acme inc.com', 'com..example', '']) await assert.rejects(dataTransfer(st, vendorId, 'Ping'), RangeError);
      assert.deepEqual(sequence(csms), []);
      assert.deepEqual(await dataTransfer(st, 'com.example.charger', 'Ping'), { status: 'Accepted' });
      assert.deepEqual(csms.of('DataTransfer'), [{ vendorId: 'com.example.charger', messageId: 'Ping' }]);
    });
  });
}
