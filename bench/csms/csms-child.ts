// Benchmark CSMS process: the real CSMS (createCsms, quick-start mode, SQLite in a given directory,
// REST API off, logging silent), one per process, so its CPU, memory and peak RSS are its own.
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { Session } from 'node:inspector';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { pino } from 'pino';
import { blocks as registeredBlocks, createCsms, loadConfig, type Block, type Csms } from '@chargewire/csms';
import { transactions } from '../../packages/csms/src/blocks/transactions.ts';
import { meterValuesBlock } from '../../packages/csms/src/blocks/meter-values.ts';
import { authorization } from '../../packages/csms/src/blocks/authorization.ts';

/**
 * The CSMS's registered blocks plus the charging blocks (E transactions, J meter values, C authorization)
 * when blocks/index.ts does not list them yet, so that the fleet mix is handled and persisted for real.
 */
export function benchBlocks(): Block[] {
  const out = [...registeredBlocks];
  for (const b of [authorization, transactions, meterValuesBlock]) if (!out.includes(b)) out.push(b);
  return out;
}
import { serveOps } from '../lib/ipc.ts';
import { loopLateness } from '../lib/loop-lateness.ts';
import { stallMonitor, type StallMonitor, type StallSplit } from '../lib/stall-split.ts';
import { ioOf, peakRssOf } from './peak-rss.ts';

export interface CsmsChildConfig {
  dataDir: string;
  /** 0 = ephemeral. */
  port: number;
  store: 'sqlite' | 'postgres' | 'memory';
  postgresUrl?: string;
  /** SQLite on its own thread (the CSMS default) or on the event loop. */
  sqliteThread?: 'worker' | 'main';
  /** Run the HTTP side as `npm start` does (REST API and dashboard files, on an ephemeral 127.0.0.1 port); default off. */
  restApi?: boolean;
  /** store.batchIntervalMs of the CSMS (group-commit gathering under load). */
  batchIntervalMs?: number;
  /** store.sqliteCheckpointMs of the CSMS (the checkpoint thread's interval). */
  sqliteCheckpointMs?: number;
  /** store.sqliteWalRestartPages of the CSMS (WAL pages between two restart points). */
  sqliteWalRestartPages?: number;
  /** store.sqliteWalFlushAhead of the CSMS. */
  sqliteWalFlushAhead?: boolean;
  /** store.sqliteCacheMb of the CSMS (the SQLite page cache). */
  sqliteCacheMb?: number;
  /** store.touchIntervalMs of the CSMS (how often a connected station's last-seen time is persisted). */
  touchIntervalMs?: number;
  /** store.postgresWriteLanes of the CSMS. */
  postgresWriteLanes?: number;
  /**
   * Listen with wss:// (security profile 2 listener, TLS 1.2+) on an ephemeral port instead of ws://;
   * `port` of the reply is then the TLS port. PEM files (server certificate with the loopback address).
   */
  tls?: { certFile: string; keyFile: string };
  /** A cluster node (cluster.enabled, the NATS bus at 127.0.0.1:4222 or natsUrl): the nodes share the store (PostgreSQL, or one SQLite file in the same dataDir). */
  cluster?: { nodeId: string; subjectPrefix: string; natsUrl?: string };
  /** Split the event loop's stalls by what the main thread did (steady; a 5 ms timer, so off for the others). */
  stallSplit?: boolean;
  /**
   * The store's timings set after the configuration is checked, beyond its bounds (`instructions`: a CSMS
   * slowed down 50–100× by valgrind gets its batch, checkpoint and last-seen intervals stretched alike, so that
   * a commit, a checkpoint and a last-seen write cover as many CALLs as at full speed).
   */
  /** Store intervals set after the configuration's bounds are checked (instructions-bench.ts); batchMaxDelayMs: the group commit's maxDelayMs. */
  stretchedTimes?: { batchIntervalMs: number; batchMaxDelayMs?: number; sqliteCheckpointMs: number; touchIntervalMs: number };
}

