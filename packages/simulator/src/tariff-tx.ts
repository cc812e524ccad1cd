// Local cost calculation of a transaction (OCPP 2.1 I07/I08/I11/I12, E16.FR.16): which tariff a transaction uses,
// feeding the calculator (tariff-cost.ts) with meter samples, transactionInfo.tariffId and costDetails in the
// TransactionEvents, running cost updates, and the local running cost that transactionLimit.maxCost is checked
// against. Hooks: tx-engine.ts calls trackCost (every evaluation, power changes); onTxEvent is the tariffs block's
// decorateTxEvent (block.ts: every event tx-engine builds); tx-limits.ts calls localCostMs / usesLocalCost. The tariff store and handlers are in blocks/tariffs.ts.
import type { OcppTypes } from '@chargewire/ocpp';
import { every } from './clock.ts';
import type { EvseState, IdToken, TxState } from './evse.ts';
import type { Station } from './station.ts';
import { isTimeZone } from '@chargewire/ocpp/local-time';
import { advanceCost, changeTariff, costDetails, msUntilTotal, standsAt, startCost, type CostContext, type CostState, type Sample } from './tariff-cost.ts';
import { defaultTariffFor, driverTariffFor, localCostEnabled, releaseDriverTariff, reservedAt, setProblem, validate } from './blocks/tariffs.ts';
import { sendTxEvent } from './tx-engine.ts';
import { armLimits } from './tx-limits.ts';

type Kind = OcppTypes.TariffKindEnumType;
interface TxCost {
  state: CostState;
  kind: Kind;
  /** Send transactionInfo.tariffId in the next TransactionEvent (I07.FR.32, I08.FR.22, I11.FR.07). */
  report: boolean;
  cancelRunning?: () => void;
}

const costs = new WeakMap<TxState, TxCost>();
const reservations = new WeakMap<TxState, number>();

/** The tariff a transaction on this EVSE uses, if it calculates its cost locally. */
export function txTariff(evse: EvseState): { tariff: OcppTypes.TariffType; kind: Kind } | undefined {
  const c = evse.tx ? costs.get(evse.tx) : undefined;
  return c ? { tariff: c.state.tariff, kind: c.kind } : undefined;
}

/** [E16.FR.16] the transaction's cost is calculated locally: the CSMS's cost updates do not count for maxCost. */
export const usesLocalCost = (evse: EvseState): boolean => !!evse.tx && costs.has(evse.tx);

function sample(st: Station, evse: EvseState): Sample {
  const r = evse.meter.read();
  const energyWh = Math.round((r.energyWh - (evse.tx?.startWh ?? 0)) * 1000) / 1000;
  return { at: st.clock.now(), energyWh, powerW: r.powerW, currentA: Math.round(r.currentA * Math.max(1, r.phases) * 100) / 100 };
}

/**
 * Bring the calculation up to now (the power of the last sample held until now) and take the present power; once
 * per moment: tx-engine evaluate calls trackCost and then (armLimits) localCostMs, and the second finds the
 * calculation already there (standsAt), so it does not advance it again.
 */
function catchUp(st: Station, evse: EvseState, state: CostState): void {
  const x = sample(st, evse);
  if (!standsAt(state, x)) advanceCost(state, x);
}

/** Called by tx-engine evaluate: the power may have changed. */
export function trackCost(st: Station, evse: EvseState): void {
  const c = evse.tx ? costs.get(evse.tx) : undefined;
  if (c) catchUp(st, evse, c.state);
}

/**
 * maxCost (tx-limits.ts): ms until the local running cost including tax reaches `max` at the present power, 0 when
 * reached, undefined when it does not grow; null when the transaction has no local cost calculation (then the
 * CSMS's cost updates decide, E16.FR.15).
 */
export function localCostMs(st: Station, evse: EvseState, max: number): number | undefined | null {
  const c = evse.tx ? costs.get(evse.tx) : undefined;
  if (!c) return null;
  catchUp(st, evse, c.state);
  return msUntilTotal(c.state, max);
}

const DC = /CCS|G105|ChaoJi|GBT-DC|MCS|Chademo/i;
const additional = (t: IdToken, type: string): string | undefined => t.additionalInfo?.find((a) => a.type === type)?.additionalIdToken;

function context(st: Station, evse: EvseState, tx: TxState, idToken: IdToken | undefined): CostContext {
  const tz = st.str('ClockCtrlr', 'TimeZone', '');
  const connector = evse.connectors.find((c) => c.id === evse.plugged) ?? evse.connectors[0];
  const reservation = reservations.get(tx);
  const reserved = reservation !== undefined ? reservedAt(st, reservation) : undefined;
  const brand = idToken && additional(idToken, 'PaymentBrand');
  const recognition = idToken && additional(idToken, 'PaymentRecognition');
  return {
    txStart: tx.startedAt, evseKind: connector && DC.test(connector.type) ? 'DC' : 'AC',
    ...(isTimeZone(tz) ? { timeZone: tz } : {}),
    ...(brand ? { paymentBrand: brand } : {}), ...(recognition ? { paymentRecognition: recognition } : {}),
    // [I12.FR.06] authorized with a reservation: its time counts from the ReserveNowRequest.
    ...(reserved !== undefined ? { reservationS: Math.max(0, (tx.startedAt - reserved) / 1000) } : {}),
  };
}

/**
 * The driver (implicitly) accepted the tariff by authorizing: associate it with the transaction. [I08.FR.04] the
 * driver-specific tariff of this idToken, else [I07.FR.14] the default tariff of the EVSE in force now;
 * [I08.FR.33] none after a driver tariff that failed with HandleFailedTariff = CentralCost.
 */
