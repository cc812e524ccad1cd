// Pure helpers shared by every adapter: input checks, keys, the transaction fold and energy readings,
// so that memory, SQLite and PostgreSQL derive exactly the same records.
import { hash } from 'node:crypto';
import type { MeterValueType, TransactionEventRequest } from '@chargewire/ocpp/types';
import { StoreError } from './store.ts';
import { isoTime } from '../iso-time.ts';
import { jsonString } from './json-text.ts';
import type { MeterValueRow, Timestamp, TransactionRecord } from './records.ts';

export function invalid(field: string, why: string): StoreError {
  return new StoreError('STORE_ERR_INVALID', `${field}: ${why}`, { field });
}

/** Normalizes to `toISOString()` form (sortable as text); STORE_ERR_INVALID otherwise. */
let lastIsoIn: string | undefined;
let lastIsoOut = '';
export function iso(t: Timestamp, field: string): string {
  // one message normalizes the same timestamp string several times (check, fold, rows): remember the last one
  if (typeof t === 'string' && t === lastIsoIn) return lastIsoOut;
  // most timestamps already are in that form (stations and our own Dates write it): checked without a Date
  if (typeof t === 'string' && isCanonicalIso(t)) return t;
  const d = t instanceof Date ? t : typeof t === 'string' ? new Date(t) : new Date(Number.NaN);
  const ms = d.getTime();
  if (Number.isNaN(ms)) throw invalid(field, `not a valid timestamp (${String(t)})`);
  // (a CALL's Dates, its receipt, journal frames and last-seen, are formatted here: isoTime, not toISOString)
  const out = isoTime(ms);
  if (typeof t === 'string') {
    lastIsoIn = t;
    lastIsoOut = out;
  }
  return out;
}

const CANONICAL_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const num = (s: string, from: number, len: number): number => {
  let n = 0;
  for (let i = from; i < from + len; i++) n = n * 10 + s.charCodeAt(i) - 48;
  return n;
};

/**
 * True when `t` is exactly what `new Date(t).toISOString()` returns (YYYY-MM-DDTHH:MM:SS.sssZ with a real
 * calendar date and time of day), so iso() can return it unchanged. Anything else takes the Date path.
 */
export function isCanonicalIso(t: string): boolean {
  if (t.length !== 24 || !CANONICAL_ISO.test(t)) return false;
  const y = num(t, 0, 4);
  const m = num(t, 5, 2);
  const d = num(t, 8, 2);
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1]!)) return false;
  return num(t, 11, 2) < 24 && num(t, 14, 2) < 60 && num(t, 17, 2) < 60;
}

export function isoOpt(t: Timestamp | undefined, field: string): string | undefined {
  return t === undefined ? undefined : iso(t, field);
}

export function str(v: unknown, field: string, max = 1000): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw invalid(field, `must be a non-empty string of at most ${max} characters`);
  return v;
}

export function int(v: unknown, field: string, min = 0): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw invalid(field, `must be an integer >= ${min}`);
  return v;
}

export function limitOf(v: unknown, field = 'limit'): number {
  return Math.min(int(v, field, 1), 10_000);
}

/** Sortable key of one device model attribute (numbers padded so text order = numeric order). */
export function variableKey(c: { name: string; instance?: string; evse?: { id: number; connectorId?: number } }, v: { name: string; instance?: string }, attributeType: string): string {
  const pad = (n: number | undefined) => (n === undefined ? '' : String(n).padStart(6, '0'));
  return [c.name, c.instance ?? '', pad(c.evse?.id), pad(c.evse?.connectorId), v.name, v.instance ?? '', attributeType].join('\u001f');
}

/** Id tokens are case insensitive (IdTokenType); the type is part of the key. */
export function tokenKey(idToken: string, type: string): string {
  return `${idToken.toLowerCase()}\u001f${type}`;
}

/** Quoted object keys with their colon, e.g. `"seqNo":`. */
const quotedKeys = new Map<string, string>();