export interface CsmsUsage {
  at: number;
  cpuMicros: number;
  rss: number;
  /** Peak RSS of the process so far (VmHWM). */
  peakRss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** Used bytes per V8 heap space (old_space, new_space, code_space, large_object_space…). */
  spaces: Record<string, number>;
  /** Committed bytes per V8 heap space (part of RSS, used or not). */
  committed: Record<string, number>;
  sessions: number;
  /** Items the store has committed through group commit (journal entries, touches, transactions…). */
  storeItems: number;
  storeBatches: number;
  /** ms the store's batches took to execute (BEGIN … COMMIT), cumulative. */
  storeBatchMs: number;
  /** SQLite WAL restart points taken and the time commits waited at them, cumulative (store.stats()). */
  walRestarts: number;
  walRestartWaitMs: number;
  /** SQLite: batches that waited for the write lock another process held (cluster nodes on one file), and the ms waited, cumulative. */
  lockWaits: number;
  lockWaitMs: number;
  /** Cumulative bytes written and write syscalls of the process (/proc/self/io: WAL, checkpoints, sockets). */
  writeBytes: number;
  writeCalls: number;
  /** Cumulative event-loop time of the main thread: busy (active) and idle, ms (performance.eventLoopUtilization). */
  loopActiveMs: number;
  loopIdleMs: number;
  /**
   * Event-loop delay since the previous `usage` call: how late a 10 ms timer fired (p99 and max, ms). Node's
   * histogram records the whole interval between two ticks (an idle loop reads ≈ 10 ms); the period is
   * subtracted here. Until session 10 these fields held the whole interval (≈ 10 ms more).
   */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** GC pauses of the main thread since the previous `usage` call (PerformanceObserver 'gc'): count, sum and longest, ms. */
  gcPauses: number; gcPauseMs: number; gcMaxPauseMs: number;
  /** The same by kind of collection (minor = scavenge, major = mark-compact, incremental marking steps, weak callbacks). */
  gcByKind: GcByKind;
  /** Event-loop stalls since the previous `usage` call, split by what the main thread did (bench/lib/stall-split.ts); Linux only. */
  stall?: StallSplit;
}
export type GcByKind = Record<string, { count: number; ms: number; maxMs: number }>;

// stalls of the event loop (a long GC, a checkpoint, a large batch) show here, whatever the load generator sees
const loopLate = loopLateness(10);

// what the main thread did in those stalls: ran, waited for a CPU, or neither (bench/lib/stall-split.ts)
let stalls: StallMonitor | undefined;

// GC pauses: whether a loop stall is the collector's, and which collection (scavenge or mark-compact) it was
const gcKinds: Record<number, string> = { 1: 'minor', 4: 'major', 8: 'incremental', 16: 'weakcb' };
const noGc = () => ({ gcPauses: 0, gcPauseMs: 0, gcMaxPauseMs: 0, gcByKind: {} as GcByKind });
let gc = noGc();
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    stalls?.noteGc(e.startTime, e.duration);
    gc.gcPauses++;
    gc.gcPauseMs += e.duration;
    if (e.duration > gc.gcMaxPauseMs) gc.gcMaxPauseMs = e.duration;
    const kind = gcKinds[(e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0] ?? 'other';
    const k = (gc.gcByKind[kind] ??= { count: 0, ms: 0, maxMs: 0 });
    k.count++;
    k.ms += e.duration;
    if (e.duration > k.maxMs) k.maxMs = e.duration;
  }
}).observe({ entryTypes: ['gc'] });
function takeGc(): ReturnType<typeof noGc> {
  const out = gc;
  gc = noGc();
  return out;
}

let csms: Csms | undefined;

// allocation sampling (steady --alloc-profile)
interface AllocNode { callFrame: { functionName: string; url: string }; selfSize: number; children: AllocNode[] }
export interface AllocSummary { bytes: number; top: Array<[string, number]> }
let allocSession: Session | undefined;
function post<T = unknown>(s: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => s.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))));
}

function takeLoopDelay(): { loopDelayP99Ms: number; loopDelayMaxMs: number } {
  const { p99Ms, maxMs } = loopLate.take();
  return { loopDelayP99Ms: p99Ms, loopDelayMaxMs: maxMs };
}


