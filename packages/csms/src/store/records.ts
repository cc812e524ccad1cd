// Records the Store reads and writes, in OCPP terms. Timestamps are ISO-8601 strings on output; inputs
// accept a string or a Date (see `Timestamp`). Optional fields are absent (never null) on output.
import type {
  AttributeEnumType,
  ChargingProfileType,
  ChargingStateEnumType,
  ChargingStationType,
  ComponentType,
  ConnectorStatusEnumType,
  EventDataType,
  IdTokenType,
  MutabilityEnumType,
  ReasonEnumType,
  SetVariableStatusEnumType,
  SignedMeterValueType,
  TransactionEventEnumType,
  TransactionEventRequest,
  TransactionLimitType,
  TriggerReasonEnumType,
  VariableCharacteristicsType,
  VariableType,
} from '@chargewire/ocpp/types';

export type Timestamp = string | Date;
// id tokens and local lists (records-auth.ts)
export type * from './records-auth.ts';
export type BootPolicy = 'Accepted' | 'Pending' | 'Rejected';
export type SecurityProfile = 0 | 1 | 2 | 3;

/** An offset page: `total` counts all matches, `items` holds at most `limit` of them. */
export interface Page<T> {
  items: T[];
  total: number;
}

// ---- stations ----------------------------------------------------------------------------------

export interface NewStation {
  id: string;
  passwordHash?: string;
  securityProfile: SecurityProfile;
  /** Per-station boot answer; absent = the CSMS default. */
  bootPolicy?: BootPolicy;
  description?: string;
}

export interface BootInfo {
  at: string;
  reason: string;
  chargingStation: ChargingStationType;
  status: BootPolicy;
  interval: number;
}

export interface StationRecord {
  id: string;
  passwordHash?: string;
  securityProfile: SecurityProfile;
  bootPolicy?: BootPolicy;
  description?: string;
  createdAt: string;
  lastSeen?: string;
  connected: boolean;
  /** OCPP version of the last connection ('ocpp2.0.1' | 'ocpp2.1'). */
  ocppVersion?: string;
  lastConnectedAt?: string;
  lastDisconnectedAt?: string;
  lastBoot?: BootInfo;
}

export interface BootInput {
  stationId: string;
  at: Timestamp;
  reason: string;
  chargingStation: ChargingStationType;
  status: BootPolicy;
  interval: number;
}

export interface BootRecord extends BootInfo {
  id: number;
  stationId: string;
}

export interface ConnectionInput {
  at: Timestamp;
  version?: string;
  connected: boolean;
}

// ---- EVSE / connector status -------------------------------------------------------------------

export interface ConnectorStatusInput {
  stationId: string;
  evseId: number;
  connectorId: number;
  status: ConnectorStatusEnumType;
  /** The station's timestamp of the status (StatusNotification.timestamp). */
  at: Timestamp;
}

export interface ConnectorRecord {
  stationId: string;
  evseId: number;
  connectorId: number;
  status: ConnectorStatusEnumType;
  at: string;
}

// ---- device model ------------------------------------------------------------------------------

/** One attribute (Actual/Target/MinSet/MaxSet) of one variable of one component. */
export interface VariableRecord {
  stationId: string;
  component: string;
  componentInstance?: string;
  evseId?: number;
  connectorId?: number;
  variable: string;
  variableInstance?: string;
  attributeType: AttributeEnumType;
  value?: string;
  mutability?: MutabilityEnumType;
  persistent?: boolean;
  constant?: boolean;
  characteristics?: VariableCharacteristicsType;
  /** Result of the last SetVariables for this attribute. */
  lastSetStatus?: SetVariableStatusEnumType;
  /** requestId of the NotifyReport that last reported it. */
  reportRequestId?: number;
  updatedAt: string;
}

export interface VariableValueInput {
  component: ComponentType;
  variable: VariableType;
  /** Defaults to 'Actual'. */
  attributeType?: AttributeEnumType;
  value: string;
  /** The station's answer; the stored value changes only when 'Accepted'. */
  status: SetVariableStatusEnumType;
}

export interface VariableFilter {
  component?: string;
  variable?: string;
  /** Case-insensitive substring of component, variable or value. */
  search?: string;
  limit: number;
  offset: number;
}

// ---- events ------------------------------------------------------------------------------------

export interface EventRecord {
  id: number;
  stationId: string;
  generatedAt: string;
  seqNo: number;
  event: EventDataType;
}

export interface SecurityEventInput {
  type: string;
  timestamp: Timestamp;
  techInfo?: string;
}

export interface SecurityEventRecord {
  id: number;
  stationId: string;
  type: string;
  timestamp: string;
  techInfo?: string;
}

export interface EventFilter {
  stationId?: string;
  since?: Timestamp;
  limit: number;
}

// ---- message journal ---------------------------------------------------------------------------

export interface JournalInput {
  stationId: string;
  direction: 'in' | 'out';
  /** OCPP-J message type id: 2 CALL, 3 CALLRESULT, 4 CALLERROR, 5 CALLRESULTERROR, 6 SEND. */
  messageType: number;
  messageId: string;
  action?: string;
  /** The raw frame text, verbatim. */
  payload: string;
  at: Timestamp;
}

export interface JournalRecord extends Omit<JournalInput, 'at'> {
  id: number;
  at: string;
}