/**
 * JSON with object keys sorted and undefined members left out, so equal content gives equal text whatever
 * the key order. It runs for every TransactionEvent (the fingerprint), so it is written for speed (issue 7:
 * one pass, no sort when the keys are already in order, quoted keys cached, primitives without
 * JSON.stringify where the text is the same); the output is byte for byte that of the first map/join
 * version (logic.test.ts), so stored fingerprints keep matching.
 */
export function canonicalJson(v: unknown): string {
  if (typeof v === 'string') return jsonString(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) {
      if (i) out += ',';
      out += canonicalJson(v[i]) ?? '';
    }
    return `${out}]`;
  }
  const o = v as Record<string, unknown>;
  let out = '{';
  for (const k of sortedKeys(o)) {
    const x = o[k];
    if (x === undefined) continue;
    if (out.length > 1) out += ',';
    out += quotedKey(k) + canonicalJson(x);
  }
  return `${out}}`;
}

/** An object's own keys in code-unit order, as Array.prototype.sort's default would put them. */
function sortedKeys(o: object): string[] {
  const keys = Object.keys(o);
  // an insertion sort in place, because sort() allocates a work copy of the array each time: a quarter of
  // all the bytes the CSMS allocated per TransactionEvent was canonicalJson, most of it in sort() (session 6,
  // sampling heap profile)
  if (keys.length > 32) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    if (keys[j]! <= k) continue;
    while (j >= 0 && keys[j]! > k) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = k;
  }
  return keys;
}

/** `"key":`, cached (OCPP payloads use few distinct keys). */
function quotedKey(k: string): string {
  let qk = quotedKeys.get(k);
  if (qk === undefined) {
    qk = `${JSON.stringify(k)}:`;
    if (quotedKeys.size < 4096) quotedKeys.set(k, qk);
  }
  return qk;
}

/** The members a TransactionEvent's fingerprint leaves out. */
const NOT_FINGERPRINTED = new Set(['seqNo', 'offline', 'customData']);

/**
 * A TransactionEvent's canonical JSON (`json`, the whole request) and its fingerprint (the identity of its
 * content: everything but seqNo, offline and customData), from one serialization: the fingerprint's text is
 * the canonical JSON of the request without those members, byte for byte (logic.test.ts). The SQL store
 * keeps `json` as the event row's copy of the request, so the request is not serialized a second time
 * (issue 7).
 */
export function eventCanonical(req: TransactionEventRequest): { fingerprint: string; json: string } {
  const o = req as unknown as Record<string, unknown>;
  let all = '{';
  let kept = '{';
  for (const k of sortedKeys(o)) {
    const x = o[k];
    if (x === undefined) continue;
    const member = quotedKey(k) + canonicalJson(x);
    if (all.length > 1) all += ',';
    all += member;
    if (NOT_FINGERPRINTED.has(k)) continue;
    if (kept.length > 1) kept += ',';
    kept += member;
  }
  // one-shot (Node ≥ 20.12): no Hash object per event
  return { fingerprint: hash('sha256', `${kept}}`, 'base64url'), json: `${all}}` };
}

/** Identity of a TransactionEvent's content: everything but seqNo, offline and customData. */
export function eventFingerprint(req: TransactionEventRequest): string {
  return eventCanonical(req).fingerprint;
}

export const ENERGY_REGISTER = 'Energy.Active.Import.Register';

type FlatRow = Omit<MeterValueRow, 'id' | 'stationId' | 'evseId' | 'transactionId'>;
/** Rows of meter value arrays already flattened: one TransactionEvent is checked, folded and stored (3 calls). */
const flattened = new WeakMap<object, readonly FlatRow[]>();

/**
 * Flattens meter values into rows (without id/stationId), applying the measurand default. The rows of an
 * array are computed once and shared by later calls with the same array: callers must not modify them.
 */
export function flattenMeterValues(meterValues: MeterValueType[]): FlatRow[] {
  if (!Array.isArray(meterValues)) throw invalid('meterValue', 'must be an array');
  const known = flattened.get(meterValues);
  if (known) return known as FlatRow[];
  const rows = flattenOnce(meterValues);
  flattened.set(meterValues, rows);
  return rows;
}

