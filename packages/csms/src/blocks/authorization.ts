// Block C, Authorization, CSMS side: Authorize (C01–C09, C16), the token decision shared with
// TransactionEvent (C02, C09, C12, E01/E05), KeyCode PINs (C04), the external authorizer for unknown
// tokens, and ClearCache (C11) as a helper. Payments (C17–C25) come later.
import { createHash } from 'node:crypto';
import { maskIdToken } from '@chargewire/ocpp';
import type {
  AuthorizeRequest, AuthorizeResponse, ClearCacheResponse, IdTokenInfoType, IdTokenType,
} from '@chargewire/ocpp/types';
import type { Block, BlockContext, CsmsRuntime } from '../runtime.ts';
import type { IdTokenRecord, Store } from '../store/store.ts';
import { externalAuthorizerOf } from '../authorizer/authorizer.ts';
import { capCacheExpiry, locationVerdict, timeVerdict } from './authorization-restrictions.ts';

/** Stable codes of the errors the charging helpers (blocks C/D/E/F/J) throw before anything is sent. */
export const chargingErrorCodes = {
  CHARGING_ERR_INVALID: 'A parameter of a charging command is invalid (field names it); nothing was sent',
  CHARGING_ERR_DUPLICATE_ENTRY: 'The same idToken appears twice in one local list update (D01.FR.06)',
  CHARGING_ERR_ENTRY_TOO_LARGE: 'One local list entry alone exceeds the station BytesPerMessage (D01.FR.11)',
  CHARGING_ERR_NOT_SUPPORTED: 'The station OCPP version or device model does not support this (e.g. a 2.1-only trigger or limit)',
  CHARGING_ERR_TX_NOT_FOUND: 'No such transaction on this station',
} as const;
export type ChargingErrorCode = keyof typeof chargingErrorCodes;

export class ChargingError extends Error {
  readonly code: ChargingErrorCode;
  readonly field: string | undefined;
  constructor(code: ChargingErrorCode, message?: string, field?: string) {
    super(message ?? chargingErrorCodes[code]);
    this.name = 'ChargingError';
    this.code = code;
    this.field = field;
  }
}

/** What the token is being checked for: Authorize, a transaction start, or anything else in a transaction. */
export type AuthorizationPurpose = 'authorize' | 'start' | 'transaction';

export interface ResolveInput {
  stationId: string;
  idToken: IdTokenType;
  evseId?: number;
  purpose: AuthorizationPurpose;
  /** The transaction the token is presented in (excluded from the ConcurrentTx count). */
  transactionId?: string;
  /** The instant the decision is for (epoch ms); default now. */
  now?: number;
}

export interface Resolution {
  idTokenInfo: IdTokenInfoType;
  certificateStatus?: AuthorizeResponse['certificateStatus'];
  /** The stored record, when there is one. */
  record?: IdTokenRecord;
}

/** KeyCode tokens are stored under the hash of the PIN, never the PIN itself (C04.FR.04). */
export function pinKey(pin: string): string {
  return `pin-sha256:${createHash('sha256').update(`chargewire-keycode\u0000${pin}`).digest('hex')}`;
}

/** Log-safe form of a token: KeyCode never appears, other tokens only partly (C04.FR.04). */
export function maskToken(t: IdTokenType | undefined): string | undefined {
  return t ? maskIdToken(t) : undefined;
}

/** One variable's Actual value from the stored device model (undefined when not reported). */
export async function stationVariable(store: Store, stationId: string, component: string, variable: string, variableInstance?: string): Promise<string | undefined> {
  const page = await store.listVariables(stationId, { component, variable, limit: 50, offset: 0 });
  const hit = page.items.find((v) => v.attributeType === 'Actual' && v.variableInstance === variableInstance && v.evseId === undefined);
  return hit?.value;
}

// [C04.FR.06] brute-force guard for PIN entry: after MAX_PIN_FAILURES wrong KeyCodes within the window,
// a station's KeyCodes are answered Invalid without a lookup until the window passes.
const MAX_PIN_FAILURES = 5;
const PIN_WINDOW_MS = 5 * 60_000;
const pinFailures = new WeakMap<CsmsRuntime, Map<string, { count: number; since: number }>>();

function pinGuard(csms: CsmsRuntime, stationId: string) {
  let m = pinFailures.get(csms);
  if (!m) pinFailures.set(csms, (m = new Map()));
  const map = m;
  const now = Date.now();
  const cur = map.get(stationId);
  const active = cur && now - cur.since < PIN_WINDOW_MS ? cur : undefined;
  return {
    locked: !!active && active.count >= MAX_PIN_FAILURES,
    fail() {
      map.set(stationId, active ? { ...active, count: active.count + 1 } : { count: 1, since: now });
    },
    ok() {
      map.delete(stationId);
    },
  };
}

