// Live state of the network, fed by the SSE stream (GET /api/events?token=) on top of an initial load
// through the REST API. Components read it with useLive() (useSyncExternalStore): no reloads.
import type { Connector, Page, Station, StationDetail, Transaction } from '../api/types.ts';
import { ApiError, get, isMissingRoute } from '../api/client.ts';

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

export interface LiveSnapshot {
  loaded: boolean;
  loadError?: string;
  stream: 'connecting' | 'open' | 'closed';
  stations: ReadonlyMap<string, LiveStation>;
  /** key `${stationId}/${evseId}/${connectorId}` */
  connectors: ReadonlyMap<string, Connector & { stationId: string }>;
  /** key `${stationId}/${transactionId}` → last known energy (Wh) */
  activeTx: ReadonlyMap<string, number | undefined>;
  /** Energy of transactions active or ended today, in Wh (from /api/transactions, then live events). */
  energyTodayWh: number;
  /** false when the CSMS has no /api/transactions route (numbers then count only what SSE showed). */
  transactionsApi: boolean;
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
const startOfToday = () => {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  return d;
};

export class LiveStore {
  private snap: LiveSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly eventListeners = new Set<(e: LiveEvent) => void>();
  private source: EventSourceLike | undefined;
  private messageTimes: number[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Energy per transaction counted in energyTodayWh (so updates replace, not add). */
  private txEnergy = new Map<string, number>();

  constructor(private readonly factory: EventSourceFactory = (url) => new EventSource(url) as unknown as EventSourceLike) {
    this.snap = { loaded: false, stream: 'closed', stations: new Map(), connectors: new Map(), activeTx: new Map(), energyTodayWh: 0, transactionsApi: true, messagesPerSecond: 0, recent: [] };
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
    src.onopen = () => this.set({ stream: 'open' });
    // EventSource reconnects by itself (retry: 3000); we only show the state.
    src.onerror = () => this.set({ stream: 'connecting' });
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
  }

  private tickRate(now = Date.now()): void {
    this.messageTimes = this.messageTimes.filter((t) => t > now - RATE_WINDOW_MS);
    const rate = Math.round((this.messageTimes.length / (RATE_WINDOW_MS / 1000)) * 10) / 10;
    if (rate !== this.snap.messagesPerSecond) this.set({ messagesPerSecond: rate });
  }

  /** Load stations, their connectors and today's transactions through the REST API. */
  async load(): Promise<void> {
    try {
      const page = await get<Page<Station>>('/api/stations', { limit: 1000 });
      const stations = new Map<string, LiveStation>(this.snap.stations);
      for (const s of page.items) stations.set(s.id, fromStation(s));
      const details = await mapLimit(page.items, 8, (s) => get<StationDetail>(`/api/stations/${encodeURIComponent(s.id)}`).catch(() => undefined));
      const connectors = new Map(this.snap.connectors);
      for (const d of details) for (const c of d?.connectors ?? []) connectors.set(`${d!.id}/${c.evseId}/${c.connectorId}`, { ...c, stationId: d!.id });
      this.set({ stations, connectors, loaded: true, loadError: undefined });
    } catch (err) {
      this.set({ loaded: true, loadError: err instanceof Error ? err.message : String(err) });
      return;
    }
    await this.loadTransactions();
  }

  private async loadTransactions(): Promise<void> {
    try {
      const active = await get<Page<Transaction>>('/api/transactions', { state: 'active', limit: 1000 });
      const today = await get<Page<Transaction>>('/api/transactions', { since: startOfToday().toISOString(), limit: 1000 });
      const activeTx = new Map<string, number | undefined>();
      for (const t of active.items) activeTx.set(`${t.stationId}/${t.transactionId}`, t.energyWh);
      this.txEnergy = new Map(today.items.map((t) => [`${t.stationId}/${t.transactionId}`, txDelivered(t)]));
      this.set({ activeTx, energyTodayWh: sum(this.txEnergy.values()), transactionsApi: true });
    } catch (err) {
      if (isMissingRoute(err) || (err instanceof ApiError && err.status === 404)) this.set({ transactionsApi: false });
    }
  }

  /** Apply one live event (public for tests). */
  apply(e: LiveEvent): void {
    const patch: Partial<LiveSnapshot> = { recent: [e, ...this.snap.recent].slice(0, 200) };
    const station = (id: string) => ({ ...(this.snap.stations.get(id) ?? { id, online: false }) });
    const putStation = (s: LiveStation) => {
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
        const m = new Map(this.snap.connectors);
        m.set(`${e.stationId}/${e.evseId}/${e.connectorId}`, { stationId: e.stationId, evseId: e.evseId, connectorId: e.connectorId, status: e.status, at: e.at });
        patch.connectors = m;
        if (!this.snap.stations.get(e.stationId)?.online) putStation({ ...station(e.stationId), online: true, lastSeen: e.at });
        break;
      }
      case 'transaction.started':
      case 'transaction.updated':
      case 'transaction.ended': {
        const key = `${e.stationId}/${e.transactionId}`;
        const m = new Map(this.snap.activeTx);
        if (e.type === 'transaction.ended') m.delete(key);
        else m.set(key, e.energyWh ?? m.get(key));
        patch.activeTx = m;
        if (e.energyWh !== undefined) {
          this.txEnergy.set(key, Math.max(e.energyWh, this.txEnergy.get(key) ?? 0));
          patch.energyTodayWh = sum(this.txEnergy.values());
        }
        break;
      }
      case 'message':
        this.messageTimes.push(Date.now());
        this.tickRate();
        break;
      default:
        break;
    }
    this.set(patch);
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

function sum(values: Iterable<number>): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
