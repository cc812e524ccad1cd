// K — Smart Charging, station side: SetChargingProfile (K01, K02), GetCompositeSchedule (K08), GetChargingProfiles
// with ReportChargingProfiles (K09), ClearChargingProfile (K10), and the TxProfile of a RequestStartTransaction
// (K05, F01, F02; called from remote-control.ts). Checks in ../smart-charging-validate.ts, the profiles and the
// limits they put on the simulated power in ../smart-charging-state.ts, the schedule arithmetic in
// ../smart-charging-schedule.ts.
// Not supported (Rejected as the 2.1 FRs require): PriorityCharging / LocalGeneration purposes, Dynamic profiles,
// operation modes other than ChargingOnly (V2X), randomizedDelay, limitAtSoC, useLocalTime, evseSleep, _L2/_L3
// limits; no external constraints (K11-K14), no ISO 15118 schedules (K15-K20).
import { RpcError, type OcppTypes } from '@chargewire/ocpp';
import type { Block } from '../block.ts';
import type { EvseState } from '../evse.ts';
import type { Station } from '../station.ts';
import { applySmartCharging, compositeFor, initSmartCharging, installedProfiles, installProfile, removeProfiles, smartChargingEnabled } from '../smart-charging-state.ts';
import { validateProfile, type InstalledProfile, type ValidationContext } from '../smart-charging-validate.ts';

type StatusInfo = OcppTypes.StatusInfoType;

/** [K01.FR.29] a station without (enabled) smart charging answers CALLERROR NotSupported. */
function requireSupport(st: Station): void {
  if (!smartChargingEnabled(st)) throw new RpcError('NotSupported', 'smart charging is not supported');
}

function context(st: Station): ValidationContext {
  const ext = st.num('SmartChargingCtrlr', 'MaxExternalConstraintsId', Number.NaN);
  return {
    evses: st.evses.map((e) => ({
      id: e.id, phases: Number(st.dm.value({ name: 'EVSE', evse: { id: e.id } }, { name: 'SupplyPhases' })) || 3,
      ...(e.tx ? { transactionId: e.tx.id } : {}),
    })),
    rateUnits: st.list('SmartChargingCtrlr', 'RateUnit'),
    maxStackLevel: st.num('SmartChargingCtrlr', 'ProfileStackLevel', 0),
    maxPeriods: st.num('SmartChargingCtrlr', 'PeriodsPerSchedule', 24),
    phaseSwitching: st.bool('SmartChargingCtrlr', 'ACPhaseSwitchingSupported', false),
    ...(Number.isFinite(ext) ? { maxExternalConstraintsId: ext } : {}),
    installed: installedProfiles(st),
  };
}

function setChargingProfile(st: Station, req: OcppTypes.SetChargingProfileRequest): OcppTypes.SetChargingProfileResponse {
  requireSupport(st);
  const p = req.chargingProfile;
  const problem = validateProfile(context(st), req.evseId, p);
  if (problem) return { status: 'Rejected', statusInfo: problem };
  // [K01.FR.04] a TxProfile applies to its transaction; [K01.FR.05] a known id is replaced; [K01.FR.08] default profiles.
  installProfile(st, { evseId: req.evseId, profile: p, ...(p.chargingProfilePurpose === 'TxProfile' ? { transactionId: p.transactionId! } : {}) });
  // [K01.FR.07] [K01.FR.32] [K02.FR.04] re-evaluate which profile is active, also for ongoing transactions.
  st.afterResponse(() => applySmartCharging(st));
  return { status: 'Accepted' };
}

/**
 * The ChargingProfile of a RequestStartTransaction for `evse`: undefined to go on (installed, or ignored), else the
 * statusInfo of the Rejected response. [F01.FR.12] [F02.FR.20] [K05.FR.04] ignored without smart charging;
 * [F01.FR.26] [F02.FR.27] [K05.FR.05] an invalid profile: Rejected with InvalidProfile or InvalidSchedule;
 * [F01.FR.10] [F02.FR.18] [K05.FR.03] otherwise used for the transaction this remote start begins (or the
 * transaction already on the EVSE, F01.FR.13).
 */
export function remoteStartProfile(st: Station, evse: EvseState, req: OcppTypes.RequestStartTransactionRequest): StatusInfo | undefined {
  const p = req.chargingProfile;
  if (!p || !smartChargingEnabled(st)) return undefined;
  const problem = validateProfile(context(st), evse.id, p, { remoteStart: true });
  if (problem) {
    const schedule = ['InvalidSchedule', 'UnsupportedRateUnit', 'TooManyElements', 'PhaseConflict', 'InvalidOperationMode'].includes(problem.reasonCode);
    return { reasonCode: schedule ? 'InvalidSchedule' : 'InvalidProfile', additionalInfo: `${problem.reasonCode}: ${problem.additionalInfo ?? ''}`.slice(0, 1024) };
  }
  installProfile(st, { evseId: evse.id, profile: p, ...(evse.tx ? { transactionId: evse.tx.id } : { remoteStartId: req.remoteStartId }) });
  return undefined;
}

