// Input checks and record builders shared by the adapters (pure; no I/O).
import type { AuthorizationData, ReportDataType, UpdateEnumType } from '@chargewire/ocpp/types';
import { compact, int, invalid, isoOpt, str, tokenKey, variableKey } from './logic.ts';
import { StoreError } from './store.ts';
import type * as R from './records.ts';
import { idTokenRestrictionIssue } from './token-restrictions.ts';

const POLICIES = ['Accepted', 'Pending', 'Rejected'];
const ATTRS = ['Actual', 'Target', 'MinSet', 'MaxSet'];

export function checkStation(s: R.NewStation): R.NewStation {
  str(s?.id, 'id', 48);
  if (![0, 1, 2, 3].includes(s.securityProfile)) throw invalid('securityProfile', 'must be 0, 1, 2 or 3');
  if (s.bootPolicy !== undefined && !POLICIES.includes(s.bootPolicy)) throw invalid('bootPolicy', 'must be Accepted, Pending or Rejected');
  if (s.passwordHash !== undefined) str(s.passwordHash, 'passwordHash');
  if (s.description !== undefined && typeof s.description !== 'string') throw invalid('description', 'must be a string');
  return s;
}

export function matchesSearch(search: string | undefined, ...fields: (string | undefined)[]): boolean {
  if (!search) return true;
  const q = search.toLowerCase();
  return fields.some((f) => f !== undefined && f.toLowerCase().includes(q));
}

/** `%q%` pattern for SQL `lower(x) LIKE ? ESCAPE '\'`. */
export function likePattern(search: string): string {
  return `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface VariableRow {
  key: string;
  record: R.VariableRecord;
}

function baseVariable(stationId: string, c: ReportDataType['component'], v: ReportDataType['variable'], attributeType: string, updatedAt: string, field: string): R.VariableRecord {
  str(c?.name, `${field}.component.name`, 50);
  str(v?.name, `${field}.variable.name`, 50);
  if (!ATTRS.includes(attributeType)) throw invalid(`${field}.attributeType`, 'must be Actual, Target, MinSet or MaxSet');
  if (c.evse !== undefined) int(c.evse.id, `${field}.component.evse.id`);
  return compact({
    stationId,
    component: c.name,
    componentInstance: c.instance,
    evseId: c.evse?.id,
    connectorId: c.evse?.connectorId,
    variable: v.name,
    variableInstance: v.instance,
    attributeType: attributeType as R.VariableRecord['attributeType'],
    updatedAt,
  });
}

/** One row per variable attribute of a NotifyReport part. */
export function reportRows(stationId: string, requestId: number, reportData: ReportDataType[], now: string): VariableRow[] {
  int(requestId, 'requestId');
  if (!Array.isArray(reportData)) throw invalid('reportData', 'must be an array');
  const rows: VariableRow[] = [];
  reportData.forEach((rd, i) => {
    if (!Array.isArray(rd?.variableAttribute) || rd.variableAttribute.length === 0) throw invalid(`reportData[${i}].variableAttribute`, 'must be a non-empty array');
    for (const a of rd.variableAttribute) {
      const attributeType = a.type ?? 'Actual';
      const rec = baseVariable(stationId, rd.component, rd.variable, attributeType, now, `reportData[${i}]`);
      Object.assign(rec, compact({ value: a.value, mutability: a.mutability, persistent: a.persistent, constant: a.constant, characteristics: rd.variableCharacteristics, reportRequestId: requestId }));
      rows.push({ key: variableKey(rd.component, rd.variable, attributeType), record: rec });
    }
  });
  return rows;
}

export function setValueRow(stationId: string, v: R.VariableValueInput, i: number, now: string): VariableRow & { accepted: boolean } {
  const attributeType = v?.attributeType ?? 'Actual';
  const rec = baseVariable(stationId, v?.component, v?.variable, attributeType, now, `[${i}]`);
  if (typeof v.value !== 'string') throw invalid(`[${i}].value`, 'must be a string');
  str(v.status, `[${i}].status`);
  rec.value = v.value;
  rec.lastSetStatus = v.status;
  return { key: variableKey(v.component, v.variable, attributeType), record: rec, accepted: v.status === 'Accepted' };
}

export function checkIdToken(t: R.IdTokenInput): R.IdTokenInput {
  str(t?.idToken, 'idToken', 255);
  str(t.type, 'type', 50);
  str(t.status, 'status', 50);
  if (t.maxActiveTransactions !== undefined) int(t.maxActiveTransactions, 'maxActiveTransactions');
  if (t.evseIds !== undefined && (!Array.isArray(t.evseIds) || t.evseIds.some((e) => !Number.isInteger(e)))) throw invalid('evseIds', 'must be an array of integers');
  const restriction = idTokenRestrictionIssue(t); // stationIds, evses, validFrom, schedule
  if (restriction) throw invalid(restriction.field, restriction.message);
  return t;
}

export function idTokenRecord(t: R.IdTokenInput, updatedAt: string): R.IdTokenRecord {
  // expiryDate and validFrom are stored as UTC ISO strings (`2026-03-01T08:00:00+01:00` -> `2026-03-01T07:00:00.000Z`)
  return compact({ ...structuredClone({ ...t, expiryDate: undefined, validFrom: undefined }), expiryDate: isoOpt(t.expiryDate, 'expiryDate'), validFrom: isoOpt(t.validFrom, 'validFrom'), updatedAt });
}

/** Splits SendLocalList entries into upserts and removals (Differential: no idTokenInfo = remove). */
export function applyLocalEntries(entries: AuthorizationData[], updateType: UpdateEnumType): { upserts: [string, AuthorizationData][]; removes: string[] } {
  if (updateType !== 'Full' && updateType !== 'Differential') throw invalid('updateType', 'must be Full or Differential');
  if (!Array.isArray(entries)) throw invalid('localAuthorizationList', 'must be an array');
  const upserts: [string, AuthorizationData][] = [];
  const removes: string[] = [];
  entries.forEach((e, i) => {
    str(e?.idToken?.idToken, `localAuthorizationList[${i}].idToken.idToken`, 255);
    str(e.idToken.type, `localAuthorizationList[${i}].idToken.type`, 50);
    const k = tokenKey(e.idToken.idToken, e.idToken.type);
    if (e.idTokenInfo) upserts.push([k, e]);
    else if (updateType === 'Differential') removes.push(k);
    else throw invalid(`localAuthorizationList[${i}].idTokenInfo`, 'is required in a Full update');
  });
  return { upserts, removes };
}

export function checkJournal(e: R.JournalInput, i: number): Omit<R.JournalRecord, 'id' | 'at'> {
  str(e?.stationId, `[${i}].stationId`);
  if (e.direction !== 'in' && e.direction !== 'out') throw new StoreError('STORE_ERR_INVALID', `[${i}].direction: must be 'in' or 'out'`);
  int(e.messageType, `[${i}].messageType`, 2);
  if (typeof e.messageId !== 'string') throw new StoreError('STORE_ERR_INVALID', `[${i}].messageId: must be a string`);
  if (typeof e.payload !== 'string') throw new StoreError('STORE_ERR_INVALID', `[${i}].payload: must be the raw frame text`);
  return { stationId: e.stationId, direction: e.direction, messageType: e.messageType, messageId: e.messageId, ...(e.action !== undefined && { action: e.action }), payload: e.payload };
}


/** A variable record without its value: a set the station did not accept must not store the value. */
export function withoutValue(r: R.VariableRecord): R.VariableRecord {
  const { value: _value, ...rest } = r;
  return rest as R.VariableRecord;
}
