// What a restarted station does with the transactions that were open when it went down (E17, OCPP 2.1):
// within TxCtrlr.ResumptionTimeout it resumes them (Updated, TxResumed), otherwise it ends them
// (Ended, AbnormalCondition, PowerLoss or Reboot). [E17.FR.01] the state needed for that is persisted with the
// station state (station.ts saveState), refreshed every KEEPALIVE_MS while a transaction runs, so the moment of
// an unexpected shutdown is known within that resolution after the restart (E17.FR.02).
import type { OcppTypes } from '@chargewire/ocpp';
import { every } from './clock.ts';
import type { ChargingState, EvseState, IdToken, TransactionLimit, TxPoint, LimitTrigger } from './evse.ts';
import { endTx, sendTxEvent, startTimers, stopPointMet } from './tx-engine.ts';
import type { Station } from './station.ts';

export interface PersistedTx {
  evseId: number; id: string; seqNo: number; startedAt: number; remoteStartId?: number; idToken?: IdToken; groupIdToken?: IdToken;
  // E17 (added later: older state files lack these, and such transactions are ended as before)
  chargingState?: ChargingState; plugged?: number; evDemandW?: number; seen?: TxPoint[]; startWh?: number;
  authorizedBy?: IdToken; noEnergy?: boolean; publicKeySent?: boolean; soc?: number; capacityWh?: number;
  endedSamples?: OcppTypes.MeterValueType[];
  limits?: { current: TransactionLimit; csms: TransactionLimit; reached?: LimitTrigger; totalCost?: number };
}

/** How often the station state is re-written while a transaction runs and resumption is enabled. */
export const KEEPALIVE_MS = 10_000;

/** The persisted form of the transaction on this EVSE. */
export function persistTx(evse: EvseState): PersistedTx {
  const tx = evse.tx!;
  const l = tx.limits;
  const soc = evse.meter.socPercent;
  return {
    evseId: evse.id, id: tx.id, seqNo: tx.seqNo, startedAt: tx.startedAt,
    ...(tx.remoteStartId !== undefined ? { remoteStartId: tx.remoteStartId } : {}),
    ...(evse.auth ? { idToken: evse.auth.idToken } : {}),
    ...(evse.auth?.groupIdToken ? { groupIdToken: evse.auth.groupIdToken } : {}),
    chargingState: tx.chargingState, evDemandW: evse.evDemandW, seen: [...tx.seen],
    ...(evse.plugged !== undefined ? { plugged: evse.plugged } : {}),
    ...(tx.startWh !== undefined ? { startWh: tx.startWh } : {}),
    ...(tx.authorizedBy ? { authorizedBy: tx.authorizedBy } : {}),
    ...(tx.noEnergy ? { noEnergy: true } : {}),
    ...(tx.publicKeySent ? { publicKeySent: true } : {}),
    ...(tx.endedSamples?.length ? { endedSamples: tx.endedSamples } : {}),
    ...(soc !== undefined ? { soc, ...(evse.meter.batteryWh ? { capacityWh: evse.meter.batteryWh } : {}) } : {}),
    ...(l ? { limits: { current: l.current, csms: l.csms, ...(l.reached ? { reached: l.reached } : {}), ...(l.totalCost !== undefined ? { totalCost: l.totalCost } : {}) } } : {}),
  };
}

/** [E17.FR.01] keep the persisted state fresh while a transaction runs (only when resumption is enabled). */
export function keepAlive(st: Station): (() => void) | undefined {
  if (st.num('TxCtrlr', 'ResumptionTimeout', 0) <= 0 || !st.opts.dataDir) return undefined;
  return every(st.clock, KEEPALIVE_MS, () => st.saveState());
}

/**
 * Restart with the transactions in `txs`, persisted last at `aliveAt` (ms). [E17.FR.10] resumed when the
 * interruption lasted at most TxCtrlr.ResumptionTimeout seconds (TxResumed exists only in 2.1, so a station
 * that cannot speak 2.1 never resumes); [E17.FR.20] otherwise ended: [E17.FR.21] PowerLoss, or
 * [E17.FR.22] Reboot when the station itself failed (StationOptions.interruption.cause = 'Fault').
 */
