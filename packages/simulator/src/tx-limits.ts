// Transaction limits, station side (OCPP 2.1 E16 / F07): maxEnergy, maxTime, maxSoC and maxCost set by the
// CSMS (TransactionEventResponse.transactionLimit) or by the driver (Station.setTransactionLimit). The limits
// in force are reported once in transactionInfo.transactionLimit of an Updated(LimitSet) event; when one is
// reached, energy transfer is suspended (or the transaction ends when TxStopPoint has EnergyTransfer).
// maxCost uses the CSMS's running cost (totalCost in TransactionEventResponse / CostUpdated, E16.FR.15), or the
// local cost calculation when the transaction has a tariff (E16.FR.16, tariff-tx.ts).
import type { OcppTypes } from '@chargewire/ocpp';
import { deliveredW, type EvseState, type LimitTrigger, type StoppedReason, type TransactionLimit, type TxLimits } from './evse.ts';
import { sendTxEvent } from './tx-engine.ts';
import type { Station } from './station.ts';
import { localCostMs, usesLocalCost } from './tariff-tx.ts';
import { notifyHardWired } from './notify-event.ts';

export const LIMIT_FIELDS = ['maxCost', 'maxEnergy', 'maxTime', 'maxSoC'] as const;
export type LimitField = (typeof LIMIT_FIELDS)[number];

const TRIGGER: Record<LimitField, LimitTrigger> = {
  maxCost: 'CostLimitReached', maxEnergy: 'EnergyLimitReached', maxTime: 'TimeLimitReached', maxSoC: 'SoCLimitReached',
};

/**
 * stoppedReason when a reached limit ends the transaction (E16.FR.06, TxStopPoint EnergyTransfer). 2.1 marks
 * these reasons deprecated "because it stops energy transfer, not the transaction"; here the transaction does
 * end because of the limit, and these are the only values that say which limit (valid in 2.0.1 and 2.1).
 */
export const LIMIT_STOPPED: Record<LimitTrigger, StoppedReason> = {
  CostLimitReached: 'LocalOutOfCredit', EnergyLimitReached: 'EnergyLimitReached', TimeLimitReached: 'TimeLimitReached', SoCLimitReached: 'SOCLimitReached',
};

/** TxCtrlr.SupportedLimits: the limit fields this station enforces. */
export function supportedLimits(st: Station): Set<LimitField> {
  return new Set(st.list('TxCtrlr', 'SupportedLimits').filter((f): f is LimitField => (LIMIT_FIELDS as readonly string[]).includes(f)));
}

function limitsOf(evse: EvseState): TxLimits {
  return (evse.tx!.limits ??= { current: {}, csms: {} });
}

/**
 * [E16.FR.02] [F07.FR.02] a transactionLimit in a TransactionEventResponse. [E16.FR.03] [F07.FR.03] the
 * supported limits are confirmed once in the next TransactionEvent (LimitSet); [E16.FR.13] unsupported ones are
 * not returned, and [E16.FR.20] are reported in a NotifyEvent (TxCtrlr.SupportedLimits, HardWiredNotification).
 */
export function applyCsmsLimit(st: Station, evse: EvseState, limit: OcppTypes.TransactionLimitType): void {
  if (!evse.tx) return;
  const supported = supportedLimits(st);
  const unsupported = LIMIT_FIELDS.filter((f) => limit[f] !== undefined && !supported.has(f));
  if (unsupported.length) notifyUnsupported(st, unsupported);
  const ok: TransactionLimit = {};
  for (const f of supported) if (limit[f] !== undefined) ok[f] = limit[f];
  if (!Object.keys(ok).length) return;
  const l = limitsOf(evse);
  // [E16.FR.07] the CSMS has the last word: its limit replaces the driver's, also upwards.
  Object.assign(l.csms, ok);
  Object.assign(l.current, ok);
  limitChanged(st, evse);
}

/**
 * The driver sets or changes a limit at the station (E16 scenario 1). [E16.FR.13] only supported fields;
 * [E16.FR.04] never above a limit the CSMS set. Returns the limits in force.
 */
export function applyLocalLimit(st: Station, evse: EvseState, limit: TransactionLimit): TransactionLimit {
  if (!evse.tx) throw new Error(`no transaction on EVSE ${evse.id}`);
  // LimitSet and transactionInfo.transactionLimit do not exist in OCPP 2.0.1.
  if ((st.version ?? st.lastVersion) === '2.0.1') throw new Error('transaction limits need OCPP 2.1');
  const supported = supportedLimits(st);
  const l = limitsOf(evse);
  let changed = false;
  for (const f of LIMIT_FIELDS) {
    const v = limit[f];
    if (v === undefined || !supported.has(f)) continue;
    const capped = l.csms[f] !== undefined ? Math.min(v, l.csms[f]!) : v;
    if (l.current[f] !== capped) { l.current[f] = capped; changed = true; }
  }
  if (changed) limitChanged(st, evse);
  return { ...l.current };
}

/** Running cost from the CSMS (TransactionEventResponse.totalCost, CostUpdated): [E16.FR.15] checks maxCost. */
export function onCostUpdate(st: Station, evse: EvseState, totalCost: number): void {
  if (!evse.tx) return;
  // [E16.FR.16] TariffCostCtrlr.Enabled[Tariff] and a tariff from the CSMS: the local calculation decides, not this update.
  if (usesLocalCost(evse)) return;
  const l = limitsOf(evse);
  l.totalCost = totalCost;
  if (l.current.maxCost !== undefined && !l.reached && totalCost >= l.current.maxCost) onReached(st, evse, 'CostLimitReached');
}

