// The transaction state machine (E01–E15 station side): TxStartPoint/TxStopPoint from TxCtrlr,
// seqNo per transaction, triggerReasons, chargingStates, periodic meter values, Ended with stoppedReason.
import { randomUUID } from 'node:crypto';
import type { OcppTypes } from '@chargewire/ocpp';
import { every } from './clock.ts';
import { chargingState, txConditions, type EvseState, type IdToken, type StoppedReason, type TriggerReason, type TxPoint } from './evse.ts';
import { meterValue, type MeterContext } from './blocks/meter-values.ts';
import type { Station } from './station.ts';

type TxEvent = OcppTypes.TransactionEventRequest;
export interface PersistedTx { evseId: number; id: string; seqNo: number; startedAt: number; remoteStartId?: number; idToken?: IdToken }

const POINTS: TxPoint[] = ['ParkingBayOccupancy', 'EVConnected', 'Authorized', 'DataSigned', 'PowerPathClosed', 'EnergyTransfer'];

/** stoppedReason implied by the trigger that ended a transaction (E06–E10, B12, C15). */
const STOPPED_BY: Partial<Record<TriggerReason, StoppedReason>> = {
  EVCommunicationLost: 'EVDisconnected', EVDeparted: 'EVDisconnected', StopAuthorized: 'Local', RemoteStop: 'Remote',
  Deauthorized: 'DeAuthorized', ResetCommand: 'ImmediateReset', EVConnectTimeout: 'Timeout', AbnormalCondition: 'PowerLoss',
  ChargingStateChanged: 'StoppedByEV', EnergyLimitReached: 'EnergyLimitReached', TimeLimitReached: 'TimeLimitReached', UnlockCommand: 'Other',
};

/** Evaluate start/stop points after a change on this EVSE caused by `trigger`. */
export function evaluate(st: Station, evse: EvseState, trigger: TriggerReason): void {
  const c = txConditions(evse, st.operative);
  if (evse.spent) for (const p of [...evse.spent]) if (!c[p]) evse.spent.delete(p);
  const tx = evse.tx;
  if (!tx) {
    // [E01.FR.01..] the transaction starts when any configured TxStartPoint condition becomes true.
    const start = st.list('TxCtrlr', 'TxStartPoint');
    if (start.some((p) => c[p as TxPoint] && !evse.spent?.has(p as TxPoint))) startTx(st, evse, trigger);
    return;
  }
  for (const p of POINTS) if (c[p]) tx.seen.add(p);
  // [E06] the transaction ends when a TxStopPoint condition that held is no longer true.
  const stop = st.list('TxCtrlr', 'TxStopPoint');
  if (stop.some((p) => tx.seen.has(p as TxPoint) && !c[p as TxPoint])) {
    endTx(st, evse, trigger, tx.pendingStop ?? STOPPED_BY[trigger] ?? 'Other');
    return;
  }
  const cs = chargingState(evse, st.operative);
  const newToken = evse.auth !== undefined && !tx.idTokenSent;
  const explicit = trigger === 'RemoteStop' || trigger === 'StopAuthorized' || trigger === 'Deauthorized' || trigger === 'ChargingRateChanged' || trigger === 'RemoteStart';
  if (cs !== tx.chargingState || newToken || explicit) {
    // [E02] [F01.FR.18] chargingState changes and new authorizations are reported with an Updated event.
    sendTxEvent(st, evse, 'Updated', trigger);
  }
}

export function startTx(st: Station, evse: EvseState, trigger: TriggerReason): void {
  evse.tx = {
    id: randomUUID(), seqNo: 0, startedAt: st.clock.now(), chargingState: chargingState(evse, st.operative), seen: new Set(), idTokenSent: false,
    ...(evse.auth?.remoteStartId !== undefined ? { remoteStartId: evse.auth.remoteStartId } : {}),
    startWh: evse.meter.read().energyWh,
  };
  const c = txConditions(evse, st.operative);
  for (const p of POINTS) if (c[p]) evse.tx.seen.add(p);
  sendTxEvent(st, evse, 'Started', trigger);
  // [J02.FR.11] [E04.FR.06] [F01.FR.15] [F02.FR.03] periodic sampled meter values (TxUpdatedMeasurands) in Updated
  // events every SampledDataCtrlr.TxUpdatedInterval seconds, also while offline (queued).
  const interval = st.num('SampledDataCtrlr', 'TxUpdatedInterval', 0);
  if (interval > 0 && st.bool('SampledDataCtrlr', 'Enabled', true)) {
    evse.tx.cancelPeriodic = every(st.clock, interval * 1000, () => { if (evse.tx) sendTxEvent(st, evse, 'Updated', 'MeterValuePeriodic'); });
  }
}

