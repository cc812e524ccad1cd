// Block E interop: our simulator against our CSMS over real WebSockets (SQLite store), OCPP 2.1 and 2.0.1.
// Scenarios follow the OCPP 2.0.1 Part 6 certification test cases for the CSMS (TC_E_xx_CSMS). The station
// charges on a ManualClock: N simulated minutes at a fixed power give an exact energy the CSMS must store.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { reset } from '@chargewire/csms';
import { startSimEnv, VERSIONS, idFor, eventually, drained, statusStored, type SimEnv, type SimStation } from './sim-harness.ts';

const TOKEN = { idToken: 'E-TOKEN-OK', type: 'ISO14443' } as const;
const MIN = 60_000;
// 11 kW for 12 minutes = 2200 Wh exactly.
const POWER_W = 11_000;

async function txOf(env: SimEnv, sid: string, transactionId: string, state: string) {
  return eventually(async () => { const t = await env.store.getTransaction(sid, transactionId); return t?.state === state ? t : undefined; }, 5000);
}

/** Plug in, present the token, wait for the Started event and the start of charging to be stored; returns the transaction id. */
async function plugAndAuthorize(env: SimEnv, s: SimStation, sid: string): Promise<string> {
  s.st.plugIn(1, 1, { powerW: POWER_W });
  await statusStored(env.store, sid, 'Occupied');
  assert.equal((await s.st.presentToken(TOKEN.idToken, TOKEN.type)).status, 'Accepted');
  const txId = s.st.state().evses[0]!.transactionId!;
  assert.ok(txId, 'transaction started at PowerPathClosed');
  // [E03.FR.12] Started(Authorized, EVConnected), then the energy transfer start in its own Updated(ChargingStateChanged, Charging).
  const tx = await eventually(async () => { const t = await env.store.getTransaction(sid, txId); return t?.state === 'Updated' && t.chargingState === 'Charging' ? t : undefined; }, 5000);
  assert.deepEqual([tx.triggerReason, tx.eventCount], ['ChargingStateChanged', 2]);
  return txId;
}

