// Part 6 test cases for the Charging Station, block E (Transactions): the simulator under test, a
// scripted CSMS in the OCTT's role; exact message sequences, in OCPP 2.1 and 2.0.1.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { QUIET, sequence } from './sequence.ts';

const points = (start: string, stop: string) => ({ ...QUIET, 'TxCtrlr.TxStartPoint': start, 'TxCtrlr.TxStopPoint': stop });

for (const version of VERSIONS) {
  describe(`Part 6 block E, station side (${version})`, () => {
    test('TC_E_01_CS TC_E_03_CS E01.FR.01 E03 TxStartPoint PowerPathClosed, cable first: Occupied, Authorize, Started(Authorized) with idToken', async () => {
      const { st, csms } = await harness({ version, variables: points('PowerPathClosed', 'EVConnected,Authorized') });
      csms.clear();
      st.plugIn(1, 1);
      await settle();
      await st.presentToken('TAG1');
      await settle();
      // [E03.FR.12] the authorization and the start of energy transfer are two events: Started(Authorized) with
      // EVConnected, then Updated(ChargingStateChanged) with Charging.
      assert.deepEqual(sequence(csms), ['StatusNotification(1/1:Occupied)', 'Authorize(TAG1)', 'TransactionEvent(Started,Authorized)', 'TransactionEvent(Updated,ChargingStateChanged)']);
      const [started, charging] = csms.txEvents;
      assert.deepEqual([started!.seqNo, started!.idToken?.idToken, started!.transactionInfo.chargingState], [0, 'TAG1', 'EVConnected']);
      assert.deepEqual([charging!.seqNo, charging!.idToken, charging!.transactionInfo.chargingState], [1, undefined, 'Charging']);
      assert.equal(charging!.transactionInfo.transactionId, started!.transactionInfo.transactionId);
    });

    test('TC_E_04_CS E01.FR.01 E03.FR.12 G01.FR.03 authorization first, then cable: Authorize, Occupied, Started(CablePluggedIn), Updated(ChargingStateChanged), in this order', async () => {
      const { st, csms } = await harness({ version, variables: points('PowerPathClosed', 'EVConnected,Authorized') });
      csms.clear();
      await st.presentToken('TAG1');
      await settle();
      st.plugIn(1, 1);
      await settle();
      // Part 6 TC_E_04_CS: Authorized (local) step 1 (Authorize); EnergyTransferStarted step 1 the connector status
      // (Occupied), then step 3 the TransactionEvent of the plug-in (as E03 steps 4-5, E02 steps 2-3); [E03.FR.12] the
      // start of energy transfer follows as its own Updated(ChargingStateChanged) (step 9).
      assert.deepEqual(sequence(csms), ['Authorize(TAG1)', 'StatusNotification(1/1:Occupied)', 'TransactionEvent(Started,CablePluggedIn)', 'TransactionEvent(Updated,ChargingStateChanged)']);
      assert.deepEqual(csms.txEvents.map((e) => [e.seqNo, e.transactionInfo.chargingState]), [[0, 'EVConnected'], [1, 'Charging']]);
    });

    test('TC_E_09_CS E01.FR.01 TxStartPoint EVConnected: Started(CablePluggedIn) at plug-in, Updated(Authorized) with the idToken', async () => {
      const { st, csms } = await harness({ version, variables: points('EVConnected', 'EVConnected') });
      csms.clear();
      st.plugIn(1, 1);
      await settle();
      await st.presentToken('TAG1');
      await settle();
      assert.deepEqual(sequence(csms), ['StatusNotification(1/1:Occupied)', 'TransactionEvent(Started,CablePluggedIn)', 'Authorize(TAG1)', 'TransactionEvent(Updated,Authorized)', 'TransactionEvent(Updated,ChargingStateChanged)']);
      assert.deepEqual(csms.txEvents.map((e) => [e.seqNo, e.idToken?.idToken, e.transactionInfo.chargingState]),
        [[0, undefined, 'EVConnected'], [1, 'TAG1', 'EVConnected'], [2, undefined, 'Charging']]);
    });

    test('TC_E_10_CS E01.FR.01 TxStartPoint Authorized (local): Started(Authorized) before the cable, then Updated(CablePluggedIn)', async () => {
      const { st, csms } = await harness({ version, variables: points('Authorized', 'Authorized') });
      csms.clear();
      await st.presentToken('TAG1');
      await settle();
      st.plugIn(1, 1);
      await settle();
      assert.deepEqual(sequence(csms), ['Authorize(TAG1)', 'TransactionEvent(Started,Authorized)', 'StatusNotification(1/1:Occupied)', 'TransactionEvent(Updated,CablePluggedIn)', 'TransactionEvent(Updated,ChargingStateChanged)']);
      assert.deepEqual(csms.txEvents.map((e) => [e.seqNo, e.transactionInfo.chargingState]), [[0, 'Idle'], [1, 'EVConnected'], [2, 'Charging']]);
    });

    test('TC_E_05_CS E03.FR.05 authorization first, cable never plugged: EVConnectionTimeOut ends the authorization, no transaction', async () => {
      const { st, csms, clock } = await harness({ version, variables: { ...points('PowerPathClosed', 'EVConnected,Authorized'), 'TxCtrlr.EVConnectionTimeOut': '30' } });
      csms.clear();
      await st.presentToken('TAG1');
      await clock.advance(31_000);
      assert.deepEqual(sequence(csms), ['Authorize(TAG1)']);
      assert.equal(st.evse(1).auth, undefined);
    });

    test('TC_E_06_CS TC_E_15_CS E06.FR.04 local stop with the same token (TxStopPoint Authorized): Ended(StopAuthorized, Local), no Authorize', async () => {
      const { st, csms } = await harness({ version, variables: points('PowerPathClosed', 'Authorized') });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      csms.clear();
      await st.presentToken('TAG1');
      await settle();
      assert.deepEqual(sequence(csms), ['TransactionEvent(Ended,StopAuthorized,Local)']);
    });

    test('TC_E_14_CS E06.FR.04 TxStopPoint EVConnected: stop keeps the transaction (Updated), unplug ends it (Ended EVCommunicationLost)', async () => {
      const { st, csms } = await harness({ version, variables: points('PowerPathClosed', 'EVConnected') });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      csms.clear();
      await st.presentToken('TAG1');
      await settle();
      st.unplug(1);
      await settle();
      assert.deepEqual(sequence(csms), ['TransactionEvent(Updated,StopAuthorized)', 'TransactionEvent(Ended,EVCommunicationLost,Local)', 'StatusNotification(1/1:Available)']);
      assert.deepEqual(csms.txEvents.map((e) => e.transactionInfo.chargingState), ['EVConnected', 'Idle']);
    });

    test('TC_E_17_CS E10 StopTxOnEVSideDisconnect: unplugging ends the transaction with EVDisconnected', async () => {
      const { st, csms } = await harness({ version, variables: { ...points('PowerPathClosed', 'EVConnected,Authorized'), 'TxCtrlr.StopTxOnEVSideDisconnect': 'true' } });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      csms.clear();
      st.unplug(1);
      await settle();
      assert.deepEqual(sequence(csms), ['TransactionEvent(Ended,EVCommunicationLost,EVDisconnected)', 'StatusNotification(1/1:Available)']);
    });

    test('TC_E_16_CS E05.FR.01 C15.FR.03 Deauthorized - Invalid idToken in the TransactionEventResponse: Ended(Deauthorized, DeAuthorized)', async () => {
      const { st, csms } = await harness({ version, variables: { ...points('EVConnected', 'EVConnected,Authorized'), 'TxCtrlr.StopTxOnInvalidId': 'true', 'AuthCtrlr.LocalPreAuthorize': 'false' },
        replies: { Authorize: () => ({ idTokenInfo: { status: 'Accepted' } }), TransactionEvent: (r) => (r.idToken ? { idTokenInfo: { status: 'Invalid' } } : {}) } });
      csms.clear();
      st.plugIn(1, 1);
      await settle();
      await st.presentToken('TAG1');
      await csms.until(() => csms.txEvents.length === 4);
      // The Updated(ChargingStateChanged) of the same step is already queued when the Invalid response arrives.
      assert.deepEqual(sequence(csms), ['StatusNotification(1/1:Occupied)', 'TransactionEvent(Started,CablePluggedIn)', 'Authorize(TAG1)', 'TransactionEvent(Updated,Authorized)',
        'TransactionEvent(Updated,ChargingStateChanged)', 'TransactionEvent(Ended,Deauthorized,DeAuthorized)']);
    });

    test('TC_E_28_CS TC_E_30_CS TC_E_34_CS E14.FR.01..E14.FR.08 GetTransactionStatus: unknown id, ongoing without queue, no id', async () => {
      const { st, csms } = await harness({ version, variables: points('EVConnected', 'EVConnected') });
      assert.deepEqual(await csms.call('GetTransactionStatus', { transactionId: 'nope' }), { ongoingIndicator: false, messagesInQueue: false });
      st.plugIn(1, 1);
      await settle();
      const id = csms.txEvents[0]!.transactionInfo.transactionId;
      assert.deepEqual(await csms.call('GetTransactionStatus', { transactionId: id }), { ongoingIndicator: true, messagesInQueue: false });
      assert.deepEqual(await csms.call('GetTransactionStatus', {}), { messagesInQueue: false });
    });

    test('TC_E_29_CS TC_E_33_CS E14.FR.03 E14.FR.07 GetTransactionStatus with messages in the queue (CSMS not answering TransactionEvent)', async () => {
      let hold: (() => void) | undefined;
      const { st, csms } = await harness({ version, variables: points('EVConnected', 'EVConnected'),
        replies: { TransactionEvent: () => new Promise((r) => { hold = () => r({}); }) } });
      st.plugIn(1, 1);
      await settle();
      const id = csms.txEvents[0]!.transactionInfo.transactionId;
      assert.deepEqual(await csms.call('GetTransactionStatus', { transactionId: id }), { ongoingIndicator: true, messagesInQueue: true });
      assert.deepEqual(await csms.call('GetTransactionStatus', {}), { messagesInQueue: true });
      hold?.();
    });

    test('TC_E_40_CS E04.FR.01 E04.FR.02 connection loss during a transaction: events queued, sent in order with offline=true after reconnect', async () => {
      const { st, csms } = await harness({ version, variables: points('EVConnected', 'EVConnected') });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      await st.goOffline();
      csms.clear();
      st.setPower(1, 0);
      st.unplug(1);
      await st.goOnline();
      await csms.until(() => csms.txEvents.length === 2);
      assert.deepEqual(csms.txEvents.map((e) => [e.eventType, e.triggerReason, e.offline, e.seqNo]), [['Updated', 'ChargingStateChanged', true, 3], ['Ended', 'EVCommunicationLost', true, 4]]);
    });

    test('TC_E_50_CS E13.FR.02 E13.FR.04 CALLERROR on every attempt: MessageAttemptsTransactionEvent tries, then discarded', async () => {
      let attempts = 0;
      const { st, clock } = await harness({ version, variables: { ...points('EVConnected', 'EVConnected'), 'OCPPCommCtrlr.MessageAttempts[TransactionEvent]': '3', 'OCPPCommCtrlr.MessageAttemptInterval[TransactionEvent]': '10' },
        replies: { TransactionEvent: () => { attempts++; throw Object.assign(new Error('no'), { code: 'InternalError' }); } } });
      st.plugIn(1, 1);
      await clock.advance(10_000);
      assert.equal(attempts, 2, 'second attempt after 10 s x 1');
      await clock.advance(20_000);
      assert.equal(attempts, 3, 'third attempt after 10 s x 2');
      await clock.advance(60_000);
      assert.equal(attempts, 3);
      assert.equal(st.outbox.size, 0, 'discarded after the last attempt');
    });
  });
}
