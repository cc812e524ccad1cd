// Smart charging (K), the pure part: which charging schedule period is in force at a moment, the limit that
// results on an EVSE (stacking per purpose, TxProfile over TxDefaultProfile, the lowest of all purposes, A <-> W),
// the composite schedule of GetCompositeSchedule (K08) and the split of a station maximum over the EVSEs (K04).
// No station state here: smart-charging-state.ts feeds it the installed profiles and the EVSEs.
import type { OcppTypes } from '@chargewire/ocpp';

type Profile = OcppTypes.ChargingProfileType;
type Period = OcppTypes.ChargingSchedulePeriodType;
export type RateUnit = OcppTypes.ChargingRateUnitEnumType;

export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;
/** How far ahead the next change of a limit is looked for (a weekly recurring profile changes within it). */
export const HORIZON_MS = 8 * DAY_MS;

/** A profile as the computation sees it. */
export interface ScheduleEntry {
  profile: Profile;
  /** Start of a Relative schedule (ms): when the power path closed (K01.FR.42); absent = the start of the window. */
  relativeStart?: number;
  /** Not valid from here on (ms) whatever validTo says: offline for longer than maxOfflineDuration (K01.FR.101). */
  invalidFrom?: number;
}

/** One EVSE: its local limit, phases and voltage, and the TxDefaultProfile / TxProfile entries that apply to it. */
export interface EvseInput {
  id: number;
  /** Local limit (W): the EVSE / connector maximum and any station-side limit. */
  maxW: number;
  /** Phases the EVSE can use (AC supply phases, or those the EV uses; at least 1). */
  phases: number;
  /** Line voltage (V) for A <-> W (K01.FR.50). */
  voltage: number;
  entries: ScheduleEntry[];
}

/** The limit in force: W, and the number of phases it allows. */
export interface Limit { w: number; phases: number }

interface Active { period: Period; unit: RateUnit; stackLevel: number }

/** ISO 8601 date-time to ms; a timestamp without a zone designator is taken as UTC. */
export function parseTime(s: string): number {
  return Date.parse(/(z|[+-]\d\d:?\d\d)$/i.test(s) ? s : `${s}Z`);
}

function recurrenceMs(p: Profile): number | undefined {
  if (p.chargingProfileKind !== 'Recurring') return undefined;
  return p.recurrencyKind === 'Weekly' ? WEEK_MS : DAY_MS;
}

/** [K01.FR.42] Relative: from the PowerPathClosed moment; otherwise from startSchedule (K01.FR.40). */
function scheduleStart(e: ScheduleEntry, windowStart: number): number {
  const s = e.profile.chargingSchedule[0]?.startSchedule;
  if (e.profile.chargingProfileKind === 'Relative' || s === undefined) return e.relativeStart ?? windowStart;
  return parseTime(s);
}

/** [K01.FR.10] no validFrom/validTo: valid indefinitely; [K01.FR.36] from validFrom; [K01.FR.37] before validTo. */
export function validAt(e: ScheduleEntry, t: number): boolean {
  const p = e.profile;
  if (p.validFrom !== undefined && t < parseTime(p.validFrom)) return false;
  if (p.validTo !== undefined && t >= parseTime(p.validTo)) return false;
  return e.invalidFrom === undefined || t < e.invalidFrom;
}

/**
 * The schedule period of `e` in force at t, if the profile is valid then and its schedule covers t:
 * [K01.FR.30] nothing before startSchedule; [K01.FR.12] a period lasts until the next one starts or the duration
 * ends; [K01.FR.11] periods at or past the duration never run; [K01.FR.13] a recurring schedule shorter than its
 * recurrence leaves a gap (the lower stack level / other purposes apply).
 */
