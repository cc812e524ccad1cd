// J — Metering: sampled values from the EVSE meter, clock-aligned data (J01) and MeterValues.
import type { OcppTypes } from '@chargewire/ocpp';
import type { Block } from '../block.ts';
import type { EvseState } from '../evse.ts';
import type { Station } from '../station.ts';
import { sendTxEvent } from '../tx-engine.ts';

export type MeterContext = OcppTypes.ReadingContextEnumType;

/**
 * One MeterValue with the configured measurands this meter can measure: [J01.FR.05] [J01.FR.17] one
 * timestamp for all sampled values (one meter reading), [J01.FR.06] at least one sampled value,
 * [J01.FR.07] [J01.FR.08] [J01.FR.09] measurand, context and location (SoC: EV) as measured.
 */
export function meterValue(evse: EvseState, measurands: string[], context: MeterContext): OcppTypes.MeterValueType {
  const r = evse.meter.read();
  const sv: OcppTypes.SampledValueType[] = [];
  for (const m of measurands) {
    const base = { context, measurand: m as OcppTypes.MeasurandEnumType };
    switch (m) {
      case 'Energy.Active.Import.Register': sv.push({ ...base, value: r.energyWh, unitOfMeasure: { unit: 'Wh' } }); break;
      case 'Power.Active.Import': sv.push({ ...base, value: r.powerW, unitOfMeasure: { unit: 'W' } }); break;
      case 'Power.Offered': sv.push({ ...base, value: evse.limitW ?? evse.maxPowerW, unitOfMeasure: { unit: 'W' } }); break;
      case 'Current.Import': sv.push({ ...base, value: r.currentA, unitOfMeasure: { unit: 'A' } }); break;
      case 'Voltage': sv.push({ ...base, value: r.voltageV, unitOfMeasure: { unit: 'V' } }); break;
      case 'SoC': if (r.soc !== undefined) sv.push({ ...base, value: r.soc, unitOfMeasure: { unit: 'Percent' }, location: 'EV' }); break;
      default: break; // not measured by this simulated meter
    }
  }
  // A MeterValue needs at least one sampled value: fall back to the energy register.
  if (!sv.length) sv.push({ context, measurand: 'Energy.Active.Import.Register', value: r.energyWh, unitOfMeasure: { unit: 'Wh' } });
  return { timestamp: r.timestamp, sampledValue: sv };
}

/** MeterValuesRequest for one EVSE (outside transactions, or on TriggerMessage F06.FR.06); [J01.FR.02] with its evseId. */
export async function sendMeterValues(st: Station, evse: EvseState, context: MeterContext, triggered = false): Promise<void> {
  await st.call('MeterValues', { evseId: evse.id, meterValue: [meterValue(evse, st.list('AlignedDataCtrlr', 'Measurands'), context)] }, { triggered });
}

/**
 * [J01] clock-aligned data every AlignedDataCtrlr.Interval seconds, aligned to the clock (midnight
 * multiples): MeterValues for idle EVSEs, TransactionEvent(Updated, MeterValueClock) inside a transaction.
 * Returns a stop function.
 */
export function startAlignedData(st: Station): () => void {
  let timer: ReturnType<Station['clock']['setTimeout']> | undefined;
  let stopped = false;
  const arm = (): void => {
    const interval = st.num('AlignedDataCtrlr', 'Interval', 0) * 1000;
    if (stopped) return;
    if (interval <= 0) { timer = st.clock.setTimeout(arm, 60_000); return; } // re-check the setting every minute
    const now = st.clock.now();
    const next = Math.floor(now / interval) * interval + interval;
    timer = st.clock.setTimeout(() => { tick(); arm(); }, next - now);
  };
  const tick = (): void => {
    if (!st.bool('AlignedDataCtrlr', 'Enabled', true) || st.registration !== 'Accepted') return;
    // [J01.FR.20] SendDuringIdle (station-wide AlignedDataCtrlr): nothing while any transaction is ongoing.
    if (st.bool('AlignedDataCtrlr', 'SendDuringIdle', false) && st.evses.some((e) => e.tx)) return;
    for (const e of st.evses) {
      // [J01.FR.22] inside a transaction: TransactionEvent(Updated, MeterValueClock) with AlignedDataCtrlr.Measurands.
      if (e.tx) sendTxEvent(st, e, 'Updated', 'MeterValueClock');
      // [J01.FR.14] idle EVSE: MeterValues with AlignedDataCtrlr.Measurands at every Interval.
      else void sendMeterValues(st, e, 'Sample.Clock');
    }
  };
  arm();
  return () => { stopped = true; st.clock.clearTimeout(timer); };
}

export const block: Block = { id: 'J', name: 'Metering', handlers: {} };
