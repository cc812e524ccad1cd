// Response shapes of the CSMS API (docs/api.md; packages/csms/src/api/schemas.ts). Where the API sends a type
// the CSMS declares as it is, that type is re-exported from the CSMS (type-only: Vite erases these imports, so
// no CSMS code is bundled); the others are declared here, saying which CSMS record they serve.
import type { IdTokenType } from '@chargewire/ocpp/types';
import type { meterSeries, requestStartTransaction } from '@chargewire/csms';
import type {
  BootInfo,
  EventRecord,
  IdTokenEvseRestriction,
  IdTokenSchedule,
  IdTokenTimeWindow,
  SecurityEventRecord,
  TransactionEventRecord,
  Weekday,
} from '@chargewire/csms/records';

/** The store's Page plus the request's limit and offset (packages/csms/src/api/schemas.ts pageOf). */
export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** A station's last BootNotification, as stored (packages/csms/src/store/records.ts BootInfo). */
export type { BootInfo };

/** The store's StationRecord without passwordHash, plus hasPassword and online (stationView, packages/csms/src/api/routes/stations.ts). */
export interface Station {
  id: string;
  description?: string;
  securityProfile: number;
  bootPolicy?: string;
  hasPassword: boolean;
  createdAt: string;
  lastSeen?: string;
  online: boolean;
  ocppVersion?: string;
  lastConnectedAt?: string;
  lastDisconnectedAt?: string;
  lastBoot?: BootInfo;
}

/** The store's ConnectorRecord without stationId (GET /api/stations/:id). */
export interface Connector {
  evseId: number;
  connectorId: number;
  status: string;
  at: string;
}

export interface StationDetail extends Station {
  connectors: Connector[];
  session?: { version: string; connectedAt: string; lastSeen: string; bootStatus?: string; securityProfile: number };
}

/** The store's VariableRecord without stationId (GET /api/stations/:id/variables). */
export interface Variable {
  component: string;
  componentInstance?: string;
  evseId?: number;
  connectorId?: number;
  variable: string;
  variableInstance?: string;
  attributeType: string;
  value?: string;
  mutability?: string;
  lastSetStatus?: string;
  updatedAt?: string;
}

/** The store's JournalRecord without stationId (GET /api/stations/:id/journal). */
export interface JournalEntry {
  id: number;
  direction: 'in' | 'out';
  messageType: number;
  messageId: string;
  action?: string;
  payload: string;
  at: string;
}

/** GET /api/events/notify and /api/events/security serve the stored rows as they are (packages/csms/src/store/records.ts). */
export type { EventRecord as NotifyEventRow, SecurityEventRecord as SecurityEventRow };

/** The OCPP IdTokenType the CSMS stores (@chargewire/ocpp/types, as packages/csms/src/store/records.ts uses it). */
export type { IdTokenType };

/** A transaction as GET /api/transactions and GET /api/stations/:id/transactions/:transactionId serve it
 * (the store's TransactionRecord plus chargedWh and durationS, packages/csms/src/api-charging/transactions.ts). */
export interface Transaction {
  stationId: string;
  transactionId: string;
  evseId?: number;
  connectorId?: number;
  idToken?: IdTokenType;
  /** Started, Updated or Ended. */
  state: string;
  chargingState?: string;
  triggerReason?: string;
  stoppedReason?: string;
  remoteStartId?: number;
  reservationId?: number;
  startedAt: string;
  endedAt?: string;
  /** Highest Energy.Active.Import.Register reading (Wh). */
  energyWh?: number;
  /** Lowest such reading (Wh). */
  meterStartWh?: number;
  /** energyWh - meterStartWh, when both are known. */
  chargedWh?: number;
  durationS?: number;
  timeSpentCharging?: number;
  offline?: boolean;
  eventCount?: number;
  updatedAt?: string;
}

/** A stored TransactionEvent (request verbatim), packages/csms/src/store/records.ts. */
export type { TransactionEventRecord };

/** One meter value series (oldest first), grouped by measurand/phase/location: what meterSeries
 * (packages/csms/src/blocks/meter-values.ts) returns, served as it is. */
export type MeterSeries = Awaited<ReturnType<typeof meterSeries>>[number];
/** One reading; multiplier is the power of ten to apply to value (unitOfMeasure.multiplier). */
export type MeterPoint = MeterSeries['points'][number];

/** GET /api/stations/:id/transactions/:transactionId */
export interface TransactionDetail {
  transaction: Transaction;
  events: TransactionEventRecord[];
  meterValues: MeterSeries[];
}

/** POST /api/stations/:id/transactions/start: requestStartTransaction's result, RequestStartResult in
 * packages/csms/src/blocks/remote-control.ts (the route sends its two fields). */
export type RemoteStartAnswer = Awaited<ReturnType<typeof requestStartTransaction>>;

/** GET/PUT /api/id-tokens/:type/:idToken: the store's IdTokenRecord with hasPin instead of pinHash (PIN hashes are never
 * served: view, packages/csms/src/api-charging/id-tokens.ts). */
export interface IdTokenRecord {
  idToken: string;
  type: string;
  status: string;
  expiryDate?: string;
  groupIdToken?: IdTokenType;
  language1?: string;
  language2?: string;
  personalMessage?: { format: string; content: string; language?: string };
  maxActiveTransactions?: number;
  /** Only these EVSEs, at every station without an `evses` entry; absent = all. */
  evseIds?: number[];
  /** Only at these stations (NotAtThisLocation elsewhere); absent = every station, [] = none. */
  stationIds?: string[];
  /** Per-station EVSE lists; `evseIds: []` = not at that station. */
  evses?: IdTokenEvseRestriction[];
  /** Not valid before this instant (UTC ISO date-time). */
  validFrom?: string;
  /** Weekly windows of local time; outside them NotAtThisTime. */
  schedule?: IdTokenSchedule;
  chargingPriority?: number;
  masterPass?: boolean;
  hasPin?: boolean;
  updatedAt?: string;
}

/** Location and time restrictions of an id token (packages/csms/src/store/records-auth.ts). */
export type { IdTokenEvseRestriction, IdTokenSchedule, IdTokenTimeWindow, Weekday };

/** GET /api/stations/:id/local-list: the store's LocalList plus size and limits (packages/csms/src/api-charging/commands.ts). */
export interface LocalList {
  /** 0 when the station has no list. */
  version: number;
  entries: Array<{ idToken: IdTokenType; idTokenInfo?: { status: string } }>;
  updatedAt?: string;
  size?: number;
  limits?: { itemsPerMessage: number; bytesPerMessage: number };
}

/** GET /api/overview (docs/api.md "Overview"). */
export interface OverviewCounts {
  stations: { total: number; online: number; offline: number };
  connectors: { total: number; byStatus: Record<string, number> };
  transactions: { active: number };
  energyTodayWh: number;
  messages: { lastMinute: number; perSecond: number };
  at: string;
}
