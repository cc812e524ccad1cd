// Smart charging (K), the station's state: the installed charging profiles (ChargingStationMaxProfile and
// TxDefaultProfile persisted, K01.FR.27), which apply to which EVSE, and the composite limit that drives each
// EVSE's power (EvseState.profileLimitW, used by evse.ts offeredW). Station.refresh calls applySmartCharging
// before and after every state change; a timer on the station clock re-evaluates when a schedule period,
// validity or offline deadline is reached, so the simulated meter follows the schedule.
import { join } from 'node:path';
import type { OcppTypes } from '@chargewire/ocpp';
import type { TimerHandle } from './clock.ts';
import { readJsonIfExists, writeFileAtomic } from './device-model/persistence.ts';
import { connectorMaxW, powerPathClosed, type EvseState } from './evse.ts';
import { compositeSchedule, evseLimitAt, HORIZON_MS, leadingAt, nextChange, shareLimit, type EvseInput, type RateUnit, type ScheduleEntry } from './smart-charging-schedule.ts';
import type { InstalledProfile } from './smart-charging-validate.ts';
import type { Station } from './station.ts';

interface ScState {
  profiles: InstalledProfile[];
  timer?: TimerHandle;
  /** When the power path of an EVSE closed: the start of Relative schedules (K01.FR.42). */
  pathSince: Map<number, number>;
  /** EVSEs whose limit is set by sharing the station maximum (internal load balancing), not by their own profiles. */
  shared: Set<number>;
  busy: boolean;
  /** When the armed timer fires (the next limit change); undefined: no timer. */
  timerAt?: number;
  /** The inputs the limits were last computed from, valid until `until` (the next boundary): unchanged, nothing to do. */
  memo?: { key: string; until: number };
}

const states = new WeakMap<Station, ScState>();
/** [K01.FR.27] kept across reboots; TxProfiles are not (ChargingProfilePersistence[TxProfile] is not reported). */
const PERSISTENT = new Set<string>(['ChargingStationMaxProfile', 'TxDefaultProfile']);
const FILE = 'charging-profiles.json';

/** Smart charging is supported and enabled (SmartChargingCtrlr.Available / Enabled; K01.FR.29, F01.FR.12). */
export function smartChargingEnabled(st: Station): boolean {
  return st.bool('SmartChargingCtrlr', 'Available', true) && st.bool('SmartChargingCtrlr', 'Enabled', true);
}

function state(st: Station): ScState {
  let s = states.get(st);
  if (s) return s;
  s = { profiles: [], pathSince: new Map(), shared: new Set(), busy: false };
  states.set(st, s);
  const saved = st.opts.dataDir ? readJsonIfExists(join(st.opts.dataDir, FILE)) : undefined;
  if (Array.isArray(saved)) s.profiles = (saved as InstalledProfile[]).filter((r) => PERSISTENT.has(r.profile?.chargingProfilePurpose));
  countEntries(st, s);
  // [K01.FR.101] [K01.FR.102] offline validity (maxOfflineDuration) changes with the connection.
  st.on('connected', () => applySmartCharging(st));
  st.on('disconnected', () => applySmartCharging(st));
  // SmartChargingCtrlr.Enabled switched by SetVariables: the profiles stop (or start) limiting at once. Any variable
  // change (e.g. EVSE SupplyPhases) invalidates the computed limits.
  st.dm.onChange((c) => { s!.memo = undefined; if (c.component.name === 'SmartChargingCtrlr') applySmartCharging(st); });
  return s;
}

/** Load the persisted profiles and publish SmartChargingCtrlr.Entries (called when the station is built). */
export function initSmartCharging(st: Station): void { state(st); }

function countEntries(st: Station, s: ScState): void {
  try { st.dm.setInternal({ name: 'SmartChargingCtrlr' }, { name: 'Entries', instance: 'ChargingProfiles' }, String(s.profiles.length)); } catch { /* not modelled */ }
}

function save(st: Station, s: ScState): void {
  s.memo = undefined; // the profiles changed
  countEntries(st, s);
  if (st.opts.dataDir) writeFileAtomic(join(st.opts.dataDir, FILE), JSON.stringify(s.profiles.filter((r) => PERSISTENT.has(r.profile.chargingProfilePurpose))));
}

