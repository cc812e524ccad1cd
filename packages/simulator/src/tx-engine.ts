// The transaction state machine (E01–E15 station side): TxStartPoint/TxStopPoint from TxCtrlr,
// seqNo per transaction, triggerReasons, chargingStates, periodic meter values, Ended with stoppedReason.
// Transaction limits (E16/F07) live in tx-limits.ts, resumption after a restart (E17) in tx-resume.ts.
import { randomUUID } from 'node:crypto';
import type { OcppTypes } from '@chargewire/ocpp';
import { every } from './clock.ts';
import { chargingState, txConditions, type ChargingState, type EvseState, type StoppedReason, type TriggerReason, type TxPoint, type TxState } from './evse.ts';
import { readMeter, splitReading, type MeterContext } from './blocks/meter-values.ts';
import { limitOfflineQueue } from './tx-queue-limit.ts';
import { applyCsmsLimit, armLimits, onCostUpdate } from './tx-limits.ts';
import { trackCost } from './tariff-tx.ts';
import { keepAlive } from './tx-resume.ts';
import { checkDataSigned } from './data-signed.ts';
import { endedMeterValues, sampleBegin, startEndedSampling } from './tx-ended-samples.ts';
import type { Station } from './station.ts';

type TxEvent = OcppTypes.TransactionEventRequest;
export { recoverTransactions, persistTx, type PersistedTx } from './tx-resume.ts';

const POINTS: TxPoint[] = ['ParkingBayOccupancy', 'EVConnected', 'Authorized', 'DataSigned', 'PowerPathClosed', 'EnergyTransfer'];

/** stoppedReason implied by the trigger that ended a transaction (E06–E10, B12, C15). */
const STOPPED_BY: Partial<Record<TriggerReason, StoppedReason>> = {
  EVCommunicationLost: 'EVDisconnected', EVDeparted: 'EVDisconnected', StopAuthorized: 'Local', RemoteStop: 'Remote',
  Deauthorized: 'DeAuthorized', ResetCommand: 'ImmediateReset', EVConnectTimeout: 'Timeout', AbnormalCondition: 'PowerLoss',
  ChargingStateChanged: 'StoppedByEV', EnergyLimitReached: 'EnergyLimitReached', TimeLimitReached: 'TimeLimitReached', UnlockCommand: 'Other',
  SoCLimitReached: 'SOCLimitReached', CostLimitReached: 'LocalOutOfCredit', // [E16.FR.06], see tx-limits.ts LIMIT_STOPPED
};

/** Triggers that always produce an Updated event, even when the charging state stays the same. */
const EXPLICIT = new Set<TriggerReason>([
  'RemoteStop', 'StopAuthorized', 'Deauthorized', 'ChargingRateChanged', 'RemoteStart',
  // [E03.FR.15] [F02.FR.08] [E10.FR.02] the deauthorization by EVConnectionTimeOut, also when the state stays the same
  'EVConnectTimeout',
  // [E16.FR.01] [E16.FR.03] LimitSet; [E16.FR.05] the xxxLimitReached of a suspension
  'LimitSet', 'EnergyLimitReached', 'TimeLimitReached', 'SoCLimitReached', 'CostLimitReached',
]);

/** Session steps of the driver/EV/CSMS (not an energy-flow change): when one also lets energy transfer begin, the
 * two are reported separately (see reportStep). */
const SESSION_STEPS = new Set<TriggerReason>(['CablePluggedIn', 'Authorized', 'RemoteStart']);
const ENERGY_STATES = new Set<ChargingState>(['Charging', 'SuspendedEV', 'SuspendedEVSE']);

/**
 * Send the event of `trigger`; when that step also starts the energy transfer phase (plug-in after authorization,
 * or authorization with the cable already in), report the step with chargingState EVConnected and then
 * a separate Updated(ChargingStateChanged) with Charging / SuspendedEV / SuspendedEVSE:
 * [E03.FR.12] two events at the same time go in two separate TransactionEventRequests; [E02.FR.17] [E03.FR.12] the
 * step keeps its specific triggerReason (CablePluggedIn, Authorized); [E02.FR.13] [E01.FR.18] the change of the
 * charging state gets its own message (E03 scenario step 5; Part 6 EnergyTransferStarted, TC_E_26_CS, TC_E_38_CS).
 * Likewise a remote start: [F01.FR.19] [F02.FR.21] the RemoteStart event (EVConnected), then [F01] scenario step 10 /
 * [F02] step 10 Updated(ChargingStateChanged, Charging) (Part 6 Authorized (remote), then EnergyTransferStarted step 9).
 * `whole`: a transaction started by the energy transfer itself (TxStartPoint EnergyTransfer) reports it in one event.
 */
