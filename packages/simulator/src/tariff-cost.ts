// Local cost calculation from an OCPP 2.1 tariff (block I, I12; used for E16.FR.16): a pure calculator that a
// transaction feeds with meter samples. Between two samples the power is constant (energy grows linearly), so
// the calculation splits time exactly at every moment a tariff condition can change (time of day, day, DST,
// transaction/charging/idle durations, energy thresholds) and prices each piece with the "used element list"
// in force at its start (I12.FR.33, I12.FR.34). Money is exact (tariff-decimal.ts); amounts are rounded only
// when reported. Tariff validation for SetDefaultTariff / AuthorizeResponse / ChangeTransactionTariff is here too.
import type { OcppTypes } from '@chargewire/ocpp';
import { dec, roundDiv, SCALE, toNumber, type Dec } from './tariff-decimal.ts';
import { localTime, nextLocalBoundary, parseTimeOfDay, validDate, type LocalTime } from './tariff-local-time.ts';

type Tariff = OcppTypes.TariffType;
type Conditions = OcppTypes.TariffConditionsType;
type FixedConditions = OcppTypes.TariffConditionsFixedType;
type TaxRate = OcppTypes.TaxRateType;
type Price = OcppTypes.PriceType;
export type Part = 'fixed' | 'energy' | 'chargingTime' | 'idleTime' | 'reservationTime' | 'reservationFixed';
const PARTS: readonly Part[] = ['fixed', 'energy', 'chargingTime', 'idleTime', 'reservationTime', 'reservationFixed'];

/** What the tariff's conditions may refer to besides time and meter. */
export interface CostContext {
  /** Start of the transaction (ms): minTime / maxTime count from here. */
  txStart: number;
  /** IANA zone of local time (ClockCtrlr.TimeZone); UTC when absent. */
  timeZone?: string;
  evseKind?: 'AC' | 'DC';
  /** idToken.additionalInfo of type PaymentBrand / PaymentRecognition (fixed fee conditions). */
  paymentBrand?: string;
  paymentRecognition?: string;
  /** [I12.FR.06] authorized with a reservation: seconds from the ReserveNowRequest to the start of the transaction. */
  reservationS?: number;
}

/** A meter sample: at `at` the transaction has consumed `energyWh`; from now on the power is `powerW`, the current (sum of phases) `currentA`. */
export interface Sample { at: number; energyWh: number; powerW: number; currentA: number }

interface Money { excl: Dec; incl: Dec }
interface Period {
  tariffId: string; key: string; start: number; energy: Dec; chargingMs: number; idleMs: number;
  dims: OcppTypes.CostDimensionEnumType[]; minP?: number; maxP?: number; minA?: number; maxA?: number;
}

export interface CostState {
  tariff: Tariff;
  readonly ctx: CostContext;
  /** Time and transaction energy (Wh, exact) the calculation has reached. */
  at: number;
  energy: Dec;
  readonly startEnergy: Dec;
  powerW: number;
  currentA: number;
  chargingMs: number;
  idleMs: number;
  parts: Partial<Record<Part, Money>>;
  taxes: Partial<Record<Part, TaxRate[]>>;
  /** [I12.FR.39] the tariff's maxCost was reached: totals frozen, typeOfCost MaxCost. */
  frozen: boolean;
  periods: Period[];
}

// ---- validation (I07.FR.02/03/05, I08.FR.30, I11.FR.02/03) -------------------------------------------------

export type TariffCheck = { status: 'Accepted' } | { status: 'Rejected' | 'TooManyElements' | 'ConditionNotSupported'; reason: string };

const priceLists = (t: Tariff) => [t.energy, t.chargingTime, t.idleTime, t.fixedFee, t.reservationTime, t.reservationFixed].filter((x) => x !== undefined);