/** The installed profiles (after dropping TxProfiles of ended transactions). */
export function installedProfiles(st: Station): readonly InstalledProfile[] {
  const s = state(st);
  if (sync(st, s)) save(st, s);
  return s.profiles;
}

/** [K01.FR.05] install, replacing a profile with the same id; pending TxProfiles of an older remote start on the EVSE go. */
export function installProfile(st: Station, rec: InstalledProfile): void {
  const s = state(st);
  s.profiles = s.profiles.filter((r) => r.profile.id !== rec.profile.id && !(rec.remoteStartId !== undefined && r.remoteStartId !== undefined && r.evseId === rec.evseId));
  s.profiles.push(rec);
  save(st, s);
}

/** Remove the profiles that match; returns how many. */
export function removeProfiles(st: Station, match: (r: InstalledProfile) => boolean): number {
  const s = state(st);
  sync(st, s);
  const before = s.profiles.length;
  s.profiles = s.profiles.filter((r) => !match(r));
  save(st, s);
  return before - s.profiles.length;
}

/**
 * TxProfiles follow their transaction: [F01.FR.10] one from a RequestStartTransaction is bound to the transaction
 * that remote start begins; [K02.FR.05] one whose transaction ended is deleted. [K01.FR.102] a profile with
 * invalidAfterOfflineDuration that went invalid offline stays invalid. Returns whether anything changed.
 */
function sync(st: Station, s: ScState): boolean {
  let changed = false;
  const now = st.clock.now();
  s.profiles = s.profiles.filter((r) => {
    const p = r.profile;
    const off = offlineSince(st);
    if (p.invalidAfterOfflineDuration && !r.expired && p.maxOfflineDuration !== undefined && off !== undefined && now >= off + p.maxOfflineDuration * 1000) {
      r.expired = true;
      changed = true;
    }
    if (p.chargingProfilePurpose !== 'TxProfile') return true;
    if (r.transactionId !== undefined) {
      const keep = st.evses.some((e) => e.tx?.id === r.transactionId);
      changed ||= !keep;
      return keep;
    }
    const evse = st.evses.find((e) => e.id === r.evseId);
    if (!evse) return false;
    if (evse.tx) {
      if (evse.tx.remoteStartId === r.remoteStartId) { r.transactionId = evse.tx.id; r.remoteStartId = undefined; return true; }
      changed = true;
      return false; // another transaction started on the EVSE
    }
    if (evse.auth?.remoteStartId === r.remoteStartId) { r.seenAuth = true; return true; }
    if (r.seenAuth) { changed = true; return false; } // the remote start ended without a transaction (e.g. EVConnectionTimeOut)
    return true;
  });
  return changed;
}

/** Since when the station is offline (the 'connected' event comes before Station clears offlineSince). */
function offlineSince(st: Station): number | undefined {
  return st.connected ? undefined : st.offlineSince;
}

/** Whether a TxProfile applies to the (coming) transaction on this EVSE. */
function forTx(r: InstalledProfile, e: EvseState): boolean {
  if (r.transactionId !== undefined) return e.tx?.id === r.transactionId;
  return r.remoteStartId !== undefined && (e.auth?.remoteStartId === r.remoteStartId || e.tx?.remoteStartId === r.remoteStartId);
}

function entry(st: Station, s: ScState, r: InstalledProfile, e?: EvseState): ScheduleEntry {
  const p = r.profile;
  const out: ScheduleEntry = { profile: p };
  if (e) {
    const since = s.pathSince.get(e.id) ?? e.tx?.startedAt;
    if (since !== undefined) out.relativeStart = since;
  }
  // [K01.FR.101] invalid while offline for longer than maxOfflineDuration; [K01.FR.103] no limit without it.
  if (r.expired) out.invalidFrom = Number.NEGATIVE_INFINITY;
  else if (p.maxOfflineDuration !== undefined && offlineSince(st) !== undefined) out.invalidFrom = offlineSince(st)! + p.maxOfflineDuration * 1000;
  return out;
}

function stationEntries(st: Station, s: ScState): ScheduleEntry[] {
  return s.profiles.filter((r) => r.profile.chargingProfilePurpose === 'ChargingStationMaxProfile').map((r) => entry(st, s, r));
}

