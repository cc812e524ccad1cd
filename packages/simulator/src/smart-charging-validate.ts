// Smart charging (K), the checks on a charging profile the CSMS sends (SetChargingProfile, K01; or inside a
// RequestStartTransaction, K05 / F01 / F02): undefined when it can be installed, otherwise the statusInfo of the
// Rejected response. Pure: the station facts it needs come in a ValidationContext (blocks/smart-charging.ts).
import type { OcppTypes } from '@chargewire/ocpp';
import { parseTime } from './smart-charging-schedule.ts';

type Profile = OcppTypes.ChargingProfileType;
type StatusInfo = OcppTypes.StatusInfoType;

/** A charging profile installed on the station. */
export interface InstalledProfile {
  /** Where it was installed: 0 = the station (grid connection), else the EVSE. */
  evseId: number;
  /** As the CSMS sent it (reported unchanged by GetChargingProfiles). */
  profile: Profile;
  /** TxProfile: the transaction it belongs to (K01.FR.04). */
  transactionId?: string;
  /** TxProfile of a RequestStartTransaction whose transaction has not started yet (F01.FR.10). */
  remoteStartId?: number;
  /** That remote start was seen authorized on the EVSE (so its authorization ending drops the profile). */
  seenAuth?: boolean;
  /** invalidAfterOfflineDuration: it went invalid while offline and stays so (K01.FR.102). */
  expired?: boolean;
}

export interface ValidationContext {
  /** The EVSEs: supply phases and the ongoing transaction. */
  evses: readonly { id: number; phases: number; transactionId?: string }[];
  /** SmartChargingCtrlr.RateUnit (K01.FR.26). */
  rateUnits: readonly string[];
  /** SmartChargingCtrlr.ProfileStackLevel: the highest stackLevel. */
  maxStackLevel: number;
  /** SmartChargingCtrlr.PeriodsPerSchedule. */
  maxPeriods: number;
  /** SmartChargingCtrlr.ACPhaseSwitchingSupported (K01.FR.46, K01.FR.48). */
  phaseSwitching: boolean;
  /** SmartChargingCtrlr.MaxExternalConstraintsId, when set (K01.FR.81). */
  maxExternalConstraintsId?: number;
  installed: readonly InstalledProfile[];
}

const reject = (reasonCode: string, additionalInfo: string): StatusInfo => ({ reasonCode, additionalInfo });

function overlap(a: Profile, b: Profile): boolean {
  const from = (p: Profile) => (p.validFrom !== undefined ? parseTime(p.validFrom) : Number.NEGATIVE_INFINITY);
  const to = (p: Profile) => (p.validTo !== undefined ? parseTime(p.validTo) : Number.POSITIVE_INFINITY);
  return from(a) < to(b) && from(b) < to(a);
}

/**
 * Checks in the order of the requirements; `remoteStart`: the profile of a RequestStartTransaction for that EVSE
 * (no transaction yet, so no transactionId: F01.FR.11).
 */
