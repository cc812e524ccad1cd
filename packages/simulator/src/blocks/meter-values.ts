// J — Metering: sampled values from the EVSE meter, clock-aligned data (J01) and MeterValues.
import type { OcppTypes } from '@chargewire/ocpp';
import type { Block } from '../block.ts';
import type { EvseState } from '../evse.ts';
import type { Station } from '../station.ts';
import { sendTxEvent } from '../tx-engine.ts';
import { signMeterValue, signReadings } from '../meter-signing.ts';

export type MeterContext = OcppTypes.ReadingContextEnumType;

const PHASES = ['L1', 'L2', 'L3'] as const;
const round = (v: number, d = 3): number => Math.round(v * 10 ** d) / 10 ** d;

/**
 * One MeterValue with the configured measurands this meter can measure: [J01.FR.05] [J01.FR.17] one
 * timestamp for all sampled values (one meter reading), [J01.FR.06] at least one sampled value,
 * [J01.FR.07] [J01.FR.08] [J01.FR.09] measurand, context and location (SoC: EV) as measured.
 * [J01.FR.10] [J01.FR.14] [J02.FR.06] phase-dependent measurands are sampled for every phase of the EVSE
 * meter (1 or 3): Current.Import/Export per line (L1..L3), Voltage line to neutral (L1-N..L3-N);
 * [J01.FR.11] [J02.FR.07] as seen from the EVSE meter (its L1 is the grid's L1: PhaseRotation RST).
 * Energy registers are totals; with `registerPhases` (SampledDataCtrlr.RegisterValuesWithoutPhases = false)
 * the per-phase registers follow the total.
 */
export function meterValue(evse: EvseState, measurands: string[], context: MeterContext, registerPhases = false): OcppTypes.MeterValueType {
  const r = evse.meter.read();
  const lines = PHASES.slice(0, r.phases === 1 ? 1 : 3);
  const sv: OcppTypes.SampledValueType[] = [];
  const add = (m: string, value: number, unit: string, extra: Partial<OcppTypes.SampledValueType> = {}): void => {
    sv.push({ context, measurand: m as OcppTypes.MeasurandEnumType, value, unitOfMeasure: { unit }, ...extra });
  };
  const register = (m: string, wh: number): void => {
    add(m, wh, 'Wh');
    if (registerPhases) for (const p of lines) add(m, round(wh / lines.length), 'Wh', { phase: p });
  };
  // [K02] the offer follows the charging profile limit in force as well (smart-charging-state.ts).
  const offeredW = Math.min(evse.limitW ?? evse.maxPowerW, evse.profileLimitW ?? Number.POSITIVE_INFINITY);
  for (const m of measurands) {
    switch (m) {
      case 'Energy.Active.Import.Register': register(m, r.energyWh); break;
      case 'Energy.Active.Export.Register': register(m, 0); break; // no V2G: nothing exported
      case 'Power.Active.Import': add(m, r.powerW, 'W'); break;
      case 'Power.Active.Export': add(m, 0, 'W'); break;
      case 'Power.Offered': add(m, offeredW, 'W'); break;
      case 'Current.Import': for (const p of lines) add(m, r.currentA, 'A', { phase: p }); break;
      case 'Current.Export': for (const p of lines) add(m, 0, 'A', { phase: p }); break;
      case 'Current.Offered': add(m, round(offeredW / (r.voltageV * lines.length), 2), 'A'); break;
      case 'Voltage': for (const p of lines) add(m, r.voltageV, 'V', { phase: `${p}-N` as OcppTypes.PhaseEnumType }); break;
      case 'Frequency': add(m, 50, 'Hz'); break;
      case 'SoC': if (r.soc !== undefined) add(m, r.soc, 'Percent', { location: 'EV' }); break;
      default: break; // not measured by this simulated meter
    }
  }
  // A MeterValue needs at least one sampled value: fall back to the energy register.
  if (!sv.length) sv.push({ context, measurand: 'Energy.Active.Import.Register', value: r.energyWh, unitOfMeasure: { unit: 'Wh' } });
  return { timestamp: r.timestamp, sampledValue: sv };
}

/** meterValue() with this station's settings: per-phase registers and signing (J01.FR.21, J02.FR.21). */
export function readMeter(st: Station, evse: EvseState, measurands: string[], context: MeterContext, eventType: 'Started' | 'Updated' | 'Ended' | 'MeterValues'): OcppTypes.MeterValueType {
  const mv = meterValue(evse, measurands, context, !st.bool('SampledDataCtrlr', 'RegisterValuesWithoutPhases', true));
  if (signReadings(st, eventType, context)) signMeterValue(st, evse, mv, eventType === 'MeterValues' ? undefined : evse.tx);
  return mv;
}

