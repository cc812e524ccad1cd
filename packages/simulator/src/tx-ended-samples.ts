// The meter data of TransactionEvent(Ended) (E06.FR.11, J02): readings collected during the transaction and sent
// only at its end. SampledDataCtrlr.TxEndedMeasurands are taken at the start (Transaction.Begin), every
// SampledDataCtrlr.TxEndedInterval seconds from the start (Sample.Periodic; 0 = none in between) and at the end
// (Transaction.End); AlignedDataCtrlr.TxEndedMeasurands every AlignedDataCtrlr.TxEndedInterval seconds,
// clock-aligned (Sample.Clock). They are kept with the transaction (and persisted with it, tx-resume.ts).
import type { OcppTypes } from '@chargewire/ocpp';
import { every, type TimerHandle } from './clock.ts';
import type { EvseState } from './evse.ts';
import { readMeter, type MeterContext } from './blocks/meter-values.ts';
import type { Station } from './station.ts';

type MeterValue = OcppTypes.MeterValueType;

/** Default for StationOptions.maxEndedMeterValues: how many meterValue elements fit in one Ended message. */
export const MAX_ENDED_METER_VALUES = 200;

function maxSamples(st: Station): number {
  return Math.max(2, st.opts.maxEndedMeterValues ?? MAX_ENDED_METER_VALUES);
}

/**
 * [J02.FR.20] too many samples for one message: remove intermediate samples first (the 2nd, 4th, 6th, …),
 * repeatedly, never the first (start) and the last (end) reading, which billing depends on.
 */
export function thinSamples(samples: MeterValue[], max: number): MeterValue[] {
  let out = samples;
  // [E06.FR.13] [E07.FR.09] [E07.FR.10] [E08.FR.10] [E08.FR.11] [E09.FR.06] [E09.FR.07] [E10.FR.05] [E10.FR.06] [E12.FR.08] [E12.FR.09] [E15.FR.02] [E15.FR.03] [F03.FR.05] [F03.FR.06] [F04.FR.05] [F04.FR.06] Ended meter data bounded: intermediate values dropped first, first and newest kept
  while (out.length > max) out = out.filter((_, i) => i % 2 === 0 || i === out.length - 1);
  return out;
}

function take(st: Station, evse: EvseState, measurands: string[], context: MeterContext): void {
  const tx = evse.tx;
  if (!tx || !measurands.length) return;
  // Thinned when the Ended event is built; here only a bound on memory (E06.FR.12: intermediate values first).
  const cap = Math.max(4 * maxSamples(st), 1000);
  tx.endedSamples = thinSamples([...(tx.endedSamples ?? []), readMeter(st, evse, measurands, context, 'Ended')], cap);
}

/**
 * [E06.FR.11] the reading at the start of the transaction: with TxEndedInterval = 0 the Ended event carries
 * "only the values taken at the start and end" (Transaction.Begin, Transaction.End); with an interval it is the
 * first of the periodic samples taken "every TxEndedInterval seconds from the start" (Sample.Periodic, as
 * TC_J_10_CS expects of the first sampled value).
 */
export function sampleBegin(st: Station, evse: EvseState): void {
  if (evse.tx) evse.tx.endedSamples = [];
  const periodic = st.num('SampledDataCtrlr', 'TxEndedInterval', 0) > 0;
  take(st, evse, st.list('SampledDataCtrlr', 'TxEndedMeasurands'), periodic ? 'Sample.Periodic' : 'Transaction.Begin');
}

/** The timers collecting intermediate Ended samples; returns their cancel function. */
export function startEndedSampling(st: Station, evse: EvseState): () => void {
  const tx = evse.tx!;
  const sampled = st.num('SampledDataCtrlr', 'TxEndedInterval', 0) * 1000;
  const aligned = st.num('AlignedDataCtrlr', 'TxEndedInterval', 0) * 1000;
  const guard = (fn: () => void) => () => { if (evse.tx === tx) fn(); };
  // Every TxEndedInterval seconds from the start of the transaction (also after a resumption: from the start).
  let stopSampled: (() => void) | undefined;
  let first: TimerHandle | undefined;
  if (sampled > 0 && st.bool('SampledDataCtrlr', 'Enabled', true)) {
    const tick = guard(() => take(st, evse, st.list('SampledDataCtrlr', 'TxEndedMeasurands'), 'Sample.Periodic'));
    const elapsed = Math.max(0, st.clock.now() - tx.startedAt);
    first = st.clock.setTimeout(() => { tick(); stopSampled = every(st.clock, sampled, tick); }, sampled - (elapsed % sampled));
  }
  // Clock-aligned: at every multiple of AlignedDataCtrlr.TxEndedInterval since midnight.
  let stopAligned: (() => void) | undefined;
  let firstAligned: TimerHandle | undefined;
  if (aligned > 0 && st.bool('AlignedDataCtrlr', 'Enabled', true)) {
    const tick = guard(() => take(st, evse, st.list('AlignedDataCtrlr', 'TxEndedMeasurands'), 'Sample.Clock'));
    const now = st.clock.now();
    firstAligned = st.clock.setTimeout(() => { tick(); stopAligned = every(st.clock, aligned, tick); }, aligned - (now % aligned));
  }
  return () => {
    st.clock.clearTimeout(first);
    st.clock.clearTimeout(firstAligned);
    stopSampled?.();
    stopAligned?.();
  };
}

/**
 * The meterValue list of TransactionEvent(Ended): the collected samples and the reading at the end
 * ([E06.FR.11] TxEndedMeasurands, Transaction.End), in time order, thinned to fit (J02.FR.20).
 */
export function endedMeterValues(st: Station, evse: EvseState): MeterValue[] {
  const measurands = st.list('SampledDataCtrlr', 'TxEndedMeasurands');
  const samples = [...(evse.tx?.endedSamples ?? [])];
  if (measurands.length) samples.push(readMeter(st, evse, measurands, 'Transaction.End', 'Ended'));
  return thinSamples(samples, maxSamples(st));
}
