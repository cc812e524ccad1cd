// The contract between the parts of the CSMS: blocks, the REST API and main.ts all see the running
// server through this one object (libocpp's FunctionalBlockContext idea; no DI container).
import type { Action, ActionMap, CallOptions, OcppConnection, OcppVersion } from '@chargewire/ocpp';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Store } from './store/store.ts';
import type { EventBus } from './bus/bus.ts';
import type { CsmsConfig } from './config.ts';

/** What the CSMS knows about a live connection (one per station at most). */
export interface StationSession {
  stationId: string;
  version: OcppVersion;
  connection: OcppConnection;
  log: Logger;
  connectedAt: Date;
  lastSeen: Date;
  /** Result of the last BootNotification on this connection (B02/B03 rules depend on it). */
  bootStatus: 'Accepted' | 'Pending' | 'Rejected' | undefined;
  securityProfile: 0 | 1 | 2 | 3;
}

/** The running CSMS. */
export interface CsmsRuntime {
  config: CsmsConfig;
  store: Store;
  bus: EventBus;
  log: Logger;
  metrics: Registry;
  /** Live sessions by station id. */
  sessions: ReadonlyMap<string, StationSession>;
  /**
   * Send a CSMS-to-station CALL. Rejects with OcppError('OCPP_ERR_CLOSED') when the station is offline,
   * OcppError('OCPP_ERR_CALL_TIMEOUT') on timeout, RpcError when the station answers CALLERROR.
   */
  callStation<A extends Action>(stationId: string, action: A, payload: ActionMap[A]['request'], opts?: CallOptions): Promise<ActionMap[A]['response']>;
  /**
   * Set when cluster.enabled (cluster/index.ts): callStation then also reaches stations connected to
   * other nodes, and presence covers every node. Absent = a single node: `sessions` is the truth.
   */
  cluster?: ClusterView;
}

/** Presence across the cluster (answered from a local table: synchronous). */
export interface ClusterView {
  nodeId: string;
  /** Is the station connected to this node or to another live node? */
  isOnline(stationId: string): boolean;
  /** The OCPP version of the station's connection, on whichever node holds it. */
  stationVersion(stationId: string): OcppVersion | undefined;
}

/** What a block handler receives as ctx (design habit 7). */
export interface BlockContext {
  csms: CsmsRuntime;
  session: StationSession;
  stationId: string;
  version: OcppVersion;
  messageId: string;
  log: Logger;
}

export type BlockHandler<A extends Action> = (ctx: BlockContext, request: ActionMap[A]['request']) => Promise<ActionMap[A]['response']>;

/** One functional block: `{ id: 'B', name: 'Provisioning', handlers: { BootNotification, … } }`. */
export interface Block {
  id: string;
  name: string;
  handlers: { [A in Action]?: BlockHandler<A> };
}

/** The negotiated OCPP version of a station connected here or (with clustering) to another node. */
export function stationVersion(runtime: CsmsRuntime, stationId: string): OcppVersion | undefined {
  return runtime.sessions.get(stationId)?.version ?? runtime.cluster?.stationVersion(stationId);
}

/** Is the station connected to this node or (with clustering) to another one? */
export function isStationOnline(runtime: CsmsRuntime, stationId: string): boolean {
  return runtime.sessions.has(stationId) || (runtime.cluster?.isOnline(stationId) ?? false);
}
