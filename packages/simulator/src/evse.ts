// The physical side of a simulated station: EVSEs, connectors, the EV on the cable, availability.
// Pure state + derived values (connector status, power path, delivered power, charging state).
import type { OcppTypes } from '@chargewire/ocpp';
import type { TimerHandle } from './clock.ts';
import { Meter, deliveredPower } from './meter.ts';

export type IdToken = OcppTypes.IdTokenType;

/** [C01.FR.25] two IdTokens are equal when idToken and type are equal (absent = not equal). */
export const sameIdToken = (a: IdToken | undefined, b: IdToken | undefined): boolean => !!a && !!b && a.idToken === b.idToken && a.type === b.type;
export type ConnectorStatus = OcppTypes.ConnectorStatusEnumType;
export type ChargingState = OcppTypes.ChargingStateEnumType;
export type TriggerReason = OcppTypes.TriggerReasonEnumType;
export type StoppedReason = OcppTypes.ReasonEnumType;
export type TxPoint = 'ParkingBayOccupancy' | 'EVConnected' | 'Authorized' | 'DataSigned' | 'PowerPathClosed' | 'EnergyTransfer';

export interface ConnectorState {
  id: number;
  type: string;
  maxPowerW: number;
  /** Explicit availability set by ChangeAvailability (persisted, G03.FR.08). */
  operative: boolean;
  /** Last status reported to the CSMS (to send only changes, G01/B04). */
  reported?: ConnectorStatus;
  /** A hardware fault (connector-fault.ts): status Faulted, no energy through this connector until cleared. */
  faulted?: boolean;
}

export interface Authorization {
  idToken: IdToken;
  groupIdToken?: IdToken;
  remoteStartId?: number;
  /** Authorized while offline (C15): the CSMS verdict arrives in a TransactionEventResponse. */
  offline?: boolean;
}

export interface TxState {
  id: string;
  /** seqNo of the next TransactionEvent (E01.FR.07: starts at 0, +1 per message). */
  seqNo: number;
  startedAt: number;
  chargingState: ChargingState;
  /** Conditions that held at some point during the transaction (stop points fire on true -> false). */
  seen: Set<TxPoint>;
  idTokenSent: boolean;
  remoteStartId?: number;
  /** A stop was requested but TxStopPoint keeps the transaction open (e.g. only EVConnected). */
  pendingStop?: StoppedReason;
  /** The idToken that authorized this transaction (C01.FR.23: no other token after a deauthorization). */
  authorizedBy?: IdToken;
  /** Token that stopped the authorization, sent once with the StopAuthorized event (E07.FR.02). */
  stopIdToken?: IdToken;
  /** Meter reading (Wh) at the start, for MaxEnergyOnInvalidId (E05.FR.03). */
  startWh?: number;
  cancelPeriodic?: () => void;
  /** E16 (2.1): the limits in force (supported fields only), who set them, what to report next, what was hit. */
  limits?: TxLimits;
  /** E17.FR.12 resumed with TxCtrlr.AllowEnergyTransferResumption = false: no energy for the rest of the transaction. */
  noEnergy?: boolean;
  /** Readings for the Ended event collected so far (E06.FR.11, J02.FR.20; tx-ended-samples.ts). */
  endedSamples?: OcppTypes.MeterValueType[];
  /** Whether the public key of the signing meter went out in this transaction (PublicKeyWithSignedMeterValue). */
  publicKeySent?: boolean;
}

export type TransactionLimit = Pick<OcppTypes.TransactionLimitType, 'maxCost' | 'maxEnergy' | 'maxTime' | 'maxSoC'>;
export type LimitTrigger = 'CostLimitReached' | 'EnergyLimitReached' | 'TimeLimitReached' | 'SoCLimitReached';

export interface TxLimits {
  /** Effective limits (E16: whichever is reached first ends energy transfer). */
  current: TransactionLimit;
  /** The limits the CSMS set: a driver may not go above them (E16.FR.04). */
  csms: TransactionLimit;
  /** Report these once, in transactionInfo.transactionLimit of the next TransactionEvent (E16.FR.01/03, F07.FR.03). */
  report?: TransactionLimit;
  /** The limit that suspended energy transfer (E16.FR.05), cleared when the limit is raised (E16.FR.14). */
  reached?: LimitTrigger;
  /** Last totalCost from the CSMS (TransactionEventResponse / CostUpdated), for maxCost (E16.FR.15). */
  totalCost?: number;
  cancelWatch?: () => void;
}

export interface EvseState {
  id: number;
  maxPowerW: number;
  connectors: ConnectorState[];
  operative: boolean;
  scheduledAvailability?: boolean;
  /** Connector the EV is plugged into (undefined = no EV). */
  plugged?: number;
  /** An EV stands in the parking bay (parking-bay.ts); a plugged-in EV counts as parked as well. */
  parked?: boolean;
  /** What the EV draws when allowed (W); 0 = EV suspends. */
  evDemandW: number;
  /** Station-side limit on this EVSE (W), e.g. from the console. */
  limitW?: number;
  /** K: the limit of the charging profiles in force now (W; smart-charging-state.ts), undefined = none. */
  profileLimitW?: number;
  /** Energy delivery stopped by the station after a non-Accepted idToken (C15.FR.06, E05.FR.02). */
  suspended?: boolean;
  /** Stops polling MaxEnergyOnInvalidId (E05.FR.03). */
  cancelEnergyWatch?: () => void;
  auth?: Authorization;
  tx?: TxState;
  meter: Meter;
  evTimeout?: TimerHandle;
  /** The connector retention lock failed to lock (G05): no energy transfer until cleared. */
  lockFailed?: boolean;
  /** Conditions that were true when the last transaction ended: they must drop before they can start a new one. */
  spent?: Set<TxPoint>;
  /** TxStartPoint DataSigned (E01.FR.04, data-signed.ts): the meter delivered a signed reading for this session. */
  signedData?: boolean;
  /** Waiting for that signed reading: the power path stays open until the transaction started. */
  awaitingSign?: boolean;
  signTimer?: TimerHandle;
  /** E17.FR.18: energy transfer of a resumed transaction waits a random delay (the charging state stays). */
  resumeHold?: boolean;
  /** H01: the EVSE is held for a reservation, its connectors report Reserved (blocks/reservation.ts). */
  reserved?: boolean;
  /** H03: the reservation used on this EVSE, sent once in the next TransactionEvent (E01.FR.13, H01.FR.15). */
  reservationId?: number;
}

