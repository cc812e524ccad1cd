// Live state of the network, fed by the SSE stream (GET /api/events?token=) on top of an initial load
// through the REST API. Components read it with useLive() (useSyncExternalStore): no reloads.
import type { Connector, OverviewCounts, Page, Station, Transaction } from '../api/types.ts';
import { get, isMissingRoute } from '../api/client.ts';

/** The bus events of packages/csms/src/bus/bus.ts, as the SSE stream delivers them. */
export type LiveEvent =
  | { type: 'station.connected'; stationId: string; version: string; at: string }
  | { type: 'station.disconnected'; stationId: string; code: number; reason: string; at: string }
  | { type: 'station.booted'; stationId: string; status: string; reason: string; model: string; vendorName: string; firmwareVersion?: string; at: string }
  | { type: 'station.heartbeat'; stationId: string; at: string }
  | { type: 'connector.status'; stationId: string; evseId: number; connectorId: number; status: string; at: string }
  | { type: 'station.event'; stationId: string; count: number; at: string }
  | { type: 'transaction.started' | 'transaction.updated' | 'transaction.ended'; stationId: string; transactionId: string; evseId?: number; energyWh?: number; at: string }
  | { type: 'meter.values'; stationId: string; evseId: number; transactionId?: string; count: number; at: string }
  | { type: 'message'; stationId: string; direction: 'in' | 'out'; action?: string; at: string };

export const EVENT_TYPES: LiveEvent['type'][] = [
  'station.connected', 'station.disconnected', 'station.booted', 'station.heartbeat', 'connector.status', 'station.event',
  'transaction.started', 'transaction.updated', 'transaction.ended', 'meter.values', 'message',
];

export interface LiveStation {
  id: string;
  online: boolean;
  lastSeen?: string;
  version?: string;
  model?: string;
  vendor?: string;
  firmware?: string;
}

/** The overview counters: GET /api/overview at load, then kept up to date by the SSE events. */
export interface Counts {
  stationsOnline: number;
  stationsOffline: number;
  /** Every status of GET /api/overview (Available … Faulted), 0 when none. */
  connectorsByStatus: Readonly<Record<string, number>>;
  activeTransactions: number;
  /** Energy delivered today (00:00 UTC), Wh. */
  energyTodayWh: number;
}

export interface LiveSnapshot {
  loaded: boolean;
  loadError?: string;
  stream: 'connecting' | 'open' | 'closed';
  stations: ReadonlyMap<string, LiveStation>;
  /** Connectors whose status arrived over SSE since the page opened; key `${stationId}/${evseId}/${connectorId}`. */
  connectors: ReadonlyMap<string, Connector & { stationId: string }>;
  /** undefined until GET /api/overview answered, and when the CSMS lacks the route (see overviewApi). */
  counts?: Counts;
  /** false when GET /api/overview answers with the catch-all 404: the counters are not available. */
  overviewApi: boolean;
  messagesPerSecond: number;
  /** Newest first, at most 200. */
  recent: readonly LiveEvent[];
}

/** The part of EventSource the store needs (tests pass a fake). */
export interface EventSourceLike {
  onopen: ((ev: Event) => void) | null;
  onerror: ((ev: Event) => void) | null;
  addEventListener(type: string, fn: (ev: MessageEvent) => void): void;
  close(): void;
}
export type EventSourceFactory = (url: string) => EventSourceLike;

const RATE_WINDOW_MS = 10_000;
/** Wait this long after an event whose effect on the counters is unknown, then ask GET /api/overview again. */
export const RESYNC_DELAY_MS = 300;

/**
 * The live state. The first load is two calls: GET /api/stations (the station map with online flags) and
 * GET /api/overview (the counters). SSE events then move the counters exactly when the previous state is
 * known (a station in the map, a connector or transaction seen over SSE); when it is not (a station or
 * connector not seen yet, a transaction that was running before the page opened), the store asks
 * GET /api/overview again, debounced, instead of guessing.
 */
