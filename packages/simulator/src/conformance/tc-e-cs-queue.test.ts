// Part 6 test cases for the Charging Station, block E (Transactions): GetTransactionStatus (E14), offline
// queueing (E08, E12), retries (E13) and DisableRemoteAuthorization; a scripted CSMS in the OCTT's role.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { QUIET, sequence } from './sequence.ts';

const points = (start: string, stop: string, more: Record<string, string> = {}) => ({ ...QUIET, 'TxCtrlr.TxStartPoint': start, 'TxCtrlr.TxStopPoint': stop, ...more });
/** E13 configuration: 3 attempts, 10 s interval, MessageTimeout 1 s (real time: the CSMS that does not answer). */
const RETRY = { 'OCPPCommCtrlr.MessageAttempts[TransactionEvent]': '3', 'OCPPCommCtrlr.MessageAttemptInterval[TransactionEvent]': '10', 'OCPPCommCtrlr.MessageTimeout[Default]': '1' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Not answered within MessageTimeout: answered late (1.2 s, ignored by the station), since the scripted CSMS
 * handles one request at a time and a reply that never comes would block the ones after it. */
const late = () => new Promise<Record<string, never>>((r) => setTimeout(() => r({}), 1_200));
const TIMED_OUT = 1_500;
/** A CSMS whose TransactionEvent answers can be held back (the OCTT not answering yet) and released. */
function holding() {
  let hold = false;
  const waiting: Array<() => void> = [];
  return {
    set held(v: boolean) { hold = v; if (!v) for (const r of waiting.splice(0)) r(); },
    TransactionEvent: () => (hold ? new Promise<Record<string, never>>((r) => waiting.push(() => r({}))) : {}),
  };
}

for (const version of VERSIONS) {
  describe(`Part 6 block E queue, status and retries, station side (${version})`, () => {
    test('TC_E_31_CS E14.FR.03 E14.FR.04 transaction ended while offline: right after reconnect GetTransactionStatus says not ongoing, messages in queue; then the queue is sent', async () => {
      const csmsSide = holding();
      const { st, csms } = await harness({ version, variables: points('PowerPathClosed', 'EVConnected,Authorized'), replies: { TransactionEvent: csmsSide.TransactionEvent } });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      const id = csms.txEvents[0]!.transactionInfo.transactionId;
      await st.goOffline();
      await st.presentToken('TAG1'); // local stop, offline
      st.unplug(1);
      csms.clear();
      csmsSide.held = true;
      await st.goOnline();
      await csms.until(() => csms.txEvents.length === 1);
      assert.deepEqual(await csms.call('GetTransactionStatus', { transactionId: id }), { ongoingIndicator: false, messagesInQueue: true });
      csmsSide.held = false;
      await csms.until(() => csms.txEvents.some((e) => e.eventType === 'Ended') && st.outbox.size === 0);
      assert.ok(csms.txEvents.every((e) => e.offline === true && e.transactionInfo.transactionId === id));
      assert.deepEqual(await csms.call('GetTransactionStatus', { transactionId: id }), { ongoingIndicator: false, messagesInQueue: false });
    });

    test('TC_E_32_CS E14.FR.03 E14.FR.05 transaction ended and delivered: GetTransactionStatus not ongoing, nothing in queue', async () => {
      const { st, csms } = await harness({ version, variables: points('PowerPathClosed', 'EVConnected,Authorized') });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await st.presentToken('TAG1');
      st.unplug(1);
      await csms.until(() => csms.txEvents.some((e) => e.eventType === 'Ended') && st.outbox.size === 0);
      const id = csms.txEvents[0]!.transactionInfo.transactionId;
      assert.deepEqual(await csms.call('GetTransactionStatus', { transactionId: id }), { ongoingIndicator: false, messagesInQueue: false });
    });

    test('TC_E_43_CS E12.FR.01 E12.FR.02 E12.FR.06 a transaction started and ended while offline: after reconnect all its events, Started and Ended, with offline = true', async () => {
      const { st, csms } = await harness({ version, variables: points('PowerPathClosed', 'EVConnected,Authorized', { 'AuthCtrlr.OfflineTxForUnknownIdEnabled': 'true' }) });
      await st.goOffline();
      csms.clear();
      await st.presentToken('TAG1');
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      st.unplug(1);
      await st.goOnline();
      await csms.until(() => csms.txEvents.some((e) => e.eventType === 'Ended'));
      const evs = csms.txEvents;
      assert.ok(evs.every((e) => e.offline === true));
      assert.deepEqual([evs[0]!.eventType, evs.at(-1)!.eventType], ['Started', 'Ended']);
      assert.deepEqual(evs.map((e) => e.seqNo), evs.map((_, i) => i));
    });

    test('TC_E_44_CS E08.FR.01 E08.FR.04 E08.FR.05 E08.FR.06 E08.FR.07 E08.FR.08 stopped with the same idToken while offline: after reconnect the queued events, all offline = true, one Ended', async () => {
      const { st, csms } = await harness({ version, variables: points('PowerPathClosed', 'EVConnected,Authorized', { 'OCPPCommCtrlr.RetryBackOffRandomRange': '0' }) });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      await st.goOffline();
      csms.clear();
      assert.equal((await st.presentToken('TAG1')).status, 'Stopped');
      assert.equal(st.state().evses[0]!.powerW, 0, 'energy stops at once (E08.FR.04)');
      st.unplug(1);
      await st.goOnline();
      await csms.until(() => csms.txEvents.some((e) => e.eventType === 'Ended'));
      assert.ok(csms.txEvents.length >= 1 && csms.txEvents.every((e) => e.offline === true));
      assert.deepEqual(csms.txEvents.filter((e) => e.eventType === 'Ended').map((e) => [e.triggerReason, e.transactionInfo.stoppedReason]), [['StopAuthorized', 'Local']]);
    });

    test('TC_E_45_CS E08.FR.02 E08.FR.04 E08.FR.05 E08.FR.06 E08.FR.07 E08.FR.08 offline stop by a cached idToken of the same group: queued events all offline = true, one Ended', async () => {
      const group = { idToken: 'G1', type: 'Central' as const };
      const { st, csms } = await harness({ version, variables: points('PowerPathClosed', 'EVConnected,Authorized', { 'AuthCacheCtrlr.Enabled': 'true' }),
        replies: { Authorize: () => ({ idTokenInfo: { status: 'Accepted', groupIdToken: group } }) } });
      st.auth.remember({ idToken: 'TAG2', type: 'ISO14443' }, { status: 'Accepted', groupIdToken: group }, st.clock.now());
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      await st.goOffline();
      csms.clear();
      assert.equal((await st.presentToken('TAG2')).status, 'Stopped');
      st.unplug(1);
      await st.goOnline();
      await csms.until(() => csms.txEvents.some((e) => e.eventType === 'Ended'));
      assert.ok(csms.txEvents.every((e) => e.offline === true));
      assert.equal(csms.of('Authorize').length, 0, 'the group came from the cache');
      assert.deepEqual(csms.txEvents.filter((e) => e.eventType === 'Ended').length, 1);
    });

    test('TC_E_52_CS C01.FR.02 C01.FR.05 DisableRemoteAuthorization true, idToken neither cached nor listed: no Authorize, authorization refused', async () => {
      const { st, csms } = await harness({ version, variables: points('PowerPathClosed', 'EVConnected,Authorized', { 'AuthCtrlr.DisableRemoteAuthorization': 'true', 'AuthCacheCtrlr.Enabled': 'true' }) });
      csms.clear();
      st.plugIn(1, 1);
      const r = await st.presentToken('TAG1');
      await settle();
      assert.notEqual(r.status, 'Accepted');
      assert.deepEqual(sequence(csms), ['StatusNotification(1/1:Occupied)']);
      assert.equal(st.evse(1).auth, undefined);
      // A cached Accepted token is still accepted, without Authorize.
      st.auth.remember({ idToken: 'TAG2', type: 'ISO14443' }, { status: 'Accepted' }, st.clock.now());
      assert.equal((await st.presentToken('TAG2')).status, 'Accepted');
      await settle();
      assert.equal(csms.of('Authorize').length, 0);
    });

    test('TC_E_41_CS E13.FR.01 E13.FR.02 E13.FR.03 E13.FR.04 CSMS never answers: MessageAttemptsTransactionEvent tries, interval x attempts, then no more', async () => {
      let attempts = 0;
      const { st, clock } = await harness({ version, variables: points('EVConnected', 'EVConnected', RETRY), replies: { TransactionEvent: () => { attempts++; return late(); } } });
      st.plugIn(1, 1);
      await settle();
      assert.equal(attempts, 1);
      await sleep(TIMED_OUT); // MessageTimeout
      await clock.advance(9_000);
      assert.equal(attempts, 1, 'not before the interval');
      await clock.advance(1_000);
      assert.equal(attempts, 2, 'second attempt after 10 s x 1');
      await sleep(TIMED_OUT);
      await clock.advance(20_000);
      assert.equal(attempts, 3, 'third attempt after 10 s x 2');
      await sleep(TIMED_OUT);
      await clock.advance(60_000);
      assert.equal(attempts, 3, 'no fourth attempt');
      assert.equal(st.outbox.size, 0, 'discarded after the last attempt');
    });

    for (const [tc, fail] of [['TC_E_42_CS E13.FR.01 E13.FR.02 E13.FR.03 first attempt not answered', 'timeout'], ['TC_E_51_CS E13.FR.01 E13.FR.02 E13.FR.03 first attempt CALLERROR', 'error']] as const) {
      test(`${tc}, the second answered: sent twice, then no more`, async () => {
        let attempts = 0;
        const { st, csms, clock } = await harness({ version, variables: points('EVConnected', 'EVConnected', RETRY), replies: { TransactionEvent: () => {
          attempts++;
          if (attempts !== 1) return {};
          if (fail === 'error') throw Object.assign(new Error('no'), { code: 'InternalError' });
          return late();
        } } });
        st.plugIn(1, 1);
        await settle();
        if (fail === 'timeout') await sleep(TIMED_OUT);
        await clock.advance(10_000);
        await csms.until(() => attempts === 2 && st.outbox.size === 0);
        await clock.advance(60_000);
        assert.equal(attempts, 2);
        const sent = csms.txEvents;
        assert.deepEqual([sent[0]!.seqNo, sent[1]!.seqNo, sent[0]!.transactionInfo.transactionId], [0, 0, sent[1]!.transactionInfo.transactionId], 'the same message again');
      });
    }
  });
}
