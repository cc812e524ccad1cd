// Central cost calculation with a flat operator tariff (config `tariff.*`): E16.FR.11 (cost updates while a
// transactionLimit.maxCost is active; this CSMS provides no tariff plans, so the station cannot calculate the
// cost itself), I02 (running cost) and I03 (final cost). Pure functions, plus the hook transactions.ts calls
// for every TransactionEvent and a helper that sends CostUpdated on demand.
//
// Money math: prices are parsed from their decimal text into integer millionths (BigInt, @chargewire/ocpp/decimal),
// energy is taken in integer mWh and time in whole seconds; the cost is one exact fraction, rounded once (half up)
// to the currency's minor unit (ISO 4217 via Intl: EUR 2, JPY 0, KWD 3 decimal places). No float sums, no drift.
import { RpcError } from '@chargewire/ocpp';
import { parseDecimal } from '@chargewire/ocpp/decimal';
import type { CostUpdatedResponse, TransactionEventRequest, TransactionEventResponse } from '@chargewire/ocpp/types';
import type { CsmsConfig } from '../config.ts';
import type { BlockContext, CsmsRuntime } from '../runtime.ts';
import type { TransactionRecord } from '../store/store.ts';
import { ChargingError } from './authorization.ts';

export type FlatTariff = CsmsConfig['tariff'];

/** What a transaction consumed so far. */
export interface Usage {
  /** Energy imported in Wh (3 decimals are kept; negative counts as 0). */
  energyWh: number;
  /** Time since the start of the transaction in ms (prorated per whole second; negative counts as 0). */
  durationMs: number;
}

/** Central cost calculation is on when the tariff names a currency (prices may all be 0: free charging). */
export function tariffActive(t: FlatTariff | undefined): t is FlatTariff {
  return !!t?.currency;
}

const digitsCache = new Map<string, number>();
/** Decimal places of the currency's minor unit (ISO 4217), e.g. EUR 2, JPY 0, KWD 3. */
export function minorUnitDigits(currency: string): number {
  let d = digitsCache.get(currency);
  if (d === undefined) {
    d = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsCache.set(currency, d);
  }
  return d;
}

/** A non-negative decimal with at most 6 places (as validated by config.ts) in integer millionths; else RangeError. */
export const toMicros = (v: number): bigint => parseDecimal(v, 6, { exact: true, negative: false, exponent: false });

/**
 * Cost of `usage` in the currency's minor units (cents for EUR):
 *   sessionFee + pricePerKWh * kWh + pricePerMinute * seconds / 60, rounded half up once.
 * Exact: with prices in millionths (µ), energy in mWh and time in s, everything is a multiple of 1e-12 / 60.
 */
export function costMinorUnits(t: FlatTariff, usage: Usage): bigint {
  const mWh = BigInt(Math.max(0, Math.round(usage.energyWh * 1000)));
  const seconds = BigInt(Math.max(0, Math.floor(usage.durationMs / 1000)));
  // in units of 1e-12 / 60 of the currency
  const num = 60n * toMicros(t.pricePerKWh) * mWh // µ/kWh * mWh = 1e-12
    + 1_000_000n * toMicros(t.pricePerMinute) * seconds // µ/min * s = 1e-6/60
    + 60n * 1_000_000n * toMicros(t.sessionFee);
  const den = 60n * 10n ** 12n;
  const scaled = num * 10n ** BigInt(minorUnitDigits(t.currency));
  return (2n * scaled + den) / (2n * den); // half up (all terms >= 0)
}

/** Cost of `usage` as the decimal that goes into totalCost (minor units / 10^digits, e.g. 1234n -> 12.34). */
export function flatCost(t: FlatTariff, usage: Usage): number {
  return Number(costMinorUnits(t, usage)) / 10 ** minorUnitDigits(t.currency);
}