export function connectorMaxW(evse: EvseState): number {
  const c = evse.connectors.find((x) => x.id === evse.plugged);
  return Math.min(evse.maxPowerW, c?.maxPowerW ?? evse.maxPowerW);
}

/** Energy may flow: EV connected, authorized, EVSE operative (G03.FR.06). */
export function powerPathClosed(evse: EvseState, stationOperative: boolean): boolean {
  // [G05.FR.01] no charging while the connector retention lock has failed.
  // [E01.FR.04] not before the signed start reading of TxStartPoint DataSigned (data-signed.ts).
  // [G01] not through a Faulted connector (connector-fault.ts).
  return evse.plugged !== undefined && evse.auth !== undefined && !evse.lockFailed && !evse.awaitingSign && (evse.operative || evse.tx !== undefined) && (stationOperative || evse.tx !== undefined)
    && !faultedForEv(evse);
}

/** The EVSE as a whole is Faulted: every connector has a fault (connector-fault.ts). */
export function evseFaulted(evse: EvseState): boolean {
  return evse.connectors.every((c) => c.faulted);
}

/** No session is possible for a fault: the EV's connector is Faulted, or without an EV all of them. */
export function faultedForEv(evse: EvseState): boolean {
  return evse.plugged !== undefined ? evse.connectors.some((c) => c.faulted && c.id === evse.plugged) : evseFaulted(evse);
}

/** The power the EVSE offers and the EV takes, before a resumption delay (E17.FR.18) holds it back. */
export function offeredW(evse: EvseState, stationOperative: boolean): number {
  // [C15.FR.06] [E05.FR.02] a suspended EVSE delivers nothing (chargingState SuspendedEVSE); likewise
  // [E16.FR.05] after a transaction limit was reached and [E17.FR.12] a resumed transaction without energy.
  const blocked = evse.suspended || evse.tx?.limits?.reached !== undefined || evse.tx?.noEnergy;
  return deliveredPower({
    pathClosed: powerPathClosed(evse, stationOperative), evDrawW: evse.evDemandW, connectorMaxW: connectorMaxW(evse),
    // [K02] [K04.FR.01] and never above the composite limit of the charging profiles (smart-charging-state.ts).
    ...(blocked ? { limitW: 0 } : evse.limitW !== undefined || evse.profileLimitW !== undefined
      ? { limitW: Math.min(evse.limitW ?? Number.POSITIVE_INFINITY, evse.profileLimitW ?? Number.POSITIVE_INFINITY) } : {}),
  });
}

export function deliveredW(evse: EvseState, stationOperative: boolean): number {
  return evse.resumeHold ? 0 : offeredW(evse, stationOperative);
}

export function chargingState(evse: EvseState, stationOperative: boolean): ChargingState {
  if (evse.plugged === undefined) return 'Idle';
  if (!powerPathClosed(evse, stationOperative)) return 'EVConnected';
  // [E16.FR.05] a reached transaction limit: SuspendedEVSE, also when the EV was not drawing.
  if (evse.tx?.limits?.reached) return 'SuspendedEVSE';
  if (evse.evDemandW <= 0) return 'SuspendedEV';
  return offeredW(evse, stationOperative) > 0 ? 'Charging' : 'SuspendedEVSE';
}

/** G01: the status of one connector, from availability and occupancy. */
export function connectorStatus(evse: EvseState, c: ConnectorState, stationOperative: boolean): ConnectorStatus {
  // [G03.FR.06] [G04.FR.07] a Faulted connector stays Faulted whatever the availability (only operative ones become
  // Unavailable), also with an EV on it: it is not available for energy delivery (ConnectorStatusEnumType).
  if (c.faulted) return 'Faulted';
  // [G01.FR.09] an EV plugged into a Reserved connector leaves it Reserved until the reservation is used (H03).
  if (evse.plugged === c.id && !evse.reserved) return 'Occupied';
  // [G03.FR.06] [G04.FR.07] an inoperative station or EVSE makes its connectors Unavailable (after any transaction).
  if (!c.operative || ((!evse.operative || !stationOperative) && evse.tx === undefined)) return 'Unavailable';
  // [H01.FR.20] [H01.FR.23] [H01.FR.24] every connector of a reserved EVSE is Reserved.
  if (evse.reserved) return 'Reserved';
  if (evse.plugged !== undefined) return 'Unavailable'; // another connector of this EVSE is in use
  return 'Available';
}

/** Conditions for TxStartPoint / TxStopPoint (E01). */
export function txConditions(evse: EvseState, stationOperative: boolean): Record<TxPoint, boolean> {
  const plugged = evse.plugged !== undefined;
  return {
    ParkingBayOccupancy: plugged || evse.parked === true,
    EVConnected: plugged,
    Authorized: evse.auth !== undefined,
    DataSigned: evse.signedData === true,
    PowerPathClosed: powerPathClosed(evse, stationOperative),
    EnergyTransfer: offeredW(evse, stationOperative) > 0,
  };
}