export function checkTariff(t: Tariff, opts: { maxElements?: number; conditionsSupported: boolean }): TariffCheck {
  const bad = (reason: string): TariffCheck => ({ status: 'Rejected', reason });
  if (!/^[A-Z]{3}$/.test(t.currency)) return bad(`currency ${t.currency} is not an ISO 4217 code`);
  if (!t.tariffId) return bad('empty tariffId');
  if (t.validFrom !== undefined && Number.isNaN(Date.parse(t.validFrom))) return bad('validFrom is not a date-time');
  for (const list of priceLists(t)) {
    if (!list.prices.length) return bad('a price list is empty');
    for (const r of list.taxRates ?? []) if (!(r.tax >= 0) || (r.stack ?? 0) < 0) return bad(`invalid tax rate ${r.type}`);
    for (const p of list.prices) {
      const c = p.conditions as (Conditions & FixedConditions) | undefined;
      if (!c) continue;
      for (const k of ['startTimeOfDay', 'endTimeOfDay'] as const) if (c[k] !== undefined && parseTimeOfDay(c[k]!) === undefined) return bad(`${k} ${c[k]} is not hh:mm`);
      for (const k of ['validFromDate', 'validToDate'] as const) if (c[k] !== undefined && !validDate(c[k]!)) return bad(`${k} ${c[k]} is not a date`);
      for (const [lo, hi] of [['minEnergy', 'maxEnergy'], ['minPower', 'maxPower'], ['minCurrent', 'maxCurrent'], ['minTime', 'maxTime'], ['minChargingTime', 'maxChargingTime'], ['minIdleTime', 'maxIdleTime']] as const) {
        const a = c[lo], b = c[hi];
        if (a !== undefined && b !== undefined && Math.abs(a) >= Math.abs(b) && Math.sign(a || b) === Math.sign(b || a)) return bad(`${lo} is not below ${hi}`);
      }
    }
  }
  for (const list of priceLists(t)) {
    if (opts.maxElements !== undefined && list.prices.length > opts.maxElements) return { status: 'TooManyElements', reason: `more than ${opts.maxElements} prices in one element` };
  }
  if (!opts.conditionsSupported && priceLists(t).some((l) => l.prices.some((p) => p.conditions !== undefined))) return { status: 'ConditionNotSupported', reason: 'tariff conditions are not supported' };
  return { status: 'Accepted' };
}

// ---- conditions ---------------------------------------------------------------------------------------------

interface Env { t: number; local: () => LocalTime; energyWh: number; powerW: number; currentA: number; txS: number; chargingS: number; idleS: number }

/** minXXX inclusive, maxXXX exclusive; for discharging (negative bounds) "min" is the one closest to zero. */
function inRange(v: number, lo: number | undefined, hi: number | undefined): boolean {
  if ((lo ?? 0) < 0 || (hi ?? 0) < 0) { v = -v; lo = lo === undefined ? undefined : -lo; hi = hi === undefined ? undefined : -hi; }
  return (lo === undefined || v >= lo) && (hi === undefined || v < hi);
}

function clockMatches(c: FixedConditions, env: Env, ctx: CostContext): boolean {
  if (c.startTimeOfDay !== undefined || c.endTimeOfDay !== undefined) {
    const m = env.local().minutes;
    const s = c.startTimeOfDay !== undefined ? parseTimeOfDay(c.startTimeOfDay)! : 0;
    const e = c.endTimeOfDay !== undefined ? parseTimeOfDay(c.endTimeOfDay)! : 0;
    // End before start wraps to the next day; end 00:00 is the end of the day.
    const ok = s === e ? true : e === 0 ? m >= s : e > s ? m >= s && m < e : m >= s || m < e;
    if (!ok) return false;
  }
  if (c.dayOfWeek && !c.dayOfWeek.includes(env.local().weekday as OcppTypes.DayOfWeekEnumType)) return false;
  if (c.validFromDate !== undefined && env.local().date < c.validFromDate) return false; // inclusive
  if (c.validToDate !== undefined && env.local().date >= c.validToDate) return false; // exclusive
  if (c.evseKind !== undefined && c.evseKind !== (ctx.evseKind ?? 'AC')) return false;
  return true;
}

