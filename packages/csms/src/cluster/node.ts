// One CSMS node in a cluster: serves `<prefix>.cmd.<nodeId>` (CALLs other nodes forward to the stations
// connected here), forwards CALLs for stations held elsewhere, and keeps the presence table (who holds
// which station) in step through `<prefix>.presence`. Uses the NATS connection of the event bus.
import type { Msg, NatsConnection, Subscription } from 'nats';
import { OcppError, type CallOptions, type OcppVersion } from '@chargewire/ocpp';
import type { Logger } from 'pino';
import type { StationSession } from '../runtime.ts';
import { ClusterError } from './errors.ts';
import { PresenceTable } from './presence.ts';
import {
  commandSubject, decodePresence, decodeReply, decodeRequest, encode, errorToWire, presenceSubject,
  type CommandReply, type PresenceMessage, wireToError,
} from './protocol.ts';

export type LocalCall = (stationId: string, action: string, payload: unknown, opts: CallOptions) => Promise<unknown>;

export interface ClusterNodeOptions {
  nodeId: string;
  subjectPrefix: string;
  /** The bus's connection, read at start() (after the bus is ready). */
  connection: () => NatsConnection | undefined;
  /** The local sessions (what this node announces). */
  sessions: ReadonlyMap<string, StationSession>;
  /** The node's own, local callStation (never the cluster-routing one: no forwarding loops). */
  localCall: LocalCall;
  /** callTimeoutMs when the caller gives none. */
  defaultTimeoutMs: number;
  /** A node silent this long is gone, with all its stations (heartbeats every third of it). */
  presenceTimeoutMs: number;
  /** Added to the call timeout for the NATS request (default 2000 ms). */
  marginMs?: number;
  /** Largest command or reply (also capped by the server's max_payload). */
  maxPayloadBytes: number;
  /** Forwarded calls served at once; beyond, OCPP_ERR_QUEUE_FULL (default 10 000). */
  maxInflight?: number;
  log: Logger;
}

const SNAPSHOT_CHUNK = 500;
const MAX_SNAPSHOT_PARTS = 10_000;

