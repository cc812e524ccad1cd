// Block E, station side, part 3: signed meter data in transactions: TxStartPoint DataSigned (E01 S4) and
// SampledDataCtrlr.SignReadings with an idToken the CSMS does not accept (E05), named after FR / TC IDs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { OcppTypes } from '@chargewire/ocpp';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { METER_SIGN_DELAY_MS } from '../data-signed.ts';
import { QUIET, sequence } from './sequence.ts';

type Ev = OcppTypes.TransactionEventRequest;
const MIN = 60_000;
const brief = (e: Ev): string => `${e.eventType}(${e.triggerReason},${e.transactionInfo.chargingState})`;
const signed = (e: Ev): string[] => (e.meterValue ?? []).flatMap((m) => m.sampledValue.filter((s) => s.signedMeterValue?.signedMeterData).map((s) => s.context ?? ''));
const DATA_SIGNED = { ...QUIET, 'TxCtrlr.TxStartPoint': 'DataSigned', 'TxCtrlr.TxStopPoint': 'EVConnected,Authorized', 'SampledDataCtrlr.SignReadings': 'true', 'SampledDataCtrlr.TxStartedMeasurands': 'Energy.Active.Import.Register' };

for (const version of VERSIONS) {
  describe(`block E station FRs, part 3 (${version})`, () => {
    test('TC_E_11_CS E01.FR.04 TxStartPoint DataSigned: authorized first, EV connected, the signed start reading arrives: Started(SignedDataReceived), then charging', async () => {
      const { st, csms, clock } = await harness({ version, variables: DATA_SIGNED });
      await st.presentToken('TAG1'); // Reusable State Authorized
      csms.clear();
      st.plugIn(1, 1, { powerW: 6000 });
      await settle();
      assert.deepEqual(sequence(csms), ['StatusNotification(1/1:Occupied)'], 'no transaction before the meter signed a value');
      assert.equal(st.state().evses[0]!.powerW, 0, 'no energy before the signed start reading');
      await clock.advance(METER_SIGN_DELAY_MS);
      await settle();
      const [started, charging] = csms.txEvents;
      assert.deepEqual(csms.txEvents.map(brief), ['Started(SignedDataReceived,EVConnected)', 'Updated(ChargingStateChanged,Charging)']);
      assert.deepEqual([started!.idToken?.idToken, started!.evse], ['TAG1', { id: 1, connectorId: 1 }]);
      const sv = started!.meterValue![0]!.sampledValue[0]!;
      assert.deepEqual([sv.context, sv.signedMeterValue?.encodingMethod, sv.signedMeterValue?.signingMethod, typeof sv.signedMeterValue?.publicKey, sv.value],
        ['Transaction.Begin', 'OCMF', 'ECDSA-secp256r1-SHA256', 'string', 0]);
      assert.equal(charging!.seqNo, 1);
      await clock.advance(10 * MIN);
      assert.equal(st.state().evses[0]!.energyWh, 1000);
    });

    test('E01.FR.04 DataSigned needs a signing meter: SignReadings false, no transaction starts; unplugged before the signed value: none either', async () => {
      const off = await harness({ version, variables: { ...DATA_SIGNED, 'SampledDataCtrlr.SignReadings': 'false' } });
      off.st.plugIn(1, 1);
      await off.st.presentToken('TAG1');
      await off.clock.advance(5 * MIN);
      assert.deepEqual(off.csms.txEvents, []);
      const { st, csms, clock } = await harness({ version, variables: DATA_SIGNED });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      st.unplug(1);
      await clock.advance(5 * MIN);
      assert.deepEqual(csms.txEvents, []);
    });

    test('E05.FR.06 SignReadings with an idToken the CSMS does not accept: the transaction events carry signed readings', async () => {
      const { st, csms, clock } = await harness({ version, variables: {
        ...QUIET, 'TxCtrlr.TxStartPoint': 'PowerPathClosed', 'TxCtrlr.TxStopPoint': 'EVConnected', 'TxCtrlr.StopTxOnInvalidId': 'false',
        'SampledDataCtrlr.SignReadings': 'true', 'SampledDataCtrlr.TxStartedMeasurands': 'Energy.Active.Import.Register',
      }, replies: { TransactionEvent: (req) => (req.idToken ? { idTokenInfo: { status: 'Invalid' } } : {}) } });
      st.plugIn(1, 1, { powerW: 6000 });
      await st.presentToken('TAG1');
      await settle();
      await clock.advance(MIN);
      st.unplug(1);
      await csms.until(() => csms.txEvents.some((e) => e.eventType === 'Ended'));
      assert.deepEqual(csms.txEvents.map((e) => [brief(e), signed(e)]), [
        ['Started(Authorized,EVConnected)', ['Transaction.Begin']], ['Updated(ChargingStateChanged,Charging)', []], ['Updated(ChargingStateChanged,SuspendedEVSE)', []],
        ['Ended(EVCommunicationLost,Idle)', ['Transaction.Begin', 'Transaction.End']],
      ]);
    });
  });
}
