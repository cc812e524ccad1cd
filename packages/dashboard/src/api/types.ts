// Response shapes of the CSMS API (docs/api.md; packages/csms/src/api/schemas.ts).

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface BootInfo {
  at: string;
  reason: string;
  status: string;
  interval: number;
  chargingStation: { model: string; vendorName: string; firmwareVersion?: string; serialNumber?: string; modem?: { iccid?: string; imsi?: string } };
}

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

export interface JournalEntry {
  id: number;
  direction: 'in' | 'out';
  messageType: number;
  messageId: string;
  action?: string;
  payload: string;
  at: string;
}

export interface NotifyEventRow {
  id: number;
  stationId: string;
  generatedAt: string;
  seqNo: number;
  event: Record<string, unknown>;
}

export interface SecurityEventRow {
  id: number;
  stationId: string;
  type: string;
  timestamp: string;
  techInfo?: string;
}

export interface IdTokenType {
  idToken: string;
  type: string;
}

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

/** A stored TransactionEvent (request verbatim). */
export interface TransactionEventRecord {
  id: number;
  stationId: string;
  transactionId: string;
  seqNo: number;
  eventType: string;
  triggerReason: string;
  timestamp: string;
  offline: boolean;
  receivedAt: string;
  messageId: string;
  request: {
    costDetails?: { totalCost?: { currency?: string; total?: { exclTax?: number; inclTax?: number } } };
    [k: string]: unknown;
  };
}

export interface MeterPoint {
  timestamp: string;
  value: number;
  context?: string;
  /** Power of ten to apply to value (unitOfMeasure.multiplier). */
  multiplier?: number;
  signedMeterValue?: unknown;
}

/** One meter value series (oldest first), grouped by measurand/phase/location. */
export interface MeterSeries {
  key: string;
  measurand: string;
  phase?: string;
  location?: string;
  unit?: string;
  points: MeterPoint[];
}

/** GET /api/stations/:id/transactions/:transactionId */
export interface TransactionDetail {
  transaction: Transaction;
  events: TransactionEventRecord[];
  meterValues: MeterSeries[];
}

/** POST /api/stations/:id/transactions/start */
export interface RemoteStartAnswer {
  response: { status: string; transactionId?: string; statusInfo?: { reasonCode: string; additionalInfo?: string } };
  remoteStartId: number;
}

/** GET/PUT /api/id-tokens/:type/:idToken (PIN hashes are never served; hasPin instead). */
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

export type Weekday = 'Sun' | 'Mon' | 'Tue' | 'Wed' | 'Thu' | 'Fri' | 'Sat';

export interface IdTokenEvseRestriction {
  stationId: string;
  evseIds: number[];
}

/** On each of `days`, from `from` (HH:MM, included) to `to` (HH:MM, excluded; 24:00 allowed; before `from` = overnight). */
export interface IdTokenTimeWindow {
  days: Weekday[];
  from: string;
  to: string;
}

/** The id token's weekly schedule (packages/csms/src/store/records.ts IdTokenSchedule). */
export interface IdTokenSchedule {
  /** IANA time zone, e.g. Europe/Amsterdam. */
  timeZone: string;
  windows: IdTokenTimeWindow[];
}

/** GET /api/stations/:id/local-list */
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