export class LiveStore {
  private snap: LiveSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly eventListeners = new Set<(e: LiveEvent) => void>();
  private source: EventSourceLike | undefined;
  private messageTimes: number[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private resyncTimer: ReturnType<typeof setTimeout> | undefined;
  /** Transactions seen over SSE: state and highest register reading (Wh). */
  private tx = new Map<string, { ended: boolean; wh: number | undefined }>();
  /** GET /api/overview messages.perSecond, shown until the stream has been open for a whole rate window. */
  private serverRate = 0;
  private openedAt: number | undefined;

  constructor(private readonly factory: EventSourceFactory = (url) => new EventSource(url) as unknown as EventSourceLike) {
    this.snap = { loaded: false, stream: 'closed', stations: new Map(), connectors: new Map(), overviewApi: true, messagesPerSecond: 0, recent: [] };
  }

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
  getSnapshot = (): LiveSnapshot => this.snap;

  /** Raw events (station pages refresh their data on them). */
  onEvent(fn: (e: LiveEvent) => void): () => void {
    this.eventListeners.add(fn);
    return () => this.eventListeners.delete(fn);
  }

  private set(patch: Partial<LiveSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const l of this.listeners) l();
  }

  start(token: string): void {
    this.stop();
    this.set({ stream: 'connecting' });
    const src = this.factory(`/api/events?token=${encodeURIComponent(token)}`);
    this.source = src;
    src.onopen = () => {
      this.openedAt ??= Date.now();
      this.set({ stream: 'open' });
    };
    // EventSource reconnects by itself (retry: 3000); we only show the state. Events missed while
    // disconnected are not replayed: resync the counters once the stream is back.
    src.onerror = () => {
      this.set({ stream: 'connecting' });
      src.onopen = () => {
        this.set({ stream: 'open' });
        this.scheduleResync();
      };
    };
    for (const type of EVENT_TYPES) {
      src.addEventListener(type, (ev) => {
        try {
          this.apply(JSON.parse(ev.data as string) as LiveEvent);
        } catch {
          /* a malformed event is ignored */
        }
      });
    }
    this.timer = setInterval(() => this.tickRate(), 1000);
  }

