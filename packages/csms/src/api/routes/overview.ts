// GET /api/overview: the dashboard's counters in one call. Stations online/offline, connectors by
// status, active transactions and energy delivered today come from the store (so every CSMS node of a
// cluster answers alike); messages per second come from the bus's `message` events (one per CALL, in
// either direction; with the NATS bus, of every node) counted over a sliding minute.
import type { FastifyInstance } from 'fastify';
import type { CsmsRuntime } from '../../runtime.ts';
import type { EventBus } from '../../bus/bus.ts';
import type { ApiContext } from '../index.ts';
import { registerWh } from '../../store/logic.ts';

const WINDOW_S = 60;
const PAGE = 1000;
const REGISTER = 'Energy.Active.Import.Register';

/** CALLs seen on the bus per second, over the last minute. */
export interface MessageRate {
  /** CALL messages (both directions) in the last 60 s. */
  lastMinute(now?: number): number;
  stop(): void;
}

export function createMessageRate(bus: EventBus, clock: () => number = Date.now): MessageRate {
  const counts = new Array<number>(WINDOW_S).fill(0);
  const stamps = new Array<number>(WINDOW_S).fill(-1);
  const off = bus.subscribe('message', () => {
    const sec = Math.floor(clock() / 1000);
    const i = sec % WINDOW_S;
    if (stamps[i] !== sec) {
      stamps[i] = sec;
      counts[i] = 0;
    }
    counts[i]! += 1;
  });
  return {
    lastMinute(now = clock()) {
      const sec = Math.floor(now / 1000);
      let sum = 0;
      for (let i = 0; i < WINDOW_S; i++) if (stamps[i]! > sec - WINDOW_S && stamps[i]! <= sec) sum += counts[i]!;
      return sum;
    },
    stop: off,
  };
}

export function startOfUtcDay(now: number): Date {
  const d = new Date(now);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

/**
 * Energy (Wh) delivered since `since` by every transaction overlapping [since, now]: the highest
 * Energy.Active.Import.Register reading minus the reading at `since` (the highest one before it) or,
 * for a transaction started after `since`, its lowest reading (meterStartWh).
 */
/** Highest register reading (Wh) of a transaction strictly before `before`, paging forward through its series. */
async function highestReadingBefore(runtime: CsmsRuntime, stationId: string, transactionId: string, from: string, before: Date): Promise<number | undefined> {
  const LIMIT = 10_000; // the stores' largest page
  let best: number | undefined;
  let cursor = from;
  for (;;) {
    const rows = await runtime.store.listMeterValues({ stationId, transactionId, measurand: REGISTER, since: cursor, until: before.toISOString(), limit: LIMIT });
    for (const r of rows) {
      const wh = Date.parse(r.timestamp) < before.getTime() ? registerWh(r) : undefined;
      if (wh !== undefined && (best === undefined || wh > best)) best = wh;
    }
    const last = rows.at(-1)?.timestamp;
    if (rows.length < LIMIT || !last || last === cursor) return best;
    cursor = last;
  }
}

export async function energySince(runtime: CsmsRuntime, since: Date, now: Date): Promise<number> {
  let total = 0;
  for (let offset = 0; ; offset += PAGE) {
    const page = await runtime.store.listTransactions({ since: since.toISOString(), until: now.toISOString(), limit: PAGE, offset });
    for (const t of page.items) {
      if (t.energyWh === undefined) continue;
      let base = t.meterStartWh;
      if (Date.parse(t.startedAt) < since.getTime()) {
        const atSince = await highestReadingBefore(runtime, t.stationId, t.transactionId, t.startedAt, since);
        if (atSince !== undefined) base = atSince;
      }
      if (base !== undefined && t.energyWh > base) total += t.energyWh - base;
    }
    if (offset + PAGE >= page.total) break;
  }
  return Math.round(total * 1000) / 1000;
}

const count = { type: 'integer', minimum: 0 } as const;
const overviewSchema = {
  type: 'object',
  required: ['stations', 'connectors', 'transactions', 'energyTodayWh', 'messages', 'at'],
  properties: {
    stations: { type: 'object', required: ['total', 'online', 'offline'], properties: { total: count, online: count, offline: count } },
    connectors: {
      type: 'object',
      required: ['total', 'byStatus'],
      properties: {
        total: count,
        byStatus: { type: 'object', description: 'Available, Occupied, Reserved, Unavailable, Faulted: every status, 0 when none', additionalProperties: count },
      },
    },
    transactions: { type: 'object', required: ['active'], properties: { active: count } },
    energyTodayWh: { type: 'number', description: 'Energy delivered since 00:00 UTC today, from the stored meter readings (Wh)' },
    messages: {
      type: 'object',
      required: ['lastMinute', 'perSecond'],
      properties: { lastMinute: count, perSecond: { type: 'number', description: 'lastMinute / 60' } },
    },
    at: { type: 'string', format: 'date-time' },
  },
} as const;

const STATUSES = ['Available', 'Occupied', 'Reserved', 'Unavailable', 'Faulted'] as const;

export function overviewRoutes(ctx: ApiContext, clock: () => number = Date.now) {
  return async function overview(app: FastifyInstance): Promise<void> {
    const rate = createMessageRate(ctx.runtime.bus, clock);
    app.addHook('onClose', async () => rate.stop());
    app.get('/overview', { schema: { summary: 'Dashboard counters in one call', tags: ['stations'], response: { 200: overviewSchema } } }, async () => {
      const { store, sessions } = ctx.runtime;
      const now = clock();
      let total = 0;
      let online = 0;
      const byStatus: Record<string, number> = Object.fromEntries(STATUSES.map((s) => [s, 0]));
      let connectors = 0;
      for (let offset = 0; ; offset += PAGE) {
        const page = await store.listStations({ limit: PAGE, offset });
        total = page.total;
        // Online: connected to this node, or (cluster) marked connected in the store by another node;
        // with cluster.enabled the presence table decides (a crashed node's stations expire from it).
        const { cluster } = ctx.runtime;
        online += page.items.filter((s) => (cluster ? cluster.isOnline(s.id) : sessions.has(s.id) || s.connected)).length;
        const lists = await Promise.all(page.items.map((s) => store.listConnectors(s.id)));
        for (const c of lists.flat()) {
          connectors += 1;
          byStatus[c.status] = (byStatus[c.status] ?? 0) + 1;
        }
        if (offset + PAGE >= page.total) break;
      }
      const active = (await store.listTransactions({ state: 'active', limit: 1, offset: 0 })).total;
      const energyTodayWh = await energySince(ctx.runtime, startOfUtcDay(now), new Date(now));
      const lastMinute = rate.lastMinute(now);
      return {
        stations: { total, online, offline: total - online },
        connectors: { total: connectors, byStatus },
        transactions: { active },
        energyTodayWh,
        messages: { lastMinute, perSecond: Math.round((lastMinute / WINDOW_S) * 1000) / 1000 },
        at: new Date(now).toISOString(),
      };
    });
  };
}
