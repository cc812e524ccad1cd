// The CSMS Store: one protocol-shaped interface (design habit 4) with memory, SQLite and PostgreSQL
// adapters, all specified by store-suite.ts. Records live in records.ts.
//
// Durability: every write method's promise resolves only after its data is committed. Hot writes
// (journal, meter values, events, touchStation, transaction events) go through group commit: queued and
// written in one DB transaction per short tick (group-commit.ts), so the CSMS can answer the station
// after `await`. A failed write rejects its own promise with a StoreError; other writes of the batch
// still commit.
import type {
  AuthorizationData,
  EventDataType,
  MeterValueType,
  ReportDataType,
  TransactionEventRequest,
  TransactionLimitType,
  UpdateEnumType,
} from '@chargewire/ocpp/types';
import type {
  ApplyTransactionResult,
  BootInput,
  BootRecord,
  ConnectionInput,
  ConnectorRecord,
  ConnectorStatusInput,
  EventFilter,
  EventRecord,
  IdTokenFilter,
  IdTokenInput,
  IdTokenRecord,
  JournalFilter,
  JournalInput,
  JournalRecord,
  LocalList,
  MeterValueFilter,
  MeterValueRow,
  NewStation,
  Page,
  RemoteStartInput,
  RemoteStartRecord,
  SecurityEventInput,
  SecurityEventRecord,
  StationRecord,
  StoreStats,
  Timestamp,
  TransactionEventMeta,
  TransactionEventRecord,
  TransactionFilter,
  TransactionLimitRecord,
  TransactionRecord,
  VariableFilter,
  VariableRecord,
  VariableValueInput,
} from './records.ts';

export type * from './records.ts';

export const storeErrorCodes = {
  STORE_ERR_NOT_FOUND: 'The station, id token or other record does not exist',
  STORE_ERR_CONFLICT: 'A record with this key already exists',
  STORE_ERR_INVALID: 'The input is malformed (the message names the field); nothing was written',
  STORE_ERR_CLOSED: 'The store is closed',
  STORE_ERR_BACKEND: 'The database failed (connection lost, disk full, …); the write was not committed',
} as const;
export type StoreErrorCode = keyof typeof storeErrorCodes;

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  readonly details: Record<string, unknown>;
  constructor(code: StoreErrorCode, message?: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message ?? storeErrorCodes[code], options);
    this.name = 'StoreError';
    this.code = code;
    this.details = details;
  }
}

export interface Store {
  /** 'memory' | 'sqlite' | 'postgres'. */
  readonly kind: string;

  // ---- stations (B01–B04, A00 credentials) ----
  /** STORE_ERR_CONFLICT when the id exists. */
  registerStation(station: NewStation): Promise<StationRecord>;
  getStation(id: string): Promise<StationRecord | undefined>;
  /** Ordered by id; `search` is a case-insensitive substring of id or description. */
  listStations(opts: { search?: string; limit: number; offset: number }): Promise<Page<StationRecord>>;
  /** Deletes the station and everything stored for it. STORE_ERR_NOT_FOUND when unknown. */
  deleteStation(id: string): Promise<void>;
  /** STORE_ERR_NOT_FOUND when unknown. */
  setStationPasswordHash(id: string, passwordHash: string): Promise<void>;
  /** Station fields other than id/credentials; STORE_ERR_NOT_FOUND when unknown. */
  updateStation(id: string, patch: { bootPolicy?: NewStation['bootPolicy'] | null; description?: string | null; securityProfile?: NewStation['securityProfile'] }): Promise<StationRecord>;
  /** Hot (group commit). Never moves lastSeen backwards; unknown stations are ignored. */
  touchStation(id: string, lastSeen: Timestamp): Promise<void>;
  /** Latest boot on the station + one boot history row. STORE_ERR_NOT_FOUND when unknown. */
  recordBoot(boot: BootInput): Promise<void>;
  /** Newest first. */
  listBoots(stationId: string, limit: number): Promise<BootRecord[]>;
  /** Connection state/version/time; STORE_ERR_NOT_FOUND when unknown. */
  recordConnection(stationId: string, conn: ConnectionInput): Promise<void>;

  // ---- EVSE / connector status (G01–G05) ----
  /** Returns applied=false (and stores nothing) when the stored status is newer than `at`. */
  upsertConnectorStatus(input: ConnectorStatusInput): Promise<{ applied: boolean }>;
  /** Ordered by evseId, connectorId. */
  listConnectors(stationId: string): Promise<ConnectorRecord[]>;

  // ---- device model (B05–B08) ----
  /** Upserts every attribute of every ReportData (one NotifyReport part); characteristics replace the old ones. */
  applyReport(stationId: string, requestId: number, reportData: ReportDataType[]): Promise<void>;
  /** Records SetVariables/GetVariables results; value changes only for status 'Accepted'. */
  setVariableValues(stationId: string, values: VariableValueInput[]): Promise<void>;
  /** Ordered by component, instance, evse, connector, variable, instance, attributeType. */
  listVariables(stationId: string, filter: VariableFilter): Promise<Page<VariableRecord>>;

  // ---- events (N, NotifyEvent; A SecurityEventNotification) ----
  /** Hot. Idempotent per (station, generatedAt, seqNo, eventId). */
  appendEvents(stationId: string, generatedAt: Timestamp, seqNo: number, events: EventDataType[]): Promise<void>;
  /** Newest first. `since` filters on the event's timestamp. */
  listEvents(filter: EventFilter): Promise<EventRecord[]>;
  /** Hot. */
  appendSecurityEvent(stationId: string, event: SecurityEventInput): Promise<void>;
  /** Newest first. */
  listSecurityEvents(filter: EventFilter): Promise<SecurityEventRecord[]>;

