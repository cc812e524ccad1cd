// Block E (Transactions), station side, named after the FR IDs (2.1 and 2.0.1).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OcppTypes } from '@chargewire/ocpp';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import type { ScriptedCsms } from '../testing/scripted-csms.ts';
import { QUIET, sequence } from './sequence.ts';

type Ev = OcppTypes.TransactionEventRequest;
const points = (start: string, stop: string, more: Record<string, string> = {}) => ({ ...QUIET, 'TxCtrlr.TxStartPoint': start, 'TxCtrlr.TxStopPoint': stop, ...more });
const txs = (csms: ScriptedCsms): string[] => sequence(csms).filter((s) => s.startsWith('TransactionEvent'));
/** seqNo starts at 0 and goes up by one per message of a transaction. */
const seqOk = (evs: Ev[]): void => {
  const by = new Map<string, number[]>();
  for (const e of evs) by.set(e.transactionInfo.transactionId, [...(by.get(e.transactionInfo.transactionId) ?? []), e.seqNo]);
  for (const s of by.values()) assert.deepEqual(s, s.map((_, i) => i));
};
const ctx = (e: Ev | undefined): string[] => (e?.meterValue ?? []).flatMap((m) => m.sampledValue.map((v) => `${v.context}:${v.measurand ?? 'Energy.Active.Import.Register'}`));