export function recoverTransactions(st: Station, txs: PersistedTx[], aliveAt: number | undefined): void {
  const timeoutS = st.num('TxCtrlr', 'ResumptionTimeout', 0);
  const downMs = aliveAt === undefined ? Number.POSITIVE_INFINITY : st.clock.now() - aliveAt;
  const resumable = timeoutS > 0 && downMs <= timeoutS * 1000 && (st.opts.versions ?? ['2.1']).includes('2.1');
  for (const p of txs) {
    const evse = st.evses.find((e) => e.id === p.evseId);
    if (!evse) continue;
    const queued = st.outbox.queue.list().filter((m) => (m.payload.transactionInfo as { transactionId?: string } | undefined)?.transactionId === p.id);
    const seqNo = Math.max(p.seqNo, ...queued.map((m) => Number(m.payload.seqNo) + 1));
    evse.tx = { id: p.id, seqNo, startedAt: p.startedAt, chargingState: 'Idle', seen: new Set(), idTokenSent: true, ...(p.remoteStartId !== undefined ? { remoteStartId: p.remoteStartId } : {}) };
    if (resumable && p.chargingState !== undefined) {
      resume(st, evse, p, p.plugged === undefined || (st.opts.interruption?.evDeparted ?? []).includes(evse.id), true);
    } else endTx(st, evse, 'AbnormalCondition', st.opts.interruption?.cause === 'Fault' ? 'Reboot' : 'PowerLoss');
  }
}

/**
 * Resume the transaction on `evse` in the state `p` it had: after a restart (E17, `departed` = the EV left
 * meanwhile, `randomHold` = E17.FR.18 applies) or after a Reset ImmediateAndResume (B13, reset-resume.ts).
 */
export function resume(st: Station, evse: EvseState, p: PersistedTx, departed: boolean, randomHold: boolean): void {
  const tx = evse.tx!;
  tx.chargingState = p.chargingState!;
  tx.seen = new Set(p.seen ?? []);
  if (p.startWh !== undefined) tx.startWh = p.startWh;
  if (p.authorizedBy) tx.authorizedBy = p.authorizedBy;
  if (p.publicKeySent) tx.publicKeySent = true;
  if (p.endedSamples) tx.endedSamples = p.endedSamples;
  if (p.limits) tx.limits = { current: { ...p.limits.current }, csms: { ...p.limits.csms }, ...(p.limits.reached ? { reached: p.limits.reached } : {}), ...(p.limits.totalCost !== undefined ? { totalCost: p.limits.totalCost } : {}) };
  if (p.idToken) evse.auth = { idToken: p.idToken, ...(p.remoteStartId !== undefined ? { remoteStartId: p.remoteStartId } : {}), ...(p.groupIdToken ? { groupIdToken: p.groupIdToken } : {}) };
  let hold = 0;
  if (!departed) {
    evse.plugged = p.plugged;
    if (p.evDemandW !== undefined) evse.evDemandW = p.evDemandW;
    evse.meter.setBattery(p.soc, p.capacityWh);
    // [E17.FR.12] [E17.FR.13] TxCtrlr.AllowEnergyTransferResumption = false: no energy in the resumed transaction
    // (Charging becomes SuspendedEVSE; other states stay as they were).
    if (p.noEnergy || !st.bool('TxCtrlr', 'AllowEnergyTransferResumption', true)) tx.noEnergy = true;
    // [E17.FR.18] it was Charging: energy transfer resumes after a random delay of at most
    // TxCtrlr.EnergyTransferResumptionRandomRange seconds (the charging state stays Charging meanwhile).
    const rangeS = st.num('TxCtrlr', 'EnergyTransferResumptionRandomRange', 0);
    if (randomHold && !tx.noEnergy && p.chargingState === 'Charging' && rangeS > 0) hold = rangeS * 1000;
  } else if (st.bool('TxCtrlr', 'StopTxOnEVSideDisconnect', true)) {
    evse.auth = undefined; // [E10] the EV left: the transaction is deauthorized, as for an unplug
  }
  // [E17.FR.17] the EV left and a TxStopPoint condition is met: the transaction ends normally (E06).
  if (departed && stopPointMet(st, evse)) {
    endTx(st, evse, 'EVCommunicationLost', 'EVDisconnected');
    st.refresh(evse, 'EVCommunicationLost');
    return;
  }
  startTimers(st, evse);
  if (hold) {
    evse.resumeHold = true;
    const h = st.clock.setTimeout(() => { evse.resumeHold = undefined; if (evse.tx === tx) st.refresh(evse, 'ChargingStateChanged'); }, Math.random() * hold);
    const prev = tx.cancelPeriodic;
    tx.cancelPeriodic = () => { prev?.(); st.clock.clearTimeout(h); evse.resumeHold = undefined; };
  }
  // [E17.FR.11] the charging state from before; [E17.FR.16] Idle when the EV left but no stop point ends it.
  // [E17.FR.14] Updated(TxResumed) with its chargingState.
  sendTxEvent(st, evse, 'Updated', 'TxResumed');
  st.refresh(evse, 'ChargingStateChanged');
}
