// Block D, Local Authorization List Management, CSMS side: versioned lists per station kept in the Store,
// SendLocalList (D01) split by the station's LocalAuthListCtrlr.ItemsPerMessage / BytesPerMessage, and
// GetLocalListVersion (D02). The station sends nothing unsolicited in this block, so it has no handlers.
import type { AuthorizationData, GetLocalListVersionResponse, SendLocalListRequest, SendLocalListResponse, UpdateEnumType } from '@chargewire/ocpp/types';
import type { Block, CsmsRuntime } from '../runtime.ts';
import type { LocalList } from '../store/store.ts';
import { ChargingError, pinKey, stationVariable } from './authorization.ts';
import { localListInfo } from './authorization-restrictions.ts';

/** Used when the station has not reported LocalAuthListCtrlr.ItemsPerMessage / BytesPerMessage. */
export const DEFAULT_ITEMS_PER_MESSAGE = 100;
export const DEFAULT_BYTES_PER_MESSAGE = 32_000;

export interface LocalListLimits {
  itemsPerMessage: number;
  bytesPerMessage: number;
}

/** [D01.FR.11] the station's limits from its stored device model, else the defaults. */
export async function localListLimits(runtime: CsmsRuntime, stationId: string): Promise<LocalListLimits> {
  const num = async (variable: string) => {
    const v = await stationVariable(runtime.store, stationId, 'LocalAuthListCtrlr', variable);
    const n = v === undefined ? NaN : Number(v);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  };
  return {
    itemsPerMessage: (await num('ItemsPerMessage')) ?? DEFAULT_ITEMS_PER_MESSAGE,
    bytesPerMessage: (await num('BytesPerMessage')) ?? DEFAULT_BYTES_PER_MESSAGE,
  };
}

const byteLength = (v: unknown) => Buffer.byteLength(JSON.stringify(v), 'utf8');

/**
 * Split one logical update into SendLocalList requests that each respect both limits (D01.FR.11). A Full
 * update becomes Full(first part) + Differential(rest), all with the same versionNumber (D01 error handling).
 * An entry that alone exceeds BytesPerMessage cannot be sent: ChargingError CHARGING_ERR_ENTRY_TOO_LARGE.
 */
export function splitLocalList(versionNumber: number, updateType: UpdateEnumType, entries: AuthorizationData[], limits: LocalListLimits): SendLocalListRequest[] {
  const make = (type: UpdateEnumType, list: AuthorizationData[]): SendLocalListRequest => ({ versionNumber, updateType: type, ...(list.length ? { localAuthorizationList: list } : {}) });
  if (entries.length === 0) return [make(updateType, [])]; // [D01.FR.04] a Full update with no list empties it
  const parts: SendLocalListRequest[] = [];
  let cur: AuthorizationData[] = [];
  const typeOf = () => (parts.length === 0 ? updateType : 'Differential');
  for (const e of entries) {
    const next = [...cur, e];
    if (cur.length && (next.length > limits.itemsPerMessage || byteLength(make(typeOf(), next)) > limits.bytesPerMessage)) {
      parts.push(make(typeOf(), cur));
      cur = [e];
    } else cur = next;
    if (byteLength(make(typeOf(), cur)) > limits.bytesPerMessage) {
      throw new ChargingError('CHARGING_ERR_ENTRY_TOO_LARGE', `local list entry ${e.idToken.type} does not fit in BytesPerMessage=${limits.bytesPerMessage}`, 'localAuthorizationList');
    }
  }
  parts.push(make(typeOf(), cur));
  return parts;
}

const key = (e: AuthorizationData) => `${e.idToken.idToken.toLowerCase()}\u001f${e.idToken.type}`;

/** The list after applying an update (what the station should hold once every part is Accepted). */
export function applyUpdate(current: AuthorizationData[], updateType: UpdateEnumType, entries: AuthorizationData[]): AuthorizationData[] {
  const m = new Map(updateType === 'Full' ? [] : current.map((e) => [key(e), e] as const));
  for (const e of entries) {
    if (e.idTokenInfo) m.set(key(e), e);
    else m.delete(key(e)); // [D01.FR.17] a differential entry without idTokenInfo removes the token
  }
  return [...m.values()];
}

export interface SendLocalListInput {
  updateType: UpdateEnumType;
  entries?: AuthorizationData[];
  /** Default: the stored version + 1. */
  versionNumber?: number;
}

export interface SendLocalListResult {
  /** Accepted when every part was Accepted; else the first non-Accepted status. */
  status: SendLocalListResponse['status'];
  versionNumber: number;
  /** One answer per SendLocalList sent (a Failed/VersionMismatch differential adds a full resend). */
  parts: { request: SendLocalListRequest; response: SendLocalListResponse }[];
  /** True when a failed differential update was followed by a full update (D01 error handling). */
  resentFull: boolean;
  list: LocalList;
}

