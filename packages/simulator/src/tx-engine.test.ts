// Transaction state machine (E01–E07, E10, J02) against a scripted CSMS, in OCPP 2.1 and 2.0.1.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { settle } from './clock.ts';
import { harness, VERSIONS } from './testing/harness.ts';
import type { Block } from './block.ts';

for (const version of VERSIONS) {
  describe(`transactions (${version})`, () => {
    test('TC_E_09_CS E01.FR.02 TxStartPoint EVConnected: plug-in starts, token authorizes, unplug ends (E10 EVDisconnected)', async () => {
      const { st, csms } = await harness({ version, variables: { 'TxCtrlr.TxStartPoint': 'EVConnected', 'TxCtrlr.TxStopPoint': 'EVConnected' } });
      st.plugIn(1, 1);
      await settle();
      await st.presentToken('AABBCCDD');
      await settle();
      st.unplug(1);
      await settle();
      const ev = csms.txEvents;
      assert.deepEqual(ev.map((e) => [e.eventType, e.triggerReason, e.seqNo]), [
        ['Started', 'CablePluggedIn', 0], ['Updated', 'Authorized', 1], ['Updated', 'ChargingStateChanged', 2], ['Ended', 'EVCommunicationLost', 3],
      ]);
      assert.equal(ev[0]!.transactionInfo.chargingState, 'EVConnected');
      assert.equal(ev[1]!.idToken?.idToken, 'AABBCCDD', 'E03.FR.01 idToken in the first event after authorization');
      // [E03.FR.12] the authorization is reported with EVConnected, the energy transfer start in its own event.
      assert.equal(ev[1]!.transactionInfo.chargingState, 'EVConnected');
      assert.equal(ev[2]!.transactionInfo.chargingState, 'Charging');
      assert.equal(ev[2]!.idToken, undefined, 'the idToken is sent once');
      assert.equal(ev[3]!.transactionInfo.stoppedReason, 'EVDisconnected');
      assert.equal(new Set(ev.map((e) => e.transactionInfo.transactionId)).size, 1);
      assert.equal(csms.of('Authorize').length, 1, 'C01 Authorize sent online');
    });

    test('TC_E_10_CS E03 TxStartPoint Authorized: token first starts, plug-in updates, EVConnectionTimeOut not hit', async () => {
      const { st, csms } = await harness({ version, variables: { 'TxCtrlr.TxStartPoint': 'Authorized', 'TxCtrlr.TxStopPoint': 'Authorized' } });
      await st.presentToken('TOKEN1');
      await settle();
      st.plugIn(1, 1);
      await settle();
      st.stopCharging(1);
      await settle();
      const ev = csms.txEvents;
      assert.deepEqual(ev.map((e) => [e.eventType, e.triggerReason, e.transactionInfo.chargingState]),
        [['Started', 'Authorized', 'Idle'], ['Updated', 'CablePluggedIn', 'EVConnected'], ['Updated', 'ChargingStateChanged', 'Charging'], ['Ended', 'StopAuthorized', 'EVConnected']]);
      assert.equal(ev[0]!.idToken?.idToken, 'TOKEN1');
      assert.equal(ev[3]!.transactionInfo.stoppedReason, 'Local');
      assert.deepEqual(ev.map((e) => e.seqNo), [0, 1, 2, 3]);
    });

    test('E03 EVConnectionTimeOut: authorized but never plugged ends with Timeout', async () => {
      const { st, csms, clock } = await harness({ version, variables: { 'TxCtrlr.TxStartPoint': 'Authorized', 'TxCtrlr.TxStopPoint': 'EVConnected', 'SampledDataCtrlr.TxUpdatedInterval': '0' } });
      await st.presentToken('TOKEN1');
      await clock.advance(121_000);
      const ev = csms.txEvents;
      assert.deepEqual(ev.map((e) => [e.eventType, e.triggerReason]), [['Started', 'Authorized'], ['Ended', 'EVConnectTimeout']]);
      assert.equal(ev[1]!.transactionInfo.stoppedReason, 'Timeout');
    });

    test('TC_E_01_CS PowerPathClosed start, meter values (J02 TxUpdatedInterval) and energy from delivered power', async () => {
      const { st, csms, clock } = await harness({
        version, evPowerW: 11_000,
        variables: { 'TxCtrlr.TxStartPoint': 'PowerPathClosed', 'TxCtrlr.TxStopPoint': 'EVConnected,Authorized', 'SampledDataCtrlr.TxUpdatedInterval': '60' },
      });
      st.plugIn(1, 1);
      await settle();
      assert.equal(csms.txEvents.length, 0, 'no transaction before the power path closes');
      await st.presentToken('TOKEN1');
      await clock.advance(30 * 60_000);
      st.stopCharging(1);
      await settle();
      const ev = csms.txEvents;
      assert.equal(ev[0]!.eventType, 'Started');
      assert.equal(ev[0]!.meterValue?.[0]?.sampledValue[0]?.context, 'Transaction.Begin');
      const periodic = ev.filter((e) => e.triggerReason === 'MeterValuePeriodic');
      assert.equal(periodic.length, 30);
      assert.equal(periodic[0]!.meterValue?.[0]?.sampledValue[0]?.context, 'Sample.Periodic');
      const end = ev.at(-1)!;
      assert.equal(end.eventType, 'Ended');
      const wh = end.meterValue?.at(-1)?.sampledValue.find((s) => s.measurand === 'Energy.Active.Import.Register')?.value;
      assert.equal(wh, 5500, '11 kW for 30 minutes');
      assert.deepEqual(ev.map((e) => e.seqNo), ev.map((_, i) => i), 'E01 seqNo increments by one');
    });

    test('E02 chargingState changes: SuspendedEV and limit (ChargingRateChanged / SuspendedEVSE)', async () => {
      const { st, csms } = await harness({ version, variables: { 'TxCtrlr.TxStartPoint': 'EVConnected', 'TxCtrlr.TxStopPoint': 'EVConnected' } });
      st.plugIn(1, 1);
      await st.presentToken('T');
      st.setPower(1, 0);
      st.setPower(1, 7000);
      st.setLimit(1, 0);
      await settle();
      assert.deepEqual(csms.txEvents.map((e) => e.transactionInfo.chargingState), ['EVConnected', 'EVConnected', 'Charging', 'SuspendedEV', 'Charging', 'SuspendedEVSE']);
      assert.deepEqual(csms.txEvents.slice(1).map((e) => e.triggerReason), ['Authorized', 'ChargingStateChanged', 'ChargingStateChanged', 'ChargingStateChanged', 'ChargingRateChanged']);
      assert.equal(st.state().evses[0]!.powerW, 0);
    });

    test('E01 EnergyTransfer start/stop points: transaction spans only energy transfer (StoppedByEV)', async () => {
      const { st, csms } = await harness({ version, variables: { 'TxCtrlr.TxStartPoint': 'EnergyTransfer', 'TxCtrlr.TxStopPoint': 'EnergyTransfer' } });
      st.plugIn(1, 1);
      await st.presentToken('T');
      st.setPower(1, 0);
      await settle();
      assert.deepEqual(csms.txEvents.map((e) => [e.eventType, e.transactionInfo.stoppedReason]), [['Started', undefined], ['Ended', 'StoppedByEV']]);
    });

    test('E05 C15.FR.04 StopTxOnInvalidId: a non-Accepted idTokenInfo in TransactionEventResponse ends the transaction', async () => {
      const { st, csms } = await harness({
        version, variables: { 'TxCtrlr.TxStartPoint': 'Authorized', 'TxCtrlr.TxStopPoint': 'Authorized', 'AuthCtrlr.LocalPreAuthorize': 'true' },
        replies: { TransactionEvent: (req) => (req.idToken ? { idTokenInfo: { status: 'Blocked' } } : {}) },
      });
      st.auth.remember({ idToken: 'T', type: 'ISO14443' }, { status: 'Accepted' }, st.clock.now());
      await st.presentToken('T');
      await settle();
      const ev = csms.txEvents;
      assert.deepEqual(ev.map((e) => [e.eventType, e.triggerReason]), [['Started', 'Authorized'], ['Ended', 'Deauthorized']]);
      assert.equal(ev[1]!.transactionInfo.stoppedReason, 'DeAuthorized');
      assert.equal(csms.of('Authorize').length, 0, 'C12.FR.02 LocalPreAuthorize with a cached Accepted token: no Authorize');
    });
  });
}

test('every TransactionEvent passes the decorateTxEvent hook of each block, in block order, before it is sent', async () => {
  const { st, csms } = await harness({ variables: { 'TxCtrlr.TxStartPoint': 'EVConnected', 'TxCtrlr.TxStopPoint': 'EVConnected' } });
  assert.deepEqual(st.blocks.filter((b) => b.decorateTxEvent).map((b) => b.id), ['H', 'C17-C25', 'I'], 'reservation before tariffs (I12.FR.06 reads the reservationId)');
  const seen: string[] = [];
  const mark = (name: string): Block => ({ id: name, name, handlers: {}, decorateTxEvent: (_s, _e, ev) => {
    seen.push(`${name}${ev.seqNo}`);
    ev.customData = { vendorId: `${ev.customData?.vendorId ?? ''}${name}` };
  } });
  (st as { blocks: readonly Block[] }).blocks = [...st.blocks, mark('x'), mark('y')];
  st.plugIn(1, 1);
  await settle();
  st.unplug(1);
  await settle();
  assert.deepEqual(seen, ['x0', 'y0', 'x1', 'y1']);
  assert.deepEqual(csms.txEvents.map((e) => e.customData?.vendorId), ['xy', 'xy']);
});