serveOps({
  async start(c: CsmsChildConfig): Promise<{ port: number; pid: number; httpPort?: number }> {
    if (c.stallSplit) stalls ??= stallMonitor();
    const config = loadConfig({
      overrides: {
        mode: 'quickstart',
        dataDir: c.dataDir,
        // an undefined override is no override (loadConfig skips it): the CSMS default applies
        store: {
          kind: c.store, postgresUrl: c.postgresUrl || undefined, sqliteThread: c.sqliteThread || undefined, batchIntervalMs: c.batchIntervalMs,
          sqliteCheckpointMs: c.sqliteCheckpointMs, sqliteWalRestartPages: c.sqliteWalRestartPages, sqliteWalFlushAhead: c.sqliteWalFlushAhead,
          touchIntervalMs: c.touchIntervalMs, sqliteCacheMb: c.sqliteCacheMb, postgresWriteLanes: c.postgresWriteLanes,
        },
        log: { level: 'silent' },
        http: { host: '127.0.0.1', port: c.restApi ? 0 : -1 },
        ocpp: { host: '127.0.0.1', port: c.tls ? -1 : c.port },
        ...(c.tls ? { tls: { port: c.port, mtlsPort: -1, certFile: c.tls.certFile, keyFile: c.tls.keyFile } } : {}),
        boot: { fetchInventory: false },
        ...(c.cluster ? {
          bus: { kind: 'nats' as const, subjectPrefix: c.cluster.subjectPrefix, ...(c.cluster.natsUrl ? { natsUrl: c.cluster.natsUrl } : {}) },
          cluster: { enabled: true, nodeId: c.cluster.nodeId },
        } : {}),
      },
    });
    const { batchMaxDelayMs, ...times } = c.stretchedTimes ?? {};
    Object.assign(config.store, times);
    csms = createCsms(config, { logger: pino({ level: 'silent' }) as never, blocks: benchBlocks(), ...(batchMaxDelayMs !== undefined && { storeBatching: { maxDelayMs: batchMaxDelayMs } }) });
    const ports = await csms.start();
    return { port: (c.tls ? ports.tls : ports.ocpp)!, pid: process.pid, ...(ports.http !== undefined ? { httpPort: ports.http } : {}) };
  },
  usage(args?: { gc?: boolean }): CsmsUsage {
    if (args?.gc && globalThis.gc) { globalThis.gc(); globalThis.gc(); }
    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    const st = csms?.runtime.store.stats();
    return {
      at: performance.now(),
      cpuMicros: cpu.user + cpu.system,
      rss: mem.rss,
      peakRss: peakRssOf('self'),
      heapUsed: mem.heapUsed,
      heapTotal: mem.heapTotal,
      external: mem.external,
      arrayBuffers: mem.arrayBuffers,
      spaces: Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size])),
      committed: Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size])),
      sessions: csms?.runtime.sessions.size ?? 0,
      storeItems: st?.items ?? 0,
      storeBatches: st?.batches ?? 0,
      storeBatchMs: st?.batchMs ?? 0,
      walRestarts: st?.walRestarts ?? 0,
      walRestartWaitMs: st?.walRestartWaitMs ?? 0,
      lockWaits: st?.lockWaits ?? 0,
      lockWaitMs: st?.lockWaitMs ?? 0,
      ...ioOf('self'),
      loopActiveMs: performance.eventLoopUtilization().active,
      loopIdleMs: performance.eventLoopUtilization().idle,
      ...takeLoopDelay(),
      ...takeGc(),
      stall: stalls?.take(),
    };
  },
  /** Starts V8's sampling heap profiler, counting objects the GC already collected too (what was allocated). */
  async allocStart(args?: { retained?: boolean }): Promise<void> {
    allocSession ??= new Session();
    allocSession.connect();
    // retained: only what is still alive at allocStop (what outlived the window's scavenges: caches, queues, leaks)
    const collected = !args?.retained;
    await post(allocSession, 'HeapProfiler.startSampling', { samplingInterval: 16_384, includeObjectsCollectedByMajorGC: collected, includeObjectsCollectedByMinorGC: collected });
  },
  /** Stops it: bytes allocated since allocStart (sampled), and the functions that allocated most (self). */
  async allocStop(args?: { top?: number }): Promise<AllocSummary> {
    if (!allocSession) throw new Error('allocStart first');
    const { profile } = await post<{ profile: { head: AllocNode } }>(allocSession, 'HeapProfiler.stopSampling');
    allocSession.disconnect();
    const by = new Map<string, number>();
    let bytes = 0;
    const walk = (n: AllocNode) => {
      if (n.selfSize) {
        const name = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/') || '(native)'}`;
        by.set(name, (by.get(name) ?? 0) + n.selfSize);
        bytes += n.selfSize;
      }
      for (const c of n.children) walk(c);
    };
    walk(profile.head);
    return { bytes, top: [...by.entries()].sort((a, b) => b[1] - a[1]).slice(0, args?.top ?? 10) };
  },
  /** Self size per constructor in a heap snapshot (after GC): where the memory of N connections goes. */
  heapTop(args?: { top?: number }): Array<{ name: string; count: number; bytes: number }> {
    globalThis.gc?.();
    const file = writeHeapSnapshot(join(tmpdir(), `cw-csms-${process.pid}.heapsnapshot`));
    try {
      const snap = JSON.parse(readFileSync(file, 'utf8')) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[]; strings: string[] };
      const f = snap.snapshot.meta.node_fields;
      const w = f.length;
      const [iType, iName, iSize] = [f.indexOf('type'), f.indexOf('name'), f.indexOf('self_size')];
      const types = snap.snapshot.meta.node_types[0];
      const agg = new Map<string, { count: number; bytes: number }>();
      for (let i = 0; i < snap.nodes.length; i += w) {
        const t = types[snap.nodes[i + iType]!]!;
        const key = t === 'object' || t === 'closure' ? `${t}:${snap.strings[snap.nodes[i + iName]!]}` : `(${t})`;
        const e = agg.get(key) ?? { count: 0, bytes: 0 };
        e.count++;
        e.bytes += snap.nodes[i + iSize]!;
        agg.set(key, e);
      }
      return [...agg].map(([name, e]) => ({ name, ...e })).sort((a, b) => b.bytes - a.bytes).slice(0, args?.top ?? 30);
    } finally {
      rmSync(file, { force: true });
    }
  },
  async flush(): Promise<null> {
    await csms?.runtime.store.flush();
    return null;
  },
  async stop(): Promise<null> {
    await csms?.stop();
    return null;
  },
});