/** Usage of a stored transaction up to `atMs` (its end when it has ended): energy = highest - lowest register. */
export function usageOf(tx: TransactionRecord, atMs: number): Usage {
  const energyWh = tx.energyWh !== undefined && tx.meterStartWh !== undefined ? tx.energyWh - tx.meterStartWh : 0;
  const start = Date.parse(tx.startedAt);
  const end = tx.endedAt !== undefined ? Date.parse(tx.endedAt) : atMs;
  const durationMs = Number.isNaN(start) || Number.isNaN(end) ? 0 : end - start;
  return { energyWh, durationMs };
}

/**
 * The TransactionEvent hook (transactions.ts), after the event is stored. With an active tariff:
 * - [I02.FR.01] Updated, OCPP 2.1: the running cost as of the event's timestamp in totalCost;
 * - [I02.FR.01] Updated, OCPP 2.0.1 (whose totalCost "SHALL only be sent when charging has ended"): the running
 *   cost in a CostUpdatedRequest right after this answer (not for offline, i.e. historical, or repeated events);
 * - [I03.FR.02] [I03.FR.04] Ended: the final cost in totalCost (0 for a free transaction, never omitted);
 * - [E16.FR.11] so while a transactionLimit.maxCost is active (set by the CSMS or the station) every
 *   Updated/Ended answer carries the cost update the station checks the limit with (E16.FR.15).
 * Without a tariff nothing is added; a maxCost limit sent then is logged, since no cost updates will follow.
 */
export function applyCentralCost(csms: CsmsRuntime, ctx: BlockContext, req: TransactionEventRequest, tx: TransactionRecord, res: TransactionEventResponse, o: { duplicate: boolean }): void {
  const tariff = csms.config.tariff;
  if (!tariffActive(tariff)) {
    if (res.transactionLimit?.maxCost !== undefined) ctx.log.warn({ transactionId: tx.transactionId }, 'maxCost limit sent without a central tariff (config tariff.*): the CSMS sends no cost updates (E16.FR.11)');
    return;
  }
  if (req.eventType === 'Started') return; // totalCost is defined for Updated (running) and Ended (final) only
  const eventAt = Date.parse(req.timestamp);
  const cost = flatCost(tariff, usageOf(tx, Number.isNaN(eventAt) ? Date.now() : eventAt));
  if (req.eventType === 'Ended' || ctx.version !== '2.0.1') {
    res.totalCost = cost;
    return;
  }
  if (req.offline || o.duplicate || tx.state === 'Ended') return;
  const { stationId } = ctx;
  const transactionId = tx.transactionId;
  setImmediate(() => {
    csms.callStation(stationId, 'CostUpdated', { transactionId, totalCost: cost })
      .catch((err: unknown) => {
        // a station without CostUpdated says so on every Updated event: not worth a warning each time
        const unsupported = err instanceof RpcError && (err.code === 'NotImplemented' || err.code === 'NotSupported');
        ctx.log[unsupported ? 'debug' : 'warn']({ err, transactionId }, 'CostUpdated after TransactionEvent failed');
      });
  });
}

/**
 * [I02.FR.01] Send the running cost of an ongoing transaction now (CostUpdatedRequest, OCPP 2.0.1 and 2.1), e.g.
 * at an interval the operator chooses. Needs the tariff. Returns the cost sent and the station's answer.
 */
export async function sendCostUpdate(csms: CsmsRuntime, stationId: string, transactionId: string, now = Date.now()): Promise<{ totalCost: number; response: CostUpdatedResponse }> {
  const tariff = csms.config.tariff;
  if (!tariffActive(tariff)) throw new ChargingError('CHARGING_ERR_NOT_SUPPORTED', 'central cost calculation needs a tariff (config tariff.currency)', 'tariff');
  const tx = await csms.store.getTransaction(stationId, transactionId);
  if (!tx) throw new ChargingError('CHARGING_ERR_TX_NOT_FOUND', `transaction ${transactionId} not found on station ${stationId}`, 'transactionId');
  if (tx.state === 'Ended') throw new ChargingError('CHARGING_ERR_INVALID', `transaction ${transactionId} has ended`, 'transactionId');
  const totalCost = flatCost(tariff, usageOf(tx, now));
  const response = await csms.callStation(stationId, 'CostUpdated', { transactionId, totalCost });
  return { totalCost, response };
}