function reportStep(st: Station, evse: EvseState, eventType: 'Started' | 'Updated', trigger: TriggerReason, before: ChargingState | undefined, whole = false): void {
  const cs = chargingState(evse, st.operative);
  const split = !whole && SESSION_STEPS.has(trigger) && ENERGY_STATES.has(cs) && (before === undefined || !ENERGY_STATES.has(before));
  sendTxEvent(st, evse, eventType, trigger, undefined, split ? 'EVConnected' : undefined);
  if (split && evse.tx) sendTxEvent(st, evse, 'Updated', 'ChargingStateChanged');
}

/** A TxStopPoint condition that held during the transaction is no longer true (E06). */
export function stopPointMet(st: Station, evse: EvseState): boolean {
  const c = txConditions(evse, st.operative);
  return st.list('TxCtrlr', 'TxStopPoint').some((p) => evse.tx!.seen.has(p as TxPoint) && !c[p as TxPoint]);
}

/** Evaluate start/stop points after a change on this EVSE caused by `trigger`. */
export function evaluate(st: Station, evse: EvseState, trigger: TriggerReason): void {
  evaluatePoints(st, evse, trigger);
  // [E16] the power may have changed: re-arm the transaction limit timer; [I12.FR.31] the local cost calculation
  // takes the power from now on (tariff-tx.ts).
  if (evse.tx) { trackCost(st, evse); armLimits(st, evse); }
}

function evaluatePoints(st: Station, evse: EvseState, trigger: TriggerReason): void {
  checkDataSigned(st, evse); // [E01.FR.04] TxStartPoint DataSigned
  const c = txConditions(evse, st.operative);
  if (evse.spent) for (const p of [...evse.spent]) if (!c[p]) evse.spent.delete(p);
  const tx = evse.tx;
  if (!tx) {
    // [E01.FR.01..] the transaction starts when any configured TxStartPoint condition becomes true.
    const start = st.list('TxCtrlr', 'TxStartPoint');
    const met = start.filter((p) => c[p as TxPoint] && !evse.spent?.has(p as TxPoint));
    // [E01.FR.06] started by TxStartPoint EnergyTransfer alone: the energy transfer starting is the trigger (TC_E_02_CS).
    const energy = met.length > 0 && met.every((p) => p === 'EnergyTransfer');
    if (met.length) startTx(st, evse, energy && trigger !== 'RemoteStart' ? 'ChargingStateChanged' : trigger, energy);
    return;
  }
  for (const p of POINTS) if (c[p]) tx.seen.add(p);
  // Authorized again after a stop that kept the transaction open (e.g. [E03.FR.15] deauthorized in the bay): that
  // stop no longer gives the stoppedReason.
  if (evse.auth && tx.pendingStop) tx.pendingStop = undefined;
  // [E06] the transaction ends when a TxStopPoint condition that held is no longer true.
  if (stopPointMet(st, evse)) {
    endTx(st, evse, trigger, tx.pendingStop ?? STOPPED_BY[trigger] ?? 'Other');
    return;
  }
  const cs = chargingState(evse, st.operative);
  const newToken = evse.auth !== undefined && !tx.idTokenSent;
  const explicit = EXPLICIT.has(trigger);
  if (cs !== tx.chargingState || newToken || explicit) {
    // [E02] [F01.FR.18] chargingState changes and new authorizations are reported with an Updated event.
    reportStep(st, evse, 'Updated', trigger, tx.chargingState);
  }
}

export function startTx(st: Station, evse: EvseState, trigger: TriggerReason, energyStart = false): void {
  // [F02.FR.21] remote start first: the transaction starts later (cable, bay, energy, per TxStartPoint), yet the
  // first TransactionEvent after the RequestStartTransaction still has triggerReason RemoteStart; the plug-in shows
  // as chargingState EVConnected (F02.FR.21 note).
  if (evse.auth?.remoteStartId !== undefined) trigger = 'RemoteStart';
  evse.tx = {
    id: randomUUID(), seqNo: 0, startedAt: st.clock.now(), chargingState: chargingState(evse, st.operative), seen: new Set(), idTokenSent: false,
    ...(evse.auth?.remoteStartId !== undefined ? { remoteStartId: evse.auth.remoteStartId } : {}),
    startWh: evse.meter.read().energyWh,
  };
  const c = txConditions(evse, st.operative);
  for (const p of POINTS) if (c[p]) evse.tx.seen.add(p);
  reportStep(st, evse, 'Started', trigger, undefined, energyStart);
  sampleBegin(st, evse); // after Started: that one carries the public key of a signed reading first
  startTimers(st, evse);
}

