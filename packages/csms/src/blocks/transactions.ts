// Block E, Transactions, CSMS side: TransactionEvent (E01–E17, 2.0.1 and 2.1 forms), stored through
// store.applyTransactionEvent before the answer goes out (durable, idempotent, order-independent), the
// token check of each event (E01.FR.11, E05.FR.01, C12.FR.03), transaction limits (E16, F07), the TxProfile
// resend on resume (E17.FR.15) and GetTransactionStatus (E14) as a helper, also sent by itself when an Ended
// event shows missing seqNos. Limits and remote starts live in the Store (setTransactionLimit,
// recordRemoteStart), so a CSMS restart loses none of them.
import { RpcError } from '@chargewire/ocpp';
import type {
  GetTransactionStatusResponse, TransactionEventRequest, TransactionEventResponse, TransactionLimitType,
} from '@chargewire/ocpp/types';
import type { Block, BlockContext, CsmsRuntime } from '../runtime.ts';
import { StoreError, type TransactionRecord } from '../store/store.ts';
import { ChargingError, maskToken, resolveIdToken, sameIdToken, stationVariable, type AuthorizationPurpose } from './authorization.ts';
import { stationVersion } from '../runtime.ts';
import { busWants } from '../bus/memory.ts';
import { applyCentralCost } from './tariff-cost.ts';
import { isoNow } from '../iso-time.ts';

// ---- remote starts and limits: kept in the Store, so they survive a CSMS restart --------------------------

/** Only the limit fields the station reports in TxCtrlr.SupportedLimits (E16.FR.12); all when unreported. */
export async function supportedLimit(runtime: CsmsRuntime, stationId: string, limit: TransactionLimitType): Promise<TransactionLimitType> {
  const supported = await stationVariable(runtime.store, stationId, 'TxCtrlr', 'SupportedLimits');
  const fields = ['maxCost', 'maxEnergy', 'maxTime', 'maxSoC'] as const;
  const allowed = supported === undefined ? new Set<string>(fields) : new Set(supported.split(',').map((s) => s.trim()));
  const out: TransactionLimitType = {};
  for (const f of fields) if (limit[f] !== undefined && allowed.has(f)) out[f] = limit[f];
  return out;
}

/**
 * E16: set or change a limit of an ongoing transaction; it goes out once, in the next TransactionEventResponse
 * (E16.FR.02). 2.1 only (transactionLimit does not exist in 2.0.1). Returns the limit that will be sent.
 */
export async function setTransactionLimit(runtime: CsmsRuntime, stationId: string, transactionId: string, limit: TransactionLimitType): Promise<TransactionLimitType> {
  const version = stationVersion(runtime, stationId);
  if (version && version !== '2.1') throw new ChargingError('CHARGING_ERR_NOT_SUPPORTED', 'transaction limits need OCPP 2.1', 'transactionLimit');
  const tx = await runtime.store.getTransaction(stationId, transactionId);
  if (!tx) throw new ChargingError('CHARGING_ERR_TX_NOT_FOUND', `transaction ${transactionId} not found on station ${stationId}`, 'transactionId');
  const sent = await supportedLimit(runtime, stationId, limit);
  // [E16.FR.12] never a limit the station did not report in TxCtrlr.SupportedLimits
  if (Object.keys(sent).length === 0) throw new ChargingError('CHARGING_ERR_NOT_SUPPORTED', 'none of these limits is in the station TxCtrlr.SupportedLimits', 'transactionLimit');
  await runtime.store.setTransactionLimit(stationId, transactionId, sent);
  return sent;
}

/**
 * [E16.FR.17] There is no "remove" in OCPP: a limit is lifted by setting it to a value so high that it is no
 * longer relevant. maxTime stays within a 32-bit integer, maxSoC at 100 %.
 */
export const LIFTED_LIMIT: Required<Pick<TransactionLimitType, 'maxCost' | 'maxEnergy' | 'maxTime' | 'maxSoC'>> = {
  maxCost: 1_000_000_000, maxEnergy: 1_000_000_000, maxTime: 2_147_483_647, maxSoC: 100,
};