async function findRecord(csms: CsmsRuntime, stationId: string, t: IdTokenType): Promise<IdTokenRecord | undefined> {
  if (t.type !== 'KeyCode') return csms.store.findIdToken(t.idToken, t.type);
  const guard = pinGuard(csms, stationId);
  if (guard.locked) return undefined;
  // A KeyCode is a PIN (stored hashed) or a plain code such as a licence plate (C04 remarks).
  const rec = (await csms.store.findIdToken(pinKey(t.idToken), 'KeyCode')) ?? (await csms.store.findIdToken(t.idToken, 'KeyCode'));
  if (rec && rec.status === 'Accepted') guard.ok();
  else guard.fail();
  return rec;
}

/** [C01.FR.25] two IdTokens are equal when idToken (case-insensitively, IdTokenType) and type are equal. */
export const sameIdToken = (a: IdTokenType | undefined, b: IdTokenType): boolean => !!a && a.type === b.type && a.idToken.toLowerCase() === b.idToken.toLowerCase();

/**
 * [C01.FR.24] A transaction on the station is still active but no longer authorized (Deauthorized/StopAuthorized)
 * and was started by another token. AuthorizeRequest names no EVSE, so the new token is held back only when
 * no EVSE of the station is free of an active transaction (it may be meant for a free one otherwise).
 */
async function heldByDeauthorized(store: Store, stationId: string, t: IdTokenType): Promise<boolean> {
  const active = (await store.listTransactions({ stationId, state: 'active', limit: 1000, offset: 0 })).items;
  if (!active.some((tx) => tx.deauthorized && !sameIdToken(tx.idToken, t))) return false;
  const busy = new Set(active.map((tx) => tx.evseId));
  const evses = new Set((await store.listConnectors(stationId)).map((c) => c.evseId).filter((e) => e > 0));
  return [...evses].every((e) => busy.has(e));
}

/** IdTokenInfo from a stored record (status possibly refined below). */
function infoOf(rec: IdTokenRecord): IdTokenInfoType {
  const info: IdTokenInfoType = { status: rec.status };
  // [C10.FR.08] the station may keep the entry in its cache until the token's own expiry
  if (rec.expiryDate) info.cacheExpiryDateTime = rec.expiryDate;
  if (rec.chargingPriority !== undefined) info.chargingPriority = rec.chargingPriority;
  // [C01.FR.06] [C09.FR.02] [C09.FR.09] [C09.FR.12] the associated groupIdToken goes with every answer
  if (rec.groupIdToken) info.groupIdToken = { idToken: rec.groupIdToken.idToken, type: rec.groupIdToken.type };
  // [C01.FR.10] [C01.FR.11] language2 only with a different language1
  if (rec.language1) {
    info.language1 = rec.language1;
    if (rec.language2 && rec.language2 !== rec.language1) info.language2 = rec.language2;
  }
  if (rec.personalMessage) info.personalMessage = rec.personalMessage;
  return info;
}

/**
 * The CSMS's decision about a token (C01, C02, C04, C09, C12, C16, E01.FR.11, E05.FR.01): the stored record,
 * else the external authorizer, else Unknown.
 */
