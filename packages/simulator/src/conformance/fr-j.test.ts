// Block J (Metering), station side: clock-aligned and sampled meter values.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';

const MIN = 60_000;
const TWO = { evses: [{ connectors: [{}] }, { connectors: [{}] }] };
const NO_HB = { 'OCPPCommCtrlr.HeartbeatInterval': '86400', 'SampledDataCtrlr.TxUpdatedInterval': '0' };

for (const version of VERSIONS) {
  describe(`block J station-side FRs (${version})`, () => {
    test('J01.FR.02 J01.FR.05 J01.FR.06 J01.FR.07 J01.FR.08 J01.FR.09 J01.FR.14 J01.FR.17 aligned data while idle: MeterValues per EVSE at every Interval', async () => {
      const { st, csms, clock } = await harness({ version, ...TWO, variables: { ...NO_HB, 'AlignedDataCtrlr.Interval': '900', 'AlignedDataCtrlr.Measurands': 'Energy.Active.Import.Register,Power.Active.Import,SoC' } });
      st.plugIn(2, 1, { socPercent: 40, capacityWh: 50_000 }); // EV connected, not authorized: no transaction
      await settle();
      csms.clear();
      await clock.advance(30 * MIN);
      const mv = csms.of('MeterValues');
      assert.deepEqual(mv.map((m) => [m.evseId, m.meterValue[0]!.timestamp.slice(11, 19)]), [[1, '00:15:00'], [2, '00:15:00'], [1, '00:30:00'], [2, '00:30:00']]);
      for (const m of mv) {
        assert.equal(m.meterValue.length, 1);
        const sv = m.meterValue[0]!.sampledValue;
        assert.ok(sv.length >= 1);
        assert.ok(sv.every((s) => s.context === 'Sample.Clock'));
        assert.deepEqual(sv.find((s) => s.measurand === 'Energy.Active.Import.Register')?.unitOfMeasure, { unit: 'Wh' });
        assert.deepEqual(sv.find((s) => s.measurand === 'Power.Active.Import')?.unitOfMeasure, { unit: 'W' });
      }
      const soc = mv.find((m) => m.evseId === 2)!.meterValue[0]!.sampledValue.find((s) => s.measurand === 'SoC');
      assert.deepEqual([soc?.value, soc?.location], [40, 'EV']);
      assert.equal(mv.find((m) => m.evseId === 1)!.meterValue[0]!.sampledValue.some((s) => s.measurand === 'SoC'), false, 'no EV, no SoC');
    });

    test('J01.FR.22 aligned data inside a transaction: TransactionEvent(Updated, MeterValueClock) with AlignedDataCtrlr.Measurands', async () => {
      const { st, csms, clock } = await harness({ version, variables: { ...NO_HB, 'AlignedDataCtrlr.Interval': '900', 'AlignedDataCtrlr.Measurands': 'Energy.Active.Import.Register,Power.Active.Import' } });
      st.plugIn(1, 1, { powerW: 4000 });
      await st.presentToken('TAG1');
      await settle();
      csms.clear();
      await clock.advance(15 * MIN);
      assert.equal(csms.of('MeterValues').length, 0);
      const ev = csms.txEvents.filter((e) => e.triggerReason === 'MeterValueClock');
      assert.equal(ev.length, 1);
      assert.deepEqual(ev[0]!.meterValue![0]!.sampledValue.map((s) => [s.measurand, s.context, s.value]), [['Energy.Active.Import.Register', 'Sample.Clock', 1000], ['Power.Active.Import', 'Sample.Clock', 4000]]);
    });

    test('J01.FR.20 AlignedDataCtrlr.SendDuringIdle: no clock-aligned data for any EVSE while a transaction is ongoing', async () => {
      const { st, csms, clock } = await harness({ version, ...TWO, variables: { ...NO_HB, 'AlignedDataCtrlr.Interval': '900', 'AlignedDataCtrlr.SendDuringIdle': 'true' } });
      await clock.advance(15 * MIN);
      assert.equal(csms.of('MeterValues').length, 2, 'idle: both EVSEs');
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await settle();
      csms.clear();
      await clock.advance(30 * MIN);
      assert.equal(csms.of('MeterValues').length, 0);
      assert.equal(csms.txEvents.filter((e) => e.triggerReason === 'MeterValueClock').length, 0);
      st.unplug(1);
      await settle();
      await clock.advance(15 * MIN);
      assert.equal(csms.of('MeterValues').length, 2, 'idle again');
    });

    test('J01.FR.01 J02.FR.01 J02.FR.02 J02.FR.03 J02.FR.04 J02.FR.11 J02.FR.16 J02.FR.17 J02.FR.18 J02.FR.22 sampled data: TxUpdatedMeasurands every TxUpdatedInterval, register monotonic and not re-based', async () => {
      const { st, csms, clock } = await harness({ version, ...TWO, variables: { 'OCPPCommCtrlr.HeartbeatInterval': '86400', 'AlignedDataCtrlr.Interval': '0', 'SampledDataCtrlr.TxUpdatedInterval': '300', 'SampledDataCtrlr.TxUpdatedMeasurands': 'Energy.Active.Import.Register,Power.Active.Import' } });
      const session = async (powerW: number): Promise<number[]> => {
        st.plugIn(2, 1, { powerW });
        await st.presentToken('TAG1');
        await clock.advance(10 * MIN);
        st.unplug(2);
        await settle();
        const evs = csms.txEvents;
        csms.clear();
        // J02.FR.22 every meter value belongs to the EVSE of the transaction.
        assert.ok(evs.every((e) => e.evse?.id === 2));
        const periodic = evs.filter((e) => e.triggerReason === 'MeterValuePeriodic');
        assert.equal(periodic.length, 2);
        for (const p of periodic) {
          assert.equal(p.eventType, 'Updated');
          assert.equal(p.meterValue![0]!.timestamp, p.timestamp);
          assert.deepEqual(p.meterValue![0]!.sampledValue.map((s) => [s.measurand, s.context]), [['Energy.Active.Import.Register', 'Sample.Periodic'], ['Power.Active.Import', 'Sample.Periodic']]);
        }
        return evs.flatMap((e) => e.meterValue ?? []).flatMap((m) => m.sampledValue).filter((s) => s.measurand === 'Energy.Active.Import.Register').map((s) => s.value);
      };
      csms.clear();
      const first = await session(6000);
      assert.deepEqual(first, [0, 500, 1000, 0, 1000], 'Begin, two periodic, Ended (start and end): 6 kW for 10 min, sampled from the meter');
      const second = await session(3000);
      assert.deepEqual(second, [1000, 1250, 1500, 1000, 1500], 'the register continues, not re-based to 0');
    });
  });
}