export class ClusterNode {
  readonly nodeId: string;
  readonly presence: PresenceTable;
  private nc: NatsConnection | undefined;
  private subs: Subscription[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly hbMs: number;
  private inflight = 0;
  private epoch = 0;
  private stopped = false;
  /** What this node has announced as connected here: stationId -> version, connectedAt. */
  private readonly announced = new Map<string, { ver: OcppVersion; at: number }>();
  /** Snapshots being assembled, one per node at most. */
  private readonly snaps = new Map<string, { epoch: number; parts: number; got: Set<number>; list: Array<[string, OcppVersion, number]> }>();
  /** When we last asked a node for a snapshot (at most one ask per node per two heartbeats). */
  private readonly asked = new Map<string, number>();

  constructor(private readonly o: ClusterNodeOptions) {
    this.nodeId = o.nodeId;
    this.presence = new PresenceTable({ self: o.nodeId, timeoutMs: o.presenceTimeoutMs });
    this.hbMs = Math.max(50, Math.floor(o.presenceTimeoutMs / 3));
  }

  async start(): Promise<void> {
    const nc = this.o.connection();
    if (!nc) throw new ClusterError('CLUSTER_ERR_NO_NATS', 'the NATS bus is not connected');
    this.nc = nc;
    this.subs.push(nc.subscribe(commandSubject(this.o.subjectPrefix, this.nodeId), { callback: (err, msg) => { if (!err) void this.serve(msg); } }));
    this.subs.push(nc.subscribe(presenceSubject(this.o.subjectPrefix), { callback: (err, msg) => { if (!err) this.onPresence(msg); } }));
    await nc.flush();
    this.publish({ v: 1, t: 'sync', node: this.nodeId });
    this.tick();
    this.timer = setInterval(() => this.tick(), this.hbMs);
    this.timer.unref();
    void this.watchReconnects(nc);
  }

  /** Graceful stop: say goodbye (every station of this node goes offline on the other nodes at once). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.publish({ v: 1, t: 'bye', node: this.nodeId });
    for (const s of this.subs) s.unsubscribe();
    this.subs = [];
    if (this.nc && !this.nc.isClosed()) await this.nc.flush().catch(() => {});
  }

  /** Announce (or withdraw) one local station if its session changed since the last announcement. */
  reconcile(stationId: string): void {
    if (!this.nc || this.stopped) return;
    const s = this.o.sessions.get(stationId);
    const a = this.announced.get(stationId);
    if (s) {
      const at = s.connectedAt.getTime();
      if (a && a.at === at && a.ver === s.version) return;
      this.announced.set(stationId, { ver: s.version, at });
      this.publish({ v: 1, t: 'up', node: this.nodeId, id: stationId, ver: s.version, at });
    } else if (a) {
      this.announced.delete(stationId);
      this.publish({ v: 1, t: 'down', node: this.nodeId, id: stationId });
    }
  }

  /** Send a CALL to a station held by `owner`; errors as a local call would raise them. */
  async forward(owner: string, stationId: string, action: string, payload: unknown, opts: CallOptions = {}): Promise<unknown> {
    const nc = this.nc;
    if (!nc || nc.isClosed() || this.stopped) throw new OcppError('OCPP_ERR_CLOSED', `station ${stationId} is not connected here and the cluster link is down`);
    const timeoutMs = opts.timeoutMs ?? this.o.defaultTimeoutMs;
    const data = encode({ v: 1, from: this.nodeId, stationId, action, payload, timeoutMs });
    const max = this.maxPayload();
    if (data.length > max) throw new ClusterError('CLUSTER_ERR_PAYLOAD_TOO_LARGE', `${action} for ${stationId} is ${data.length} bytes, the cluster limit is ${max}`);
    if (opts.signal?.aborted) throw new OcppError('OCPP_ERR_ABORTED');
    let msg: Msg;
    try {
      msg = await withSignal(nc.request(commandSubject(this.o.subjectPrefix, owner), data, { timeout: timeoutMs + (this.o.marginMs ?? 2000) }), opts.signal);
    } catch (err) {
      const code = (err as { code?: string }).code;
      // loaded already (the bus's connection exists); imported here so that a CSMS without a cluster never loads nats
      const { ErrorCode } = await import('nats');
      if (code === ErrorCode.NoResponders) {
        this.presence.dropNode(owner); // nobody serves that node's subject: it is gone
        throw new OcppError('OCPP_ERR_CLOSED', `station ${stationId} is not connected (its node ${owner} does not answer)`, new ClusterError('CLUSTER_ERR_NO_RESPONDER', `no responder on node ${owner}`));
      }
      if (code === ErrorCode.Timeout) {
        throw new OcppError('OCPP_ERR_CALL_TIMEOUT', `station ${stationId} (on node ${owner}) did not answer ${action} in time`, new ClusterError('CLUSTER_ERR_TIMEOUT'));
      }
      if (nc.isClosed()) throw new OcppError('OCPP_ERR_CLOSED', `station ${stationId}: the cluster link closed during the call`, err);
      throw err;
    }
    const reply = decodeReply(msg.data);
    if (reply.ok) return reply.response;
    throw wireToError(reply.error, `node ${owner}`);
  }

  private async serve(msg: Msg): Promise<void> {
    let reply: CommandReply;
    let action = '?';
    if (this.inflight >= (this.o.maxInflight ?? 10_000)) {
      reply = { v: 1, ok: false, error: errorToWire(new OcppError('OCPP_ERR_QUEUE_FULL', `node ${this.nodeId} serves too many forwarded calls`)) };
    } else {
      this.inflight++;
      try {
        const req = decodeRequest(msg.data);
        action = req.action;
        // the owner validates the payload as for a local call (endpoint.call checks it against the schema)
        const response = await this.o.localCall(req.stationId, req.action, req.payload ?? {}, { timeoutMs: Math.min(req.timeoutMs, 600_000) });
        reply = { v: 1, ok: true, response };
      } catch (err) {
        reply = { v: 1, ok: false, error: errorToWire(err) };
      } finally {
        this.inflight--;
      }
    }
    let data = encode(reply);
    if (data.length > this.maxPayload()) {
      data = encode({ v: 1, ok: false, error: errorToWire(new ClusterError('CLUSTER_ERR_PAYLOAD_TOO_LARGE', `the reply to ${action} is ${data.length} bytes`)) });
    }
    if (this.nc && !this.nc.isClosed()) msg.respond(data);
  }

  private onPresence(msg: Msg): void {
    let m: PresenceMessage;
    try {
      m = decodePresence(msg.data);
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message }, 'cluster: bad presence message dropped');
      return;
    }
    if (m.node === this.nodeId) return; // our own, echoed
    const p = this.presence;
    switch (m.t) {
      case 'up':
        return p.up(m.node, m.id, m.ver, m.at);
      case 'down':
        return p.down(m.node, m.id);
      case 'bye':
        p.dropNode(m.node);
        this.forget(m.node);
        return;
      case 'hb': {
        p.seen(m.node);
        // a lost up/down (or a node we have just met): ask for its full list
        if (p.countOf(m.node) !== m.n) this.ask(m.node);
        return;
      }
      case 'sync':
        p.seen(m.node);
        if (m.target === undefined || m.target === this.nodeId) this.sendSnapshot();
        return;
      case 'snap':
        return this.onSnapshotPart(m);
    }
  }

  private onSnapshotPart(m: Extract<PresenceMessage, { t: 'snap' }>): void {
    if (m.parts < 1 || m.parts > MAX_SNAPSHOT_PARTS || m.part < 0 || m.part >= m.parts) return;
    let s = this.snaps.get(m.node);
    if (!s || s.epoch !== m.epoch) {
      s = { epoch: m.epoch, parts: m.parts, got: new Set(), list: [] };
      this.snaps.set(m.node, s);
    }
    if (s.got.has(m.part)) return;
    s.got.add(m.part);
    for (const e of m.list.slice(0, SNAPSHOT_CHUNK)) {
      if (Array.isArray(e) && typeof e[0] === 'string' && (e[1] === '2.1' || e[1] === '2.0.1') && typeof e[2] === 'number') s.list.push(e);
    }
    if (s.got.size < s.parts) return;
    this.snaps.delete(m.node);
    this.presence.replace(m.node, s.list);
  }

  private sendSnapshot(): void {
    const list = [...this.announced].map(([id, a]): [string, OcppVersion, number] => [id, a.ver, a.at]);
    const parts = Math.max(1, Math.ceil(list.length / SNAPSHOT_CHUNK));
    const epoch = ++this.epoch;
    for (let part = 0; part < parts; part++) {
      this.publish({ v: 1, t: 'snap', node: this.nodeId, epoch, part, parts, list: list.slice(part * SNAPSHOT_CHUNK, (part + 1) * SNAPSHOT_CHUNK) });
    }
  }

  private ask(node: string): void {
    const now = Date.now();
    if ((this.asked.get(node) ?? 0) + 2 * this.hbMs > now) return;
    this.asked.set(node, now);
    this.publish({ v: 1, t: 'sync', node: this.nodeId, target: node });
  }

  private forget(node: string): void {
    this.snaps.delete(node);
    this.asked.delete(node);
  }

  private tick(): void {
    for (const id of this.o.sessions.keys()) this.reconcile(id);
    for (const id of [...this.announced.keys()]) if (!this.o.sessions.has(id)) this.reconcile(id);
    this.publish({ v: 1, t: 'hb', node: this.nodeId, n: this.announced.size });
    for (const node of this.presence.sweep()) {
      this.forget(node);
      this.o.log.warn({ node }, 'cluster: node expired (no heartbeat), its stations are offline');
    }
  }

  private async watchReconnects(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (this.stopped) return;
      // messages may have been lost while disconnected: resend our list and ask for everyone's
      if (s.type === 'reconnect') {
        this.sendSnapshot();
        this.publish({ v: 1, t: 'sync', node: this.nodeId });
      }
    }
  }

  private maxPayload(): number {
    return Math.min(this.o.maxPayloadBytes, this.nc?.info?.max_payload ?? Number.MAX_SAFE_INTEGER);
  }

  private publish(m: PresenceMessage): void {
    const nc = this.nc;
    if (!nc || nc.isClosed()) return;
    try {
      nc.publish(presenceSubject(this.o.subjectPrefix), encode(m));
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message }, 'cluster: presence publish failed');
    }
  }
}

function withSignal<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new OcppError('OCPP_ERR_ABORTED'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