function getCompositeSchedule(st: Station, req: OcppTypes.GetCompositeScheduleRequest): OcppTypes.GetCompositeScheduleResponse {
  requireSupport(st);
  // [K08.FR.05] an unknown EVSE.
  if (req.evseId !== 0 && !st.evses.some((e) => e.id === req.evseId)) return { status: 'Rejected', statusInfo: { reasonCode: 'UnknownEvse' } };
  // [K08.FR.07] a rate unit the station does not support.
  const units = st.list('SmartChargingCtrlr', 'RateUnit');
  if (req.chargingRateUnit && !units.includes(req.chargingRateUnit)) return { status: 'Rejected', statusInfo: { reasonCode: 'UnsupportedRateUnit' } };
  const unit = req.chargingRateUnit ?? (units[0] === 'A' ? 'A' : 'W');
  // [K08.FR.02] [K08.FR.03] [K08.FR.04] [K08.FR.06] from the moment of receipt, for `duration` seconds; an EVSE without
  // transaction as if one were ongoing (TxDefaultProfile, relative schedules from now).
  return { status: 'Accepted', schedule: compositeFor(st, req.evseId, req.duration, unit) };
}

function getChargingProfiles(st: Station, req: OcppTypes.GetChargingProfilesRequest): OcppTypes.GetChargingProfilesResponse {
  requireSupport(st);
  const c = req.chargingProfile;
  // [K09.FR.04] profiles installed on that EVSE, [K09.FR.05] on the station itself (EVSE #0), [K09.FR.06] all;
  // matching every given criterion (K09.FR.03). Profiles from the CSMS have chargingLimitSource CSO.
  const match = (r: InstalledProfile): boolean => (req.evseId === undefined || r.evseId === req.evseId)
    && (!c.chargingProfileId?.length || c.chargingProfileId.includes(r.profile.id))
    && (c.stackLevel === undefined || r.profile.stackLevel === c.stackLevel)
    && (c.chargingProfilePurpose === undefined || r.profile.chargingProfilePurpose === c.chargingProfilePurpose)
    && (!c.chargingLimitSource?.length || (c.chargingLimitSource as string[]).includes('CSO'));
  const found = installedProfiles(st).filter(match);
  if (!found.length) return { status: 'NoProfiles' };
  const groups = [...new Set(found.map((r) => r.evseId))].sort((a, b) => a - b);
  st.afterResponse(async () => {
    for (const [i, evseId] of groups.entries()) {
      // [K09.FR.01] the requestId in every report; [K09.FR.02] tbc on all but the last.
      await st.call('ReportChargingProfiles', {
        requestId: req.requestId, chargingLimitSource: 'CSO', evseId, tbc: i < groups.length - 1,
        chargingProfile: found.filter((r) => r.evseId === evseId).map((r) => r.profile),
      });
    }
  });
  return { status: 'Accepted' };
}

function clearChargingProfile(st: Station, req: OcppTypes.ClearChargingProfileRequest): OcppTypes.ClearChargingProfileResponse {
  requireSupport(st);
  const c = req.chargingProfileCriteria;
  // [K10.FR.03] by id, [K10.FR.04] by the given criteria (logical AND); there are no ChargingStationExternalConstraints
  // or LocalGeneration profiles to spare (K10.FR.08, K10.FR.09).
  const removed = removeProfiles(st, (r) => (req.chargingProfileId !== undefined ? r.profile.id === req.chargingProfileId
    : (c?.evseId === undefined || r.evseId === c.evseId)
      && (c?.chargingProfilePurpose === undefined || r.profile.chargingProfilePurpose === c.chargingProfilePurpose)
      && (c?.stackLevel === undefined || r.profile.stackLevel === c.stackLevel)));
  // [K10.FR.01] nothing matched.
  if (!removed) return { status: 'Unknown' };
  // [K10.FR.05] recalculate and apply to ongoing transactions; [K10.FR.07] as if started without the cleared TxDefaultProfile.
  st.afterResponse(() => applySmartCharging(st));
  return { status: 'Accepted' };
}

export const block: Block = {
  id: 'K',
  name: 'Smart Charging',
  handlers: {
    SetChargingProfile: setChargingProfile,
    GetCompositeSchedule: getCompositeSchedule,
    GetChargingProfiles: getChargingProfiles,
    ClearChargingProfile: clearChargingProfile,
  },
  // [K01.FR.27] the persisted ChargingStationMaxProfile / TxDefaultProfile profiles, SmartChargingCtrlr.Entries.
  init: initSmartCharging,
};