function matches(c: Conditions | undefined, env: Env, ctx: CostContext): boolean {
  if (!c) return true;
  return clockMatches(c, env, ctx)
    && inRange(env.energyWh, c.minEnergy, c.maxEnergy) && inRange(env.powerW, c.minPower, c.maxPower)
    && inRange(env.currentA, c.minCurrent, c.maxCurrent) && inRange(env.txS, c.minTime, c.maxTime)
    && inRange(env.chargingS, c.minChargingTime, c.maxChargingTime) && inRange(env.idleS, c.minIdleTime, c.maxIdleTime);
}

function fixedMatches(c: FixedConditions | undefined, env: Env, ctx: CostContext): boolean {
  if (!c) return true;
  if (c.paymentBrand !== undefined && c.paymentBrand !== ctx.paymentBrand) return false;
  if (c.paymentRecognition !== undefined && c.paymentRecognition !== ctx.paymentRecognition) return false;
  return clockMatches(c, env, ctx);
}

const first = <P extends { conditions?: Conditions }>(prices: P[] | undefined, env: Env, ctx: CostContext): number =>
  prices ? prices.findIndex((p) => matches(p.conditions, env, ctx)) : -1;

/** [I12.FR.33] [I12.FR.34] the "used element list": the first applicable energy, chargingTime and idleTime price. */
function usedElements(s: CostState, env: Env): [number, number, number] {
  const t = s.tariff;
  return [first(t.energy?.prices, env, s.ctx), first(t.chargingTime?.prices, env, s.ctx), first(t.idleTime?.prices, env, s.ctx)];
}

const conditionsOf = (t: Tariff): Conditions[] =>
  [t.energy, t.chargingTime, t.idleTime].flatMap((l) => (l?.prices ?? []).map((p) => p.conditions)).filter((c): c is Conditions => c !== undefined);

function env(s: CostState, t: number, energy: Dec): Env {
  let lt: LocalTime | undefined;
  return {
    t, local: () => (lt ??= localTime(t, s.ctx.timeZone)), energyWh: Number(energy) / 1e12, powerW: s.powerW, currentA: s.currentA,
    txS: (t - s.ctx.txStart) / 1000, chargingS: s.chargingMs / 1000, idleS: s.idleMs / 1000,
  };
}

/** The next moment after `t` at which a condition may change, with the energy growing `whPerMs`. */
function nextBreak(s: CostState, t: number, energyWh: number, whPerMs: number): number {
  const conds = conditionsOf(s.tariff);
  const boundaries = new Set<number>();
  let next = Number.POSITIVE_INFINITY;
  const at = (c: number): void => { if (c > t && c < next) next = c; };
  const charging = s.powerW !== 0;
  for (const c of conds) {
    for (const k of ['startTimeOfDay', 'endTimeOfDay'] as const) if (c[k] !== undefined) boundaries.add(parseTimeOfDay(c[k]!)!);
    if (c.dayOfWeek || c.validFromDate || c.validToDate) boundaries.add(0);
    for (const v of [c.minTime, c.maxTime]) if (v !== undefined) at(s.ctx.txStart + v * 1000);
    for (const v of [c.minChargingTime, c.maxChargingTime]) if (v !== undefined && charging) at(t + v * 1000 - s.chargingMs);
    for (const v of [c.minIdleTime, c.maxIdleTime]) if (v !== undefined && !charging) at(t + v * 1000 - s.idleMs);
    for (const v of [c.minEnergy, c.maxEnergy]) {
      const ms = v !== undefined && whPerMs !== 0 ? (v - energyWh) / whPerMs : 0;
      if (ms > 0) at(t + Math.ceil(ms)); // the first whole ms at or after the threshold
    }
  }
  at(nextLocalBoundary(t, [...boundaries], s.ctx.timeZone));
  return next;
}

