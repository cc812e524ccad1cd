// Block E end-to-end over real WebSockets: the OCPP 2.0.1 Part 6 test cases TC_E_xx_CSMS for the start and stop
// options (E01, E03, E06, E10) and Check Transaction status (E14), each in OCPP 2.0.1 and 2.1. A raw OcppClient
// plays the OCTT (the station side) and sends exactly the TC's messages, built from the reusable states of
// Part 6 §3.18 (Authorized, EVConnectedPreSession, EnergyTransferStarted/Suspended, StopAuthorized,
// EVConnectedPostSession, EVDisconnected); each test asserts the tool validations and what the CSMS stored.
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { OcppClient, OcppVersion } from '@chargewire/ocpp';
import type { GetTransactionStatusRequest, TransactionEventRequest, TransactionEventResponse } from '@chargewire/ocpp/types';
import { createMemoryStore } from '@chargewire/csms';
import { getTransactionStatus, seqNoGap } from '../../packages/csms/src/blocks/transactions.ts';
import { startTestCsms, eventually, type TestCsms } from '../fixtures/csms.ts';
import { aBootNotification, aNotifyEvent, anEvent, aStatusNotification } from '../fixtures/builders.ts';

const VALID = { idToken: 'TC-E-VALID', type: 'ISO14443' } as const;
type Opts = Partial<Pick<TransactionEventRequest, 'idToken' | 'meterValue' | 'offline'>> & {
  chargingState?: NonNullable<TransactionEventRequest['transactionInfo']['chargingState']>;
  stoppedReason?: NonNullable<TransactionEventRequest['transactionInfo']['stoppedReason']>;
  /** A seqNo/timestamp taken earlier with reserve() (an event sent out of order). */
  slot?: { seqNo: number; timestamp: string };
};

/** One transaction as the OCTT plays it: seqNo from 0 per transaction, a station clock one second per event. */
class StationTx {
  seqNo = 0;
  private clock = Date.now() - 600_000;
  started = false;
  authorized = false;
  evConnected = false;
  constructor(readonly cs: OcppClient, readonly id: string) {}
  /** Take the next seqNo and timestamp now, to send that event later (queued while offline). */
  reserve() {
    return { seqNo: this.seqNo++, timestamp: new Date((this.clock += 1000)).toISOString() };
  }
  send(eventType: TransactionEventRequest['eventType'], triggerReason: TransactionEventRequest['triggerReason'], o: Opts = {}): Promise<TransactionEventResponse> {
    const { chargingState, stoppedReason, slot = this.reserve(), ...rest } = o;
    const req: TransactionEventRequest = {
      eventType, triggerReason, ...slot, ...rest,
      transactionInfo: { transactionId: this.id, ...(chargingState && { chargingState }), ...(stoppedReason && { stoppedReason }) },
      ...(eventType === 'Started' && { evse: { id: 1, connectorId: 1 } }),
    };
    if (eventType === 'Started') this.started = true;
    return this.cs.call('TransactionEvent', req);
  }
  /** Started for the transaction's first event, Updated afterwards. */
  next(triggerReason: TransactionEventRequest['triggerReason'], o: Opts = {}): Promise<TransactionEventResponse> {
    return this.send(this.started ? 'Updated' : 'Started', triggerReason, o);
  }
}