/** E16.FR.17: lift one or more limits of an ongoing transaction (sent like any other limit change, E16.FR.02). */
export async function removeTransactionLimit(runtime: CsmsRuntime, stationId: string, transactionId: string, fields: readonly (keyof typeof LIFTED_LIMIT)[]): Promise<TransactionLimitType> {
  if (fields.length === 0) throw new ChargingError('CHARGING_ERR_INVALID', 'name at least one limit to remove', 'fields');
  const limit: TransactionLimitType = {};
  for (const f of fields) {
    if (!(f in LIFTED_LIMIT)) throw new ChargingError('CHARGING_ERR_INVALID', `unknown limit ${String(f)}`, 'fields');
    limit[f] = LIFTED_LIMIT[f];
  }
  return setTransactionLimit(runtime, stationId, transactionId, limit);
}

/** The limit to put in this response, if any (E16.FR.02/07/08, F07.FR.02). */
async function limitFor(runtime: CsmsRuntime, ctx: BlockContext, req: TransactionEventRequest): Promise<TransactionLimitType | undefined> {
  const { store } = runtime;
  const id = req.transactionInfo.transactionId;
  let pending = await store.getTransactionLimit(ctx.stationId, id);
  const rsId = req.transactionInfo.remoteStartId;
  if (!pending && rsId !== undefined) {
    // [F07.FR.02] the limit given with RequestStartTransaction goes out with the transaction's first answer
    const rs = await store.findRemoteStart(ctx.stationId, rsId);
    if (rs?.transactionLimit && rs.transactionId === id) pending = await store.setTransactionLimit(ctx.stationId, id, rs.transactionLimit);
  }
  if (!pending) return undefined;
  const reported = req.transactionInfo.transactionLimit;
  const eventKey = `${req.seqNo}@${req.timestamp}`;
  // [E16.FR.18] an offline (historical) event is no confirmation of the limit
  if (reported && !req.offline && !pending.confirmed) {
    const limit = pending.limit;
    const fields = Object.keys(limit).filter((f) => f !== 'customData') as (keyof TransactionLimitType)[];
    // [E16.FR.08] the station's limits are already at or below ours: no (further) update
    if (fields.every((f) => typeof reported[f] === 'number' && (reported[f] as number) <= (limit[f] as number))) {
      pending = await store.markTransactionLimit(ctx.stationId, id, { confirmed: true });
      if (!pending.deliveredWith) return undefined;
    }
  }
  if (pending.deliveredWith && pending.deliveredWith !== eventKey) return undefined;
  // [E16.FR.02] once, in the first possible response (again only if that event is retried)
  if (pending.deliveredWith !== eventKey) await store.markTransactionLimit(ctx.stationId, id, { deliveredWith: eventKey });
  return pending.limit;
}

// ---- TransactionEvent ---------------------------------------------------------------------------------


function purposeOf(req: TransactionEventRequest, tx: TransactionRecord): AuthorizationPurpose {
  if (req.eventType === 'Ended' || req.triggerReason === 'StopAuthorized' || req.triggerReason === 'Deauthorized') return 'transaction';
  // The token that starts (authorizes) the transaction: Started, or Authorized with the transaction's own token.
  if (req.eventType === 'Started' || (req.triggerReason === 'Authorized' && sameIdToken(tx.idToken, req.idToken!))) return 'start';
  return 'transaction';
}

/**
 * The instant the token of this event is judged at (ResolveInput.now; undefined = now). A queued offline event
 * (offline = true: it "occurred while the Charging Station was offline", E04.FR.03 / E12.FR.02) was authorized
 * locally when it happened (E04 prerequisite; C13/C15), and its `timestamp` is "the date and time at which this
 * transaction event occurred" (TransactionEventRequest). [E05.FR.01] the CSMS verifies the identifier, and on
 * its answer the station stops a transaction that is still running (C15.FR.03/04, E05.FR.09/10): so expiryDate,
 * validFrom and the schedule are judged at the moment of the event, not at its late arrival. Never later than
 * now (a station clock running ahead must not reach a validFrom early); an unreadable timestamp means now.
 */
export function tokenDecisionInstant(req: Pick<TransactionEventRequest, 'offline' | 'timestamp'>, now = Date.now()): number | undefined {
  if (!req.offline) return undefined;
  const at = Date.parse(req.timestamp);
  return Number.isNaN(at) ? undefined : Math.min(at, now);
}