export function validateProfile(ctx: ValidationContext, evseId: number, p: Profile, opts: { remoteStart?: boolean } = {}): StatusInfo | undefined {
  const purpose = p.chargingProfilePurpose;
  const kind = p.chargingProfileKind;
  const evse = ctx.evses.find((e) => e.id === evseId);
  // [K01.FR.28] an EVSE that does not exist.
  if (evseId !== 0 && !evse) return reject('UnknownEvse', `no EVSE ${evseId}`);
  // [F01.FR.09] [F02.FR.17] [K05.FR.02] the profile of a remote start is a TxProfile, [F01.FR.11] [F02.FR.19] without transactionId.
  if (opts.remoteStart && purpose !== 'TxProfile') return reject('InvalidProfile', 'a RequestStartTransaction profile must be a TxProfile');
  if (opts.remoteStart && p.transactionId !== undefined) return reject('InvalidProfile', 'transactionId is not known before the transaction starts');
  // [K01.FR.22] [K02.FR.07] external constraints come from external systems, not from the CSMS.
  if (purpose === 'ChargingStationExternalConstraints') return reject('InvalidProfile', 'ChargingStationExternalConstraints is set by external systems only');
  // [K01.FR.120] (2.1) PriorityCharging / LocalGeneration: not in SupportedAdditionalPurposes.
  if (purpose === 'PriorityCharging' || purpose === 'LocalGeneration') return reject('UnsupportedPurpose', `${purpose} is not supported`);
  // [K01.FR.121] (2.1) Dynamic profiles are not supported; [K01.FR.122] dynUpdate* only with Dynamic.
  if (kind === 'Dynamic') return reject('UnsupportedKind', 'Dynamic profiles are not supported');
  if (p.dynUpdateInterval !== undefined || p.dynUpdateTime !== undefined) return reject('InvalidProfile', 'dynUpdateInterval/dynUpdateTime need chargingProfileKind Dynamic');
  // [K04.FR.03] a ChargingStationMaxProfile is for EVSE #0 only; [K01.FR.38] and never Relative.
  if (purpose === 'ChargingStationMaxProfile' && evseId !== 0) return reject('InvalidProfile', 'ChargingStationMaxProfile is set on EVSE 0 only');
  if (purpose === 'ChargingStationMaxProfile' && kind === 'Relative') return reject('InvalidProfile', 'a ChargingStationMaxProfile cannot be Relative');
  // [K01.FR.16] a TxProfile is for one EVSE (> 0); transactionId belongs to TxProfiles only.
  if (purpose === 'TxProfile' && evseId === 0) return reject('InvalidProfile', 'a TxProfile needs an EVSE > 0');
  if (purpose !== 'TxProfile' && p.transactionId !== undefined) return reject('InvalidProfile', 'transactionId is for a TxProfile only');
  if (purpose === 'TxProfile' && !opts.remoteStart) {
    // [K01.FR.09] no transaction on the EVSE; [K01.FR.33] an unknown transactionId (K01.FR.03: it must be given).
    if (!evse?.transactionId) return reject('TxNotFound', `no transaction on EVSE ${evseId}`);
    if (p.transactionId !== evse.transactionId) return reject('TxNotFound', `transaction ${p.transactionId ?? '(none)'} is not ongoing on EVSE ${evseId}`);
  }
  // [K01.FR.81] (2.1) ids up to MaxExternalConstraintsId belong to the station.
  if (ctx.maxExternalConstraintsId !== undefined && p.id <= ctx.maxExternalConstraintsId) return reject('InvalidProfileId', `id must be above ${ctx.maxExternalConstraintsId}`);
  if (p.stackLevel > ctx.maxStackLevel) return reject('InvalidStackLevel', `stackLevel above ProfileStackLevel ${ctx.maxStackLevel}`);
  for (const [field, v] of [['validFrom', p.validFrom], ['validTo', p.validTo]] as const) {
    if (v !== undefined && Number.isNaN(parseTime(v))) return reject('InvalidProfile', `${field} is not a date-time`);
  }
  if (p.validFrom !== undefined && p.validTo !== undefined && parseTime(p.validFrom) >= parseTime(p.validTo)) return reject('InvalidProfile', 'validTo is not after validFrom');
  if (kind === 'Recurring' && p.recurrencyKind === undefined) return reject('InvalidProfile', 'a Recurring profile needs recurrencyKind');
  // [K01.FR.34] one charging schedule (no ISO 15118 in the simulator).
  if (p.chargingSchedule.length !== 1) return reject('InvalidSchedule', 'exactly one chargingSchedule');
  const problem = validateSchedule(ctx, evseId, p);
  if (problem) return problem;
  return duplicate(ctx, evseId, p, opts.remoteStart === true);
}