/**
 * The timers of a running transaction, all cancelled by tx.cancelPeriodic (endTx, Station.stop): [J02.FR.11]
 * [E04.FR.06] [F01.FR.15] [F02.FR.03] periodic sampled meter values (TxUpdatedMeasurands) in Updated events
 * every SampledDataCtrlr.TxUpdatedInterval seconds, also while offline (queued); the E16 limit timer;
 * [E17.FR.01] the keep-alive of the persisted state; the samples for the Ended event (tx-ended-samples.ts).
 */
export function startTimers(st: Station, evse: EvseState): void {
  const tx = evse.tx!;
  const interval = st.num('SampledDataCtrlr', 'TxUpdatedInterval', 0);
  const periodic = interval > 0 && st.bool('SampledDataCtrlr', 'Enabled', true)
    ? every(st.clock, interval * 1000, () => { if (evse.tx === tx) sendTxEvent(st, evse, 'Updated', 'MeterValuePeriodic'); })
    : undefined;
  const alive = keepAlive(st);
  const ended = startEndedSampling(st, evse);
  tx.cancelPeriodic = () => { periodic?.(); alive?.(); ended(); tx.limits?.cancelWatch?.(); };
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
/** Updated events with a reading of their own: periodic/clock/trigger samples, and the register when energy
 * transfer is interrupted by a transaction limit (E16.FR.05) or resumes after a restart (E17.FR.14). */
const UPDATE_CONTEXT: Partial<Record<TriggerReason, MeterContext>> = {
  MeterValuePeriodic: 'Sample.Periodic', MeterValueClock: 'Sample.Clock', Trigger: 'Trigger', TxResumed: 'Interruption.End',
  EnergyLimitReached: 'Interruption.Begin', TimeLimitReached: 'Interruption.Begin', SoCLimitReached: 'Interruption.Begin', CostLimitReached: 'Interruption.Begin',
};

/** numberOfPhasesUsed last reported per transaction (E02.FR.18/19). */
const phasesSent = new WeakMap<TxState, number>();

/** Build, journal and deliver one TransactionEvent (seqNo +1, offline flag, idToken once). */
export function sendTxEvent(st: Station, evse: EvseState, eventType: 'Started' | 'Updated' | 'Ended', trigger: TriggerReason, stoppedReason?: StoppedReason, reportAs?: ChargingState): TxEvent {
  const tx = evse.tx!;
  // reportAs: the state to report for a session step whose energy transfer start follows separately (reportStep).
  const cs = reportAs ?? chargingState(evse, st.operative);
  // [E06.FR.07] an Ended transaction transfers no energy: EVConnected while the EV is still plugged in (TC_E_22_CS).
  tx.chargingState = eventType === 'Ended' && cs !== 'Idle' ? 'EVConnected' : cs;
  const context: MeterContext = CONTEXT[eventType] ?? UPDATE_CONTEXT[trigger] ?? 'Other';
  // [E04.FR.05] [F02.FR.02] Started: TxStartedMeasurands (Transaction.Begin); [E09.FR.05] [E06.FR.11] Ended: the
  // TxEndedMeasurands samples of the whole transaction, the last one Transaction.End (tx-ended-samples.ts).
  // [J02.FR.10] Started and Updated carry one meterValue, taken now: within the current sampling interval.
  const measurands = eventType === 'Started' ? st.list('SampledDataCtrlr', 'TxStartedMeasurands')
    : trigger === 'MeterValueClock' ? st.list('AlignedDataCtrlr', 'Measurands') : st.list('SampledDataCtrlr', 'TxUpdatedMeasurands');
  const reading = eventType === 'Ended' ? endedMeterValues(st, evse)
    : (eventType !== 'Updated' || context !== 'Other') && measurands.length ? [readMeter(st, evse, measurands, context, eventType)] : [];
  // [J02.FR.14] [E02.FR.11] [E03.FR.09] [E04.FR.09] [E11.FR.06] [E12.FR.06] [F01.FR.16] [F02.FR.04] a reading with more
  // sampled values than fit in one message (StationOptions.maxSampledValuesPerMessage) goes in several Updated events
  // with the same timestamp and triggerReason.
  const parts = eventType === 'Updated' && reading.length === 1 ? splitReading(st, reading[0]!).map((p) => [p]) : [reading];
  const meterValue = parts[0]!;
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
    // [J02.FR.21] [E02.FR.14] signed per SampledDataCtrlr/AlignedDataCtrlr SignReadings (meter-signing.ts).
    ...(meterValue.length ? { meterValue } : {}),
  };
  // [E16.FR.01] [E16.FR.03] [F07.FR.03] [C24.FR.03] [C25.FR.25] the limits in force, once, in the next TransactionEvent after a change.
  if (tx.limits?.report) { ev.transactionInfo.transactionLimit = tx.limits.report; tx.limits.report = undefined; }
  // [E06] stoppedReason Local is the default and may be omitted; send it anyway when asked explicitly.
  if (stoppedReason === 'Local') ev.transactionInfo.stoppedReason = 'Local';
  // [E03] the idToken is sent once, in the first TransactionEvent after authorization.
  // [E01.FR.10] [E02.FR.20] [C05.FR.05] [F01.FR.04] [F02.FR.12] the authorizing (or remote start) idToken.
  if (evse.auth && !tx.idTokenSent) { ev.idToken = evse.auth.idToken; tx.idTokenSent = true; tx.authorizedBy = evse.auth.idToken; }
  // [E07.FR.02] the event that reports StopAuthorized carries the idToken used to stop.
  else if (tx.stopIdToken && trigger === 'StopAuthorized') { ev.idToken = tx.stopIdToken; tx.stopIdToken = undefined; }
  // [E02.FR.18] [E03.FR.13] the number of phases used, when energy transfer starts; [E02.FR.19] [E03.FR.14] the
  // adjusted number in the next TransactionEvent after the EV switched phases.
  const phases = evse.meter.phases;
  if ((tx.chargingState === 'Charging' || phasesSent.has(tx)) && phasesSent.get(tx) !== phases) { ev.numberOfPhasesUsed = phases; phasesSent.set(tx, phases); }
  // [E04] events that happen while offline carry offline = true.
  if (!st.connected) ev.offline = true;
  // The blocks' own fields (block.ts decorateTxEvent): [H01.FR.15] reservationId (blocks/reservation.ts), [C18.FR.06]
  // [C25.FR.04] the limits of an ad hoc payment (blocks/payments.ts), [I07.FR.32] [I12.FR.01] tariffId, costDetails (blocks/tariffs.ts).
  for (const b of st.blocks) b.decorateTxEvent?.(st, evse, ev);
  // [B02.FR.03] [B03.FR.01] locally authorized transactions run before Accepted; their events wait in the durable queue
  st.outbox.enqueue('TransactionEvent', ev as unknown as Record<string, unknown>);
  st.emit('transactionEvent', ev);
  for (const mv of parts.slice(1)) {
    const more: TxEvent = {
      eventType, timestamp: ev.timestamp, triggerReason: trigger, seqNo: tx.seqNo++,
      transactionInfo: { transactionId: tx.id, chargingState: tx.chargingState, ...(tx.remoteStartId !== undefined ? { remoteStartId: tx.remoteStartId } : {}) },
      evse: ev.evse, meterValue: mv, ...(ev.offline ? { offline: true } : {}),
    };
    st.outbox.enqueue('TransactionEvent', more as unknown as Record<string, unknown>);
    st.emit('transactionEvent', more);
  }
  limitOfflineQueue(st); // [J02.FR.12] [J02.FR.13] when short of memory while offline (tx-queue-limit.ts)
  if (eventType !== 'Ended') st.saveState();
  return ev;
}

/**
 * TransactionEventResponse: transaction limits and running cost (E16, F07), update the auth cache (C10.FR.05)
 * and act on a rejected token (C15, E05).
 */
export function onTxEventDelivered(st: Station, req: TxEvent, resp: OcppTypes.TransactionEventResponse): void {
  const ongoing = st.evses.find((e) => e.tx?.id === req.transactionInfo.transactionId);
  // [E16.FR.02] [F07.FR.02] [C17.FR.04] [C24.FR.04] [C25.FR.26] a limit from the CSMS (2.1), then [E16.FR.15] its running cost against maxCost
  // (ignored when the station calculates the cost from a tariff, E16.FR.16).
  if (ongoing?.tx && resp.transactionLimit) applyCsmsLimit(st, ongoing, resp.transactionLimit);
  if (ongoing?.tx && typeof resp.totalCost === 'number') onCostUpdate(st, ongoing, resp.totalCost);
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