export function periodAt(e: ScheduleEntry, t: number, windowStart: number): Active | undefined {
  const sched = e.profile.chargingSchedule[0];
  if (!sched || !validAt(e, t)) return undefined;
  let start = scheduleStart(e, windowStart);
  if (t < start) return undefined;
  let duration = sched.duration !== undefined ? sched.duration * 1000 : Number.POSITIVE_INFINITY;
  const rec = recurrenceMs(e.profile);
  if (rec !== undefined) {
    start += Math.floor((t - start) / rec) * rec;
    duration = Math.min(duration, rec);
  }
  const offset = t - start;
  if (offset >= duration) return undefined;
  let found: Period | undefined;
  for (const p of sched.chargingSchedulePeriod) {
    if (p.startPeriod * 1000 <= offset) found = p;
    else break; // [K01.FR.35] ordered by startPeriod
  }
  return found && { period: found, unit: sched.chargingRateUnit, stackLevel: e.profile.stackLevel };
}

/** [K01.FR.17] of the profiles of one purpose, the one with the highest stack level that has a period at t. */
export function leadingAt(entries: readonly ScheduleEntry[], purpose: OcppTypes.ChargingProfilePurposeEnumType, t: number, windowStart: number): Active | undefined {
  let best: Active | undefined;
  for (const e of entries) {
    if (e.profile.chargingProfilePurpose !== purpose) continue;
    const a = periodAt(e, t, windowStart);
    if (a && (!best || a.stackLevel > best.stackLevel)) best = a;
  }
  return best;
}

/**
 * The lowest of the active periods and the local limit, in W: [K01.FR.49] numberPhases 3 unless given;
 * [K01.FR.140] the lowest numberPhases of all; [K01.FR.45] [K01.FR.43] never more phases than the EVSE has;
 * [K01.FR.51] an A limit is per phase; [K01.FR.50] W <-> A via the line voltage and the number of phases.
 */
export function combine(actives: readonly (Active | undefined)[], localW: number, phases: number, voltage: number): Limit {
  let n = Math.max(1, phases);
  for (const a of actives) if (a) n = Math.min(n, a.period.numberPhases ?? 3);
  let w = localW;
  for (const a of actives) {
    const l = a?.period.limit;
    if (a && l !== undefined) w = Math.min(w, a.unit === 'W' ? l : l * voltage * n);
  }
  return { w: Math.max(0, w), phases: n };
}

/**
 * The limit on one EVSE at t: [K02.FR.04] a TxProfile overrules the TxDefaultProfile, [K02.FR.08] which applies
 * again when the TxProfile has no period at t; [SC.01] [K08.FR.04] the lowest of that, the station maximum
 * (`station`: ChargingStationMaxProfile entries; empty = left out) and the local limit.
 */
export function evseLimitAt(ev: EvseInput, station: readonly ScheduleEntry[], t: number, windowStart: number): Limit {
  const tx = leadingAt(ev.entries, 'TxProfile', t, windowStart) ?? leadingAt(ev.entries, 'TxDefaultProfile', t, windowStart);
  return combine([tx, leadingAt(station, 'ChargingStationMaxProfile', t, windowStart)], ev.maxW, ev.phases, ev.voltage);
}

/** Every moment in (from, to) at which the period in force of some entry may change. */
export function breakpoints(entries: readonly ScheduleEntry[], from: number, to: number, windowStart: number): number[] {
  const out = new Set<number>();
  const add = (t: number): void => { if (t > from && t < to) out.add(t); };
  for (const e of entries) {
    const p = e.profile;
    if (p.validFrom !== undefined) add(parseTime(p.validFrom));
    if (p.validTo !== undefined) add(parseTime(p.validTo));
    if (e.invalidFrom !== undefined) add(e.invalidFrom);
    const sched = p.chargingSchedule[0];
    if (!sched) continue;
    const start = scheduleStart(e, windowStart);
    const rec = recurrenceMs(p);
    const duration = Math.min(sched.duration !== undefined ? sched.duration * 1000 : Number.POSITIVE_INFINITY, rec ?? Number.POSITIVE_INFINITY);
    const cycle = (base: number): void => {
      add(base);
      for (const per of sched.chargingSchedulePeriod) if (per.startPeriod * 1000 < duration) add(base + per.startPeriod * 1000);
      if (Number.isFinite(duration)) add(base + duration);
    };
    if (rec === undefined) { cycle(start); continue; }
    for (let k = Math.max(0, Math.floor((from - start) / rec)); start + k * rec < to; k++) cycle(start + k * rec);
  }
  return [...out].sort((a, b) => a - b);
}

