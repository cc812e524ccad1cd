// Clustering (cluster.enabled): several CSMS nodes behind one load balancer, sharing a store
// (PostgreSQL) and a NATS server. A station is connected to one node; an operator call that arrives at
// another node is forwarded to it over NATS request/reply (node.ts), and every node knows which
// stations are online anywhere (presence.ts). attachCluster() wires this into a runtime: it wraps
// runtime.callStation and sets runtime.cluster. See docs/architecture.md "Clustering".
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { CsmsConfig } from '../config.ts';
import type { CsmsRuntime } from '../runtime.ts';
import type { EventBus } from '../bus/bus.ts';
import type { NatsBus } from '../bus/nats.ts';
import { ClusterError } from './errors.ts';
import { ClusterNode } from './node.ts';

export { ClusterError, clusterErrorCodes, type ClusterErrorCode } from './errors.ts';
export { ClusterNode } from './node.ts';
export { PresenceTable } from './presence.ts';

export interface Cluster {
  readonly node: ClusterNode;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A node id unique enough for one deployment: host, pid and 3 random bytes (NATS subject token chars only). */
export function defaultNodeId(): string {
  return `${hostname().replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40)}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

function isNatsBus(bus: EventBus): bus is NatsBus {
  return 'connection' in bus && 'subjectPrefix' in bus;
}

export interface AttachOptions {
  config: CsmsConfig;
  bus: EventBus;
  log: Logger;
  /** true once the CSMS is stopping: calls are then local only (and fail with CSMS_ERR_SHUTTING_DOWN). */
  isStopping: () => boolean;
}

/** Make `runtime` a cluster node: callStation forwards to the owning node, runtime.cluster answers presence. */
export function attachCluster(runtime: CsmsRuntime, o: AttachOptions): Cluster {
  const { config, bus } = o;
  if (!isNatsBus(bus)) throw new ClusterError('CLUSTER_ERR_NO_NATS');
  const nodeId = config.cluster.nodeId || defaultNodeId();
  const local = runtime.callStation.bind(runtime);
  const log = o.log.child({ component: 'cluster', node: nodeId });
  const node = new ClusterNode({
    nodeId,
    subjectPrefix: bus.subjectPrefix,
    connection: () => bus.connection,
    sessions: runtime.sessions,
    localCall: (id, action, payload, opts) => local(id, action as never, payload as never, opts),
    defaultTimeoutMs: config.ocpp.callTimeoutMs,
    presenceTimeoutMs: config.cluster.presenceTimeoutMs,
    // a command carries one OCPP payload plus a small envelope
    maxPayloadBytes: config.ocpp.maxPayloadBytes + 64 * 1024,
    log,
  });

  const route = ((stationId, action, payload, opts) => {
    if (o.isStopping() || runtime.sessions.has(stationId)) return local(stationId, action, payload, opts);
    const owner = node.presence.owner(stationId);
    // nobody holds it: the local call raises OCPP_ERR_CLOSED exactly as without a cluster
    if (!owner) return local(stationId, action, payload, opts);
    return node.forward(owner.node, stationId, action, payload, opts);
  }) as CsmsRuntime['callStation'];
  runtime.callStation = route;
  runtime.cluster = {
    nodeId,
    isOnline: (id) => runtime.sessions.has(id) || node.presence.owner(id) !== undefined,
    stationVersion: (id) => runtime.sessions.get(id)?.version ?? node.presence.owner(id)?.version,
  };

  // announce connects/disconnects as soon as the bus reports them (the heartbeat tick reconciles too)
  const unsubs = ['station.connected', 'station.disconnected'].map((t) => bus.subscribe(t, (e) => node.reconcile(e.stationId)));
  return {
    node,
    async start() {
      await node.start();
      log.info({ presenceTimeoutMs: config.cluster.presenceTimeoutMs }, 'cluster node started');
    },
    async stop() {
      for (const u of unsubs) u();
      await node.stop();
    },
  };
}