/**
 * [J01.FR.03] [J01.FR.04] The station's main (grid) meter, evseId 0, when the station has one
 * (StationOptions.mainMeter): it measures the whole station at the grid connection (location Inlet), so its
 * energy register, power and currents are the sums over the EVSE meters. [J01.FR.14] measurands it cannot have
 * (Power.Offered, Current.Offered, SoC) are left out.
 */
export function mainMeterValue(st: Station, measurands: string[], context: MeterContext): OcppTypes.MeterValueType {
  const reads = st.evses.map((e) => e.meter.read());
  const sum = (f: (r: (typeof reads)[number]) => number): number => round(reads.reduce((n, r) => n + f(r), 0));
  const perPhase = (p: number): number => round(reads.reduce((n, r) => n + (r.phases === 1 && p > 0 ? 0 : r.currentA), 0), 2);
  const sv: OcppTypes.SampledValueType[] = [];
  const add = (m: string, value: number, unit: string, phase?: OcppTypes.PhaseEnumType): void => {
    sv.push({ context, measurand: m as OcppTypes.MeasurandEnumType, location: 'Inlet', value, unitOfMeasure: { unit }, ...(phase ? { phase } : {}) });
  };
  for (const m of measurands) {
    switch (m) {
      case 'Energy.Active.Import.Register': add(m, sum((r) => r.energyWh), 'Wh'); break;
      case 'Energy.Active.Export.Register': add(m, 0, 'Wh'); break;
      case 'Power.Active.Import': add(m, sum((r) => r.powerW), 'W'); break;
      case 'Power.Active.Export': add(m, 0, 'W'); break;
      case 'Current.Import': PHASES.forEach((p, i) => add(m, perPhase(i), 'A', p)); break;
      case 'Current.Export': for (const p of PHASES) add(m, 0, 'A', p); break;
      case 'Voltage': for (const p of PHASES) add(m, reads[0]?.voltageV ?? 230, 'V', `${p}-N` as OcppTypes.PhaseEnumType); break;
      case 'Frequency': add(m, 50, 'Hz'); break;
      default: break; // not at the grid connection (Power.Offered, Current.Offered, SoC)
    }
  }
  if (!sv.length) add('Energy.Active.Import.Register', sum((r) => r.energyWh), 'Wh');
  return { timestamp: new Date(st.clock.now()).toISOString(), sampledValue: sv };
}

/**
 * One reading in parts of at most StationOptions.maxSampledValuesPerMessage sampled values, each with the reading's
 * timestamp: [J01.FR.15] several MeterValuesRequests, [J02.FR.14] several TransactionEvent(Updated) (tx-engine.ts).
 */
export function splitReading(st: Station, mv: OcppTypes.MeterValueType): OcppTypes.MeterValueType[] {
  const max = Math.floor(st.opts.maxSampledValuesPerMessage ?? 0);
  if (max < 1 || mv.sampledValue.length <= max) return [mv];
  const parts: OcppTypes.MeterValueType[] = [];
  for (let i = 0; i < mv.sampledValue.length; i += max) parts.push({ ...mv, sampledValue: mv.sampledValue.slice(i, i + max) });
  return parts;
}

/** MeterValuesRequest(s) for one reading of an EVSE, or of the main meter (evseId 0); [J01.FR.15] split when too big. */
async function sendReading(st: Station, evseId: number, mv: OcppTypes.MeterValueType, triggered = false): Promise<void> {
  for (const part of splitReading(st, mv)) await st.call('MeterValues', { evseId, meterValue: [part] }, { triggered });
}

/** MeterValuesRequest for one EVSE (outside transactions, or on TriggerMessage F06.FR.06); [J01.FR.02] with its evseId. */
export async function sendMeterValues(st: Station, evse: EvseState, context: MeterContext, triggered = false): Promise<void> {
  await sendReading(st, evse.id, readMeter(st, evse, st.list('AlignedDataCtrlr', 'Measurands'), context, 'MeterValues'), triggered);
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
    // [J01.FR.20] SendDuringIdle (station-wide AlignedDataCtrlr): nothing while any transaction is ongoing,
    // for the EVSEs nor the main meter.
    if (st.bool('AlignedDataCtrlr', 'SendDuringIdle', false) && st.evses.some((e) => e.tx)) return;
    // [J01.FR.03] [J01.FR.04] [J01.FR.14] the main meter (evseId 0), when the station has one.
    if (st.opts.mainMeter) void sendReading(st, 0, mainMeterValue(st, st.list('AlignedDataCtrlr', 'Measurands'), 'Sample.Clock'));
    for (const e of st.evses) {
      // [J01.FR.19] SendDuringIdle set for this EVSE (AlignedDataCtrlr with evse): nothing for it during its transaction.
      if (e.tx && st.dm.value({ name: 'AlignedDataCtrlr', evse: { id: e.id } }, { name: 'SendDuringIdle' }) === 'true') continue;
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