function checkEntries(entries: AuthorizationData[], updateType: UpdateEnumType): void {
  const seen = new Set<string>();
  entries.forEach((e, i) => {
    const k = key(e);
    // [D01.FR.06] every IdToken in the list is unique
    if (seen.has(k)) throw new ChargingError('CHARGING_ERR_DUPLICATE_ENTRY', `localAuthorizationList[${i}] repeats an idToken`, `localAuthorizationList[${i}]`);
    seen.add(k);
    if (updateType === 'Full' && !e.idTokenInfo) throw new ChargingError('CHARGING_ERR_INVALID', `localAuthorizationList[${i}].idTokenInfo is required in a Full update`, `localAuthorizationList[${i}].idTokenInfo`);
  });
}

async function sendParts(runtime: CsmsRuntime, stationId: string, parts: SendLocalListRequest[], out: SendLocalListResult['parts']): Promise<SendLocalListResponse['status']> {
  for (const p of parts) {
    const response = await runtime.callStation(stationId, 'SendLocalList', p);
    out.push({ request: p, response });
    if (response.status !== 'Accepted') return response.status;
    // The stored list mirrors what the station accepted, part by part.
    await runtime.store.saveLocalList(stationId, p.versionNumber, p.localAuthorizationList ?? [], p.updateType);
  }
  return 'Accepted';
}

/**
 * The entries as this station may hold them: an Accepted entry of a stored token with location/time
 * restrictions is narrowed to what Authorize would answer there (localListInfo: NotAtThisLocation for another
 * station, its EVSE subset, NotAtThisTime for a schedule). The stored list is built from the narrowed entries,
 * so it stays what the station holds.
 */
async function restrictEntries(runtime: CsmsRuntime, stationId: string, entries: AuthorizationData[]): Promise<AuthorizationData[]> {
  const now = Date.now();
  const out: AuthorizationData[] = [];
  for (const e of entries) {
    const t = e.idToken;
    const rec = e.idTokenInfo?.status !== 'Accepted' ? undefined
      : (await runtime.store.findIdToken(t.idToken, t.type)) ?? (t.type === 'KeyCode' ? await runtime.store.findIdToken(pinKey(t.idToken), 'KeyCode') : undefined);
    out.push(rec && e.idTokenInfo ? { ...e, idTokenInfo: localListInfo(e.idTokenInfo, rec, stationId, now) } : e);
  }
  return out;
}

/** D01: send a full or differential update, split as the station requires; the store follows each Accepted part. */
export async function sendLocalList(runtime: CsmsRuntime, stationId: string, input: SendLocalListInput): Promise<SendLocalListResult> {
  checkEntries(input.entries ?? [], input.updateType);
  const entries = await restrictEntries(runtime, stationId, input.entries ?? []);
  const stored = await runtime.store.getLocalList(stationId);
  const versionNumber = input.versionNumber ?? stored.version + 1;
  // [D01.FR.18] versionNumber SHALL be greater than 0
  if (!Number.isInteger(versionNumber) || versionNumber <= 0) throw new ChargingError('CHARGING_ERR_INVALID', 'versionNumber must be an integer greater than 0', 'versionNumber');
  const limits = await localListLimits(runtime, stationId);
  const parts: SendLocalListResult['parts'] = [];
  // [D01.FR.05] a Differential update with an empty list is still sent (it sets the version only)
  let status = await sendParts(runtime, stationId, splitLocalList(versionNumber, input.updateType, entries, limits), parts);
  let resentFull = false;
  if (input.updateType === 'Differential' && (status === 'Failed' || status === 'VersionMismatch')) {
    // D01 error handling: after a failed differential update the CSMS transmits the full list.
    // [D01.FR.03] the full list is the recommended form anyway.
    resentFull = true;
    const full = applyUpdate(stored.entries, 'Differential', entries);
    status = await sendParts(runtime, stationId, splitLocalList(versionNumber, 'Full', full, limits), parts);
  }
  return { status, versionNumber, parts, resentFull, list: await runtime.store.getLocalList(stationId) };
}

export interface LocalListVersionResult {
  /** What the station reports (0 = no list, D02.FR.02). */
  versionNumber: number;
  storedVersion: number;
  inSync: boolean;
}

/** D02: ask the station for its list version and compare it with the stored one. */
export async function getLocalListVersion(runtime: CsmsRuntime, stationId: string): Promise<LocalListVersionResult> {
  const res: GetLocalListVersionResponse = await runtime.callStation(stationId, 'GetLocalListVersion', {});
  const stored = await runtime.store.getLocalList(stationId);
  return { versionNumber: res.versionNumber, storedVersion: stored.version, inSync: res.versionNumber === stored.version };
}

export const localAuthList: Block = {
  id: 'D',
  name: 'LocalAuthorizationListManagement',
  handlers: {},
};