// ---- money --------------------------------------------------------------------------------------------------

/** [I12.FR.13] stack 0 on the net price, each higher stack on the result of the one below; equal stacks add up. */
export function applyTax(excl: Dec, rates: TaxRate[] | undefined): Dec {
  if (!rates?.length) return excl;
  let base = excl;
  for (const stack of [...new Set(rates.map((r) => r.stack ?? 0))].sort((a, b) => a - b)) {
    const pct = rates.filter((r) => (r.stack ?? 0) === stack).reduce((sum, r) => sum + dec(r.tax), 0n);
    base += roundDiv(base * pct, 100n * SCALE);
  }
  return base;
}

const money = (excl: Dec, rates: TaxRate[] | undefined): Money => ({ excl, incl: applyTax(excl, rates) });

function add(s: CostState, part: Part, m: Money): void {
  const cur = s.parts[part] ?? { excl: 0n, incl: 0n };
  s.parts[part] = { excl: cur.excl + m.excl, incl: cur.incl + m.incl };
}

/** The running total (exact). */
export function runningTotal(s: CostState): Money {
  let excl = 0n, incl = 0n;
  for (const p of PARTS) { excl += s.parts[p]?.excl ?? 0n; incl += s.parts[p]?.incl ?? 0n; }
  return { excl, incl };
}

const firstFixed = (list: OcppTypes.TariffFixedType | undefined, e: Env, ctx: CostContext) =>
  list?.prices.find((p) => fixedMatches(p.conditions, e, ctx));

// ---- the calculation ----------------------------------------------------------------------------------------

/**
 * Start calculating with `tariff` at `sample` (the moment the tariff is associated with the transaction).
 * [I12.FR.30] the fixed fee is evaluated once, now; [I12.FR.06]..[I12.FR.08] so are the reservation costs.
 */
export function startCost(tariff: Tariff, ctx: CostContext, sample: Sample): CostState {
  const energy = dec(sample.energyWh);
  const s: CostState = {
    tariff, ctx, at: sample.at, energy, startEnergy: energy, powerW: sample.powerW, currentA: sample.currentA,
    chargingMs: 0, idleMs: 0, parts: {}, taxes: {}, frozen: false, periods: [],
  };
  for (const p of ['energy', 'chargingTime', 'idleTime'] as const) if (tariff[p]) s.parts[p] = { excl: 0n, incl: 0n };
  noteTaxes(s);
  const e = env(s, sample.at, energy);
  const fee = firstFixed(tariff.fixedFee, e, ctx);
  if (fee) add(s, 'fixed', money(dec(fee.priceFixed), tariff.fixedFee!.taxRates)); // [I12.FR.05]
  if (ctx.reservationS !== undefined) {
    const rt = first(tariff.reservationTime?.prices, e, ctx);
    // [I12.FR.07] time from the ReserveNowRequest to the start of the transaction.
    if (rt >= 0) add(s, 'reservationTime', money(roundDiv(dec(tariff.reservationTime!.prices[rt]!.priceMinute) * dec(ctx.reservationS), 60n * SCALE), tariff.reservationTime!.taxRates));
    const rf = firstFixed(tariff.reservationFixed, e, ctx);
    if (rf) add(s, 'reservationFixed', money(dec(rf.priceFixed), tariff.reservationFixed!.taxRates)); // [I12.FR.08]
  }
  freezeIfMax(s);
  return s;
}

function noteTaxes(s: CostState): void {
  const t = s.tariff;
  const src: Record<Part, OcppTypes.TariffTimeType | OcppTypes.TariffEnergyType | OcppTypes.TariffFixedType | undefined> = {
    fixed: t.fixedFee, energy: t.energy, chargingTime: t.chargingTime, idleTime: t.idleTime, reservationTime: t.reservationTime, reservationFixed: t.reservationFixed,
  };
  for (const p of PARTS) if (src[p]?.taxRates) s.taxes[p] = src[p]!.taxRates;
}

