// Shared pieces of the block K (Smart Charging) station tests: charging profiles, a charging EV, the replies the
// scripted CSMS needs for ReportChargingProfiles.
import assert from 'node:assert/strict';
import type { OcppTypes } from '@chargewire/ocpp';
import { settle } from '../clock.ts';
import type { Harness } from '../testing/harness.ts';
import { QUIET } from './sequence.ts';

export type Profile = OcppTypes.ChargingProfileType;
export const iso = (ms: number): string => new Date(ms).toISOString();

/** TxStartPoint PowerPathClosed, TxStopPoint EVConnected,Authorized, no periodic traffic. */
export const K_VARS = { ...QUIET, 'TxCtrlr.TxStartPoint': 'PowerPathClosed', 'TxCtrlr.TxStopPoint': 'EVConnected,Authorized' };
/** The scripted CSMS acknowledges ReportChargingProfiles. */
export const K_REPLIES = { ReportChargingProfiles: () => ({}) };

export interface ProfileSpec {
  id?: number; stackLevel?: number; purpose?: OcppTypes.ChargingProfilePurposeEnumType; kind?: OcppTypes.ChargingProfileKindEnumType;
  unit?: 'A' | 'W'; periods?: [number, number, number?][]; start?: number; duration?: number; validFrom?: number; validTo?: number;
  transactionId?: string; recurrencyKind?: 'Daily' | 'Weekly';
}

/** A charging profile: Absolute when `start` is given, else Relative (Recurring with recurrencyKind). */
export function profile(o: ProfileSpec = {}): Profile {
  const kind = o.kind ?? (o.recurrencyKind ? 'Recurring' : o.start !== undefined ? 'Absolute' : 'Relative');
  return {
    id: o.id ?? 1, stackLevel: o.stackLevel ?? 0, chargingProfilePurpose: o.purpose ?? 'TxDefaultProfile', chargingProfileKind: kind,
    ...(o.recurrencyKind ? { recurrencyKind: o.recurrencyKind } : {}),
    ...(o.validFrom !== undefined ? { validFrom: iso(o.validFrom) } : {}), ...(o.validTo !== undefined ? { validTo: iso(o.validTo) } : {}),
    ...(o.transactionId !== undefined ? { transactionId: o.transactionId } : {}),
    chargingSchedule: [{
      id: 1, chargingRateUnit: o.unit ?? 'W', ...(o.start !== undefined ? { startSchedule: iso(o.start) } : {}),
      ...(o.duration !== undefined ? { duration: o.duration } : {}),
      chargingSchedulePeriod: (o.periods ?? [[0, o.unit === 'A' ? 6 : 6000]]).map(([startPeriod, limit, numberPhases]) => ({ startPeriod, limit, ...(numberPhases ? { numberPhases } : {}) })),
    }],
  };
}

/** Reusable state EnergyTransferStarted on an EVSE (cable first, local token): returns the transactionId. */
export async function charging(h: Harness, evseId = 1, token = 'TAG1'): Promise<string> {
  h.st.plugIn(evseId, 1);
  await h.st.presentToken(token, 'ISO14443', evseId);
  await settle();
  const tx = h.st.evse(evseId).tx;
  assert.ok(tx, `a transaction on EVSE ${evseId}`);
  return tx.id;
}

export const powerW = (h: Harness, evseId = 1): number => h.st.evse(evseId).meter.powerW;

/** SetChargingProfile, and let the station apply it (the limits follow the response). */
export async function setProfile(h: Harness, evseId: number, chargingProfile: Profile): Promise<OcppTypes.SetChargingProfileResponse> {
  const r = await h.csms.call('SetChargingProfile', { evseId, chargingProfile });
  await settle();
  return r;
}

/** GetChargingProfiles and the ReportChargingProfiles that follow (all of them when Accepted). */
export async function getProfiles(h: Harness, req: Omit<OcppTypes.GetChargingProfilesRequest, 'requestId'> & { requestId?: number }): Promise<{ status: string; reports: OcppTypes.ReportChargingProfilesRequest[] }> {
  const before = h.csms.of('ReportChargingProfiles').length;
  const requestId = req.requestId ?? 77;
  const r = await h.csms.call('GetChargingProfiles', { ...req, requestId });
  if (r.status === 'Accepted') await h.csms.until(() => h.csms.of('ReportChargingProfiles').slice(before).some((x) => !x.tbc));
  await settle();
  return { status: r.status, reports: h.csms.of('ReportChargingProfiles').slice(before) };
}

export async function composite(h: Harness, evseId: number, duration: number, chargingRateUnit?: 'A' | 'W'): Promise<OcppTypes.GetCompositeScheduleResponse> {
  return h.csms.call('GetCompositeSchedule', { evseId, duration, ...(chargingRateUnit ? { chargingRateUnit } : {}) });
}

/** [startPeriod, limit] of a composite schedule. */
export const periods = (r: OcppTypes.GetCompositeScheduleResponse): [number, number | undefined][] =>
  (r.schedule?.chargingSchedulePeriod ?? []).map((p) => [p.startPeriod, p.limit]);