/**
 * [E16.FR.01] [E16.FR.03] Updated(LimitSet) with the limits in force, once. [E16.FR.14] a raised limit resumes
 * energy transfer after a limit suspended it; [E16.FR.10] a limit that is already exceeded acts at once.
 */
function limitChanged(st: Station, evse: EvseState): void {
  const l = limitsOf(evse);
  l.report = { ...l.current };
  const was = l.reached;
  l.reached = undefined;
  const hit = reachedLimit(st, evse);
  if (hit && was) {
    l.reached = hit; // still suspended: confirm the limit only
    sendTxEvent(st, evse, 'Updated', 'LimitSet');
    return;
  }
  st.refresh(evse, 'LimitSet'); // LimitSet always yields an Updated event (tx-engine evaluate)
  if (hit && evse.tx) onReached(st, evse, hit);
}

/** The first limit that the transaction has reached, if any. */
export function reachedLimit(st: Station, evse: EvseState): LimitTrigger | undefined {
  const tx = evse.tx;
  const l = tx?.limits;
  if (!tx || !l) return undefined;
  for (const f of LIMIT_FIELDS) {
    if (l.current[f] !== undefined && remaining(st, evse, f) === 0) return TRIGGER[f];
  }
  return undefined;
}

/** Milliseconds until limit `f` is reached at the present power: 0 = reached, undefined = not at this rate. */
function remaining(st: Station, evse: EvseState, f: LimitField): number | undefined {
  const tx = evse.tx!;
  const max = tx.limits!.current[f]!;
  const powerW = deliveredW(evse, st.operative);
  const eta = (leftWh: number): number | undefined => (leftWh <= 1e-6 ? 0 : powerW > 0 ? (leftWh / powerW) * 3_600_000 : undefined);
  switch (f) {
    // [E16.FR.19] the meter is read exactly at the predicted moment, so the limit is not overshot.
    case 'maxEnergy': return eta(max - (evse.meter.energyWh - (tx.startWh ?? 0)));
    // [E16.FR.09] the time limit counts from the start of the transaction (TransactionEvent Started).
    case 'maxTime': return Math.max(0, tx.startedAt + max * 1000 - st.clock.now());
    case 'maxSoC': {
      const soc = evse.meter.socPercent;
      const cap = evse.meter.batteryWh;
      if (soc === undefined) return undefined; // no SoC from the EV: nothing to compare
      return soc >= max - 1e-9 ? 0 : cap ? eta(((max - soc) / 100) * cap) : undefined;
    }
    case 'maxCost': {
      const local = localCostMs(st, evse, max); // [E16.FR.16] the local running cost from the tariff, when there is one
      if (local !== null) return local;
      return tx.limits!.totalCost !== undefined && tx.limits!.totalCost >= max ? 0 : undefined;
    }
  }
}

/** Re-arm the limit timer after any change of power or limits (called from tx-engine evaluate). */
export function armLimits(st: Station, evse: EvseState): void {
  const l = evse.tx?.limits;
  if (!l) return;
  l.cancelWatch?.();
  l.cancelWatch = undefined;
  if (l.reached) return; // suspended: waits for a raised limit (E16.FR.14)
  let next: number | undefined;
  for (const f of LIMIT_FIELDS) {
    if (l.current[f] === undefined) continue;
    const ms = remaining(st, evse, f);
    if (ms !== undefined && (next === undefined || ms < next)) next = ms;
  }
  if (next === undefined) return;
  const h = st.clock.setTimeout(() => {
    l.cancelWatch = undefined;
    if (evse.tx?.limits !== l) return;
    const hit = reachedLimit(st, evse);
    if (hit) onReached(st, evse, hit); else armLimits(st, evse);
  }, Math.max(0, Math.ceil(next - 0.001))); // float noise must not push the check a millisecond too late
  l.cancelWatch = () => st.clock.clearTimeout(h);
}

/**
 * [E16.FR.05] TxStopPoint without EnergyTransfer: suspend energy transfer, Updated(SuspendedEVSE, xxxLimitReached).
 * [E16.FR.06] TxStopPoint with EnergyTransfer: end the transaction, Ended(xxxLimitReached).
 */
function onReached(st: Station, evse: EvseState, trigger: LimitTrigger): void {
  const tx = evse.tx!;
  const l = limitsOf(evse);
  l.cancelWatch?.();
  l.reached = trigger;
  if (st.list('TxCtrlr', 'TxStopPoint').includes('EnergyTransfer')) {
    tx.pendingStop = LIMIT_STOPPED[trigger];
    tx.seen.add('EnergyTransfer'); // ends also when no energy had flowed yet (E16.FR.10)
  }
  st.refresh(evse, trigger);
}

function notifyUnsupported(st: Station, fields: LimitField[]): void {
  notifyHardWired(st, fields.map((f) => ({ trigger: 'Alerting' as const, actualValue: f, component: { name: 'TxCtrlr' }, variable: { name: 'SupportedLimits' } })));
}