/** Advance to `sample` (energy linear in between, power as of the previous sample), then take its power. */
export function advanceCost(s: CostState, sample: Sample): void {
  integrate(s, sample.at, dec(sample.energyWh), true);
  s.powerW = sample.powerW;
  s.currentA = sample.currentA;
}

/** [I11.FR.08] another tariff from now on (no retroactive calculation): a new charging period starts. */
export function changeTariff(s: CostState, tariff: Tariff, sample: Sample): void {
  advanceCost(s, sample);
  s.tariff = tariff;
  for (const p of ['energy', 'chargingTime', 'idleTime'] as const) if (tariff[p] && !s.parts[p]) s.parts[p] = { excl: 0n, incl: 0n };
  noteTaxes(s);
  s.frozen = false;
  freezeIfMax(s);
}

function freezeIfMax(s: CostState): void {
  const cap = s.tariff.maxCost;
  if (!cap || s.frozen) return;
  const tot = runningTotal(s);
  if ((cap.exclTax !== undefined && tot.excl >= dec(cap.exclTax)) || (cap.inclTax !== undefined && tot.incl >= dec(cap.inclTax))) s.frozen = true;
}

/**
 * Milliseconds from the state's time until the running total including tax reaches `target`, if the power stays
 * as it is; 0 when already reached, undefined when it never grows (nothing priced, or frozen at the tariff's maxCost).
 */
export function msUntilTotal(s: CostState, target: number, horizonMs = 7 * 86_400_000): number | undefined {
  const goal = dec(target);
  if (runningTotal(s).incl >= goal - TOLERANCE) return 0;
  if (s.frozen) return undefined;
  const probe: CostState = { ...s, parts: { ...s.parts }, periods: [] };
  const to = s.at + horizonMs;
  const hit = integrate(probe, to, s.energy + dec((s.powerW * horizonMs) / 3_600_000), false, goal);
  if (hit !== undefined) return Math.max(0, hit - s.at);
  return !probe.frozen && runningTotal(probe).incl > runningTotal(s).incl ? horizonMs : undefined;
}
/** A total this close below a target counts as having reached it (meter readings are whole mWh). */
export const TOLERANCE = dec('0.000001');

/** Integrate [s.at, to]; with `stop`, return the moment the total including tax reaches it (and stop there). */
function integrate(s: CostState, to: number, energyTo: Dec, track: boolean, stop?: Dec): number | undefined {
  const t0 = s.at, e0 = s.energy, span = to - t0;
  if (span < 0) return undefined;
  const energyAt = (x: number): Dec => (x >= to ? energyTo : e0 + roundDiv((energyTo - e0) * BigInt(x - t0), BigInt(span)));
  const whPerMs = span > 0 ? Number(energyTo - e0) / 1e12 / span : 0;
  let t = t0;
  do {
    const eT = t === t0 ? e0 : energyAt(t);
    const used = usedElements(s, env(s, t, eT));
    if (track) openPeriod(s, t, used);
    const next = span === 0 ? t : Math.min(to, nextBreak(s, t, Number(eT) / 1e12, whPerMs));
    const dE = energyAt(next) - eT, dt = next - t;
    const charging = s.powerW !== 0;
    const deltas = priced(s, used, dE, dt, charging);
    if (stop !== undefined && !s.frozen) {
      const before = runningTotal(s).incl;
      const d = deltas.reduce((sum, [, m]) => sum + m.incl, 0n);
      if (d > 0n && before + d >= stop - TOLERANCE) return t + Math.min(1, Math.max(0, Number(stop - before) / Number(d))) * dt;
    }
    book(s, deltas);
    if (charging) s.chargingMs += dt; else s.idleMs += dt; // [I12.FR.40] usage continues after maxCost froze the cost
    if (track) trackPeriod(s, dE, dt, charging);
    t = next;
    s.at = t;
    s.energy = energyAt(t);
  } while (t < to);
  return undefined;
}

