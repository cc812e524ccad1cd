// The parsed form of an OCPP 2.1 tariff for the local cost calculation (tariff-cost.ts), made once per tariff
// object and kept with it (WeakMap): prices and tax rates as exact decimals, conditions with their times of day
// in minutes, what the moments at which a condition may change depend on, and the cost dimensions of a charging
// period. Plus the condition matching that picks the "used element list" (I12.FR.33, I12.FR.34). A tariff is not
// changed once received (SetDefaultTariff / ChangeTransactionTariff bring a new object), so the cache stays valid.
import type { OcppTypes } from '@chargewire/ocpp';
import { dec, type Dec } from '@chargewire/ocpp/decimal';
import { nextLocalBoundary, parseTimeOfDay, type LocalTime } from '@chargewire/ocpp/local-time';

type Tariff = OcppTypes.TariffType;
type Conditions = OcppTypes.TariffConditionsType;
type FixedConditions = OcppTypes.TariffConditionsFixedType;
type TaxRate = OcppTypes.TaxRateType;

/** A price's conditions, with startTimeOfDay / endTimeOfDay in minutes since midnight (0 when only the other is set). */
export interface Cond { c: Conditions & FixedConditions; timeOfDay?: [start: number, end: number] }
/** One price of an element: priceKwh, priceMinute or priceFixed as an exact decimal. */
export interface ParsedPrice { price: Dec; cond?: Cond }
export interface ParsedList { prices: ParsedPrice[]; taxRates?: TaxRate[] }

export interface ParsedTariff {
  energy?: ParsedList;
  chargingTime?: ParsedList;
  idleTime?: ParsedList;
  reservationTime?: ParsedList;
  fixedFee?: ParsedList;
  reservationFixed?: ParsedList;
  /** Local times of day (minutes) at which an energy/chargingTime/idleTime condition may change (0: a new day). */
  boundaries: number[];
  /** minTime/maxTime, minChargingTime/maxChargingTime, minIdleTime/maxIdleTime thresholds in ms; min/maxEnergy in Wh. */
  txMs: number[];
  chargingMs: number[];
  idleMs: number[];
  energyWh: number[];
  /** The dimensions a charging period reports. */
  dims: readonly OcppTypes.CostDimensionEnumType[];
  maxCost?: { excl?: Dec; incl?: Dec };
}

const parsed = new WeakMap<Tariff, ParsedTariff>();

function cond(c: (Conditions & FixedConditions) | undefined): Cond | undefined {
  if (!c) return undefined;
  if (c.startTimeOfDay === undefined && c.endTimeOfDay === undefined) return { c };
  const at = (v: string | undefined): number => (v !== undefined ? parseTimeOfDay(v)! : 0);
  return { c, timeOfDay: [at(c.startTimeOfDay), at(c.endTimeOfDay)] };
}

function list<P extends { conditions?: object }>(l: { prices: P[]; taxRates?: TaxRate[] } | undefined, price: (p: P) => number): ParsedList | undefined {
  if (!l) return undefined;
  const prices = l.prices.map((p) => ({ price: dec(price(p)), ...(p.conditions ? { cond: cond(p.conditions as Conditions & FixedConditions) } : {}) }));
  return { prices, ...(l.taxRates ? { taxRates: l.taxRates } : {}) };
}

/** The parsed form of `t` (made on first use, then cached with the tariff object). */
export function parseTariff(t: Tariff): ParsedTariff {
  let p = parsed.get(t);
  if (p) return p;
  const conds = [t.energy, t.chargingTime, t.idleTime].flatMap((l) => (l?.prices ?? []).map((x) => x.conditions)).filter((c): c is Conditions => c !== undefined);
  const boundaries = new Set<number>();
  const txMs: number[] = [], chargingMs: number[] = [], idleMs: number[] = [], energyWh: number[] = [];
  for (const c of conds) {
    for (const k of ['startTimeOfDay', 'endTimeOfDay'] as const) if (c[k] !== undefined) boundaries.add(parseTimeOfDay(c[k]!)!);
    if (c.dayOfWeek || c.validFromDate || c.validToDate) boundaries.add(0);
    for (const v of [c.minTime, c.maxTime]) if (v !== undefined) txMs.push(v * 1000);
    for (const v of [c.minChargingTime, c.maxChargingTime]) if (v !== undefined) chargingMs.push(v * 1000);
    for (const v of [c.minIdleTime, c.maxIdleTime]) if (v !== undefined) idleMs.push(v * 1000);
    for (const v of [c.minEnergy, c.maxEnergy]) if (v !== undefined) energyWh.push(v);
  }
  const dims: OcppTypes.CostDimensionEnumType[] = [];
  if (t.energy) dims.push('Energy');
  if (t.chargingTime) dims.push('ChargingTime');
  if (t.idleTime) dims.push('IdleTIme'); // sic: the 2.1 schema spells it so
  if (conds.some((c) => c.minPower !== undefined || c.maxPower !== undefined)) dims.push('MinPower', 'MaxPower');
  if (conds.some((c) => c.minCurrent !== undefined || c.maxCurrent !== undefined)) dims.push('MinCurrent', 'MaxCurrent');
  if (!dims.length) dims.push('Energy');
  const cap = t.maxCost;
  p = {
    energy: list(t.energy, (x) => x.priceKwh), chargingTime: list(t.chargingTime, (x) => x.priceMinute),
    idleTime: list(t.idleTime, (x) => x.priceMinute), reservationTime: list(t.reservationTime, (x) => x.priceMinute),
    fixedFee: list(t.fixedFee, (x) => x.priceFixed), reservationFixed: list(t.reservationFixed, (x) => x.priceFixed),
    boundaries: [...boundaries], txMs, chargingMs, idleMs, energyWh, dims,
    ...(cap ? { maxCost: { ...(cap.exclTax !== undefined ? { excl: dec(cap.exclTax) } : {}), ...(cap.inclTax !== undefined ? { incl: dec(cap.inclTax) } : {}) } } : {}),
  };
  parsed.set(t, p);
  return p;
}

