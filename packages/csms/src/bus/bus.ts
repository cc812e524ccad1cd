// The event bus for live updates (dashboard, SSE, cluster fan-out): mqemitter-sized on purpose.
// Adapters: memory.ts (in-process default); a NATS adapter for clusters comes later.

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
  publish(event: CsmsEvent): void;
  /** `pattern` is an event type, a prefix ending in `.*` (e.g. `transaction.*`), or `*` for all. */
  subscribe(pattern: string, listener: Listener): () => void;
  close(): Promise<void>;
}