export function endTx(st: Station, evse: EvseState, trigger: TriggerReason, reason: StoppedReason): void {
  const tx = evse.tx;
  if (!tx) return;
  tx.cancelPeriodic?.();
  st.clock.clearTimeout(evse.evTimeout);
  sendTxEvent(st, evse, 'Ended', trigger, reason);
  evse.tx = undefined;
  evse.auth = undefined;
  evse.cancelEnergyWatch?.();
  evse.cancelEnergyWatch = undefined;
  evse.suspended = undefined;
  const c = txConditions(evse, st.operative);
  evse.spent = new Set(POINTS.filter((p) => c[p]));
  st.saveState();
}

const CONTEXT: Record<string, MeterContext> = { Started: 'Transaction.Begin', Ended: 'Transaction.End' };

/** Build, journal and deliver one TransactionEvent (seqNo +1, offline flag, idToken once). */
export function sendTxEvent(st: Station, evse: EvseState, eventType: 'Started' | 'Updated' | 'Ended', trigger: TriggerReason, stoppedReason?: StoppedReason): TxEvent {
  const tx = evse.tx!;
  tx.chargingState = eventType === 'Ended' ? chargingState(evse, st.operative) : chargingState(evse, st.operative);
  const context: MeterContext = CONTEXT[eventType] ?? (trigger === 'MeterValuePeriodic' ? 'Sample.Periodic' : trigger === 'MeterValueClock' ? 'Sample.Clock' : trigger === 'Trigger' ? 'Trigger' : 'Other');
  // [E04.FR.05] [F02.FR.02] Started: TxStartedMeasurands (Transaction.Begin); [E09.FR.05] Ended: TxEndedMeasurands (Transaction.End).
  const measurands = eventType === 'Started' ? st.list('SampledDataCtrlr', 'TxStartedMeasurands')
    : eventType === 'Ended' ? st.list('SampledDataCtrlr', 'TxEndedMeasurands')
      : trigger === 'MeterValueClock' ? st.list('AlignedDataCtrlr', 'Measurands') : st.list('SampledDataCtrlr', 'TxUpdatedMeasurands');
  const withMeter = eventType !== 'Updated' || context !== 'Other';
  const ev: TxEvent = {
    eventType,
    timestamp: new Date(st.clock.now()).toISOString(),
    triggerReason: trigger,
    // [E01.FR.07] [E09.FR.04] seqNo starts at 0 and increases by one for every TransactionEvent of the transaction.
    seqNo: tx.seqNo++,
    transactionInfo: {
      transactionId: tx.id,
      chargingState: tx.chargingState,
      ...(tx.remoteStartId !== undefined ? { remoteStartId: tx.remoteStartId } : {}),
      ...(stoppedReason && stoppedReason !== 'Local' ? { stoppedReason } : {}),
    },
    evse: { id: evse.id, ...(evse.plugged !== undefined ? { connectorId: evse.plugged } : {}) },
    ...(withMeter && measurands.length ? { meterValue: [meterValue(evse, measurands, context)] } : {}),
  };
  // [E06] stoppedReason Local is the default and may be omitted; send it anyway when asked explicitly.
  if (stoppedReason === 'Local') ev.transactionInfo.stoppedReason = 'Local';
  // [E03] the idToken is sent once, in the first TransactionEvent after authorization.
  // [E01.FR.10] [E02.FR.20] [C05.FR.05] [F01.FR.04] [F02.FR.12] the authorizing (or remote start) idToken.
  if (evse.auth && !tx.idTokenSent) { ev.idToken = evse.auth.idToken; tx.idTokenSent = true; tx.authorizedBy = evse.auth.idToken; }
  // [E07.FR.02] the event that reports StopAuthorized carries the idToken used to stop.
  else if (tx.stopIdToken && trigger === 'StopAuthorized') { ev.idToken = tx.stopIdToken; tx.stopIdToken = undefined; }
  // [E04] events that happen while offline carry offline = true.
  if (!st.connected) ev.offline = true;
  st.outbox.enqueue('TransactionEvent', ev as unknown as Record<string, unknown>);
  if (eventType !== 'Ended') st.saveState();
  st.emit('transactionEvent', ev);
  return ev;
}

