// Block J interop: our simulator against our CSMS over real WebSockets (SQLite store), OCPP 2.1 and 2.0.1.
// Scenarios follow the OCPP 2.0.1 Part 6 certification test cases for the CSMS (TC_J_xx_CSMS).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimEnv, VERSIONS, idFor, eventually, drained, statusStored, type SimEnv } from './sim-harness.ts';

const TOKEN = { idToken: 'J-TOKEN', type: 'ISO14443' as const };
const MIN = 60_000;

for (const version of VERSIONS) {
  describe(`simulator <-> CSMS, block J, OCPP ${version}`, () => {
    let env: SimEnv;
    before(async () => {
      env = await startSimEnv({ sqlite: true });
      await env.store.upsertIdToken({ ...TOKEN, status: 'Accepted' });
    });
    after(async () => { await env.stop(); });

    test('TC_J_07_CSMS TC_J_09_CSMS TC_J_10_CSMS [J02.FR.19] Sampled meter values: Transaction.Begin, Sample.Periodic every TxUpdatedInterval, Transaction.End - exact values stored', async () => {
      const sid = idFor('J07', version);
      const s = await env.station({ identity: sid, version, variables: { 'SampledDataCtrlr.TxUpdatedInterval': '300', 'SampledDataCtrlr.TxUpdatedMeasurands': 'Energy.Active.Import.Register,Power.Active.Import' } });
      await s.accepted();
      s.st.plugIn(1, 1, { powerW: 7_200 });
      await s.st.presentToken(TOKEN.idToken);
      const txId = s.st.state().evses[0]!.transactionId!;
      await s.clock.advance(15 * MIN);
      s.st.unplug(1);
      await drained(s.st);
      const rows = await eventually(async () => { const r = await env.store.listMeterValues({ stationId: sid, transactionId: txId, limit: 100 }); return r.length >= 8 ? r : undefined; }, 5000);
      const energy = rows.filter((r) => r.measurand === 'Energy.Active.Import.Register').map((r) => [r.timestamp.slice(11, 19), r.context, r.value]);
      // 7.2 kW: 600 Wh per 5 minutes.
      assert.deepEqual(energy, [
        ['00:00:00', 'Transaction.Begin', 0], ['00:05:00', 'Sample.Periodic', 600], ['00:10:00', 'Sample.Periodic', 1200],
        ['00:15:00', 'Sample.Periodic', 1800], ['00:15:00', 'Transaction.End', 1800],
      ]);
      const power = rows.filter((r) => r.measurand === 'Power.Active.Import');
      assert.deepEqual(power.map((r) => [r.value, r.unit]), [[7200, 'W'], [7200, 'W'], [7200, 'W']]);
      assert.equal((await env.store.getTransaction(sid, txId))?.energyWh, 1800);
    });

    test('TC_J_01_CSMS TC_J_02_CSMS [J01.FR.18] Clock-aligned meter values: MeterValues while idle, TransactionEvent(MeterValueClock) during a transaction', async () => {
      const sid = idFor('J01', version);
      const s = await env.station({ identity: sid, version, variables: { 'AlignedDataCtrlr.Interval': '900', 'SampledDataCtrlr.TxUpdatedInterval': '0' } });
      await s.accepted();
      await s.clock.advance(30 * MIN); // 00:15 and 00:30, idle
      const idle = await eventually(async () => { const r = await env.store.listMeterValues({ stationId: sid, limit: 10 }); return r.length === 2 ? r : undefined; }, 5000);
      assert.deepEqual(idle.map((r) => [r.timestamp.slice(11, 19), r.context, r.transactionId]), [['00:15:00', 'Sample.Clock', undefined], ['00:30:00', 'Sample.Clock', undefined]]);
      s.st.plugIn(1, 1, { powerW: 4_000 });
      await statusStored(env.store, sid, 'Occupied');
      await s.st.presentToken(TOKEN.idToken);
      const txId = s.st.state().evses[0]!.transactionId!;
      await s.clock.advance(30 * MIN); // 00:45 and 01:00 inside the transaction
      await drained(s.st);
      assert.deepEqual(s.log.txEvents.filter((e) => e.triggerReason === 'MeterValueClock').map((e) => e.eventType), ['Updated', 'Updated']);
      const rows = await eventually(async () => { const r = await env.store.listMeterValues({ stationId: sid, transactionId: txId, limit: 10 }); return r.length === 3 ? r : undefined; }, 5000);
      assert.deepEqual(rows.map((r) => [r.timestamp.slice(11, 19), r.context, r.value]), [['00:30:00', 'Transaction.Begin', 0], ['00:45:00', 'Sample.Clock', 1000], ['01:00:00', 'Sample.Clock', 2000]]);
      assert.equal((await env.store.getTransaction(sid, txId))?.energyWh, 2000);
    });
  });
}