for (const version of ['2.0.1', '2.1'] as OcppVersion[]) {
  describe(`TC_E_xx_CSMS block E over WebSocket, OCPP ${version}`, () => {
    let t: TestCsms;
    before(async () => {
      t = await startTestCsms();
      await t.store.upsertIdToken({ ...VALID, status: 'Accepted' });
    });
    after(async () => { await t.stop(); });
    const rt = () => t.csms.runtime;
    let n = 0;
    let eventId = 1;

    /** Message: StatusNotificationRequest + NotifyEventRequest (Delta, AvailabilityState): "responds accordingly". */
    const connector = async (cs: OcppClient, status: 'Available' | 'Occupied') => {
      assert.deepEqual(await cs.call('StatusNotification', aStatusNotification({ connectorStatus: status })), {});
      assert.deepEqual(await cs.call('NotifyEvent', aNotifyEvent({ eventData: [anEvent({ eventId: eventId++, actualValue: status })] })), {});
    };
    /** Reusable State Booted; GetTransactionStatus requests the CSMS sends are recorded in `asked`. */
    const booted = async (tc: string) => {
      const sid = `${tc}-${version.replace(/\./g, '')}-${n++}`;
      const cs = await t.connect(sid, { version });
      const asked: GetTransactionStatusRequest[] = [];
      let answer: (req: GetTransactionStatusRequest) => { ongoingIndicator?: boolean; messagesInQueue: boolean } = () => ({ messagesInQueue: false });
      cs.handle('GetTransactionStatus', async (_c, req) => { asked.push(req); return answer(req); });
      assert.equal((await cs.call('BootNotification', aBootNotification())).status, 'Accepted');
      await connector(cs, 'Available');
      return { sid, cs, asked, answerStatus: (fn: typeof answer) => { answer = fn; }, tx: new StationTx(cs, `${tc}-tx-${n}`) };
    };
    const stored = async (sid: string, id: string) => (await t.store.getTransaction(sid, id))!;
    const connectorStatus = async (sid: string) => (await t.store.listConnectors(sid)).find((c) => c.evseId === 1 && c.connectorId === 1)?.status;

    // ---- reusable states (Part 6 §3.18, CSMS) -----------------------------------------------------------
    /** Authorized: Authorize and TransactionEvent(Authorized) are both answered Accepted. */
    const authorized = async (tx: StationTx) => {
      assert.equal((await tx.cs.call('Authorize', { idToken: VALID })).idTokenInfo.status, 'Accepted');
      assert.equal((await tx.next('Authorized', { idToken: VALID })).idTokenInfo?.status, 'Accepted');
      tx.authorized = true;
    };
    /** EVConnectedPreSession: Occupied, then CablePluggedIn (Updated when Authorized, else Started). */
    const evConnectedPreSession = async (tx: StationTx) => {
      await connector(tx.cs, 'Occupied');
      assert.deepEqual(await tx.next('CablePluggedIn', { chargingState: 'EVConnected' }), {});
      tx.evConnected = true;
    };
    const energyTransferStarted = async (tx: StationTx) => {
      if (!tx.authorized) await authorized(tx);
      if (!tx.evConnected) await evConnectedPreSession(tx);
      assert.deepEqual(await tx.next('ChargingStateChanged', { chargingState: 'Charging' }), {});
    };
    const energyTransferSuspended = async (tx: StationTx) => {
      await energyTransferStarted(tx);
      assert.deepEqual(await tx.next('ChargingStateChanged', { chargingState: 'SuspendedEV' }), {});
    };
    /** StopAuthorized: tool validation "idTokenInfo.status must be Accepted". */
    const stopAuthorized = async (tx: StationTx) => {
      assert.equal((await tx.next('StopAuthorized', { idToken: VALID })).idTokenInfo?.status, 'Accepted');
    };
    const evConnectedPostSession = async (tx: StationTx) => {
      await stopAuthorized(tx);
      assert.deepEqual(await tx.next('ChargingStateChanged', { chargingState: 'EVConnected' }), {});
    };
    const evDisconnected = async (tx: StationTx) => {
      await evConnectedPostSession(tx);
      await connector(tx.cs, 'Available');
      assert.deepEqual(await tx.send('Ended', 'EVCommunicationLost', { chargingState: 'Idle', stoppedReason: 'EVDisconnected' }), {});
    };
    /** The OCTT closes the WebSocket, waits, and reconnects (no new boot: B01.FR.03 is per boot). */
    const reconnect = async (sid: string, cs: OcppClient) => {
      await cs.close();
      await eventually(() => !rt().sessions.has(sid));
      await new Promise((r) => setTimeout(r, 20));
      await cs.connect();
      await eventually(() => rt().sessions.has(sid));
    };
    const periodic = (wh: number) => [{ timestamp: new Date().toISOString(), sampledValue: [{ value: wh, context: 'Sample.Periodic' as const }] }];

    // ---- start options (E01, E03) ----------------------------------------------------------------------
    test('TC_E_02_CSMS [E01.FR.06] [E01.FR.12] Start transaction options - EnergyTransfer: Started(ChargingStateChanged, Charging) with the token is Accepted', async () => {
      const { sid, cs, tx } = await booted('E02');
      assert.equal((await cs.call('Authorize', { idToken: VALID })).idTokenInfo.status, 'Accepted');
      await connector(cs, 'Occupied');
      const r = await tx.send('Started', 'ChargingStateChanged', { idToken: VALID, chargingState: 'Charging' });
      assert.equal(r.idTokenInfo?.status, 'Accepted');
      const s = await stored(sid, tx.id);
      assert.deepEqual([s.state, s.chargingState, s.idToken?.idToken, s.evseId, s.connectorId], ['Started', 'Charging', VALID.idToken, 1, 1]);
      assert.equal(await connectorStatus(sid), 'Occupied');
    });

    test('TC_E_09_CSMS [E01.FR.02] Start transaction options - EVConnected: Occupied, then Started(CablePluggedIn, EVConnected) without a token', async () => {
      const { sid, tx } = await booted('E09');
      await evConnectedPreSession(tx);
      const s = await stored(sid, tx.id);
      assert.deepEqual([s.state, s.triggerReason, s.chargingState, s.idToken], ['Started', 'CablePluggedIn', 'EVConnected', undefined]);
      assert.equal(await connectorStatus(sid), 'Occupied');
    });

    test('TC_E_10_CSMS [E01.FR.03] [E01.FR.12] Start transaction options - Authorized - Local: Authorize and Started(Authorized) both Accepted', async () => {
      const { sid, tx } = await booted('E10');
      await authorized(tx);
      const s = await stored(sid, tx.id);
      assert.deepEqual([s.state, s.triggerReason, s.idToken?.idToken, s.deauthorized], ['Started', 'Authorized', VALID.idToken, undefined]);
    });

    test('TC_E_11_CSMS [E01.FR.04] [E01.FR.12] Start transaction options - DataSigned: Started(SignedDataReceived) Accepted, the signed Transaction.Begin reading kept verbatim', async () => {
      const { sid, cs, tx } = await booted('E11');
      assert.equal((await cs.call('Authorize', { idToken: VALID })).idTokenInfo.status, 'Accepted');
      await connector(cs, 'Occupied');
      const signed = { signedMeterData: 'T0NNRnx7IlJEIjpbeyJSViI6MC4wfV19', signingMethod: 'ECDSA-secp256r1-SHA256', encodingMethod: 'OCMF', publicKey: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE' };
      const begin = [{ timestamp: new Date().toISOString(), sampledValue: [{ value: 0.0, context: 'Transaction.Begin' as const, signedMeterValue: signed }] }];
      assert.equal((await tx.send('Started', 'SignedDataReceived', { idToken: VALID, meterValue: begin })).idTokenInfo?.status, 'Accepted');
      assert.deepEqual(await tx.next('ChargingStateChanged', { chargingState: 'Charging' }), {});
      const rows = await t.store.listMeterValues({ stationId: sid, limit: 10 });
      assert.deepEqual(rows.map((r) => [r.transactionId, r.context, r.value, r.signedMeterValue]), [[tx.id, 'Transaction.Begin', 0, signed]]);
      const s = await stored(sid, tx.id);
      assert.deepEqual([s.state, s.chargingState, s.meterStartWh, s.eventCount], ['Updated', 'Charging', 0, 2]);
    });

    test('TC_E_12_CSMS [E01.FR.01] Start transaction options - ParkingBayOccupied: Started(EVDetected) is answered and stored', async () => {
      const { sid, tx } = await booted('E12');
      assert.deepEqual(await tx.send('Started', 'EVDetected'), {});
      const s = await stored(sid, tx.id);
      assert.deepEqual([s.state, s.triggerReason, s.evseId, s.eventCount], ['Started', 'EVDetected', 1, 1]);
    });

    test('TC_E_38_CSMS [E03.FR.02] Local start transaction - EV not ready: Authorized, EV connected, then Updated(ChargingStateChanged, SuspendedEV)', async () => {
      const { sid, tx } = await booted('E38');
      await authorized(tx);
      await evConnectedPreSession(tx);
      assert.deepEqual(await tx.next('ChargingStateChanged', { chargingState: 'SuspendedEV' }), {});
      const s = await stored(sid, tx.id);
      assert.deepEqual([s.state, s.chargingState, s.idToken?.idToken, s.stoppedReason, s.eventCount], ['Updated', 'SuspendedEV', VALID.idToken, undefined, 3]);
    });

    test('TC_E_39_CSMS [E03.FR.04] [E03.FR.05] [E06.FR.04] Stop transaction options - Deauthorized - timeout: Ended(EVConnectTimeout, Timeout) after Authorized', async () => {
      const { sid, tx } = await booted('E39');
      await authorized(tx);
      assert.deepEqual(await tx.send('Ended', 'EVConnectTimeout', { stoppedReason: 'Timeout' }), {});
      const s = await stored(sid, tx.id);
      assert.deepEqual([s.state, s.triggerReason, s.stoppedReason, s.eventCount], ['Ended', 'EVConnectTimeout', 'Timeout', 2]);
    });

    // ---- stop options (E06, E10) -----------------------------------------------------------------------
    test('TC_E_07_CSMS [E06.FR.06] Stop transaction options - PowerPathClosed - Local stop: Ended(StopAuthorized, Local); no seqNo gap, so no GetTransactionStatus', async () => {
      const { sid, tx, asked } = await booted('E07');
      await energyTransferStarted(tx);
      assert.deepEqual(await tx.send('Ended', 'StopAuthorized', { stoppedReason: 'Local' }), {});
      const s = await stored(sid, tx.id);
      assert.deepEqual([s.state, s.stoppedReason, s.deauthorized, s.eventCount], ['Ended', 'Local', true, 4]);
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(asked, []);
    });

    test('TC_E_08_CSMS [E06.FR.07] Stop transaction options - EnergyTransfer stopped - StopAuthorized: StopAuthorized Accepted, Ended(ChargingStateChanged, EVConnected, Local)', async () => {
      const { sid, tx } = await booted('E08');
      await energyTransferStarted(tx);
      await stopAuthorized(tx);
      assert.deepEqual(await tx.send('Ended', 'ChargingStateChanged', { chargingState: 'EVConnected', stoppedReason: 'Local' }), {});
      const s = await stored(sid, tx.id);
      assert.deepEqual([s.state, s.chargingState, s.stoppedReason, s.eventCount], ['Ended', 'EVConnected', 'Local', 5]);
    });

    test('TC_E_17_CSMS [E06.FR.04] Stop transaction options - Deauthorized - EV side disconnect: Ended(EVCommunicationLost, Idle, EVDisconnected) while suspended', async () => {
      const { sid, tx } = await booted('E17');
      await energyTransferSuspended(tx);
      assert.deepEqual(await tx.send('Ended', 'EVCommunicationLost', { chargingState: 'Idle', stoppedReason: 'EVDisconnected' }), {});
      const s = await stored(sid, tx.id);
      assert.deepEqual([s.state, s.chargingState, s.stoppedReason, s.eventCount], ['Ended', 'Idle', 'EVDisconnected', 5]);
    });

    test('TC_E_19_CSMS [E06.FR.01] Stop transaction options - ParkingBayUnoccupied: after EVDisconnected, Ended(EVDeparted, Local) is answered', async () => {
      const { sid, tx } = await booted('E19');
      await energyTransferStarted(tx);
      // Reusable State EVDisconnected ends with its own Ended event (as Part 6 §3.18 writes it); the TC then
      // sends the EVDeparted Ended: the CSMS answers both and keeps the latest stop.
      await evDisconnected(tx);
      assert.deepEqual(await tx.send('Ended', 'EVDeparted', { stoppedReason: 'Local' }), {});
      const s = await stored(sid, tx.id);
      assert.deepEqual([s.state, s.triggerReason, s.stoppedReason, s.eventCount], ['Ended', 'EVDeparted', 'Local', 7]);
      assert.equal(await connectorStatus(sid), 'Available');
    });

    test('TC_E_20_CSMS [E06.FR.02] Stop transaction options - EVDisconnected - EV side: from suspended, Reusable State EVDisconnected ends the transaction', async () => {
      const { sid, tx } = await booted('E20');
      await energyTransferSuspended(tx);
      await evDisconnected(tx);
      const s = await stored(sid, tx.id);
      assert.deepEqual([s.state, s.triggerReason, s.chargingState, s.stoppedReason, s.eventCount], ['Ended', 'EVCommunicationLost', 'Idle', 'EVDisconnected', 7]);
      assert.equal(await connectorStatus(sid), 'Available');
    });

    test('TC_E_22_CSMS [E06.FR.07] Stop transaction options - EnergyTransfer stopped - SuspendedEV: Ended(ChargingStateChanged, SuspendedEV, StoppedByEV)', async () => {
      const { sid, tx } = await booted('E22');
      await energyTransferStarted(tx);
      assert.deepEqual(await tx.send('Ended', 'ChargingStateChanged', { chargingState: 'SuspendedEV', stoppedReason: 'StoppedByEV' }), {});
      const s = await stored(sid, tx.id);
      assert.deepEqual([s.state, s.chargingState, s.stoppedReason], ['Ended', 'SuspendedEV', 'StoppedByEV']);
    });

    test('TC_E_26_CSMS [E10.FR.01] Disconnect cable on EV-side - Suspend transaction: EVCommunicationLost keeps it open, re-plug resumes charging', async () => {
      const { sid, cs, tx } = await booted('E26');
      await energyTransferSuspended(tx);
      assert.deepEqual(await tx.next('EVCommunicationLost', { chargingState: 'Idle' }), {});
      await connector(cs, 'Available');
      assert.equal((await stored(sid, tx.id)).state, 'Updated');
      assert.deepEqual(await tx.next('CablePluggedIn', { chargingState: 'EVConnected' }), {});
      assert.deepEqual(await tx.next('ChargingStateChanged', { chargingState: 'Charging' }), {});
      const s = await stored(sid, tx.id);
      assert.deepEqual([s.state, s.chargingState, s.stoppedReason, s.endedAt, s.eventCount], ['Updated', 'Charging', undefined, undefined, 7]);
    });

    // ---- Check Transaction status (E14) ----------------------------------------------------------------
    test('TC_E_29_CSMS [E14.FR.02] [E14.FR.04] GetTransactionStatus with the transactionId after a reconnect (ongoing, queued), then the offline event', async () => {
      const { sid, cs, tx, asked, answerStatus } = await booted('E29');
      await energyTransferStarted(tx);
      await reconnect(sid, cs);
      answerStatus(() => ({ ongoingIndicator: true, messagesInQueue: true }));
      const r = await getTransactionStatus(rt(), sid, { transactionId: tx.id });
      assert.deepEqual(asked, [{ transactionId: tx.id }]);
      assert.deepEqual(r.response, { ongoingIndicator: true, messagesInQueue: true });
      assert.equal(r.transaction?.state, 'Updated');
      assert.deepEqual(await tx.next('MeterValuePeriodic', { offline: true, meterValue: periodic(1200) }), {});
      const s = await stored(sid, tx.id);
      assert.deepEqual([s.state, s.offline, s.energyWh], ['Updated', true, 1200]);
    });

    test('TC_E_30_CSMS [E14.FR.02] [E14.FR.05] GetTransactionStatus with the transactionId: ongoing, nothing queued', async () => {
      const { sid, tx, asked, answerStatus } = await booted('E30');
      await energyTransferStarted(tx);
      answerStatus((req) => ({ ongoingIndicator: req.transactionId === tx.id, messagesInQueue: false }));
      const r = await getTransactionStatus(rt(), sid, { transactionId: tx.id });
      assert.deepEqual(asked, [{ transactionId: tx.id }]);
      assert.deepEqual(r.response, { ongoingIndicator: true, messagesInQueue: false });
      assert.deepEqual([r.transaction?.state, r.transaction?.chargingState], ['Updated', 'Charging']);
    });

    test('TC_E_31_CSMS [E14.FR.03] [E14.FR.04] Ended offline with two seqNos skipped: the CSMS asks GetTransactionStatus by itself, then takes the late events', async () => {
      const { sid, cs, tx, asked, answerStatus } = await booted('E31');
      await energyTransferStarted(tx);
      await reconnect(sid, cs);
      answerStatus(() => ({ ongoingIndicator: false, messagesInQueue: true }));
      assert.deepEqual(await cs.call('StatusNotification', aStatusNotification({ connectorStatus: 'Available' })), {});
      const [skipped1, skipped2] = [tx.reserve(), tx.reserve()];
      assert.deepEqual(await tx.send('Ended', 'EVCommunicationLost', { offline: true, chargingState: 'Idle' }), {});
      // Step 7: "The CSMS sends a GetTransactionStatusRequest" with the transactionId, nothing asked of the operator
      await eventually(() => asked.length > 0);
      assert.deepEqual(asked, [{ transactionId: tx.id }]);
      assert.deepEqual(await tx.send('Updated', 'StopAuthorized', { offline: true, slot: skipped1 }), {});
      assert.deepEqual(await tx.send('Updated', 'ChargingStateChanged', { offline: true, chargingState: 'EVConnected', slot: skipped2 }), {});
      const s = await stored(sid, tx.id);
      // The late (earlier) events change nothing of the stop: order by timestamp/seqNo, not by arrival.
      assert.deepEqual([s.state, s.triggerReason, s.chargingState, s.offline, s.eventCount], ['Ended', 'EVCommunicationLost', 'Idle', true, 6]);
      assert.deepEqual((await t.store.listTransactionEvents(sid, tx.id)).map((e) => e.seqNo).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5]);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(asked.length, 1);
    });

    test('TC_E_33_CSMS [E14.FR.06] [E14.FR.07] GetTransactionStatus without a transactionId after a reconnect: messages queued, then the offline event', async () => {
      const { sid, cs, tx, asked, answerStatus } = await booted('E33');
      await energyTransferStarted(tx);
      await reconnect(sid, cs);
      answerStatus(() => ({ messagesInQueue: true }));
      const r = await getTransactionStatus(rt(), sid);
      assert.deepEqual(asked, [{}]);
      assert.deepEqual([r.response, r.transaction], [{ messagesInQueue: true }, undefined]);
      assert.deepEqual(await tx.next('MeterValuePeriodic', { offline: true, meterValue: periodic(800) }), {});
      assert.deepEqual([(await stored(sid, tx.id)).offline, (await stored(sid, tx.id)).energyWh], [true, 800]);
    });

    test('TC_E_34_CSMS [E14.FR.06] [E14.FR.08] GetTransactionStatus without a transactionId: nothing queued', async () => {
      const { sid, asked, answerStatus } = await booted('E34');
      answerStatus(() => ({ messagesInQueue: false }));
      const r = await getTransactionStatus(rt(), sid);
      assert.deepEqual(asked, [{}]);
      assert.deepEqual(r.response, { messagesInQueue: false });
    });
  });
}