/** TransactionEventResponse: update the auth cache (C10.FR.05) and act on a rejected token (C15, E05). */
export function onTxEventDelivered(st: Station, req: TxEvent, resp: OcppTypes.TransactionEventResponse): void {
  const info = resp.idTokenInfo;
  if (!info || !req.idToken) return;
  if (st.bool('AuthCacheCtrlr', 'Enabled', true)) st.auth.remember(req.idToken, info, st.clock.now());
  if (info.status === 'Accepted') return;
  const evse = st.evses.find((e) => e.tx?.id === req.transactionInfo.transactionId);
  if (!evse?.tx) return;
  if (!st.bool('TxCtrlr', 'StopTxOnInvalidId', true)) { suspendOnInvalidId(st, evse); return; }
  // [C15.FR.03] [C15.FR.04] [E05.FR.09] [E05.FR.10] StopTxOnInvalidId: deauthorize the ongoing transaction:
  // Ended(Deauthorized, DeAuthorized) when TxStopPoint has Authorized/PowerPathClosed/EnergyTransfer, else Updated(Deauthorized, EVConnected).
  evse.tx.pendingStop = 'DeAuthorized';
  evse.auth = undefined;
  st.refresh(evse, 'Deauthorized');
}

/**
 * StopTxOnInvalidId = false: [C15.FR.07] [E05.FR.03] energy is allowed until MaxEnergyOnInvalidId Wh were
 * delivered in the transaction, then (or at once when it is 0 or already exceeded) [C15.FR.06] [E05.FR.02]
 * energy delivery stops: Updated(ChargingStateChanged, SuspendedEVSE).
 */
function suspendOnInvalidId(st: Station, evse: EvseState): void {
  const maxWh = st.num('TxCtrlr', 'MaxEnergyOnInvalidId', 0);
  const used = (): number => evse.meter.read().energyWh - (evse.tx?.startWh ?? 0);
  const suspend = (): void => {
    evse.cancelEnergyWatch?.();
    evse.cancelEnergyWatch = undefined;
    if (!evse.tx || evse.suspended) return;
    evse.suspended = true;
    st.refresh(evse, 'ChargingStateChanged');
  };
  if (maxWh <= 0 || used() >= maxWh) { suspend(); return; }
  evse.cancelEnergyWatch?.();
  evse.cancelEnergyWatch = every(st.clock, 1000, () => { if (!evse.tx) evse.cancelEnergyWatch?.(); else if (used() >= maxWh) suspend(); });
}

/** After a crash or power loss: end the transactions that were open with stoppedReason PowerLoss. */
export function recoverTransactions(st: Station, txs: PersistedTx[]): void {
  for (const p of txs) {
    const evse = st.evses.find((e) => e.id === p.evseId);
    if (!evse) continue;
    const queued = st.outbox.queue.list().filter((m) => (m.payload.transactionInfo as { transactionId?: string } | undefined)?.transactionId === p.id);
    const seqNo = Math.max(p.seqNo, ...queued.map((m) => Number(m.payload.seqNo) + 1));
    evse.tx = { id: p.id, seqNo, startedAt: p.startedAt, chargingState: 'Idle', seen: new Set(), idTokenSent: true, ...(p.remoteStartId !== undefined ? { remoteStartId: p.remoteStartId } : {}) };
    endTx(st, evse, 'AbnormalCondition', 'PowerLoss');
  }
}