function priced(s: CostState, [ei, ci, ii]: [number, number, number], dE: Dec, dt: number, charging: boolean): [Part, Money][] {
  const t = s.tariff, out: [Part, Money][] = [];
  if (ei >= 0) out.push(['energy', money(roundDiv(dec(t.energy!.prices[ei]!.priceKwh) * dE, 1000n * SCALE), t.energy!.taxRates)]);
  const time = charging ? (ci >= 0 ? t.chargingTime!.prices[ci] : undefined) : (ii >= 0 ? t.idleTime!.prices[ii] : undefined);
  if (time) out.push([charging ? 'chargingTime' : 'idleTime', money(roundDiv(dec(time.priceMinute) * BigInt(dt), 60_000n), (charging ? t.chargingTime : t.idleTime)!.taxRates)]);
  return out;
}

/** Add the costs of a piece; [I12.FR.39] when the tariff's maxCost is reached within it, only up to that point, then freeze. */
function book(s: CostState, deltas: [Part, Money][]): void {
  if (s.frozen || !deltas.length) return;
  const cap = s.tariff.maxCost;
  if (cap) {
    const tot = runningTotal(s);
    const dEx = deltas.reduce((a, [, m]) => a + m.excl, 0n), dIn = deltas.reduce((a, [, m]) => a + m.incl, 0n);
    // The fraction of the piece after which a cap is reached: num/den, the smallest of the two.
    let f: [Dec, Dec] | undefined;
    const consider = (capV: number | undefined, cur: Dec, d: Dec): void => {
      if (capV === undefined || d <= 0n || cur + d < dec(capV)) return;
      const g: [Dec, Dec] = [dec(capV) - cur, d];
      if (!f || g[0] * f[1] < f[0] * g[1]) f = g;
    };
    consider(cap.exclTax, tot.excl, dEx);
    consider(cap.inclTax, tot.incl, dIn);
    if (f) {
      for (const [p, m] of deltas) add(s, p, { excl: roundDiv(m.excl * f[0], f[1]), incl: roundDiv(m.incl * f[0], f[1]) });
      s.frozen = true;
      return;
    }
  }
  for (const [p, m] of deltas) add(s, p, m);
}

// ---- charging periods ---------------------------------------------------------------------------------------

function openPeriod(s: CostState, t: number, used: [number, number, number]): void {
  const key = `${s.tariff.tariffId}|${used.join(',')}`;
  const cur = s.periods.at(-1);
  if (cur?.key === key) return;
  // [I12.FR.35] [I12.FR.36] the used element list changed: the current period ends, a new one starts now.
  if (cur && cur.start === t && cur.energy === 0n) s.periods.pop(); // no time, no energy: nothing happened in it
  const conds = conditionsOf(s.tariff);
  const dims: OcppTypes.CostDimensionEnumType[] = [];
  if (s.tariff.energy) dims.push('Energy');
  if (s.tariff.chargingTime) dims.push('ChargingTime');
  if (s.tariff.idleTime) dims.push('IdleTIme'); // sic: the 2.1 schema spells it so
  if (conds.some((c) => c.minPower !== undefined || c.maxPower !== undefined)) dims.push('MinPower', 'MaxPower');
  if (conds.some((c) => c.minCurrent !== undefined || c.maxCurrent !== undefined)) dims.push('MinCurrent', 'MaxCurrent');
  if (!dims.length) dims.push('Energy');
  s.periods.push({ tariffId: s.tariff.tariffId, key, start: t, energy: 0n, chargingMs: 0, idleMs: 0, dims });
}

function trackPeriod(s: CostState, dE: Dec, dt: number, charging: boolean): void {
  const p = s.periods.at(-1)!;
  p.energy += dE;
  if (charging) p.chargingMs += dt; else p.idleMs += dt;
  if (dt > 0) {
    p.minP = Math.min(p.minP ?? s.powerW, s.powerW); p.maxP = Math.max(p.maxP ?? s.powerW, s.powerW);
    p.minA = Math.min(p.minA ?? s.currentA, s.currentA); p.maxA = Math.max(p.maxA ?? s.currentA, s.currentA);
  }
}