export async function resolveIdToken(csms: CsmsRuntime, input: ResolveInput): Promise<Resolution> {
  const t = input.idToken;
  // [C02.FR.02] start button / no authorization: always Accepted
  if (t.type === 'NoAuthorization') return { idTokenInfo: { status: 'Accepted' } };
  const rec = await findRecord(csms, input.stationId, t);
  if (!rec) {
    if (t.type === 'KeyCode') return { idTokenInfo: { status: 'Invalid' } }; // [C04.FR.01] a KeyCode not valid here
    const ext = externalAuthorizerOf(csms);
    const answer = ext ? await ext.authorize({ stationId: input.stationId, idToken: t, ...(input.evseId !== undefined && { evseId: input.evseId }), purpose: input.purpose === 'authorize' ? 'authorize' : 'transaction' }) : undefined;
    if (answer) return answer;
    return { idTokenInfo: { status: 'Unknown' } };
  }
  const info = infoOf(rec);
  const now = input.now ?? Date.now();
  if (info.status === 'Accepted') {
    // Expiry: a token past its expiryDate is Expired, whatever its stored status (TC_C_07_CSMS).
    if (rec.expiryDate && Date.parse(rec.expiryDate) <= now) info.status = 'Expired';
  }
  // [C12.FR.09] a token whose group is the station's AuthCtrlr.MasterPassGroupId is a master pass too
  const masterGid = info.status === 'Accepted' && (rec.masterPass || rec.groupIdToken) ? await stationVariable(csms.store, input.stationId, 'AuthCtrlr', 'MasterPassGroupId') : undefined;
  const masterPass = !!rec.masterPass || (!!masterGid && !!rec.groupIdToken && rec.groupIdToken.idToken.toLowerCase() === masterGid.toLowerCase());
  if (info.status === 'Accepted' && masterPass) {
    // [C16.FR.03] [C12.FR.09] a master pass stops transactions but SHALL NOT start one
    if (input.purpose === 'start') info.status = 'Invalid';
    // The answer carries the MasterPassGroupId so the station recognises the master pass (C16 scenario step 3).
    // [C09.FR.13] a GroupIdToken has type Central
    if (!info.groupIdToken && masterGid) info.groupIdToken = { idToken: masterGid, type: 'Central' };
  }
  if (info.status === 'Accepted') {
    // Location: stationIds, then the EVSE list for this station (its `evses` entry, else the station-wide evseIds).
    const loc = locationVerdict(rec, input.stationId);
    if (!loc.allowed) info.status = 'NotAtThisLocation'; // [C01.FR.22] another station, or allowed on no EVSE here
    else if (loc.evseIds !== undefined) {
      if (input.evseId !== undefined && input.evseId > 0 && !loc.evseIds.includes(input.evseId)) info.status = 'NotAllowedTypeEVSE'; // [C01.FR.18]
      else info.evseId = loc.evseIds; // [C01.FR.20] the subset of EVSEs it may use
    } // [C01.FR.19] otherwise no evseId list: allowed on every EVSE
  }
  const time = info.status === 'Accepted' ? timeVerdict(rec, now) : undefined;
  if (time && !time.allowed) {
    if (input.purpose !== 'transaction') {
      // [C01.FR.07] the reason for rejection: before validFrom or outside the schedule's windows. [C10.FR.13] the
      // station's cache drops the answer when that may change (validFrom, the next window start).
      info.status = 'NotAtThisTime';
      if (time.until !== undefined) capCacheExpiry(info, time.until);
    } else {
      // Within its own transaction (stop, deauthorize, later events) the token stays Accepted (C01.FR.03: the
      // starting token can always end it), but the station must not cache that answer: [C10.FR.10] a
      // cacheExpiryDateTime that is not in the future keeps it out of the cache.
      capCacheExpiry(info, now);
    }
  } else if (time?.until !== undefined) {
    capCacheExpiry(info, time.until); // [C10.FR.13] an Accepted answer is cached no longer than the current window
  }
  if (info.status === 'Accepted' && input.purpose === 'authorize' && !masterPass && await heldByDeauthorized(csms.store, input.stationId, t)) {
    info.status = 'NotAtThisTime'; // [C01.FR.24] RECOMMENDED answer for a second token during a deauthorized transaction
  }
  if (info.status === 'Accepted' && rec.maxActiveTransactions !== undefined && input.purpose !== 'transaction') {
    // Per-token concurrency limit: the token already has its maximum of ongoing transactions.
    const n = await csms.store.activeTransactionCount(t.idToken, input.transactionId !== undefined ? { excludeTransactionId: input.transactionId } : {});
    if (n >= rec.maxActiveTransactions) info.status = 'ConcurrentTx';
  }
  return { idTokenInfo: info, record: rec };
}

export async function authorize(ctx: BlockContext, req: AuthorizeRequest): Promise<AuthorizeResponse> {
  const res = await resolveIdToken(ctx.csms, { stationId: ctx.stationId, idToken: req.idToken, purpose: 'authorize' });
  // [C04.FR.04] tokens are logged masked, KeyCodes never
  ctx.log.info({ idToken: maskToken(req.idToken), status: res.idTokenInfo.status }, 'Authorize answered');
  // [C01.FR.07] [C06.FR.04] [C09.FR.10] the answer always carries a status (acceptance or the reason for rejection)
  const out: AuthorizeResponse = { idTokenInfo: res.idTokenInfo };
  // [C07.FR.13]–[C07.FR.17] only a backend with OCSP/PKI access (the external authorizer) can judge a contract
  // certificate; without one the CSMS does not claim a certificateStatus.
  if ((req.certificate !== undefined || req.iso15118CertificateHashData !== undefined) && res.certificateStatus) out.certificateStatus = res.certificateStatus;
  return out;
}

/** C11: ask the station to clear its Authorization Cache; its Accepted/Rejected answer is returned as is. */
export function clearCache(runtime: CsmsRuntime, stationId: string): Promise<ClearCacheResponse> {
  return runtime.callStation(stationId, 'ClearCache', {});
}

export const authorization: Block = {
  id: 'C',
  name: 'Authorization',
  handlers: { Authorize: authorize },
};
