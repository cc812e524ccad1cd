// Interop harness: our simulator (packages/simulator) against our CSMS (packages/csms) over real
// WebSockets on 127.0.0.1 (port 0). The station runs on a ManualClock (simulated minutes take no wall
// time); the network and the CSMS run in real time, so assertions poll with `eventually`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OcppVersion } from '@chargewire/ocpp';
import { createCsms, loadConfig, createMemoryStore, type Csms, type CsmsConfig, type DeepPartial } from '@chargewire/csms';
import { createStation, ManualClock, type Station, type StationOptions } from '@chargewire/simulator';
import type { Store } from '../../packages/csms/src/store/store.ts';
import type { CsmsRuntime } from '../../packages/csms/src/runtime.ts';
import { silentLogger } from '../fixtures/csms.ts';

/** Poll until `fn` returns a truthy value (returned, narrowed), or fail after `ms`. */
export async function eventually<T>(fn: () => T | Promise<T>, ms = 2000): Promise<Exclude<T, undefined | null | false | 0 | ''>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as Exclude<T, undefined | null | false | 0 | ''>;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
export const VERSIONS: OcppVersion[] = ['2.1', '2.0.1'];

export interface SimEnv {
  csms: Csms;
  runtime: CsmsRuntime;
  store: Store;
  url: string;
  /** A station on a ManualClock, started (connected) unless `start: false`; stopped by stop(). */
  station(o: Partial<StationOptions> & { identity: string; version: OcppVersion; start?: boolean }): Promise<SimStation>;
  stop(): Promise<void>;
}

export interface SimStation {
  st: Station;
  clock: ManualClock;
  /** Everything the station saw or did, in order. */
  log: StationLog;
  /** Wait until the station is Accepted (and its boot-time status notifications are stored). */
  accepted(): Promise<void>;
}

export interface StationLog {
  statuses: { evseId: number; connectorId: number; status: string }[];
  txEvents: { eventType: string; seqNo: number; triggerReason: string; offline?: boolean; transactionId: string }[];
  /** CSMS-initiated requests the station answered. */
  requests: { action: string; payload: unknown; response?: unknown; error?: string }[];
  /** Station-initiated calls (action + response). */
  sent: { action: string; payload: unknown; response?: unknown; error?: Error }[];
  registrations: string[];
  failures: Error[];
}

/**
 * A CSMS on ephemeral ports. `sqlite: true` uses a SQLite file in a temp dir (removed by stop()),
 * otherwise the memory store. boot.fetchInventory stays at its default (true) unless overridden.
 */
export async function startSimEnv(o: { sqlite?: boolean; config?: DeepPartial<CsmsConfig> } = {}): Promise<SimEnv> {
  const dir = o.sqlite ? mkdtempSync(join(tmpdir(), 'cw-interop-')) : undefined;
  const overrides = o.config ?? {};
  const config = loadConfig({
    overrides: {
      ...overrides,
      dataDir: dir ?? tmpdir(),
      ocpp: { host: '127.0.0.1', port: 0, callTimeoutMs: 5000, ...overrides.ocpp },
      http: { host: '127.0.0.1', port: -1, ...overrides.http },
      reports: { timeoutMs: 10_000, ...overrides.reports },
      store: dir ? { kind: 'sqlite', sqlitePath: join(dir, 'csms.db') } : { kind: 'memory' },
    },
  });
  const csms = createCsms(config, { logger: silentLogger(), ...(dir ? {} : { store: createMemoryStore() }) });
  const ports = await csms.start();
  const url = `ws://127.0.0.1:${ports.ocpp}/ocpp`;
  const stations: Station[] = [];
  return {
    csms,
    runtime: csms.runtime,
    get store() { return csms.runtime.store; },
    url,
    async station(so) {
      const { version, start, ...rest } = so;
      const clock = new ManualClock();
      // Heartbeats and clock-aligned data off unless a scenario asks for them: keeps traffic predictable.
      const st = createStation({
        url, clock, versions: [version], rebootDelayMs: 1, callTimeoutMs: 5000, ...rest,
        variables: { 'AlignedDataCtrlr.Interval': '0', 'OCPPCommCtrlr.HeartbeatInterval': '3600', ...rest.variables },
      });
      stations.push(st);
      const log = record(st);
      if (start !== false) await st.start();
      return {
        st, clock, log,
        async accepted() {
          await eventually(() => st.registration === 'Accepted', 5000);
          await eventually(async () => (await csms.runtime.store.listConnectors(st.opts.identity)).length >= st.evses.reduce((n, e) => n + e.connectors.length, 0), 5000);
        },
      };
    },
    async stop() {
      await Promise.all(stations.map((s) => s.stop().catch(() => {})));
      await csms.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function record(st: Station): StationLog {
  const log: StationLog = { statuses: [], txEvents: [], requests: [], sent: [], registrations: [], failures: [] };
  st.on('status', (s) => log.statuses.push({ ...s }));
  st.on('transactionEvent', (e) => log.txEvents.push({
    eventType: e.eventType, seqNo: e.seqNo, triggerReason: e.triggerReason, transactionId: e.transactionInfo.transactionId, ...(e.offline ? { offline: true } : {}),
  }));
  st.on('request', (r) => log.requests.push(r));
  st.on('sent', (s) => log.sent.push({ action: s.action, payload: s.payload, ...(s.response !== undefined ? { response: s.response } : {}), ...(s.error ? { error: s.error } : {}) }));
  st.on('registration', (r) => log.registrations.push(r.status));
  st.on('failure', (e) => log.failures.push(e));
  return log;
}

/** A station identity unique per test and version. */
export function idFor(tc: string, version: OcppVersion): string {
  return `${tc}-${version.replace(/\./g, '')}-${Math.random().toString(36).slice(2, 7)}`;
}

/** Stored status of one connector (undefined when none stored). */
export async function storedStatus(store: Store, stationId: string, evseId = 1, connectorId = 1): Promise<string | undefined> {
  return (await store.listConnectors(stationId)).find((c) => c.evseId === evseId && c.connectorId === connectorId)?.status;
}

/** Wait until the stored status of a connector is `status`. */
export function statusStored(store: Store, stationId: string, status: string, evseId = 1, connectorId = 1): Promise<unknown> {
  return eventually(async () => (await storedStatus(store, stationId, evseId, connectorId)) === status, 5000);
}

/** Wait until the station's outbox is empty (every queued TransactionEvent answered). */
export function drained(st: Station): Promise<unknown> {
  return eventually(() => st.outbox.size === 0 && st.connected, 5000);
}
