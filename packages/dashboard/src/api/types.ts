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

/** Shape of the store's TransactionRecord (the /api/transactions routes serve it). */
export interface Transaction {
  stationId: string;
  transactionId: string;
  evseId?: number;
  connectorId?: number;
  idToken?: IdTokenType;
  state: string;
  chargingState?: string;
  stoppedReason?: string;
  startedAt: string;
  endedAt?: string;
  energyWh?: number;
  meterStartWh?: number;
  cost?: number;
  totalCost?: number;
  currency?: string;
}

export interface MeterValueRow {
  timestamp: string;
  measurand: string;
  phase?: string;
  unit?: string;
  value: number;
  context?: string;
}

export interface IdTokenRecord {
  idToken: string;
  type: string;
  status: string;
  expiryDate?: string;
  groupIdToken?: IdTokenType;
  maxActiveTransactions?: number;
  evseIds?: number[];
  updatedAt?: string;
}

export interface LocalList {
  version: number;
  entries: Array<{ idToken: IdTokenType; idTokenInfo?: { status: string } }>;
  updatedAt?: string;
}