  // ---- message journal ----
  /** Hot. */
  appendJournal(entries: JournalInput[]): Promise<void>;
  /** Newest first (by id); page with `beforeId` = last id of the previous page. */
  listJournal(stationId: string, filter: JournalFilter): Promise<JournalRecord[]>;
  /**
   * Retention: deletes the oldest entries of all stations, in the order they were appended (by id), as long as
   * their `at` is before `before`, at most `limit` of them; resolves with how many were deleted. The CSMS
   * appends frames in the order it sees them, so this is "every entry older than `before`"; an entry appended
   * after a newer one waits until the entries before it are due. Not hot: the retention job (retention.ts)
   * calls it in small batches.
   */
  pruneJournal(before: Timestamp, limit: number): Promise<number>;

  // ---- id tokens (C01–C16) ----
  /** Insert or replace (key: idToken case-insensitively + type). */
  upsertIdToken(token: IdTokenInput): Promise<IdTokenRecord>;
  /** Case-insensitive on idToken (IdTokenType: "IdToken is case insensitive"). */
  findIdToken(idToken: string, type: string): Promise<IdTokenRecord | undefined>;
  listIdTokens(filter: IdTokenFilter): Promise<Page<IdTokenRecord>>;
  /** STORE_ERR_NOT_FOUND when unknown. */
  deleteIdToken(idToken: string, type: string): Promise<void>;

  // ---- local authorization lists (D01–D02) ----
  getLocalList(stationId: string): Promise<LocalList>;
  /**
   * Full: replaces all entries. Differential: entries with idTokenInfo are upserted, entries without it
   * are removed (D01). Stores `version` as the list version. STORE_ERR_NOT_FOUND for an unknown station.
   */
  saveLocalList(stationId: string, version: number, entries: AuthorizationData[], updateType: UpdateEnumType): Promise<LocalList>;

  // ---- transactions (E01–E17) ----
  /**
   * Hot. Idempotent: an event whose content (everything but seqNo/offline/customData) was already stored
   * for this transaction, or with the same seqNo and messageId, is a duplicate and changes nothing. A
   * different event reusing a seqNo (station rebooted mid-transaction) is kept. Order of arrival does not
   * matter: the record is derived as described on TransactionRecord. Meter values are appended as well.
   */
  applyTransactionEvent(stationId: string, request: TransactionEventRequest, meta: TransactionEventMeta): Promise<ApplyTransactionResult>;
  getTransaction(stationId: string, transactionId: string): Promise<TransactionRecord | undefined>;
  /** Ordered by timestamp, then seqNo, then arrival. */
  listTransactionEvents(stationId: string, transactionId: string): Promise<TransactionEventRecord[]>;
  /** Newest startedAt first. */
  listTransactions(filter: TransactionFilter): Promise<Page<TransactionRecord>>;
  /**
   * Not-yet-Ended transactions started with this token (case-insensitive), on any station, without
   * `excludeTransactionId` (the transaction the token is presented in). For ConcurrentTx.
   */
  activeTransactionCount(idToken: string, opts?: { excludeTransactionId?: string }): Promise<number>;

  // ---- remote starts and transaction limits (F01/F02, F07, E16, E17) ----
  /** Insert or replace (key: station + remoteStartId). STORE_ERR_NOT_FOUND for an unknown station. */
  recordRemoteStart(input: RemoteStartInput): Promise<RemoteStartRecord>;
  /** The remote start with, once its events arrived, the transaction they carry it in. */
  findRemoteStart(stationId: string, remoteStartId: number): Promise<RemoteStartRecord | undefined>;
  /** The transaction whose events carry this remoteStartId (newest startedAt if several), recorded or not. */
  findTransactionByRemoteStart(stationId: string, remoteStartId: number): Promise<TransactionRecord | undefined>;
  /** Sets or replaces the CSMS limit of a transaction: not yet delivered, not confirmed (E16.FR.02). */
  setTransactionLimit(stationId: string, transactionId: string, limit: TransactionLimitType): Promise<TransactionLimitRecord>;
  getTransactionLimit(stationId: string, transactionId: string): Promise<TransactionLimitRecord | undefined>;
  /** Records delivery/confirmation of the limit; STORE_ERR_NOT_FOUND when the transaction has no limit. */
  markTransactionLimit(stationId: string, transactionId: string, mark: { deliveredWith?: string; confirmed?: boolean }): Promise<TransactionLimitRecord>;

  // ---- meter values (J01–J03) ----
  /**
   * Hot. Idempotent per (station, evse, transaction, timestamp, measurand, phase, location, context).
   * With a transactionId, also raises that transaction's energyWh.
   */
  appendMeterValues(stationId: string, evseId: number, meterValues: MeterValueType[], transactionId?: string): Promise<void>;
  /** Oldest first (time series). */
  listMeterValues(filter: MeterValueFilter): Promise<MeterValueRow[]>;

  // ---- retention of charging history ----
  /**
   * Deletes up to `limit` transactions that ended before `before` (oldest start first), each together with its
   * events, meter readings, limit and remote start, and up to `limit` meter readings taken before `before`
   * outside any transaction. A transaction not yet Ended is kept however old. `more`: a further call may find
   * more that is due. Not hot: the retention job (retention.ts) calls it in small batches.
   */
  pruneHistory(before: Timestamp, limit: number): Promise<{ transactions: number; readings: number; more: boolean }>;

  // ---- lifecycle ----
  /** Resolves when everything written so far is committed. */
  flush(): Promise<void>;
  /** Group-commit counters (for the store batch-size metric). */
  stats(): StoreStats;
  /** Flushes, then releases the database. Later calls reject with STORE_ERR_CLOSED. */
  close(): Promise<void>;
}