for (const version of VERSIONS) {
  describe(`simulator <-> CSMS, block E, OCPP ${version}`, () => {
    let env: SimEnv;
    before(async () => {
      env = await startSimEnv({ sqlite: true });
      await env.store.upsertIdToken({ ...TOKEN, status: 'Accepted' });
    });
    after(async () => { await env.stop(); });
    const station = (tc: string, variables: Record<string, string> = {}) =>
      env.station({ identity: idFor(tc, version), version, variables: { 'SampledDataCtrlr.TxUpdatedInterval': '120', ...variables } });

    test('TC_E_01_CSMS TC_E_03_CSMS TC_E_14_CSMS [E01.FR.05] [E02.FR.02] [E06.FR.02] [C01.FR.01] Full transaction: plug, local token, 12 simulated minutes, unplug - exact energy stored', async () => {
      const s = await station('E01');
      const sid = s.st.opts.identity;
      await s.accepted();
      const txId = await plugAndAuthorize(env, s, sid);
      // Station side: the token was authorized by the CSMS (C01) before the transaction started.
      const auth = s.log.sent.find((m) => m.action === 'Authorize');
      assert.deepEqual((auth?.response as { idTokenInfo: { status: string } }).idTokenInfo.status, 'Accepted');
      await s.clock.advance(12 * MIN);
      s.st.unplug(1);
      await statusStored(env.store, sid, 'Available');
      await drained(s.st);
      const tx = await txOf(env, sid, txId, 'Ended');
      // CSMS side: the whole transaction, with the exact energy.
      assert.equal(tx.energyWh, 2200);
      assert.equal(tx.meterStartWh, 0);
      assert.equal(tx.stoppedReason, 'EVDisconnected');
      assert.equal(tx.triggerReason, 'EVCommunicationLost');
      assert.deepEqual([tx.evseId, tx.connectorId], [1, 1]);
      assert.deepEqual(tx.idToken, TOKEN);
      assert.equal(tx.offline, false);
      assert.equal(tx.startedAt, '2025-01-01T00:00:00.000Z');
      assert.equal(tx.endedAt, '2025-01-01T00:12:00.000Z');
      const sent = s.log.txEvents.filter((e) => e.transactionId === txId);
      // Started, Updated(ChargingStateChanged) (E03.FR.12), 6 periodic Updated (every 120 s), Ended.
      assert.deepEqual(sent.map((e) => e.eventType), ['Started', ...Array(7).fill('Updated'), 'Ended']);
      assert.deepEqual(sent.slice(0, 3).map((e) => e.triggerReason), ['Authorized', 'ChargingStateChanged', 'MeterValuePeriodic']);
      assert.equal(tx.eventCount, sent.length);
      const stored = await env.store.listTransactionEvents(sid, txId);
      assert.deepEqual(stored.map((e) => e.seqNo), sent.map((e) => e.seqNo));
      assert.deepEqual(stored.map((e) => e.seqNo), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
      // [E01.FR.12] [E02.FR.02] the CSMS answered the idToken in the Started event with its status.
      const started = s.log.sent.find((m) => m.action === 'TransactionEvent' && (m.payload as { eventType: string }).eventType === 'Started');
      assert.equal((started?.response as { idTokenInfo?: { status: string } }).idTokenInfo?.status, 'Accepted');
      assert.equal(s.st.state().evses[0]?.energyWh, 2200);
    });

    test('TC_E_15_CSMS TC_E_53_CSMS [E06.FR.03] [E01.FR.07] Local stop with the same token, then a second transaction starting again at seqNo 0', async () => {
      const s = await station('E15');
      const sid = s.st.opts.identity;
      await s.accepted();
      const first = await plugAndAuthorize(env, s, sid);
      await s.clock.advance(6 * MIN);
      assert.equal((await s.st.presentToken(TOKEN.idToken, TOKEN.type)).status, 'Stopped');
      const tx1 = await txOf(env, sid, first, 'Ended');
      assert.equal(tx1.stoppedReason, 'Local');
      assert.equal(tx1.triggerReason, 'StopAuthorized');
      assert.equal(tx1.energyWh, 1100);
      s.st.unplug(1);
      await statusStored(env.store, sid, 'Available');
      const second = await plugAndAuthorize(env, s, sid);
      assert.notEqual(second, first);
      await s.clock.advance(3 * MIN);
      s.st.unplug(1);
      const tx2 = await txOf(env, sid, second, 'Ended');
      // The meter register keeps counting across transactions: 1100 Wh before, 550 Wh in this one.
      assert.deepEqual([tx2.meterStartWh, tx2.energyWh], [1100, 1650]);
      const seq2 = (await env.store.listTransactionEvents(sid, second)).map((e) => e.seqNo);
      assert.equal(seq2[0], 0);
      const list = await env.store.listTransactions({ stationId: sid, limit: 10, offset: 0 });
      assert.deepEqual(list.items.map((t) => t.transactionId), [second, first]);
    });

    test('[E04.FR.01] [E04.FR.02] [E04.FR.03] [E12.FR.01] Offline during a transaction: queued events replayed in order, stored once, exact energy', async () => {
      const s = await station('E04');
      const sid = s.st.opts.identity;
      await s.accepted();
      const txId = await plugAndAuthorize(env, s, sid);
      await s.clock.advance(4 * MIN);
      await drained(s.st);
      await s.st.goOffline();
      await eventually(async () => (await env.store.getStation(sid))?.connected === false, 5000);
      // 6 offline minutes: 3 periodic events queued with offline = true.
      await s.clock.advance(6 * MIN);
      assert.equal(s.st.outbox.size, 3);
      await s.st.goOnline();
      await drained(s.st);
      await s.clock.advance(2 * MIN);
      s.st.unplug(1);
      await drained(s.st);
      const tx = await txOf(env, sid, txId, 'Ended');
      assert.equal(tx.energyWh, 2200);
      assert.equal(tx.offline, true);
      const sent = s.log.txEvents.filter((e) => e.transactionId === txId);
      assert.deepEqual(sent.filter((e) => e.offline).map((e) => e.seqNo), [4, 5, 6]);
      const stored = await env.store.listTransactionEvents(sid, txId);
      assert.equal(tx.eventCount, sent.length);
      assert.deepEqual(stored.map((e) => e.seqNo), sent.map((e) => e.seqNo));
      assert.deepEqual(stored.filter((e) => e.offline).map((e) => e.seqNo), [4, 5, 6]);
      // Each TransactionEvent crossed the wire exactly once (journal of incoming CALLs).
      const journal = await env.store.listJournal(sid, { action: 'TransactionEvent', direction: 'in', limit: 100 });
      assert.equal(journal.length, sent.length);
      const energy = await env.store.listMeterValues({ stationId: sid, transactionId: txId, measurand: 'Energy.Active.Import.Register', limit: 100 });
      assert.equal(energy.at(-1)?.value, 2200);
    });

    test('TC_B_21_CSMS [B12.FR.01] [B12.FR.02] Reset OnIdle during a transaction: Scheduled, the station reboots once the transaction has ended', async () => {
      const s = await station('B21');
      const sid = s.st.opts.identity;
      await s.accepted();
      const txId = await plugAndAuthorize(env, s, sid);
      assert.equal((await reset(env.runtime, sid, 'OnIdle')).status, 'Scheduled');
      await s.clock.advance(2 * MIN);
      assert.equal((await env.store.listBoots(sid, 5)).length, 1);
      s.st.unplug(1);
      await txOf(env, sid, txId, 'Ended');
      await eventually(async () => (await env.store.listBoots(sid, 5))[0]?.reason === 'ScheduledReset', 5000);
      await eventually(() => s.st.registration === 'Accepted' && s.st.connected, 5000);
      assert.equal((await env.store.getTransaction(sid, txId))?.energyWh, 366.667);
    });
  });
}