function associate(st: Station, evse: EvseState, tx: TxState, idToken: IdToken): void {
  if (!localCostEnabled(st)) return;
  const driver = driverTariffFor(st, idToken);
  if (driver?.central) return;
  const tariff = driver?.tariff ?? defaultTariffFor(st, evse.id);
  if (!tariff) return;
  const state = startCost(tariff, context(st, evse, tx, idToken), sample(st, evse));
  const c: TxCost = { state, kind: driver?.tariff ? 'DriverTariff' : 'DefaultTariff', report: true };
  costs.set(tx, c);
  startRunningCost(st, evse, tx, c);
}

/** [I12.FR.02] [I12.FR.03] TariffCostCtrlr.Enabled[RunningCost]: Updated(RunningCost) with costDetails every Interval[Cost] s. */
function startRunningCost(st: Station, evse: EvseState, tx: TxState, c: TxCost): void {
  if (c.cancelRunning || st.str('TariffCostCtrlr', 'Enabled', 'false', 'RunningCost') !== 'true') return;
  const s = st.num('TariffCostCtrlr', 'Interval', 60, 'Cost');
  if (s <= 0) return;
  const cancel = every(st.clock, s * 1000, () => {
    if (evse.tx !== tx || costs.get(tx) !== c) { cancel(); return; }
    sendTxEvent(st, evse, 'Updated', 'RunningCost');
  });
  c.cancelRunning = cancel;
  // Stopped with the transaction's other timers (endTx, Station.stop).
  const others = tx.cancelPeriodic;
  tx.cancelPeriodic = () => { others?.(); cancel(); };
}

/** Called by tx-engine sendTxEvent for every TransactionEvent it builds, before it is queued. */
export function onTxEvent(st: Station, evse: EvseState, ev: OcppTypes.TransactionEventRequest): void {
  const tx = evse.tx;
  // transactionInfo.tariffId and costDetails do not exist in OCPP 2.0.1.
  if (!tx || (st.version ?? st.lastVersion) === '2.0.1') return;
  if (ev.reservationId !== undefined) reservations.set(tx, ev.reservationId);
  // The event that carries the authorizing idToken (not the one that stops, E07.FR.02).
  if (!costs.has(tx) && ev.idToken && ev.idToken === tx.authorizedBy && ev.eventType !== 'Ended') associate(st, evse, tx, ev.idToken);
  const c = costs.get(tx);
  if (!c) return;
  // Always advanced here (not catchUp): a charging period that starts at this very moment must be opened before
  // costDetails reports the periods.
  advanceCost(c.state, sample(st, evse));
  // [I07.FR.32] [I08.FR.22] [I11.FR.07] the tariff in use, once, in the next TransactionEvent.
  if (c.report) { ev.transactionInfo.tariffId = c.state.tariff.tariffId; c.report = false; }
  if (ev.eventType === 'Ended') {
    // [I12.FR.01] [I12.FR.42] the final calculation with its charging periods.
    ev.costDetails = costDetails(c.state, true);
    c.cancelRunning?.();
    costs.delete(tx);
    if (c.kind === 'DriverTariff' && tx.authorizedBy) releaseDriverTariff(st, tx.authorizedBy, evse.id);
    setProblem(st, false); // [I12.FR.43] [I12.FR.44] calculated: a Problem reported before is cleared
    return;
  }
  // [I12.FR.02] the running cost in Started and in each RunningCost update (scenario step 6a: without chargingPeriods).
  if (c.cancelRunning && (ev.eventType === 'Started' || ev.triggerReason === 'RunningCost' || ev.transactionInfo.tariffId !== undefined)) ev.costDetails = costDetails(c.state, false);
}

/** I11 ChangeTransactionTariff (the handler is in blocks/tariffs.ts, after the 2.1 / Enabled[Tariff] checks). */
export function changeTransactionTariff(st: Station, req: OcppTypes.ChangeTransactionTariffRequest): OcppTypes.ChangeTransactionTariffResponse {
  const check = validate(st, req.tariff);
  // [I11.FR.02] [I11.FR.03] (an invalid structure: Rejected, as I07.FR.05).
  if (check.status === 'Rejected') return { status: 'Rejected', statusInfo: { reasonCode: 'InvalidValue', additionalInfo: check.reason.slice(0, 1024) } };
  if (check.status !== 'Accepted') return { status: check.status };
  const evse = st.evses.find((e) => e.tx?.id === req.transactionId);
  if (!evse?.tx) return { status: 'TxNotFound' }; // [I11.FR.04]
  const tx = evse.tx;
  const c = costs.get(tx);
  // [I11.FR.05] the currency cannot change within a transaction.
  if (c && c.state.tariff.currency !== req.tariff.currency) return { status: 'NoCurrencyChange' };
  // [I11.FR.06] [I11.FR.08] the new tariff from now on, also when none was associated yet.
  if (c) { changeTariff(c.state, req.tariff, sample(st, evse)); c.kind = 'DriverTariff'; c.report = true; }
  else {
    const fresh: TxCost = { state: startCost(req.tariff, context(st, evse, tx, tx.authorizedBy), sample(st, evse)), kind: 'DriverTariff', report: true };
    costs.set(tx, fresh);
    startRunningCost(st, evse, tx, fresh);
  }
  // [I11.FR.07] TransactionEvent(TariffChanged) with the new tariffId, after the response.
  st.afterResponse(() => {
    if (evse.tx !== tx) return;
    sendTxEvent(st, evse, 'Updated', 'TariffChanged');
    armLimits(st, evse); // the cost now grows at another rate: re-arm a maxCost limit
  });
  return { status: 'Accepted' };
}
