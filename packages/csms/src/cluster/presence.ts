// Which node holds which station, as the other nodes announced it (cluster presence). Pure state, no
// I/O: node.ts feeds it the presence messages and calls sweep() on its heartbeat tick. Bounded: an
// entry lives only as long as its node keeps sending heartbeats (presenceTimeoutMs), and at most
// maxStations entries are kept (announcements beyond are dropped and counted).
import type { OcppVersion } from '@chargewire/ocpp';

export interface PresenceEntry {
  node: string;
  version: OcppVersion;
  /** When the station connected (ms since epoch, the owning node's clock): the newest connection wins. */
  at: number;
}

interface NodeState {
  lastSeen: number;
  stations: number;
}

export interface PresenceOptions {
  /** This node: its own announcements (NATS echoes them) are ignored. */
  self: string;
  timeoutMs: number;
  maxStations?: number;
  now?: () => number;
}

export class PresenceTable {
  private readonly stations = new Map<string, PresenceEntry>();
  private readonly nodes = new Map<string, NodeState>();
  private readonly self: string;
  private readonly timeoutMs: number;
  private readonly maxStations: number;
  private readonly now: () => number;
  /** Announcements dropped because the table was full. */
  dropped = 0;

  constructor(o: PresenceOptions) {
    this.self = o.self;
    this.timeoutMs = o.timeoutMs;
    this.maxStations = o.maxStations ?? 1_000_000;
    this.now = o.now ?? Date.now;
  }

  /** A message from `node` arrived: it is alive. Returns false for our own node (ignore the message). */
  seen(node: string): boolean {
    if (node === this.self) return false;
    const n = this.nodes.get(node);
    if (n) n.lastSeen = this.now();
    else this.nodes.set(node, { lastSeen: this.now(), stations: 0 });
    return true;
  }

  up(node: string, stationId: string, version: OcppVersion, at: number): void {
    if (!this.seen(node)) return;
    const cur = this.stations.get(stationId);
    // a station reconnecting to another node: the newer connection owns it, whatever the arrival order
    if (cur && cur.node !== node && cur.at > at) return;
    if (!cur && this.stations.size >= this.maxStations) {
      this.dropped++;
      return;
    }
    if (cur) this.count(cur.node, -1);
    this.stations.set(stationId, { node, version, at });
    this.count(node, 1);
  }

  down(node: string, stationId: string): void {
    if (!this.seen(node)) return;
    const cur = this.stations.get(stationId);
    if (cur?.node !== node) return; // it moved to another node meanwhile
    this.stations.delete(stationId);
    this.count(node, -1);
  }

  /** A full list of `node`'s stations (snapshot): what it no longer lists goes, what it lists comes. */
  replace(node: string, list: ReadonlyArray<readonly [string, OcppVersion, number]>): void {
    if (!this.seen(node)) return;
    const listed = new Set(list.map(([id]) => id));
    for (const [id, e] of this.stations) {
      if (e.node === node && !listed.has(id)) {
        this.stations.delete(id);
        this.count(node, -1);
      }
    }
    for (const [id, version, at] of list) this.up(node, id, version, at);
  }

  /** A node said goodbye (graceful stop) or expired: all its stations are offline. */
  dropNode(node: string): number {
    let n = 0;
    for (const [id, e] of this.stations) {
      if (e.node === node) {
        this.stations.delete(id);
        n++;
      }
    }
    this.nodes.delete(node);
    return n;
  }

  /** Expire nodes without a message for timeoutMs. Returns the expired node ids. */
  sweep(): string[] {
    const limit = this.now() - this.timeoutMs;
    const expired = [...this.nodes].filter(([, n]) => n.lastSeen < limit).map(([id]) => id);
    for (const id of expired) this.dropNode(id);
    return expired;
  }

  /** The node holding the station (never this node: local sessions are not in the table). */
  owner(stationId: string): PresenceEntry | undefined {
    const e = this.stations.get(stationId);
    if (!e) return undefined;
    const n = this.nodes.get(e.node);
    // between two sweeps, an expired node's stations already count as offline
    if (!n || n.lastSeen < this.now() - this.timeoutMs) return undefined;
    return e;
  }

  /** How many stations we believe `node` holds (compared with its heartbeat to detect lost messages). */
  countOf(node: string): number | undefined {
    return this.nodes.get(node)?.stations;
  }

  get size(): number {
    return this.stations.size;
  }

  get nodeCount(): number {
    return this.nodes.size;
  }

  private count(node: string, d: number): void {
    const n = this.nodes.get(node);
    if (n) n.stations += d;
  }
}
