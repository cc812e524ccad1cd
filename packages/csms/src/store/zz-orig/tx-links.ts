// Input checks and record builders for remote starts and transaction limits (F01/F02, F07, E16, E17),
// shared by the adapters (pure; no I/O).
import type { TransactionLimitType } from '@chargewire/ocpp/types';
import { compact, int, invalid, iso, str } from './logic.ts';
import type * as R from './records.ts';

const LIMIT_FIELDS = ['maxCost', 'maxEnergy', 'maxTime', 'maxSoC'] as const;

export function checkLimit(limit: TransactionLimitType, field = 'limit'): TransactionLimitType {
  if (!limit || typeof limit !== 'object') throw invalid(field, 'must be an object');
  for (const f of LIMIT_FIELDS) {
    const v = limit[f];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) throw invalid(`${field}.${f}`, 'must be a finite number');
  }
  return limit;
}

export function remoteStartRecord(input: R.RemoteStartInput): Omit<R.RemoteStartRecord, 'transactionId'> {
  str(input?.stationId, 'stationId', 48);
  int(input.remoteStartId, 'remoteStartId');
  str(input.idToken?.idToken, 'idToken.idToken', 255);
  str(input.idToken.type, 'idToken.type', 50);
  if (input.evseId !== undefined) int(input.evseId, 'evseId');
  if (input.chargingProfile !== undefined && (typeof input.chargingProfile !== 'object' || input.chargingProfile === null)) throw invalid('chargingProfile', 'must be an object');
  if (input.transactionLimit !== undefined) checkLimit(input.transactionLimit, 'transactionLimit');
  return compact({
    stationId: input.stationId,
    remoteStartId: input.remoteStartId,
    idToken: input.idToken,
    evseId: input.evseId,
    chargingProfile: input.chargingProfile,
    transactionLimit: input.transactionLimit,
    requestedAt: iso(input.at, 'at'),
  });
}

export function limitRecord(stationId: string, transactionId: string, limit: TransactionLimitType): R.TransactionLimitRecord {
  str(stationId, 'stationId', 48);
  str(transactionId, 'transactionId', 36 * 4);
  return { stationId, transactionId, limit: checkLimit(limit), confirmed: false, updatedAt: new Date().toISOString() };
}

export function markLimit(old: R.TransactionLimitRecord, mark: { deliveredWith?: string; confirmed?: boolean }): R.TransactionLimitRecord {
  if (mark.deliveredWith !== undefined) str(mark.deliveredWith, 'deliveredWith');
  if (mark.confirmed !== undefined && typeof mark.confirmed !== 'boolean') throw invalid('confirmed', 'must be a boolean');
  return {
    ...old,
    ...(mark.deliveredWith !== undefined && { deliveredWith: mark.deliveredWith }),
    ...(mark.confirmed !== undefined && { confirmed: mark.confirmed }),
    updatedAt: new Date().toISOString(),
  };
}