/** StoreError -> RpcError: the station keeps (and retries, E13) a message the CSMS could not store. */
function storeFailure(err: unknown): RpcError {
  if (err instanceof StoreError && err.code === 'STORE_ERR_INVALID') return new RpcError('PropertyConstraintViolation', err.message, { field: err.details['field'] });
  return new RpcError('InternalError', 'the transaction event could not be stored; retry later');
}

export async function transactionEvent(ctx: BlockContext, req: TransactionEventRequest): Promise<TransactionEventResponse> {
  const { csms, stationId } = ctx;
  let result;
  try {
    // Durable before we answer; duplicates (same content, or same seqNo + messageId) change nothing.
    // [J02.FR.18] [J02.FR.03] [J02.FR.04] [J02.FR.05] [J02.FR.06] meter values are stored per SampledValue with
    // the MeterValue's timestamp and measurand (default applied)/context/location/phase as sent.
    result = await csms.store.applyTransactionEvent(stationId, req, { receivedAt: new Date(), messageId: ctx.messageId });
  } catch (err) {
    // [E13] not accepted: a CALLERROR makes the station retry later (MessageAttemptsTransactionEvent)
    ctx.log.error({ err, transactionId: req.transactionInfo.transactionId, seqNo: req.seqNo }, 'TransactionEvent not stored');
    throw storeFailure(err);
  }
  const tx = result.transaction;
  const id = tx.transactionId;
  const type = req.eventType === 'Started' ? 'transaction.started' : req.eventType === 'Ended' ? 'transaction.ended' : 'transaction.updated';
  const wantsTx = busWants(csms.bus, type);
  const wantsMeter = busWants(csms.bus, 'meter.values');
  if (!result.duplicate && (wantsTx || wantsMeter)) {
    const at = isoNow();
    if (wantsTx) csms.bus.publish({ type, stationId, transactionId: id, ...(tx.evseId !== undefined && { evseId: tx.evseId }), ...(tx.energyWh !== undefined && { energyWh: tx.energyWh }), at });
    const count = wantsMeter ? (req.meterValue ?? []).reduce((n, mv) => n + mv.sampledValue.length, 0) : 0;
    if (count) csms.bus.publish({ type: 'meter.values', stationId, evseId: req.evse?.id ?? tx.evseId ?? 0, transactionId: id, count, at });
  }
  // (the guard saves building the entry, and masking the token, when info is off)
  if (ctx.log.isLevelEnabled?.('info') ?? true) ctx.log.info({ transactionId: id, eventType: req.eventType, triggerReason: req.triggerReason, seqNo: req.seqNo, offline: !!req.offline, duplicate: result.duplicate, idToken: maskToken(req.idToken) }, 'TransactionEvent stored');

  const res: TransactionEventResponse = {};
  if (req.idToken) {
    // [E01.FR.11] [E02.FR.04] [E05.FR.01] [C12.FR.03] verify the identifier, even when the station authorized
    // it locally or offline (E15: an unknown token gets Unknown/Invalid and the station stops)
    // [E05.FR.01] an offline event's token is judged at the event's timestamp (tokenDecisionInstant)
    const at = tokenDecisionInstant(req);
    const r = await resolveIdToken(csms, { stationId, idToken: req.idToken, ...(req.evse?.id !== undefined && { evseId: req.evse.id }), purpose: purposeOf(req, tx), transactionId: id, ...(at !== undefined && { now: at }) });
    // [E01.FR.12] [E02.FR.02] [E03.FR.02] [C02.FR.02] [C09.FR.12] status and groupIdToken in idTokenInfo
    res.idTokenInfo = r.idTokenInfo;
    if (r.record?.chargingPriority !== undefined) res.chargingPriority = r.record.chargingPriority;
  }

  // The transaction is linked to the RequestStartTransaction that created it through the stored remoteStartId
  // (F01.FR.25, F02.FR.01, C05.FR.03): store.findTransactionByRemoteStart / findRemoteStart.
  if (ctx.version === '2.1') {
    const limit = await limitFor(csms, ctx, req);
    // [E16.FR.02] [E16.FR.07] [F07.FR.02] the CSMS limit, once (transactionLimit exists only in 2.1)
    if (limit) res.transactionLimit = limit;
  }
  // [E16.FR.11] [I02.FR.01] [I03.FR.02] [I03.FR.04] running/final cost from the flat tariff (tariff-cost.ts)
  applyCentralCost(csms, ctx, req, tx, res, { duplicate: result.duplicate });
  if (req.triggerReason === 'TxResumed' && tx.state !== 'Ended' && tx.remoteStartId !== undefined) {
    const rs = await csms.store.findRemoteStart(stationId, tx.remoteStartId);
    const profile = rs?.transactionId === id ? rs.chargingProfile : undefined;
    // [E17.FR.15] a resumed transaction gets its TxProfile again (after this answer went out); the profile is
    // read from the Store, so this works after a CSMS restart too
    if (profile) {
      const evseId = tx.evseId ?? rs!.evseId ?? 0;
      setImmediate(() => {
        csms.callStation(stationId, 'SetChargingProfile', { evseId, chargingProfile: { ...profile, transactionId: id } })
          .catch((err: unknown) => ctx.log.warn({ err, transactionId: id }, 'TxProfile resend after TxResumed failed'));
      });
    }
  }
  if (req.eventType === 'Ended' && !result.duplicate && await seqNoGap(csms, stationId, tx, req.seqNo)) {
    // [E14] the Ended event arrived but intermediate events are missing (seqNo, Part 2 §1.3.2): ask the station
    // whether they are still queued (TC_E_31_CSMS), after this answer went out
    setImmediate(() => {
      getTransactionStatus(csms, stationId, { transactionId: id })
        .then((r) => ctx.log.info({ transactionId: id, ...r.response }, 'GetTransactionStatus after a seqNo gap'))
        .catch((err: unknown) => ctx.log.warn({ err, transactionId: id }, 'GetTransactionStatus after a seqNo gap failed'));
    });
  }
  return res;
}