test('TC_E_31_CSMS seqNoGap (Part 2 §1.3.2): a continuous counter is complete, a missing seqNo is a gap, a restarted counter is none', async () => {
  const store = createMemoryStore();
  const apply = async (id: string, seqNo: number, eventType: TransactionEventRequest['eventType']) =>
    (await store.applyTransactionEvent('GAP', { eventType, seqNo, timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, seqNo % 60)).toISOString(), triggerReason: 'Trigger', transactionInfo: { transactionId: id } }, { receivedAt: new Date(), messageId: `${id}-${seqNo}` })).transaction;
  /** Started with the first seqNo, Ended with the last. */
  const gap = async (id: string, seqNos: number[]) => {
    let tx;
    for (const [i, s] of seqNos.entries()) tx = await apply(id, s, i === 0 ? 'Started' : i === seqNos.length - 1 ? 'Ended' : 'Updated');
    return seqNoGap({ store }, 'GAP', tx!, seqNos.at(-1)!);
  };
  assert.equal(await gap('from-0', [0, 1, 2, 3]), false);
  assert.equal(await gap('continuous', [57, 58, 59, 60]), false); // "continuously increasing seqNo are still allowed"
  assert.equal(await gap('missing', [57, 58, 60]), true);
  assert.equal(await gap('two-missing', [0, 3]), true);
  assert.equal(await gap('restarted', [40, 41, 0, 1]), false); // the counter went back: no way to tell
  assert.equal(await gap('late-start', [5, 6, 8]), true);
});