/** [K06.FR.01] [K07.FR.01] installed profiles apply also offline. [K01.FR.14] a TxDefaultProfile on EVSE #0 applies to every EVSE, [K01.FR.15] one on an EVSE to that EVSE; [K01.FR.04] TxProfiles of its transaction. */
function evseEntries(st: Station, s: ScState, e: EvseState): ScheduleEntry[] {
  return s.profiles.filter((r) => {
    const purpose = r.profile.chargingProfilePurpose;
    if (purpose === 'TxDefaultProfile') return r.evseId === 0 || r.evseId === e.id;
    return purpose === 'TxProfile' && r.evseId === e.id && forTx(r, e);
  }).map((r) => entry(st, s, r, e));
}

function supplyPhases(st: Station, e: EvseState): number {
  const n = Number(st.dm.value({ name: 'EVSE', evse: { id: e.id } }, { name: 'SupplyPhases' }));
  return n >= 1 && n <= 3 ? n : 3;
}

/** The EVSE as the schedule computation sees it; `local` adds the station-side limit (Station.setLimit). */
function evseInput(st: Station, s: ScState, e: EvseState, local: boolean): EvseInput {
  const supply = supplyPhases(st, e);
  const phases = e.plugged !== undefined ? Math.max(1, Math.min(supply, e.meter.phases)) : supply;
  const maxW = Math.min(connectorMaxW(e), local ? e.limitW ?? Number.POSITIVE_INFINITY : Number.POSITIVE_INFINITY);
  return { id: e.id, maxW, phases, voltage: e.meter.voltageV, entries: evseEntries(st, s, e) };
}

/**
 * [K06.FR.02] The power limit of every EVSE now (undefined: no profile limits it). [K04.FR.05] the ChargingStationMaxProfile
 * limits all EVSEs together: it is shared over the EVSEs that draw power.
 */
function limitsNow(st: Station, s: ScState, now: number): Map<EvseState, { w: number | undefined; shared: boolean }> {
  const out = new Map<EvseState, { w: number | undefined; shared: boolean }>();
  if (!smartChargingEnabled(st) || s.profiles.length === 0) { for (const e of st.evses) out.set(e, { w: undefined, shared: false }); return out; }
  const station = stationEntries(st, s);
  const own = st.evses.map((e) => evseLimitAt(evseInput(st, s, e, false), station, now, now));
  const max = leadingAt(station, 'ChargingStationMaxProfile', now, now);
  let share: number[] | undefined;
  if (max) {
    // An A limit of the grid connection counts for its phases (numberPhases, default 3) at the line voltage.
    const totalW = max.period.limit === undefined ? Number.POSITIVE_INFINITY
      : max.unit === 'W' ? max.period.limit : max.period.limit * (st.evses[0]?.meter.voltageV ?? 230) * Math.min(3, max.period.numberPhases ?? 3);
    const wants = st.evses.map((e, i) => {
      const blocked = e.suspended || e.tx?.limits?.reached !== undefined || e.tx?.noEnergy || e.resumeHold;
      return powerPathClosed(e, st.operative) && !blocked ? Math.min(e.evDemandW, own[i]!.w, e.limitW ?? Number.POSITIVE_INFINITY) : 0;
    });
    const { alloc, spare } = shareLimit(totalW, wants);
    share = alloc.map((a) => a + spare);
  }
  st.evses.forEach((e, i) => {
    const w = Math.min(own[i]!.w, share?.[i] ?? Number.POSITIVE_INFINITY);
    out.set(e, { w: w >= connectorMaxW(e) ? undefined : Math.round(w * 1000) / 1000, shared: w < own[i]!.w });
  });
  return out;
}

function trackPaths(st: Station, s: ScState, now: number): void {
  for (const e of st.evses) {
    if (!powerPathClosed(e, st.operative)) s.pathSince.delete(e.id);
    else if (!s.pathSince.has(e.id)) s.pathSince.set(e.id, now);
  }
}

/**
 * What the limits depend on besides the installed profiles (save() and variable changes clear the memo) and the time
 * (the memo holds until the next boundary): per EVSE the EV, the authorization (remote start), the transaction, what
 * the EV draws and may draw, the power path and since when; the station's availability and connection.
 */
