// Block J (Metering), station side, part 3: the main meter (evseId 0), SendDuringIdle per EVSE, and the meter
// data of TransactionEvent(Ended) (TxEndedInterval / TxEndedMeasurands, thinning), named after FR / TC IDs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { OcppTypes } from '@chargewire/ocpp';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { thinSamples } from '../tx-ended-samples.ts';

type Mv = OcppTypes.MeterValueType;
const MIN = 60_000;
const TWO = { evses: [{ connectors: [{}] }, { connectors: [{}] }] };
const NO_HB = { 'OCPPCommCtrlr.HeartbeatInterval': '86400', 'SampledDataCtrlr.TxUpdatedInterval': '0', 'AlignedDataCtrlr.Interval': '0' };
/** [time, context, measurand, value] per sampled value. */
const rows = (mvs: Mv[] | undefined) => (mvs ?? []).flatMap((m) => m.sampledValue.map((s) => [m.timestamp.slice(11, 19), s.context, s.measurand, s.value]));

for (const version of VERSIONS) {
  describe(`block J station-side FRs, part 3 (${version})`, () => {
    test('J01.FR.03 J01.FR.04 J01.FR.14 main meter: MeterValues for evseId 0 (whole station, sums of the EVSE meters, location Inlet)', async () => {
      const { st, csms, clock } = await harness({ version, ...TWO, mainMeter: true, variables: { ...NO_HB, 'AlignedDataCtrlr.Interval': '900', 'AlignedDataCtrlr.Measurands': 'Energy.Active.Import.Register,Power.Active.Import,Current.Import,SoC,Power.Offered' } });
      st.plugIn(1, 1, { powerW: 6900 });
      await st.presentToken('TAG1');
      st.plugIn(2, 1, { powerW: 2070 });
      await st.presentToken('TAG2');
      await settle();
      csms.clear();
      await clock.advance(15 * MIN);
      const main = csms.of('MeterValues').filter((m) => m.evseId === 0);
      assert.equal(main.length, 1);
      const sv = main[0]!.meterValue[0]!.sampledValue;
      assert.deepEqual(sv.map((s) => [s.measurand, s.phase ?? '', s.value, s.location, s.context]), [
        ['Energy.Active.Import.Register', '', 2242.5, 'Inlet', 'Sample.Clock'], ['Power.Active.Import', '', 8970, 'Inlet', 'Sample.Clock'],
        ['Current.Import', 'L1', 13, 'Inlet', 'Sample.Clock'], ['Current.Import', 'L2', 13, 'Inlet', 'Sample.Clock'], ['Current.Import', 'L3', 13, 'Inlet', 'Sample.Clock'],
      ], 'J01.FR.04 energy from the main meter (1725 + 517.5 Wh); no SoC or Power.Offered at the grid connection');
      assert.equal(main[0]!.meterValue[0]!.timestamp.slice(11, 19), '00:15:00');
    });

    test('J01.FR.03 without a main meter no evseId 0; J01.FR.20 station-wide SendDuringIdle stops the main meter too', async () => {
      const plain = await harness({ version, variables: { ...NO_HB, 'AlignedDataCtrlr.Interval': '900' } });
      await plain.clock.advance(15 * MIN);
      assert.deepEqual(plain.csms.of('MeterValues').map((m) => m.evseId), [1]);
      const { st, csms, clock } = await harness({ version, mainMeter: true, variables: { ...NO_HB, 'AlignedDataCtrlr.Interval': '900', 'AlignedDataCtrlr.SendDuringIdle': 'true' } });
      await clock.advance(15 * MIN);
      assert.deepEqual(csms.of('MeterValues').map((m) => m.evseId), [0, 1], 'idle: main meter and EVSE');
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      csms.clear();
      await clock.advance(15 * MIN);
      assert.deepEqual(csms.of('MeterValues'), []);
    });

    test('J01.FR.19 AlignedDataCtrlr.SendDuringIdle for one EVSE: no clock-aligned data for that EVSE during its transaction, the others go on', async () => {
      const { st, csms, clock } = await harness({ version, ...TWO, variables: { ...NO_HB, 'AlignedDataCtrlr.Interval': '900' } });
      const r = await csms.call('SetVariables', { setVariableData: [{ component: { name: 'AlignedDataCtrlr', evse: { id: 1 } }, variable: { name: 'SendDuringIdle' }, attributeValue: 'true' }] });
      assert.equal(r.setVariableResult[0]!.attributeStatus, 'Accepted');
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      st.plugIn(2, 1);
      await st.presentToken('TAG2');
      await settle();
      csms.clear();
      await clock.advance(15 * MIN);
      assert.deepEqual(csms.txEvents.filter((e) => e.triggerReason === 'MeterValueClock').map((e) => e.evse?.id), [2], 'EVSE 2 (no SendDuringIdle) still reports (J01.FR.22)');
      assert.deepEqual(csms.of('MeterValues'), []);
      st.unplug(1);
      await settle();
      await clock.advance(15 * MIN);
      assert.deepEqual(csms.of('MeterValues').map((m) => m.evseId), [1], 'idle again: EVSE 1 reports');
    });

    test('E06.FR.11 TxEndedInterval = 0: the Ended event carries only the readings at start and end', async () => {
      const { st, csms, clock } = await harness({ version, variables: { ...NO_HB, 'SampledDataCtrlr.TxEndedMeasurands': 'Energy.Active.Import.Register' } });
      st.plugIn(1, 1, { powerW: 6000 });
      await st.presentToken('TAG1');
      await clock.advance(20 * MIN);
      st.unplug(1);
      await settle();
      assert.deepEqual(rows(csms.txEvents.at(-1)!.meterValue), [['00:00:00', 'Transaction.Begin', 'Energy.Active.Import.Register', 0], ['00:20:00', 'Transaction.End', 'Energy.Active.Import.Register', 2000]]);
    });

    test('TC_J_10_CS TC_J_03_CS J02.FR.10 E06.FR.11 TxEndedInterval / AlignedDataCtrlr.TxEndedInterval: Ended has a reading per interval; Started/Updated only the current one', async () => {
      const { st, csms, clock } = await harness({ version, variables: {
        ...NO_HB, 'SampledDataCtrlr.TxUpdatedInterval': '60', 'SampledDataCtrlr.TxUpdatedMeasurands': 'Energy.Active.Import.Register',
        'SampledDataCtrlr.TxEndedInterval': '300', 'SampledDataCtrlr.TxEndedMeasurands': 'Energy.Active.Import.Register',
        'AlignedDataCtrlr.TxEndedInterval': '600', 'AlignedDataCtrlr.TxEndedMeasurands': 'Power.Active.Import',
      } });
      await clock.advance(2 * MIN); // the transaction starts at 00:02: periodic samples from its start, aligned ones at 00:10, 00:20
      st.plugIn(1, 1, { powerW: 6000 });
      await st.presentToken('TAG1');
      await clock.advance(16 * MIN);
      st.setPower(1, 3000);
      await clock.advance(3 * MIN);
      st.unplug(1);
      await settle();
      const evs = csms.txEvents;
      const ended = evs.at(-1)!;
      assert.deepEqual(rows(ended.meterValue), [
        ['00:02:00', 'Sample.Periodic', 'Energy.Active.Import.Register', 0], ['00:07:00', 'Sample.Periodic', 'Energy.Active.Import.Register', 500],
        ['00:10:00', 'Sample.Clock', 'Power.Active.Import', 6000], ['00:12:00', 'Sample.Periodic', 'Energy.Active.Import.Register', 1000],
        ['00:17:00', 'Sample.Periodic', 'Energy.Active.Import.Register', 1500], ['00:20:00', 'Sample.Clock', 'Power.Active.Import', 3000],
        ['00:21:00', 'Transaction.End', 'Energy.Active.Import.Register', 1750],
      ]);
      // J02.FR.10: a Started/Updated event never has readings of other intervals: one meterValue, within
      // (event timestamp - TxUpdatedInterval, event timestamp].
      const others = evs.filter((e) => e.eventType !== 'Ended' && e.meterValue);
      assert.ok(others.length > 15);
      for (const e of others) {
        const t = Date.parse(e.timestamp);
        assert.equal(e.meterValue!.length, 1);
        assert.ok(e.meterValue!.every((m) => Date.parse(m.timestamp) > t - 60_000 && Date.parse(m.timestamp) <= t), `${e.triggerReason} ${e.timestamp}`);
      }
    });

    test('J02.FR.20 too many samples for one Ended message: intermediate samples are removed first (2nd, 4th, …), start and end kept', async () => {
      const { st, csms, clock } = await harness({ version, maxEndedMeterValues: 5, variables: {
        ...NO_HB, 'SampledDataCtrlr.TxEndedInterval': '60', 'SampledDataCtrlr.TxEndedMeasurands': 'Energy.Active.Import.Register' } });
      st.plugIn(1, 1, { powerW: 6000 });
      await st.presentToken('TAG1');
      await clock.advance(20 * MIN);
      st.unplug(1);
      await settle();
      const r = rows(csms.txEvents.at(-1)!.meterValue);
      assert.deepEqual(r.map((x) => x[0]), ['00:00:00', '00:08:00', '00:16:00', '00:20:00'], 'evenly thinned, the start and end readings kept');
      assert.deepEqual([r[0]![1], r[0]![3], r.at(-1)![1], r.at(-1)![3]], ['Sample.Periodic', 0, 'Transaction.End', 2000]);
    });
  });
}

describe('J02.FR.20 thinSamples', () => {
  const mv = (i: number): Mv => ({ timestamp: String(i), sampledValue: [{ value: i }] });
  test('J02.FR.20 removes the 2nd, 4th, 6th … sample, repeatedly until it fits; never the first or last', () => {
    const ids = (n: number, max: number) => thinSamples(Array.from({ length: n }, (_, i) => mv(i)), max).map((m) => Number(m.timestamp));
    assert.deepEqual(ids(7, 7), [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(ids(7, 6), [0, 2, 4, 6]);
    assert.deepEqual(ids(8, 6), [0, 2, 4, 6, 7]);
    assert.deepEqual(ids(8, 3), [0, 4, 7]);
    assert.deepEqual(ids(3, 2), [0, 2]);
  });
});