// ---- reporting ----------------------------------------------------------------------------------------------

const priceOf = (m: Money, rates: TaxRate[] | undefined, places: number): Price =>
  ({ exclTax: toNumber(m.excl, places), inclTax: toNumber(m.incl, places), ...(rates ? { taxRates: rates } : {}) });

/**
 * The 2.1 costDetails: [I12.FR.09] [I12.FR.10] [I12.FR.11] usage and cost per part, [I12.FR.16] the tariff's currency,
 * [I12.FR.17] the total of all parts, [I12.FR.41] NormalCost / [I12.FR.39] MaxCost. `final` (the Ended event,
 * I12.FR.42): with the chargingPeriods ([I12.FR.04] each with its tariffId) and [I12.FR.38] the minCost applied.
 * Amounts are rounded to `places` decimals (half away from zero), energy to whole mWh, times to whole seconds.
 */
export function costDetails(s: CostState, final: boolean, places = 6): OcppTypes.CostDetailsType {
  const tot = runningTotal(s);
  let totalCost: OcppTypes.TotalCostType = { currency: s.tariff.currency, typeOfCost: s.frozen ? 'MaxCost' : 'NormalCost', total: { exclTax: toNumber(tot.excl, places), inclTax: toNumber(tot.incl, places) } };
  for (const p of PARTS) if (s.parts[p]) totalCost[p] = priceOf(s.parts[p]!, s.taxes[p], places);
  const minCost = s.tariff.minCost;
  if (final && minCost && ((minCost.exclTax !== undefined && tot.excl < dec(minCost.exclTax)) || (minCost.inclTax !== undefined && tot.incl < dec(minCost.inclTax)))) {
    const inclTax = minCost.inclTax ?? (minCost.exclTax !== undefined && minCost.taxRates ? toNumber(applyTax(dec(minCost.exclTax), minCost.taxRates), places) : undefined);
    const fixed: Price = { ...minCost, ...(inclTax !== undefined ? { inclTax } : {}) };
    totalCost = {
      currency: s.tariff.currency, typeOfCost: 'MinCost', fixed,
      total: { ...(fixed.exclTax !== undefined ? { exclTax: fixed.exclTax } : {}), ...(fixed.inclTax !== undefined ? { inclTax: fixed.inclTax } : {}) },
    };
  }
  const totalUsage: OcppTypes.TotalUsageType = {
    energy: toNumber(s.energy - s.startEnergy, 3), chargingTime: Math.round(s.chargingMs / 1000), idleTime: Math.round(s.idleMs / 1000),
    ...(s.ctx.reservationS !== undefined && (s.tariff.reservationTime || s.tariff.reservationFixed) ? { reservationTime: Math.round(s.ctx.reservationS) } : {}),
  };
  const details: OcppTypes.CostDetailsType = { totalCost, totalUsage };
  if (final && s.periods.length) details.chargingPeriods = s.periods.map((p) => ({ tariffId: p.tariffId, startPeriod: new Date(p.start).toISOString(), dimensions: p.dims.map((d) => ({ type: d, volume: dimension(p, d) })) }));
  return details;
}

function dimension(p: Period, d: OcppTypes.CostDimensionEnumType): number {
  switch (d) {
    case 'Energy': return toNumber(p.energy, 3);
    case 'ChargingTime': return Math.round(p.chargingMs / 1000);
    case 'IdleTIme': return Math.round(p.idleMs / 1000);
    case 'MinPower': return p.minP ?? 0;
    case 'MaxPower': return p.maxP ?? 0;
    case 'MinCurrent': return p.minA ?? 0;
    case 'MaxCurrent': return p.maxA ?? 0;
  }
}

