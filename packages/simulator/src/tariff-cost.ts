// Local cost calculation from an OCPP 2.1 tariff (block I, I12; used for E16.FR.16): a pure calculator that a
// transaction feeds with meter samples. Between two samples the power is constant (energy grows linearly), so
// the calculation splits time exactly at every moment a tariff condition can change (time of day, day, DST,
// transaction/charging/idle durations, energy thresholds) and prices each piece with the "used element list"
// in force at its start (I12.FR.33, I12.FR.34). Money is exact (@chargewire/ocpp/decimal); amounts are rounded
// only when reported. The tariff is parsed once (tariff-parse.ts: prices, conditions, what breaks depend on).
// Tariff validation for SetDefaultTariff / AuthorizeResponse / ChangeTransactionTariff is here too.
import type { OcppTypes } from '@chargewire/ocpp';
import { dec, roundDiv, SCALE, toNumber, type Dec } from '@chargewire/ocpp/decimal';
import { localTime, parseTimeOfDay, validDate, type LocalTime } from '@chargewire/ocpp/local-time';
import { firstFixed, firstMatch, nextBreak, parseTariff, taxStacks, type Env, type MatchContext, type ParsedList } from './tariff-parse.ts';

type Tariff = OcppTypes.TariffType;
type Conditions = OcppTypes.TariffConditionsType;
type FixedConditions = OcppTypes.TariffConditionsFixedType;
type TaxRate = OcppTypes.TaxRateType;
type Price = OcppTypes.PriceType;
export type Part = 'fixed' | 'energy' | 'chargingTime' | 'idleTime' | 'reservationTime' | 'reservationFixed';
const PARTS: readonly Part[] = ['fixed', 'energy', 'chargingTime', 'idleTime', 'reservationTime', 'reservationFixed'];

/**
 * What the tariff's conditions may refer to besides time and meter: evseKind, and paymentBrand /
 * paymentRecognition (idToken.additionalInfo of those types, fixed fee conditions).
 */
export interface CostContext extends MatchContext {
  /** Start of the transaction (ms): minTime / maxTime count from here. */
  txStart: number;
  /** IANA zone of local time (ClockCtrlr.TimeZone); UTC when absent. */
  timeZone?: string;
  /** [I12.FR.06] authorized with a reservation: seconds from the ReserveNowRequest to the start of the transaction. */
  reservationS?: number;
}

/** A meter sample: at `at` the transaction has consumed `energyWh`; from now on the power is `powerW`, the current (sum of phases) `currentA`. */
export interface Sample { at: number; energyWh: number; powerW: number; currentA: number }