  stop(): void {
    this.source?.close();
    this.source = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.resyncTimer) clearTimeout(this.resyncTimer);
    this.resyncTimer = undefined;
  }

  private tickRate(now = Date.now()): void {
    this.messageTimes = this.messageTimes.filter((t) => t > now - RATE_WINDOW_MS);
    let rate = Math.round((this.messageTimes.length / (RATE_WINDOW_MS / 1000)) * 10) / 10;
    // Until the stream has seen a whole window, the server's minute is the better number.
    if (this.openedAt === undefined || now - this.openedAt < RATE_WINDOW_MS) rate = Math.max(rate, this.serverRate);
    if (rate !== this.snap.messagesPerSecond) this.set({ messagesPerSecond: rate });
  }

  /** First load: the station list (one call) and the counters (GET /api/overview). No per-station calls. */
  async load(): Promise<void> {
    try {
      const page = await get<Page<Station>>('/api/stations', { limit: 1000 });
      const stations = new Map<string, LiveStation>(this.snap.stations);
      for (const s of page.items) stations.set(s.id, fromStation(s));
      this.set({ stations, loadError: undefined });
    } catch (err) {
      this.set({ loaded: true, loadError: err instanceof Error ? err.message : String(err) });
      return;
    }
    await this.loadOverview();
    this.set({ loaded: true });
  }

  /** GET /api/overview: replaces the counters (events seen before keep their state for later deltas). */
  private async loadOverview(): Promise<void> {
    try {
      const o = await get<OverviewCounts>('/api/overview');
      this.serverRate = o.messages.perSecond;
      this.set({
        overviewApi: true,
        counts: {
          stationsOnline: o.stations.online,
          stationsOffline: o.stations.offline,
          connectorsByStatus: { ...o.connectors.byStatus },
          activeTransactions: o.transactions.active,
          energyTodayWh: o.energyTodayWh,
        },
      });
      this.tickRate();
    } catch (err) {
      if (isMissingRoute(err)) this.set({ overviewApi: false, counts: undefined });
      else this.set({ loadError: err instanceof Error ? err.message : String(err) });
    }
  }

  /** Ask GET /api/overview again soon (several unknowns in a burst make one call). */
  private scheduleResync(): void {
    if (this.resyncTimer || !this.snap.overviewApi) return;
    this.resyncTimer = setTimeout(() => {
      this.resyncTimer = undefined;
      void this.loadOverview();
    }, RESYNC_DELAY_MS);
  }

  /** Apply one live event (public for tests). */
  apply(e: LiveEvent): void {
    const patch: Partial<LiveSnapshot> = { recent: [e, ...this.snap.recent].slice(0, 200) };
    let counts = this.snap.counts ? { ...this.snap.counts } : undefined;
    let resync = false;
    const station = (id: string) => ({ ...(this.snap.stations.get(id) ?? { id, online: false }) });
    const putStation = (s: LiveStation) => {
      const before = (patch.stations ?? this.snap.stations).get(s.id);
      if (counts && before && before.online !== s.online) {
        counts.stationsOnline += s.online ? 1 : -1;
        counts.stationsOffline += s.online ? -1 : 1;
      } else if (!before) resync = true; // a station the list did not have (registered since)
      const m = new Map(patch.stations ?? this.snap.stations);
      m.set(s.id, s);
      patch.stations = m;
    };
    switch (e.type) {
      case 'station.connected':
        putStation({ ...station(e.stationId), online: true, version: e.version, lastSeen: e.at });
        break;
      case 'station.disconnected':
        putStation({ ...station(e.stationId), online: false, lastSeen: e.at });
        break;
      case 'station.booted':
        putStation({ ...station(e.stationId), online: true, model: e.model, vendor: e.vendorName, lastSeen: e.at, ...(e.firmwareVersion ? { firmware: e.firmwareVersion } : {}) });
        break;
      case 'station.heartbeat':
        putStation({ ...station(e.stationId), online: true, lastSeen: e.at });
        break;
      case 'connector.status': {
        const key = `${e.stationId}/${e.evseId}/${e.connectorId}`;
        const before = this.snap.connectors.get(key);
        if (counts && before) {
          const by = { ...counts.connectorsByStatus };
          by[before.status] = Math.max(0, (by[before.status] ?? 0) - 1);
          by[e.status] = (by[e.status] ?? 0) + 1;
          counts = { ...counts, connectorsByStatus: by };
        } else if (!before) resync = true; // its previous (stored) status is unknown here
        const m = new Map(this.snap.connectors);
        m.set(key, { stationId: e.stationId, evseId: e.evseId, connectorId: e.connectorId, status: e.status, at: e.at });
        patch.connectors = m;
        if (!this.snap.stations.get(e.stationId)?.online) putStation({ ...station(e.stationId), online: true, lastSeen: e.at });
        break;
      }
      case 'transaction.started':
      case 'transaction.updated':
      case 'transaction.ended': {
        const key = `${e.stationId}/${e.transactionId}`;
        const known = this.tx.get(key);
        const ended = e.type === 'transaction.ended';
        if (counts) {
          // Started: a new active transaction. Ended: one less, unless its end was seen already.
          if (!known && e.type === 'transaction.started') counts.activeTransactions += 1;
          if (ended && !known?.ended) counts.activeTransactions = Math.max(0, counts.activeTransactions - 1);
        }
        // Energy: the event carries the highest register reading. A transaction started under our eyes
        // begins at its first reading; for one that ran before, what the overview counted is unknown.
        let wh = known?.wh;
        if (e.energyWh !== undefined) {
          if (wh !== undefined) {
            if (counts && e.energyWh > wh) counts.energyTodayWh += e.energyWh - wh;
          } else if (known || e.type !== 'transaction.started') resync = true;
          wh = Math.max(e.energyWh, wh ?? e.energyWh);
        }
        this.tx.set(key, { ended: ended || (known?.ended ?? false), wh });
        break;
      }
      case 'message':
        this.messageTimes.push(Date.now());
        this.tickRate();
        break;
      default:
        break;
    }
    if (counts) patch.counts = counts;
    this.set(patch);
    if (resync) this.scheduleResync();
    for (const l of this.eventListeners) l(e);
  }
}

function fromStation(s: Station): LiveStation {
  const cs = s.lastBoot?.chargingStation;
  return {
    id: s.id,
    online: s.online,
    ...(s.lastSeen ? { lastSeen: s.lastSeen } : {}),
    ...(s.ocppVersion ? { version: s.ocppVersion.replace(/^ocpp/, '') } : {}),
    ...(cs?.model ? { model: cs.model } : {}),
    ...(cs?.vendorName ? { vendor: cs.vendorName } : {}),
    ...(cs?.firmwareVersion ? { firmware: cs.firmwareVersion } : {}),
  };
}

/** Energy a transaction delivered: the register reading minus the start reading when known. */
export function txDelivered(t: Transaction): number {
  if (t.chargedWh !== undefined) return Math.max(0, t.chargedWh);
  if (t.energyWh === undefined) return 0;
  return t.meterStartWh !== undefined ? Math.max(0, t.energyWh - t.meterStartWh) : t.energyWh;
}