const stacks = new WeakMap<readonly TaxRate[], Dec[]>();

/** The tax percentages of `rates` per stack, lowest stack first (equal stacks added up). Cached per rates list. */
export function taxStacks(rates: readonly TaxRate[]): Dec[] {
  let s = stacks.get(rates);
  if (!s) {
    s = [...new Set(rates.map((r) => r.stack ?? 0))].sort((a, b) => a - b)
      .map((stack) => rates.filter((r) => (r.stack ?? 0) === stack).reduce((sum, r) => sum + dec(r.tax), 0n));
    stacks.set(rates, s);
  }
  return s;
}

// ---- conditions ---------------------------------------------------------------------------------------------

/** What fixed-fee conditions may refer to besides time (see CostContext in tariff-cost.ts). */
export interface MatchContext {
  evseKind?: 'AC' | 'DC';
  paymentBrand?: string;
  paymentRecognition?: string;
}

/** The state a condition is judged in: time, local time (lazy), energy, power, current and durations in s. */
export interface Env { t: number; local: () => LocalTime; energyWh: number; powerW: number; currentA: number; txS: number; chargingS: number; idleS: number }

/** minXXX inclusive, maxXXX exclusive; for discharging (negative bounds) "min" is the one closest to zero. */
function inRange(v: number, lo: number | undefined, hi: number | undefined): boolean {
  if ((lo ?? 0) < 0 || (hi ?? 0) < 0) { v = -v; lo = lo === undefined ? undefined : -lo; hi = hi === undefined ? undefined : -hi; }
  return (lo === undefined || v >= lo) && (hi === undefined || v < hi);
}

function clockMatches({ c, timeOfDay }: Cond, env: Env, ctx: MatchContext): boolean {
  if (timeOfDay) {
    const m = env.local().minutes;
    const [s, e] = timeOfDay;
    // End before start wraps to the next day; end 00:00 is the end of the day.
    const ok = s === e ? true : e === 0 ? m >= s : e > s ? m >= s && m < e : m >= s || m < e;
    if (!ok) return false;
  }
  if (c.dayOfWeek && !c.dayOfWeek.includes(env.local().weekday)) return false;
  if (c.validFromDate !== undefined && env.local().date < c.validFromDate) return false; // inclusive
  if (c.validToDate !== undefined && env.local().date >= c.validToDate) return false; // exclusive
  if (c.evseKind !== undefined && c.evseKind !== (ctx.evseKind ?? 'AC')) return false;
  return true;
}

function matches(k: Cond | undefined, env: Env, ctx: MatchContext): boolean {
  if (!k) return true;
  const c = k.c;
  return clockMatches(k, env, ctx)
    && inRange(env.energyWh, c.minEnergy, c.maxEnergy) && inRange(env.powerW, c.minPower, c.maxPower)
    && inRange(env.currentA, c.minCurrent, c.maxCurrent) && inRange(env.txS, c.minTime, c.maxTime)
    && inRange(env.chargingS, c.minChargingTime, c.maxChargingTime) && inRange(env.idleS, c.minIdleTime, c.maxIdleTime);
}

function fixedMatches(k: Cond | undefined, env: Env, ctx: MatchContext): boolean {
  if (!k) return true;
  if (k.c.paymentBrand !== undefined && k.c.paymentBrand !== ctx.paymentBrand) return false;
  if (k.c.paymentRecognition !== undefined && k.c.paymentRecognition !== ctx.paymentRecognition) return false;
  return clockMatches(k, env, ctx);
}

/** Index of the first price of `l` whose conditions hold, -1 when none (or no list). */
export const firstMatch = (l: ParsedList | undefined, env: Env, ctx: MatchContext): number =>
  l ? l.prices.findIndex((p) => matches(p.cond, env, ctx)) : -1;

/** The first fixed price of `l` whose conditions (payment brand/recognition, clock) hold. */
export const firstFixed = (l: ParsedList | undefined, env: Env, ctx: MatchContext): ParsedPrice | undefined =>
  l?.prices.find((p) => fixedMatches(p.cond, env, ctx));

/** Where a calculation stands, for nextBreak. */
export interface BreakState { txStart: number; timeZone?: string; charging: boolean; chargingMs: number; idleMs: number }

/** The next moment after `t` at which a condition of `p` may change, with the energy growing `whPerMs`. */
export function nextBreak(p: ParsedTariff, s: BreakState, t: number, energyWh: number, whPerMs: number): number {
  let next = Number.POSITIVE_INFINITY;
  const at = (c: number): void => { if (c > t && c < next) next = c; };
  for (const v of p.txMs) at(s.txStart + v);
  if (s.charging) for (const v of p.chargingMs) at(t + v - s.chargingMs);
  else for (const v of p.idleMs) at(t + v - s.idleMs);
  for (const v of p.energyWh) {
    const ms = whPerMs !== 0 ? (v - energyWh) / whPerMs : 0;
    if (ms > 0) at(t + Math.ceil(ms)); // the first whole ms at or after the threshold
  }
  at(nextLocalBoundary(t, p.boundaries, s.timeZone));
  return next;
}