interface Money { excl: Dec; incl: Dec }
interface Period {
  tariffId: string; key: string; start: number; energy: Dec; chargingMs: number; idleMs: number;
  dims: readonly OcppTypes.CostDimensionEnumType[]; minP?: number; maxP?: number; minA?: number; maxA?: number;
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

/** [I12.FR.33] [I12.FR.34] the "used element list": the first applicable energy, chargingTime and idleTime price. */
function usedElements(s: CostState, env: Env): [number, number, number] {
  const p = parseTariff(s.tariff);
  return [firstMatch(p.energy, env, s.ctx), firstMatch(p.chargingTime, env, s.ctx), firstMatch(p.idleTime, env, s.ctx)];
}

function env(s: CostState, t: number, energy: Dec): Env {
  let lt: LocalTime | undefined;
  return {
    t, local: () => (lt ??= localTime(t, s.ctx.timeZone)), energyWh: Number(energy) / 1e12, powerW: s.powerW, currentA: s.currentA,
    txS: (t - s.ctx.txStart) / 1000, chargingS: s.chargingMs / 1000, idleS: s.idleMs / 1000,
  };
}

// ---- money --------------------------------------------------------------------------------------------------

/** [I12.FR.13] stack 0 on the net price, each higher stack on the result of the one below; equal stacks add up. */
export function applyTax(excl: Dec, rates: TaxRate[] | undefined): Dec {
  if (!rates?.length) return excl;
  let base = excl;
  for (const pct of taxStacks(rates)) base += roundDiv(base * pct, 100n * SCALE);
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
  const p = parseTariff(tariff);
  const e = env(s, sample.at, energy);
  const fee = firstFixed(p.fixedFee, e, ctx);
  if (fee) add(s, 'fixed', money(fee.price, p.fixedFee!.taxRates)); // [I12.FR.05]
  if (ctx.reservationS !== undefined) {
    const rt = firstMatch(p.reservationTime, e, ctx);
    // [I12.FR.07] time from the ReserveNowRequest to the start of the transaction.
    if (rt >= 0) add(s, 'reservationTime', money(roundDiv(p.reservationTime!.prices[rt]!.price * dec(ctx.reservationS), 60n * SCALE), p.reservationTime!.taxRates));
    const rf = firstFixed(p.reservationFixed, e, ctx);
    if (rf) add(s, 'reservationFixed', money(rf.price, p.reservationFixed!.taxRates)); // [I12.FR.08]
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

/**
 * The calculation stands at `sample` (same time, energy, power and current): advancing to it again would price
 * nothing and at most open the charging period that the next advance opens at the same moment in the same way.
 * So a caller that only needs the totals up to date may skip that advance; one about to report charging periods
 * (costDetails with `final`) must not.
 */
export const standsAt = (s: CostState, x: Sample): boolean =>
  s.at === x.at && s.powerW === x.powerW && s.currentA === x.currentA && s.energy === dec(x.energyWh);

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
  const cap = parseTariff(s.tariff).maxCost;
  if (!cap || s.frozen) return;
  const tot = runningTotal(s);
  if ((cap.excl !== undefined && tot.excl >= cap.excl) || (cap.incl !== undefined && tot.incl >= cap.incl)) s.frozen = true;
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
  const p = parseTariff(s.tariff);
  let t = t0;
  do {
    const eT = t === t0 ? e0 : energyAt(t);
    const used = usedElements(s, env(s, t, eT));
    if (track) openPeriod(s, t, used);
    const charging = s.powerW !== 0;
    const next = span === 0 ? t : Math.min(to, nextBreak(p, { txStart: s.ctx.txStart, timeZone: s.ctx.timeZone, charging, chargingMs: s.chargingMs, idleMs: s.idleMs }, t, Number(eT) / 1e12, whPerMs));
    const dE = energyAt(next) - eT, dt = next - t;
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
  const p = parseTariff(s.tariff), out: [Part, Money][] = [];
  if (ei >= 0) out.push(['energy', money(roundDiv(p.energy!.prices[ei]!.price * dE, 1000n * SCALE), p.energy!.taxRates)]);
  const [list, i]: [ParsedList | undefined, number] = charging ? [p.chargingTime, ci] : [p.idleTime, ii];
  if (i >= 0) out.push([charging ? 'chargingTime' : 'idleTime', money(roundDiv(list!.prices[i]!.price * BigInt(dt), 60_000n), list!.taxRates)]);
  return out;
}

/** Add the costs of a piece; [I12.FR.39] when the tariff's maxCost is reached within it, only up to that point, then freeze. */
function book(s: CostState, deltas: [Part, Money][]): void {
  if (s.frozen || !deltas.length) return;
  const cap = parseTariff(s.tariff).maxCost;
  if (cap) {
    const tot = runningTotal(s);
    const dEx = deltas.reduce((a, [, m]) => a + m.excl, 0n), dIn = deltas.reduce((a, [, m]) => a + m.incl, 0n);
    // The fraction of the piece after which a cap is reached: num/den, the smallest of the two.
    let f: [Dec, Dec] | undefined;
    const consider = (capV: Dec | undefined, cur: Dec, d: Dec): void => {
      if (capV === undefined || d <= 0n || cur + d < capV) return;
      const g: [Dec, Dec] = [capV - cur, d];
      if (!f || g[0] * f[1] < f[0] * g[1]) f = g;
    };
    consider(cap.excl, tot.excl, dEx);
    consider(cap.incl, tot.incl, dIn);
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
  s.periods.push({ tariffId: s.tariff.tariffId, key, start: t, energy: 0n, chargingMs: 0, idleMs: 0, dims: parseTariff(s.tariff).dims });
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