function validateSchedule(ctx: ValidationContext, evseId: number, p: Profile): StatusInfo | undefined {
  const s = p.chargingSchedule[0]!;
  const kind = p.chargingProfileKind;
  // [K01.FR.26] a rate unit that is not in SmartChargingCtrlr.RateUnit.
  if (!ctx.rateUnits.includes(s.chargingRateUnit)) return reject('UnsupportedRateUnit', `chargingRateUnit ${s.chargingRateUnit} is not supported`);
  // [K01.FR.40] Absolute/Recurring need startSchedule; [K01.FR.41] Relative has none.
  if ((kind === 'Absolute' || kind === 'Recurring') && s.startSchedule === undefined) return reject('InvalidSchedule', `a ${kind} schedule needs startSchedule`);
  if (kind === 'Relative' && s.startSchedule !== undefined) return reject('InvalidSchedule', 'a Relative schedule has no startSchedule');
  if (s.startSchedule !== undefined && Number.isNaN(parseTime(s.startSchedule))) return reject('InvalidSchedule', 'startSchedule is not a date-time');
  // (2.1) [K01.FR.123] useLocalTime, [K01.FR.124] [K01.FR.95] randomizedDelay, [K01.FR.125] limitAtSoC: not supported.
  if (s.useLocalTime) return reject('InvalidSchedule', 'useLocalTime is not supported');
  if ((s.randomizedDelay ?? 0) > 0) return reject('InvalidSchedule', 'randomizedDelay is not supported');
  if (s.limitAtSoC !== undefined) return reject('InvalidSchedule', 'limitAtSoC is not supported');
  const periods = s.chargingSchedulePeriod;
  if (periods.length > ctx.maxPeriods) return reject('TooManyElements', `more than PeriodsPerSchedule (${ctx.maxPeriods}) periods`);
  // [K01.FR.31] the first period starts at 0; [K01.FR.35] in increasing order of startPeriod.
  if (periods[0]?.startPeriod !== 0) return reject('InvalidSchedule', 'the first startPeriod must be 0');
  const phasesOf = evseId === 0 ? ctx.evses.map((e) => e.phases) : [ctx.evses.find((e) => e.id === evseId)?.phases ?? 3];
  for (let i = 0; i < periods.length; i++) {
    const per = periods[i]!;
    if (i > 0 && per.startPeriod <= periods[i - 1]!.startPeriod) return reject('InvalidSchedule', 'startPeriod values must increase');
    if (per.limit !== undefined && per.limit < 0) return reject('InvalidSchedule', 'a charging limit cannot be negative');
    // (2.1) [K01.FR.115] [K01.FR.114] [K01.FR.111] only ChargingOnly (no V2XSupportedOperationModes); [K01.FR.126] no evseSleep.
    if (per.operationMode !== undefined && per.operationMode !== 'ChargingOnly') return reject('InvalidOperationMode', `operationMode ${per.operationMode} is not supported`);
    if (per.evseSleep) return reject('InvalidSchedule', 'evseSleep is not supported');
    // (2.1) [K01.FR.144] [K01.FR.146] limit_L2/L3 only after ISO 15118 charging needs, which the simulator never sends.
    if (per.limit_L2 !== undefined || per.limit_L3 !== undefined) return reject('PhaseConflict', 'limit_L2/limit_L3 are not supported');
    if (per.phaseToUse !== undefined) {
      // [K01.FR.19] phaseToUse only with numberPhases = 1; [K01.FR.48] [K01.FR.46] without ACPhaseSwitchingSupported only
      // the phase the EVSE uses anyway (L1 of a single-phase EVSE), which also rules out conflicts (K01.FR.141).
      if (per.numberPhases !== 1) return reject('InvalidSchedule', 'phaseToUse needs numberPhases 1');
      if (!ctx.phaseSwitching && !(per.phaseToUse === 1 && phasesOf.every((n) => n === 1))) return reject('InvalidSchedule', `phase ${per.phaseToUse} cannot be selected`);
    }
  }
  return undefined;
}

/**
 * [K01.FR.06] no second profile (other id) with the same stackLevel, purpose and EVSE and an overlapping validity;
 * [K01.FR.52] [K01.FR.53] a TxDefaultProfile on EVSE #0 and one on a specific EVSE with the same stackLevel;
 * [K01.FR.39] two TxProfiles with the same stackLevel for one transaction. A profile with the same id is replaced
 * (K01.FR.05), so it never conflicts.
 */
function duplicate(ctx: ValidationContext, evseId: number, p: Profile, remoteStart: boolean): StatusInfo | undefined {
  const tx = remoteStart ? ctx.evses.find((e) => e.id === evseId)?.transactionId : p.transactionId;
  for (const r of ctx.installed) {
    const q = r.profile;
    if (q.id === p.id || q.stackLevel !== p.stackLevel || q.chargingProfilePurpose !== p.chargingProfilePurpose) continue;
    if (p.chargingProfilePurpose === 'TxProfile') {
      if (tx !== undefined && r.transactionId === tx) return reject('DuplicateProfile', `TxProfile ${q.id} has stackLevel ${q.stackLevel} for this transaction`);
      continue;
    }
    if (p.chargingProfilePurpose === 'TxDefaultProfile' && r.evseId !== evseId && (r.evseId === 0 || evseId === 0)) {
      return reject('DuplicateProfile', `TxDefaultProfile ${q.id} on EVSE ${r.evseId} has stackLevel ${q.stackLevel}`);
    }
    if (r.evseId === evseId && overlap(p, q)) return reject('DuplicateProfile', `profile ${q.id} has the same stackLevel and purpose with an overlapping validity`);
  }
  return undefined;
}
