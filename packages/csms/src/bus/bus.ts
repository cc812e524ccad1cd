// The event bus for live updates (dashboard, SSE, cluster fan-out): mqemitter-sized on purpose.
// Adapters: memory.ts (in-process default) and nats.ts (events shared by every CSMS node on one NATS
// server); index.ts picks one from the configuration (bus.kind). bus-suite.ts specifies both.

/** Everything the CSMS announces. `type` is also the topic. */
export type CsmsEvent =
  | { type: 'station.connected'; stationId: string; version: string; at: string }
  | { type: 'station.disconnected'; stationId: string; code: number; reason: string; at: string }
  | { type: 'station.booted'; stationId: string; status: 'Accepted' | 'Pending' | 'Rejected'; reason: string; model: string; vendorName: string; firmwareVersion?: string; at: string }
  | { type: 'station.heartbeat'; stationId: string; at: string }
  | { type: 'connector.status'; stationId: string; evseId: number; connectorId: number; status: string; at: string }
  | { type: 'station.event'; stationId: string; count: number; at: string }
  | { type: 'transaction.started' | 'transaction.updated' | 'transaction.ended'; stationId: string; transactionId: string; evseId?: number; energyWh?: number; at: string }
  | { type: 'meter.values'; stationId: string; evseId: number; transactionId?: string; count: number; at: string }
  | { type: 'message'; stationId: string; direction: 'in' | 'out'; action?: string; at: string };

export type CsmsEventType = CsmsEvent['type'];
export type Listener = (event: CsmsEvent) => void;

export interface EventBus {
  /** Fire and forget. The memory bus delivers synchronously; a networked bus delivers asynchronously. */
  publish(event: CsmsEvent): void;
  /** `pattern` is an event type, a prefix ending in `.*` (e.g. `transaction.*`), or `*` for all. */
  subscribe(pattern: string, listener: Listener): () => void;
  /**
   * Resolves once the bus can carry events (a networked bus: connected); rejects with BusError
   * otherwise. createCsms().start() awaits it. Absent = always ready.
   */
  ready?(): Promise<void>;
  close(): Promise<void>;
}

export const busErrorCodes = {
  BUS_ERR_CONNECT: 'The event bus could not connect to its broker (NATS) at start',
  BUS_ERR_CLOSED: 'The event bus is closed',
  BUS_ERR_BAD_PATTERN: 'A subscription pattern is not an event type, a prefix ending in ".*", or "*"',
} as const;
export type BusErrorCode = keyof typeof busErrorCodes;

export class BusError extends Error {
  readonly code: BusErrorCode;
  constructor(code: BusErrorCode, message?: string) {
    super(message ?? busErrorCodes[code]);
    this.name = 'BusError';
    this.code = code;
  }
}

/** Does `pattern` (see EventBus.subscribe) select events of `type`? */
export function matches(pattern: string, type: string): boolean {
  if (pattern === '*' || pattern === type) return true;
  return pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1));
}

/** Throws BUS_ERR_BAD_PATTERN for patterns no event could ever match in the same way on every adapter. */
export function checkPattern(pattern: string): void {
  if (pattern === '*') return;
  if (!/^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)*(\.\*)?$/.test(pattern)) {
    throw new BusError('BUS_ERR_BAD_PATTERN', `bad subscription pattern ${JSON.stringify(pattern)}: use an event type, a prefix ending in ".*", or "*"`);
  }
}