function flattenOnce(meterValues: MeterValueType[]): FlatRow[] {
  const rows: FlatRow[] = [];
  meterValues.forEach((mv, i) => {
    const timestamp = iso(mv?.timestamp, `meterValue[${i}].timestamp`);
    if (!Array.isArray(mv.sampledValue)) throw invalid(`meterValue[${i}].sampledValue`, 'must be an array');
    mv.sampledValue.forEach((sv, j) => {
      if (typeof sv?.value !== 'number' || !Number.isFinite(sv.value)) throw invalid(`meterValue[${i}].sampledValue[${j}].value`, 'must be a finite number');
      // members assigned one by one, in this order, rather than spread from temporary objects: 6–8× faster
      // for a TransactionEvent's samples (issue 7); the rows have the same members in the same order
      const row: FlatRow = { timestamp, measurand: sv.measurand ?? ENERGY_REGISTER } as FlatRow;
      if (sv.phase !== undefined) row.phase = sv.phase;
      if (sv.location !== undefined) row.location = sv.location;
      if (sv.context !== undefined) row.context = sv.context;
      const unit = sv.unitOfMeasure;
      if (unit?.unit !== undefined) row.unit = unit.unit;
      if (unit?.multiplier !== undefined) row.multiplier = unit.multiplier;
      row.value = sv.value;
      if (sv.signedMeterValue !== undefined) row.signedMeterValue = sv.signedMeterValue;
      rows.push(row);
    });
  });
  return rows;
}

/** Wh of a total (no phase) import register reading at the outlet, or undefined for other samples. */
export function registerWh(r: { measurand: string; phase?: string; location?: string; unit?: string; multiplier?: number; value: number }): number | undefined {
  if (r.measurand !== ENERGY_REGISTER || r.phase || (r.location && r.location !== 'Outlet')) return undefined;
  const unit = (r.unit ?? 'Wh').toLowerCase();
  const factor = unit === 'kwh' ? 1000 : unit === 'wh' ? 1 : undefined;
  if (factor === undefined) return undefined;
  return Math.round(r.value * factor * 10 ** (r.multiplier ?? 0) * 1000) / 1000;
}

/** The energy register readings (Wh) among `rows`: registerWh of each, those that are one. */
export function registerReadings(rows: readonly Parameters<typeof registerWh>[0][]): number[] {
  const out: number[] = [];
  for (const r of rows) {
    const wh = registerWh(r);
    if (wh !== undefined) out.push(wh);
  }
  return out;
}

/** Raises/lowers energyWh/meterStartWh with new readings (max/min: replays cannot double anything). */
export function withEnergy(tx: TransactionRecord, readings: number[]): TransactionRecord {
  if (!readings.length) return tx;
  const max = Math.max(...readings, tx.energyWh ?? -Infinity);
  const min = Math.min(...readings, tx.meterStartWh ?? Infinity);
  return { ...tx, energyWh: max, meterStartWh: min };
}

/** Internal fold state kept with a transaction: which event set which field (order key = timestamp, seqNo). */
export interface FoldState {
  tx: TransactionRecord;
  idTokenAt?: string;
  evseAt?: string;
  remoteStartAt?: string;
  reservationAt?: string;
  latestAt?: string;
  chargingStateAt?: string;
  /** Order key of the latest Authorized/Deauthorized/StopAuthorized event (C01.FR.24). */
  authorizationAt?: string;
  startedFromStarted: boolean;
}

const orderKey = (ts: string, seqNo: number) => `${ts}#${String(seqNo).padStart(12, '0')}`;

