// Offline behaviour (E04, E13) and the reconnect back-off settings (Part 4 §5.4).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OcppClient } from '@chargewire/ocpp';
import { settle } from './clock.ts';
import { createStation } from './station.ts';
import { harness, VERSIONS } from './testing/harness.ts';

const TX = { 'TxCtrlr.TxStartPoint': 'EVConnected', 'TxCtrlr.TxStopPoint': 'EVConnected', 'SampledDataCtrlr.TxUpdatedInterval': '0' };

for (const version of VERSIONS) {
  describe(`offline (${version})`, () => {
    test('TC_E_40_CS E04.FR.01 E04.FR.03 events while offline are queued and delivered in order with offline=true after reconnect', async () => {
      const { st, csms } = await harness({ version, variables: { ...TX, 'AuthCtrlr.OfflineTxForUnknownIdEnabled': 'true' } });
      st.plugIn(1, 1);
      await settle();
      await st.goOffline();
      await st.presentToken('T');
      st.setPower(1, 0);
      st.unplug(1);
      // queued: Authorized (EVConnected), [E03.FR.12] the energy transfer start in its own event, SuspendedEV, Ended.
      assert.equal(st.outbox.size, 4);
      assert.equal(csms.txEvents.length, 1);
      await st.goOnline();
      await csms.until(() => csms.txEvents.length === 5);
      assert.deepEqual(csms.txEvents.map((e) => [e.seqNo, e.offline ?? false]), [[0, false], [1, true], [2, true], [3, true], [4, true]]);
      assert.deepEqual(csms.txEvents.map((e) => [e.eventType, e.triggerReason, e.transactionInfo.chargingState]), [
        ['Started', 'CablePluggedIn', 'EVConnected'], ['Updated', 'Authorized', 'EVConnected'], ['Updated', 'ChargingStateChanged', 'Charging'],
        ['Updated', 'ChargingStateChanged', 'SuspendedEV'], ['Ended', 'EVCommunicationLost', 'Idle']]);
      assert.equal(csms.of('BootNotification').length, 1, 'no new boot after a reconnect');
    });

    test('TC_E_50_CS E13.FR.02 E13.FR.03 E13.FR.04 a rejected TransactionEvent is retried after interval x attempts, then discarded', async () => {
      let fail = true;
      const { st, csms, clock } = await harness({
        version, variables: { ...TX, 'OCPPCommCtrlr.MessageAttempts[TransactionEvent]': '3', 'OCPPCommCtrlr.MessageAttemptInterval[TransactionEvent]': '10' },
        replies: { TransactionEvent: () => { if (fail) throw new Error('boom'); return {}; } },
      });
      const failures: string[] = [];
      st.on('failure', (e) => failures.push(e.message));
      st.plugIn(1, 1);
      await settle();
      assert.equal(csms.txEvents.length, 1);
      await clock.advance(9_000);
      assert.equal(csms.txEvents.length, 1, 'not before 10 s');
      await clock.advance(1_000);
      assert.equal(csms.txEvents.length, 2);
      await clock.advance(19_000);
      assert.equal(csms.txEvents.length, 2, 'second retry waits 2 x 10 s');
      await clock.advance(1_000);
      assert.equal(csms.txEvents.length, 3);
      await settle();
      assert.equal(st.outbox.size, 0, 'discarded after the third failure');
      assert.match(failures[0]!, /discarded TransactionEvent after 3 attempts/);
      fail = false;
      st.unplug(1);
      await settle();
      assert.equal(csms.txEvents.at(-1)!.eventType, 'Ended', 'continues with the next message');
    });
  });
}

test('Part 4 §5.4 reconnect back-off comes from OCPPCommCtrlr.RetryBackOff* and follows SetVariables', async () => {
  const st = createStation({ identity: 'BO1', url: 'ws://127.0.0.1:1/ocpp', variables: { 'OCPPCommCtrlr.RetryBackOffWaitMinimum': '7', 'OCPPCommCtrlr.RetryBackOffRandomRange': '3', 'OCPPCommCtrlr.RetryBackOffRepeatTimes': '4' } });
  assert.ok(st.link instanceof OcppClient);
  assert.deepEqual((st.link as OcppClient).opts.reconnect, { waitMinimumS: 7, randomRangeS: 3, repeatTimes: 4 });
  const r = st.dm.setVariables([{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'RetryBackOffWaitMinimum' }, attributeValue: '20' }]);
  assert.equal(r[0]!.attributeStatus, 'Accepted');
  assert.deepEqual((st.link as OcppClient).opts.reconnect, { waitMinimumS: 20, randomRangeS: 3, repeatTimes: 4 });
});