for (const version of VERSIONS) {
  describe(`block E station FRs (${version})`, () => {
    test('E01.FR.03 E01.FR.15 TxStartPoint Authorized: Started(Authorized) as soon as the driver is authorized', async () => {
      const { st, csms } = await harness({ version, variables: points('Authorized', 'Authorized') });
      csms.clear();
      await st.presentToken('TAG1');
      await settle();
      assert.deepEqual(txs(csms), ['TransactionEvent(Started,Authorized)']);
    });

    test('E01.FR.05 E01.FR.15 TxStartPoint PowerPathClosed: Started only when authorized and connected', async () => {
      const { st, csms } = await harness({ version, variables: points('PowerPathClosed', 'EVConnected') });
      csms.clear();
      st.plugIn(1, 1);
      await settle();
      assert.deepEqual(txs(csms), []);
      await st.presentToken('TAG1');
      await settle();
      // [E03.FR.12] the authorization and the start of energy transfer go in two TransactionEvents, in this order.
      assert.deepEqual(txs(csms), ['TransactionEvent(Started,Authorized)', 'TransactionEvent(Updated,ChargingStateChanged)']);
      assert.deepEqual(csms.txEvents.map((e) => e.transactionInfo.chargingState), ['EVConnected', 'Charging']);
    });

    test('E01.FR.06 TxStartPoint EnergyTransfer: Started when energy starts flowing', async () => {
      const { st, csms } = await harness({ version, variables: points('EnergyTransfer', 'EVConnected') });
      csms.clear();
      st.plugIn(1, 1, { powerW: 0 });
      await st.presentToken('TAG1');
      await settle();
      assert.deepEqual(txs(csms), []);
      st.startCharging(1, 7000);
      await settle();
      assert.deepEqual(txs(csms), ['TransactionEvent(Started,ChargingStateChanged)']);
      assert.equal(csms.txEvents[0]!.transactionInfo.chargingState, 'Charging');
    });

    test('E02.FR.06 E01.FR.16 E01.FR.10 E02.FR.01 E02.FR.20 TxStartPoint EVConnected: Started at plug-in with evse and connector, idToken with Updated(Authorized)', async () => {
      const { st, csms } = await harness({ version, variables: points('EVConnected', 'EVConnected') });
      csms.clear();
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      assert.deepEqual(txs(csms), ['TransactionEvent(Started,CablePluggedIn)', 'TransactionEvent(Updated,Authorized)', 'TransactionEvent(Updated,ChargingStateChanged)']);
      // [E02.FR.20] the idToken goes once, in the Authorized event; the energy transfer start follows in its own event.
      assert.deepEqual(csms.txEvents.map((e) => [e.evse, e.idToken?.idToken, e.transactionInfo.chargingState]), [
        [{ id: 1, connectorId: 1 }, undefined, 'EVConnected'], [{ id: 1, connectorId: 1 }, 'TAG1', 'EVConnected'], [{ id: 1, connectorId: 1 }, undefined, 'Charging']]);
    });

    test('E01.FR.07 E02.FR.07 E03.FR.06 E06.FR.14 E07.FR.11 E01.FR.08 E02.FR.08 seqNo per transaction; transactionIds never repeat, also after a restart', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'cw-tx-'));
      const a = await harness({ version, dataDir, variables: points('PowerPathClosed', 'EVConnected,Authorized') });
      for (let i = 0; i < 2; i++) {
        a.st.plugIn(1, 1);
        await a.st.presentToken('TAG1');
        a.st.setPower(1, 0);
        await a.st.presentToken('TAG1');
        a.st.unplug(1);
      }
      await a.csms.until(() => a.csms.txEvents.filter((e) => e.eventType === 'Ended').length === 2 && a.st.outbox.size === 0);
      await a.st.stop();
      const b = await harness({ version, dataDir });
      b.st.plugIn(1, 1);
      await b.st.presentToken('TAG1');
      await b.csms.until(() => b.csms.txEvents.length === 1);
      seqOk(a.csms.txEvents);
      const ids = new Set([...a.csms.txEvents, ...b.csms.txEvents].map((e) => e.transactionInfo.transactionId));
      assert.equal(ids.size, 3);
      await b.st.stop();
    });

    test('E01.FR.09 E02.FR.09 E03.FR.07 E05.FR.05 Started carries TxStartedMeasurands with context Transaction.Begin', async () => {
      const { st, csms } = await harness({ version, variables: points('PowerPathClosed', 'EVConnected', { 'SampledDataCtrlr.TxStartedMeasurands': 'Energy.Active.Import.Register' }) });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      assert.deepEqual(ctx(csms.txEvents[0]), ['Transaction.Begin:Energy.Active.Import.Register']);
    });

    test('E02.FR.10 E03.FR.08 E11.FR.03 E12.FR.03 periodic Updated events carry TxUpdatedMeasurands (Sample.Periodic)', async () => {
      const { st, csms, clock } = await harness({ version, variables: points('PowerPathClosed', 'EVConnected', { 'SampledDataCtrlr.TxUpdatedInterval': '10', 'SampledDataCtrlr.TxUpdatedMeasurands': 'Energy.Active.Import.Register,Power.Active.Import' }) });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await clock.advance(10_000);
      const u = csms.txEvents.find((e) => e.triggerReason === 'MeterValuePeriodic');
      assert.deepEqual(ctx(u).sort(), ['Sample.Periodic:Energy.Active.Import.Register', 'Sample.Periodic:Power.Active.Import']);
    });

    test('E06.FR.11 E07.FR.08 E07.FR.05 E15.FR.01 Ended (local stop) carries TxEndedMeasurands (start and end readings, TxEndedInterval 0) and stoppedReason Local', async () => {
      const { st, csms } = await harness({ version, variables: points('PowerPathClosed', 'Authorized', { 'SampledDataCtrlr.TxEndedMeasurands': 'Energy.Active.Import.Register' }) });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await st.presentToken('TAG1');
      await settle();
      const ended = csms.txEvents.at(-1)!;
      assert.deepEqual([ended.eventType, ended.transactionInfo.stoppedReason, ctx(ended)], ['Ended', 'Local', ['Transaction.Begin:Energy.Active.Import.Register', 'Transaction.End:Energy.Active.Import.Register']]);
    });

    test('E01.FR.14 no transaction on another connector of the same EVSE while one is ongoing', async () => {
      const { st } = await harness({ version, evses: [{ connectors: [{}, {}] }], variables: points('EVConnected', 'EVConnected') });
      st.plugIn(1, 1);
      assert.throws(() => st.plugIn(1, 2));
      assert.equal(st.state().evses[0]!.connectors[1]!.status, 'Unavailable');
      st.unplug(1);
      st.plugIn(1, 2);
      assert.equal(st.evse(1).plugged, 2);
    });

    test('E01.FR.18 E01.FR.19 E02.FR.13 E02.FR.16 E02.FR.17 E03.FR.12 E01.FR.15 E02.FR.15 E06.FR.15 chargingState changes and trigger events are reported with their triggerReason', async () => {
      const { st, csms } = await harness({ version, variables: points('PowerPathClosed', 'EVConnected') });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      st.setPower(1, 0);
      st.setPower(1, 5000);
      st.unplug(1);
      await settle();
      assert.deepEqual(csms.txEvents.map((e) => [e.eventType, e.triggerReason, e.transactionInfo.chargingState]), [
        ['Started', 'Authorized', 'EVConnected'], ['Updated', 'ChargingStateChanged', 'Charging'],
        ['Updated', 'ChargingStateChanged', 'SuspendedEV'], ['Updated', 'ChargingStateChanged', 'Charging'], ['Ended', 'EVCommunicationLost', 'Idle']]);
      seqOk(csms.txEvents);
    });

    test('TxStopPoint ParkingBayOccupancy but no EV in the bay, no cable within EVConnectionTimeOut: nothing to wait for, Ended(EVConnectTimeout, Timeout) (E03.FR.15 cases: fr-e-bay.test.ts)', async () => {
      const { st, csms, clock } = await harness({ version, variables: points('Authorized', 'ParkingBayOccupancy', { 'TxCtrlr.EVConnectionTimeOut': '30' }) });
      await st.presentToken('TAG1');
      await clock.advance(31_000);
      assert.deepEqual(txs(csms), ['TransactionEvent(Started,Authorized)', 'TransactionEvent(Ended,EVConnectTimeout,Timeout)']);
      assert.equal(st.evse(1).auth, undefined);
    });

    test('E05.FR.02 E05.FR.04 idToken not Accepted, StopTxOnInvalidId false: energy stops, Updated(ChargingStateChanged, SuspendedEVSE)', async () => {
      const { st, csms } = await harness({ version, variables: points('EVConnected', 'EVConnected', { 'TxCtrlr.StopTxOnInvalidId': 'false' }),
        replies: { TransactionEvent: (r) => (r.idToken ? { idTokenInfo: { status: 'Blocked' } } : {}) } });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await csms.until(() => csms.txEvents.length === 4);
      assert.deepEqual(csms.txEvents.map((e) => [e.triggerReason, e.transactionInfo.chargingState]), [
        ['CablePluggedIn', 'EVConnected'], ['Authorized', 'EVConnected'], ['ChargingStateChanged', 'Charging'], ['ChargingStateChanged', 'SuspendedEVSE']]);
      seqOk(csms.txEvents);
    });

    test('E05.FR.03 MaxEnergyOnInvalidId: energy allowed until the limit', async () => {
      const { st, csms, clock } = await harness({ version, evPowerW: 36_000, variables: points('EVConnected', 'EVConnected', { 'TxCtrlr.StopTxOnInvalidId': 'false', 'TxCtrlr.MaxEnergyOnInvalidId': '200' }),
        replies: { TransactionEvent: (r) => (r.idToken ? { idTokenInfo: { status: 'Invalid' } } : {}) } });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await clock.advance(15_000); // 22 kW max: ~92 Wh
      assert.ok(st.state().evses[0]!.powerW > 0);
      await clock.advance(30_000); // ~275 Wh
      assert.equal(st.state().evses[0]!.powerW, 0);
      assert.equal(csms.txEvents.at(-1)!.transactionInfo.chargingState, 'SuspendedEVSE');
    });

    test('E05.FR.09 StopTxOnInvalidId, TxStopPoint without Authorized/PowerPathClosed/EnergyTransfer: Updated(Deauthorized) with EVConnected', async () => {
      const { st, csms } = await harness({ version, variables: points('EVConnected', 'EVConnected', { 'TxCtrlr.StopTxOnInvalidId': 'true' }),
        replies: { TransactionEvent: (r) => (r.idToken ? { idTokenInfo: { status: 'Invalid' } } : {}) } });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await csms.until(() => csms.txEvents.length === 4);
      assert.deepEqual(txs(csms).slice(0, 3), ['TransactionEvent(Started,CablePluggedIn)', 'TransactionEvent(Updated,Authorized)', 'TransactionEvent(Updated,ChargingStateChanged)']);
      const last = csms.txEvents[3]!;
      assert.deepEqual([last.eventType, last.triggerReason, last.transactionInfo.chargingState], ['Updated', 'Deauthorized', 'EVConnected']);
    });

    test('E05.FR.10 StopTxOnInvalidId, TxStopPoint PowerPathClosed: Ended(Deauthorized, DeAuthorized)', async () => {
      const { st, csms } = await harness({ version, variables: points('EVConnected', 'PowerPathClosed', { 'TxCtrlr.StopTxOnInvalidId': 'true' }),
        replies: { TransactionEvent: (r) => (r.idToken ? { idTokenInfo: { status: 'Invalid' } } : {}) } });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await csms.until(() => csms.txEvents.length === 4);
      assert.deepEqual(txs(csms).slice(1), ['TransactionEvent(Updated,Authorized)', 'TransactionEvent(Updated,ChargingStateChanged)', 'TransactionEvent(Ended,Deauthorized,DeAuthorized)']);
    });

    test('E06.FR.01 E06.FR.02 E09.FR.01 TxStopPoint ParkingBayOccupancy / EVConnected: leaving ends the transaction, deauthorized', async () => {
      for (const stop of ['ParkingBayOccupancy', 'EVConnected']) {
        const { st, csms } = await harness({ version, variables: points('EVConnected', stop, { 'TxCtrlr.StopTxOnEVSideDisconnect': 'true' }) });
        st.plugIn(1, 1);
        await st.presentToken('TAG1');
        st.unplug(1);
        await settle();
        assert.deepEqual(txs(csms).at(-1), 'TransactionEvent(Ended,EVCommunicationLost,EVDisconnected)');
        assert.equal(st.evse(1).auth, undefined);
      }
    });

    test('E06.FR.03 E06.FR.06 TxStopPoint Authorized / PowerPathClosed: ending the authorization ends the transaction', async () => {
      for (const stop of ['Authorized', 'PowerPathClosed']) {
        const { st, csms } = await harness({ version, variables: points('EVConnected', stop) });
        st.plugIn(1, 1);
        await st.presentToken('TAG1');
        await st.presentToken('TAG1');
        await settle();
        assert.deepEqual(txs(csms).at(-1), 'TransactionEvent(Ended,StopAuthorized,Local)');
        assert.equal(st.evse(1).tx, undefined);
      }
    });

    test('E06.FR.07 E06.FR.08 E07.FR.06 TxStopPoint EnergyTransfer: the EV stopping energy ends it with stoppedReason StoppedByEV', async () => {
      const { st, csms } = await harness({ version, variables: points('PowerPathClosed', 'EnergyTransfer') });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      st.setPower(1, 0);
      await settle();
      assert.deepEqual(txs(csms).at(-1), 'TransactionEvent(Ended,ChargingStateChanged,StoppedByEV)');
    });

    test('E06.FR.16 E17.FR.01 E17.FR.20 E17.FR.21 power loss mid-transaction: state persisted, after restart Ended(AbnormalCondition, PowerLoss)', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'cw-tx-'));
      const a = await harness({ version, dataDir, variables: points('PowerPathClosed', 'EVConnected') });
      a.st.plugIn(1, 1);
      await a.st.presentToken('TAG1');
      await a.csms.until(() => a.csms.txEvents.length === 2 && a.st.outbox.size === 0); // Started(Authorized), Updated(ChargingStateChanged)
      await a.st.stop(); // the process dies without ending the transaction
      const b = await harness({ version, dataDir });
      await b.csms.until(() => b.csms.txEvents.length === 1);
      const e = b.csms.txEvents[0]!;
      assert.deepEqual([e.eventType, e.triggerReason, e.transactionInfo.stoppedReason, e.transactionInfo.transactionId, e.seqNo],
        ['Ended', 'AbnormalCondition', 'PowerLoss', a.csms.txEvents[0]!.transactionInfo.transactionId, 2]);
      await b.st.stop();
    });

    test('E08.FR.01 E08.FR.04 E08.FR.05 E08.FR.06 E08.FR.07 E08.FR.08 E08.FR.09 E12.FR.07 stop with the same token while offline: Ended queued, sent after reconnect with offline = true', async () => {
      const { st, csms } = await harness({ version, variables: points('PowerPathClosed', 'Authorized') });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      await st.goOffline();
      csms.clear();
      assert.equal((await st.presentToken('TAG1')).status, 'Stopped');
      assert.equal(st.state().evses[0]!.powerW, 0);
      assert.equal(st.outbox.size, 1);
      await st.goOnline();
      await csms.until(() => csms.txEvents.length === 1);
      const e = csms.txEvents[0]!;
      // seqNo 2: after Started(Authorized) 0 and Updated(ChargingStateChanged) 1.
      assert.deepEqual([e.eventType, e.offline, e.seqNo, ctx(e)], ['Ended', true, 2, ['Transaction.Begin:Energy.Active.Import.Register', 'Transaction.End:Energy.Active.Import.Register']]);
    });

    test('E08.FR.02 offline, a cached token of the same group stops the transaction', async () => {
      const group = { idToken: 'G', type: 'Central' as const };
      const { st, csms } = await harness({ version, variables: points('PowerPathClosed', 'Authorized', { 'AuthCacheCtrlr.Enabled': 'true' }), replies: { Authorize: () => ({ idTokenInfo: { status: 'Accepted', groupIdToken: group } }) } });
      st.auth.remember({ idToken: 'B', type: 'ISO14443' }, { status: 'Accepted', groupIdToken: group }, st.clock.now());
      st.plugIn(1, 1);
      await st.presentToken('A');
      await st.goOffline();
      assert.equal((await st.presentToken('B')).status, 'Stopped');
      await st.goOnline();
      await csms.until(() => csms.txEvents.some((e) => e.eventType === 'Ended'));
      assert.equal(csms.txEvents.at(-1)!.idToken?.idToken, 'B');
    });

    test('E10.FR.03 E10.FR.04 StopTxOnEVSideDisconnect false: unplugging suspends (Updated), replug resumes, the stop ends with meter data', async () => {
      const { st, csms } = await harness({ version, variables: points('PowerPathClosed', 'Authorized', { 'TxCtrlr.StopTxOnEVSideDisconnect': 'false' }) });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      st.unplug(1);
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await csms.until(() => csms.txEvents.some((e) => e.eventType === 'Ended'));
      assert.deepEqual(csms.txEvents.map((e) => [e.eventType, e.triggerReason, e.transactionInfo.chargingState]), [
        ['Started', 'Authorized', 'EVConnected'], ['Updated', 'ChargingStateChanged', 'Charging'], ['Updated', 'EVCommunicationLost', 'Idle'],
        ['Updated', 'CablePluggedIn', 'EVConnected'], ['Updated', 'ChargingStateChanged', 'Charging'], ['Ended', 'StopAuthorized', 'EVConnected']]);
      seqOk(csms.txEvents);
      assert.deepEqual(ctx(csms.txEvents[5]), ['Transaction.Begin:Energy.Active.Import.Register', 'Transaction.End:Energy.Active.Import.Register']);
    });

    test('E04.FR.04 E11.FR.01 E11.FR.02 E12.FR.01 E12.FR.02 a transaction entirely offline: all events queued, sent in order with offline = true', async () => {
      const { st, csms } = await harness({ version, variables: points('PowerPathClosed', 'EVConnected', { 'AuthCtrlr.OfflineTxForUnknownIdEnabled': 'true' }) });
      await st.goOffline();
      csms.clear();
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      st.unplug(1);
      assert.equal(csms.txEvents.length, 0);
      await st.goOnline();
      await csms.until(() => csms.txEvents.length === 3);
      assert.deepEqual(csms.txEvents.map((e) => [e.eventType, e.triggerReason, e.offline, e.seqNo]), [
        ['Started', 'Authorized', true, 0], ['Updated', 'ChargingStateChanged', true, 1], ['Ended', 'EVCommunicationLost', true, 2]]);
    });

    test('E11.FR.07 a TransactionEvent still queued when the connection drops is marked offline', async () => {
      let answer = false;
      const { st, csms } = await harness({ version, variables: points('EVConnected', 'EVConnected'),
        replies: { TransactionEvent: () => (answer ? {} : new Promise(() => { /* never answered */ })) } });
      st.plugIn(1, 1);
      await csms.until(() => csms.txEvents.length === 1);
      assert.equal(csms.txEvents[0]!.offline, undefined);
      await st.goOffline();
      answer = true;
      await st.goOnline();
      await csms.until(() => csms.txEvents.length === 2);
      assert.deepEqual([csms.txEvents[1]!.seqNo, csms.txEvents[1]!.offline], [0, true]);
    });

    test('E13.FR.01 MessageAttemptsTransactionEvent / MessageAttemptIntervalTransactionEvent configure the retries', async () => {
      let attempts = 0;
      const { st, clock } = await harness({ version, variables: points('EVConnected', 'EVConnected', { 'OCPPCommCtrlr.MessageAttempts[TransactionEvent]': '2', 'OCPPCommCtrlr.MessageAttemptInterval[TransactionEvent]': '5' }),
        replies: { TransactionEvent: () => { attempts++; throw Object.assign(new Error('no'), { code: 'InternalError' }); } } });
      st.plugIn(1, 1);
      await clock.advance(5_000);
      assert.equal(attempts, 2);
      await clock.advance(60_000);
      assert.deepEqual([attempts, st.outbox.size], [2, 0]);
    });

    test('E14.FR.04 E14.FR.05 E14.FR.08 GetTransactionStatus messagesInQueue with and without transactionId', async () => {
      let hold: (() => void) | undefined;
      const { st, csms } = await harness({ version, variables: points('EVConnected', 'EVConnected') });
      st.plugIn(1, 1);
      await settle();
      const id = csms.txEvents[0]!.transactionInfo.transactionId;
      assert.equal((await csms.call('GetTransactionStatus', { transactionId: id })).messagesInQueue, false, 'E14.FR.05');
      assert.equal((await csms.call('GetTransactionStatus', {})).messagesInQueue, false, 'E14.FR.08');
      csms.replies.TransactionEvent = () => new Promise((r) => { hold = () => r({}); });
      void st.presentToken('TAG1');
      await csms.until(() => csms.txEvents.length === 2);
      assert.equal((await csms.call('GetTransactionStatus', { transactionId: id })).messagesInQueue, true, 'E14.FR.04');
      hold?.();
    });
  });
}