/** The first moment after `now` (within HORIZON_MS) at which a limit may change, for the re-evaluation timer. */
export function nextChange(entries: readonly ScheduleEntry[], now: number): number | undefined {
  return breakpoints(entries, now, now + HORIZON_MS, now)[0];
}

/** A limit in the requested unit, rounded down to the one decimal the schema allows. */
export function toUnit(l: Limit, unit: RateUnit, voltage: number): number {
  const v = unit === 'W' ? l.w : l.w / (voltage * l.phases);
  return Math.floor(v * 10 + 1e-9) / 10;
}

export interface CompositeRequest {
  evses: readonly EvseInput[];
  /** ChargingStationMaxProfile entries (EVSE #0). */
  station: readonly ScheduleEntry[];
  /** 0: the whole station (the grid connection). */
  evseId: number;
  /** Start of the schedule (ms, whole second) and its length (s). */
  start: number;
  durationS: number;
  unit: RateUnit;
}

/**
 * [K08.FR.02] the composite schedule from `start` for `durationS` seconds: one period per interval in which the
 * limit stays the same (intervals of different lengths). [K08.FR.03] EVSE #0: the sum over the EVSEs (what the
 * station may draw from the grid), capped by the ChargingStationMaxProfile. [K08.FR.04] never above the lowest limit
 * of any merged schedule or the local limit.
 */
export function compositeSchedule(r: CompositeRequest): OcppTypes.CompositeScheduleType {
  const end = r.start + r.durationS * 1000;
  const evses = r.evseId === 0 ? r.evses : r.evses.filter((e) => e.id === r.evseId);
  const voltage = evses[0]?.voltage ?? 230;
  const entries = [...r.station, ...evses.flatMap((e) => e.entries)];
  const periods: Period[] = [];
  for (const t of [r.start, ...breakpoints(entries, r.start, end, r.start)]) {
    let l: Limit;
    if (r.evseId === 0) {
      const sumW = evses.reduce((s, e) => s + evseLimitAt(e, [], t, r.start).w, 0);
      l = combine([leadingAt(r.station, 'ChargingStationMaxProfile', t, r.start)], sumW, Math.max(1, ...evses.map((e) => e.phases)), voltage);
    } else {
      l = evseLimitAt(evses[0]!, r.station, t, r.start);
    }
    const p: Period = { startPeriod: Math.round((t - r.start) / 1000), limit: toUnit(l, r.unit, voltage), numberPhases: l.phases };
    const last = periods[periods.length - 1];
    if (last && last.limit === p.limit && last.numberPhases === p.numberPhases) continue;
    if (last && last.startPeriod === p.startPeriod) periods[periods.length - 1] = p;
    else periods.push(p);
  }
  return {
    evseId: r.evseId, duration: r.durationS, scheduleStart: new Date(r.start).toISOString(),
    chargingRateUnit: r.unit, chargingSchedulePeriod: periods,
  };
}

/**
 * [K04.FR.01] [K04.FR.05] share a station maximum over the EVSEs that want power (water filling): nobody gets
 * more than it wants, what one does not take is split among the others. `spare` is left over.
 */
export function shareLimit(totalW: number, wants: readonly number[]): { alloc: number[]; spare: number } {
  const alloc = wants.map(() => 0);
  let left = Math.max(0, totalW);
  let open = wants.map((_, i) => i).filter((i) => wants[i]! > 0);
  while (open.length > 0 && left > 1e-9) {
    const share = left / open.length;
    const next: number[] = [];
    for (const i of open) {
      const give = Math.min(share, wants[i]! - alloc[i]!);
      alloc[i]! += give;
      left -= give;
      if (wants[i]! - alloc[i]! > 1e-9) next.push(i);
    }
    if (next.length === open.length) break; // everybody took a full share: nothing left
    open = next;
  }
  return { alloc, spare: Math.max(0, left) };
}