function inputsKey(st: Station, s: ScState): string {
  let key = `${st.operative ? 1 : 0}|${offlineSince(st) ?? ''}`;
  for (const e of st.evses) {
    key += `|${e.plugged ?? ''},${e.meter.phases},${e.meter.voltageV},${e.evDemandW},${e.limitW ?? ''},${e.suspended ? 1 : 0},${e.resumeHold ? 1 : 0}`
      + `,${e.auth ? 1 : 0},${e.auth?.remoteStartId ?? ''},${e.tx?.id ?? ''},${e.tx?.remoteStartId ?? ''},${e.tx?.startedAt ?? ''}`
      + `,${e.tx?.limits?.reached ?? ''},${e.tx?.noEnergy ? 1 : 0},${powerPathClosed(e, st.operative) ? 1 : 0},${s.pathSince.get(e.id) ?? ''}`;
  }
  return key;
}

/**
 * Re-evaluate the profiles ([K01.FR.07] after a change, [K01.FR.32] [K10.FR.05] for ongoing transactions too) and
 * set each EVSE's limit; EVSEs whose limit changed are refreshed (a change of charging state is reported, E02).
 * `skip`: the EVSE a Station.refresh is about to recompute itself. Nothing is recomputed while none of the inputs
 * changed and the next boundary is not reached (a meter tick, the second call of Station.refresh); the timer is
 * re-armed only when the next boundary moves.
 */
export function applySmartCharging(st: Station, skip?: EvseState): void {
  const s = state(st);
  if (s.busy) return;
  const now = st.clock.now();
  trackPaths(st, s, now);
  if (s.profiles.length === 0 && !s.timer && st.evses.every((e) => e.profileLimitW === undefined)) return;
  s.busy = true;
  const changed: [EvseState, 'ChargingRateChanged' | 'ChargingStateChanged'][] = [];
  try {
    if (sync(st, s)) save(st, s);
    const key = inputsKey(st, s);
    if (s.memo?.key === key && now < s.memo.until) return;
    const significance = st.num('SmartChargingCtrlr', 'LimitChangeSignificance', 0);
    for (const [e, { w, shared }] of limitsNow(st, s, now)) {
      const before = e.profileLimitW;
      const wasShared = s.shared.has(e.id);
      if (shared) s.shared.add(e.id); else s.shared.delete(e.id);
      if (w === before) continue;
      if (w === undefined) delete e.profileLimitW; else e.profileLimitW = w;
      if (e === skip) continue;
      // [SC.02] [SC.03] a limit changed by the station's own load balancing (mechanism 4) is reported in a
      // TransactionEvent (ChargingRateChanged) when it moved by more than LimitChangeSignificance (a fraction here);
      // a change that follows the CSMS's own profiles only reports a change of charging state.
      const oldW = before ?? connectorMaxW(e);
      const rate = (shared || wasShared) && e.tx !== undefined && Math.abs((w ?? connectorMaxW(e)) - oldW) > significance * Math.max(oldW, 1);
      changed.push([e, rate ? 'ChargingRateChanged' : 'ChargingStateChanged']);
    }
    // The next moment a period, validity or offline deadline changes a limit; a Relative schedule that has not
    // started (no power path) changes nothing yet. Without one within the horizon, look again at its end.
    const entries = [...stationEntries(st, s), ...st.evses.flatMap((e) => evseEntries(st, s, e))]
      .filter((x) => x.profile.chargingProfileKind !== 'Relative' || x.relativeStart !== undefined);
    const next = smartChargingEnabled(st) && entries.length ? nextChange(entries, now) ?? now + HORIZON_MS : undefined;
    if (next !== s.timerAt || !s.timer) {
      st.clock.clearTimeout(s.timer);
      s.timer = undefined;
      s.timerAt = next;
      if (next !== undefined) s.timer = st.clock.setTimeout(() => { s.timer = undefined; s.timerAt = undefined; applySmartCharging(st); }, next - now);
    }
    s.memo = { key, until: next ?? Number.POSITIVE_INFINITY };
    for (const [e, trigger] of changed) st.refresh(e, trigger);
  } finally {
    s.busy = false;
  }
}

/** [K08] the composite schedule of an EVSE (0: the whole station) from now for `durationS` seconds. */
export function compositeFor(st: Station, evseId: number, durationS: number, unit: RateUnit): OcppTypes.CompositeScheduleType {
  const s = state(st);
  const now = st.clock.now();
  trackPaths(st, s, now);
  if (sync(st, s)) save(st, s);
  return compositeSchedule({
    evses: st.evses.map((e) => evseInput(st, s, e, true)), station: stationEntries(st, s),
    evseId, start: Math.floor(now / 1000) * 1000, durationS, unit,
  });
}