/**
 * Part 2 §1.3.2: the CSMS has all events of a transaction when it holds every seqNo from the start event's (a)
 * to the Ended event's (o). The common case (seqNo from 0, nothing missing) needs no read: o < eventCount.
 */
export async function seqNoGap(runtime: Pick<CsmsRuntime, 'store'>, stationId: string, tx: TransactionRecord, endedSeqNo: number): Promise<boolean> {
  if (endedSeqNo < tx.eventCount) return false;
  const events = await runtime.store.listTransactionEvents(stationId, tx.transactionId);
  const seqNos = events.map((e) => e.seqNo);
  const start = events.find((e) => e.eventType === 'Started')?.seqNo ?? Math.min(...seqNos);
  if (start > endedSeqNo) return false; // the station restarted its counter: no way to tell
  const seen = new Set(seqNos.filter((n) => n >= start && n <= endedSeqNo));
  return seen.size < endedSeqNo - start + 1;
}

// ---- GetTransactionStatus (E14) ---------------------------------------------------------------------

export interface TransactionStatusResult {
  response: GetTransactionStatusResponse;
  /** What the CSMS has stored for the transaction (when a transactionId was given and known). */
  transaction?: TransactionRecord;
}

/** E14: ask the station; its ongoingIndicator/messagesInQueue (E14.FR.02–08) come back as is, with the stored record. */
export async function getTransactionStatus(runtime: CsmsRuntime, stationId: string, params: { transactionId?: string } = {}): Promise<TransactionStatusResult> {
  const response = await runtime.callStation(stationId, 'GetTransactionStatus', params.transactionId !== undefined ? { transactionId: params.transactionId } : {});
  const transaction = params.transactionId !== undefined ? await runtime.store.getTransaction(stationId, params.transactionId) : undefined;
  return { response, ...(transaction && { transaction }) };
}

/** The transaction a RequestStartTransaction created (by remoteStartId), if it has arrived yet. */
export function transactionOfRemoteStart(runtime: CsmsRuntime, stationId: string, remoteStartId: number): Promise<TransactionRecord | undefined> {
  return runtime.store.findTransactionByRemoteStart(stationId, remoteStartId);
}

export const transactions: Block = {
  id: 'E',
  name: 'Transactions',
  handlers: { TransactionEvent: transactionEvent },
};