export function checkTransactionEvent(req: TransactionEventRequest): void {
  if (!req || typeof req !== 'object') throw invalid('request', 'must be an object');
  if (!['Started', 'Updated', 'Ended'].includes(req.eventType)) throw invalid('eventType', 'must be Started, Updated or Ended');
  int(req.seqNo, 'seqNo');
  iso(req.timestamp, 'timestamp');
  str(req.transactionInfo?.transactionId, 'transactionInfo.transactionId', 36 * 4);
  str(req.triggerReason, 'triggerReason');
  if (req.evse !== undefined) int(req.evse.id, 'evse.id');
  if (req.meterValue !== undefined) flattenMeterValues(req.meterValue);
}

/** Applies one (non-duplicate) event to the fold; the result does not depend on arrival order. */
export function foldTransaction(prev: FoldState | undefined, stationId: string, req: TransactionEventRequest, receivedAt: string): FoldState {
  const ts = iso(req.timestamp, 'timestamp');
  const key = orderKey(ts, req.seqNo);
  const info = req.transactionInfo;
  const s: FoldState = prev
    ? { ...prev, tx: { ...prev.tx } }
    : {
        tx: { stationId, transactionId: info.transactionId, state: req.eventType, triggerReason: req.triggerReason, startedAt: ts, offline: false, eventCount: 0, updatedAt: receivedAt },
        startedFromStarted: false,
      };
  const tx = s.tx;
  tx.eventCount++;
  tx.updatedAt = receivedAt;
  if (req.offline) tx.offline = true;
  // state: Ended wins, then Updated, then Started, whatever the arrival order
  const rank = { Started: 0, Updated: 1, Ended: 2 } as const;
  if (!prev || rank[req.eventType] > rank[tx.state]) tx.state = req.eventType;
  if (req.eventType === 'Started') {
    if (!s.startedFromStarted || ts < tx.startedAt) tx.startedAt = ts;
    s.startedFromStarted = true;
  } else if (!s.startedFromStarted && ts < tx.startedAt) tx.startedAt = ts;
  if (req.eventType === 'Ended' && (!tx.endedAt || ts > tx.endedAt)) tx.endedAt = ts;
  const earliest = (at: string | undefined) => at === undefined || key < at;
  if (req.idToken && earliest(s.idTokenAt)) {
    tx.idToken = req.idToken;
    s.idTokenAt = key;
  }
  if (req.evse && earliest(s.evseAt)) {
    tx.evseId = req.evse.id;
    if (req.evse.connectorId !== undefined) tx.connectorId = req.evse.connectorId;
    else delete tx.connectorId;
    s.evseAt = key;
  }
  if (info.remoteStartId !== undefined && earliest(s.remoteStartAt)) {
    tx.remoteStartId = info.remoteStartId;
    s.remoteStartAt = key;
  }
  if (req.reservationId !== undefined && earliest(s.reservationAt)) {
    tx.reservationId = req.reservationId;
    s.reservationAt = key;
  }
  if (info.chargingState !== undefined && (s.chargingStateAt === undefined || key > s.chargingStateAt)) {
    tx.chargingState = info.chargingState;
    s.chargingStateAt = key;
  }
  const authChange = req.triggerReason === 'Authorized' || req.triggerReason === 'Deauthorized' || req.triggerReason === 'StopAuthorized';
  if (authChange && (s.authorizationAt === undefined || key > s.authorizationAt)) {
    if (req.triggerReason === 'Authorized') delete tx.deauthorized;
    else tx.deauthorized = true;
    s.authorizationAt = key;
  }
  if (s.latestAt === undefined || key > s.latestAt) {
    tx.triggerReason = req.triggerReason;
    if (info.timeSpentCharging !== undefined) tx.timeSpentCharging = info.timeSpentCharging;
    s.latestAt = key;
  }
  if (info.stoppedReason !== undefined && (req.eventType === 'Ended' || tx.stoppedReason === undefined)) tx.stoppedReason = info.stoppedReason;
  const readings = registerReadings(flattenMeterValues(req.meterValue ?? []));
  s.tx = withEnergy(tx, readings);
  return s;
}

/** Strips undefined values (records never carry null/undefined fields). */
export function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined || o[k] === null) delete o[k];
  return o;
}