export interface JournalFilter {
  action?: string;
  direction?: 'in' | 'out';
  since?: Timestamp;
  until?: Timestamp;
  limit: number;
  /** Page backwards: only entries with id < beforeId. Results are newest first. */
  beforeId?: number;
}

// ---- transactions ------------------------------------------------------------------------------

export interface TransactionRecord {
  stationId: string;
  transactionId: string;
  evseId?: number;
  connectorId?: number;
  /** From the earliest event that carries one. */
  idToken?: IdTokenType;
  /** Started/Updated/Ended: Ended once any Ended event arrived, whatever the arrival order. */
  state: TransactionEventEnumType;
  /** From the latest (by timestamp, then seqNo) event that carries one. */
  chargingState?: ChargingStateEnumType;
  triggerReason: TriggerReasonEnumType;
  stoppedReason?: ReasonEnumType;
  remoteStartId?: number;
  reservationId?: number;
  /** Timestamp of the Started event, else of the earliest event. */
  startedAt: string;
  /** Timestamp of the Ended event. */
  endedAt?: string;
  /** Highest Energy.Active.Import.Register (total, no phase) seen for it, in Wh. */
  energyWh?: number;
  /** Lowest such reading (the register at start when the station reports absolute readings). */
  meterStartWh?: number;
  timeSpentCharging?: number;
  /** True when any of its events was sent with offline: true. */
  offline: boolean;
  /**
   * True when its latest authorization change (by timestamp, then seqNo) was triggerReason Deauthorized or
   * StopAuthorized, i.e. it is no longer authorized for charging (C01.FR.24); absent otherwise.
   */
  deauthorized?: boolean;
  eventCount: number;
  updatedAt: string;
}

export interface TransactionEventRecord {
  id: number;
  stationId: string;
  transactionId: string;
  seqNo: number;
  eventType: TransactionEventEnumType;
  triggerReason: TriggerReasonEnumType;
  timestamp: string;
  offline: boolean;
  receivedAt: string;
  messageId: string;
  request: TransactionEventRequest;
}

export interface TransactionEventMeta {
  receivedAt: Timestamp;
  messageId: string;
}

export interface ApplyTransactionResult {
  /** True when this event was already stored (same content, or same seqNo + messageId): nothing changed. */
  duplicate: boolean;
  transaction: TransactionRecord;
}

export interface TransactionFilter {
  stationId?: string;
  idToken?: string;
  state?: 'active' | 'ended';
  /** Transactions overlapping [since, until]. */
  since?: Timestamp;
  until?: Timestamp;
  limit: number;
  offset: number;
}

/** A RequestStartTransaction as sent (F01/F02, F07), kept so the transaction it creates can be linked. */
export interface RemoteStartInput {
  stationId: string;
  remoteStartId: number;
  idToken: IdTokenType;
  evseId?: number;
  /** The TxProfile sent with it: re-sent when the transaction resumes after a reboot (E17.FR.15). */
  chargingProfile?: ChargingProfileType;
  /** F07 (2.1): the limit for the transaction's first TransactionEventResponse. */
  transactionLimit?: TransactionLimitType;
  at: Timestamp;
}

export interface RemoteStartRecord extends Omit<RemoteStartInput, 'at'> {
  requestedAt: string;
  /** The transaction whose events carry this remoteStartId (the newest one if a station reused the id). */
  transactionId?: string;
}

/** A CSMS-set transaction limit (E16, F07) and how far it got. */
export interface TransactionLimitRecord {
  stationId: string;
  transactionId: string;
  limit: TransactionLimitType;
  /** `${seqNo}@${timestamp}` of the event whose response carried it (a retried event gets it again, E16.FR.02). */
  deliveredWith?: string;
  /** True once the station echoed it (or lower) in a non-offline event (E16.FR.03, E16.FR.08, E16.FR.18). */
  confirmed: boolean;
  updatedAt: string;
}

// ---- meter values ------------------------------------------------------------------------------

/** One sampled value, flattened. */
export interface MeterValueRow {
  id: number;
  stationId: string;
  evseId: number;
  transactionId?: string;
  timestamp: string;
  /** Spec default applied: 'Energy.Active.Import.Register' when the station omitted it. */
  measurand: string;
  phase?: string;
  location?: string;
  context?: string;
  unit?: string;
  multiplier?: number;
  value: number;
  /** Kept verbatim for verification. */
  signedMeterValue?: SignedMeterValueType;
}

export interface MeterValueFilter {
  stationId: string;
  transactionId?: string;
  evseId?: number;
  measurand?: string;
  since?: Timestamp;
  until?: Timestamp;
  limit: number;
}

export interface StoreStats {
  /** Group-commit batches committed, items in them, and the largest batch. */
  batches: number;
  items: number;
  maxBatch: number;
  /**
   * ms the batches took to execute, summed (BEGIN … COMMIT; on SQLite that is event-loop time, with several
   * PostgreSQL lanes it can exceed wall time). Average commit time = batchMs / batches.
   */
  batchMs: number;
  /** SQLite: WAL restart points so far, and how long the writer waited at them in all, ms (sqlite-checkpointer.ts). */
  walRestarts?: number;
  walRestartWaitMs?: number;
  /** SQLite: batches that found the write lock held by another process (a cluster node on the same file), and the ms they waited for it in all. */
  lockWaits?: number;
  lockWaitMs?: number;
  /** SQLite: batches of several writes rolled back as a whole because one failed, then run again with a savepoint per write (sqlite.ts sqliteBatches). */
  batchRetries?: number;
}
