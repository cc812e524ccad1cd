// Shared by the CSMS benchmarks: starting the CSMS and fleet processes, source addresses, fd limits.
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forkChild, type BenchChild, type ChildWrapper } from '../lib/ipc.ts';
import { precompiled } from '../lib/precompile.ts';
import type { CsmsChildConfig, CsmsUsage, GcByKind } from './csms-child.ts';
import { noStalls, type StallSplit } from '../lib/stall-split.ts';
import type { FleetConnectArgs } from './fleet-types.ts';

const here = new URL('.', import.meta.url).pathname;
export const csmsScript = join(here, 'csms-child.ts');
export const fleetScript = join(here, 'fleet-child.ts');
export const rawCsmsScript = join(here, 'raw-csms-child.ts');

/** 127.0.0.1…127.0.0.9: each source address has its own ~28 000 ephemeral ports towards one listener. */
export const loopbackSources = Array.from({ length: 9 }, (_, i) => `127.0.0.${i + 1}`);

export interface RunningCsms { child: BenchChild; port: number; pid: number; /** The HTTP side's port, when it runs (restApi). */ httpPort?: number }

/**
 * How the benchmarks run the CSMS child: from the esbuild bundle, as `npm start` runs the CSMS
 * (scripts/build.ts), unless `--tsx` (CHARGEWIRE_BENCH_TSX=1) asks for the TypeScript through tsx.
 */
export function csmsFromBundle(): boolean {
  return process.env['CHARGEWIRE_BENCH_TSX'] !== '1';
}

/** The "CSMS process" line of a result's header. */
export function csmsProcessLabel(bundle = csmsFromBundle()): string {
  return bundle ? 'esbuild bundle, as `npm start` runs it (scripts/build.ts)' : 'TypeScript through tsx (`--tsx`), compiled at start';
}

/**
 * `precompiled` (default: csmsFromBundle()): run the CSMS child from an esbuild bundle instead of through tsx.
 * `wrap`: run its node under another program (valgrind); `startTimeoutMs`: how long it may take to listen (default 60 s).
 */
export async function startCsms(cfg: CsmsChildConfig, execArgv: string[] = [], o: { precompiled?: boolean; wrap?: ChildWrapper; startTimeoutMs?: number } = {}): Promise<RunningCsms> {
  const child = forkChild((o.precompiled ?? csmsFromBundle()) ? await precompiled(csmsScript) : csmsScript, execArgv, o.wrap);
  const { port, pid, httpPort } = await child.request<{ port: number; pid: number; httpPort?: number }>('start', cfg, o.startTimeoutMs ?? 60_000);
  return { child, port, pid, ...(httpPort !== undefined ? { httpPort } : {}) };
}

export function startFleet(): BenchChild {
  return forkChild(fleetScript);
}

/** The minimal raw `ws` server of `ceiling` (raw-csms-child.ts): answers, validates and stores nothing. */
export async function startRawCsms(): Promise<RunningCsms> {
  const child = forkChild(rawCsmsScript);
  const { port, pid } = await child.request<{ port: number; pid: number }>('start', undefined, 60_000);
  return { child, port, pid };
}

export function fleetArgs(port: number, stations: number, prefix: string, o: Partial<FleetConnectArgs> = {}): FleetConnectArgs {
  return {
    port, stations, prefix, compression: false, addresses: loopbackSources, concurrency: 500,
    backoff: { minMs: 1000, rangeMs: 2000, maxMs: 8000 }, ...o,
  };
}

/** A fresh data directory for one CSMS (SQLite file inside); removed by the returned function. */
export function tempDataDir(tag: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `cw-bench-${tag}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The soft open-files limit child processes inherit (each connection is one fd on each side). */
export function fdLimit(): number {
  try {
    return Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
  } catch {
    return NaN;
  }
}

/** Throws when N connections cannot fit in the fd limit of one process. */
export function checkFdLimit(stations: number): void {
  const lim = fdLimit();
  if (Number.isFinite(lim) && stations + 200 > lim) {
    throw new RangeError(`${stations} connections need ${stations + 200} file descriptors per process, the limit is ${lim} (ulimit -n; hard limit ulimit -Hn)`);
  }
}

/** A fresh database on the local PostgreSQL server (CW_TEST_PG_URL or 127.0.0.1:5432/test), dropped by `drop`. */
export async function freshPgDatabase(tag: string): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.CW_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `cw_bench_${tag}_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** One `usage` of every CSMS process, merged: counters and CPU summed, loop delay and GC pauses the worst node's. */
export async function usageOfAll(list: RunningCsms[]): Promise<CsmsUsage & { nodeSessions?: number[] }> {
  const us = await Promise.all(list.map((c) => c.child.request<CsmsUsage>('usage')));
  if (us.length === 1) return us[0]!;
  const sum = (f: (u: CsmsUsage) => number): number => us.reduce((a, u) => a + f(u), 0);
  const max = (f: (u: CsmsUsage) => number): number => Math.max(...us.map(f));
  return {
    ...us[0]!, // at (the first node's clock: one machine), spaces and committed (the first node's)
    nodeSessions: us.map((u) => u.sessions),
    cpuMicros: sum((u) => u.cpuMicros), rss: sum((u) => u.rss), peakRss: sum((u) => u.peakRss), heapUsed: sum((u) => u.heapUsed), heapTotal: sum((u) => u.heapTotal),
    external: sum((u) => u.external), arrayBuffers: sum((u) => u.arrayBuffers), sessions: sum((u) => u.sessions),
    storeItems: sum((u) => u.storeItems), storeBatches: sum((u) => u.storeBatches), storeBatchMs: sum((u) => u.storeBatchMs), walRestarts: sum((u) => u.walRestarts), walRestartWaitMs: sum((u) => u.walRestartWaitMs),
    lockWaits: sum((u) => u.lockWaits), lockWaitMs: sum((u) => u.lockWaitMs),
    writeBytes: sum((u) => u.writeBytes), writeCalls: sum((u) => u.writeCalls),
    // summed, so busy % = their ratio is the nodes' average
    loopActiveMs: sum((u) => u.loopActiveMs), loopIdleMs: sum((u) => u.loopIdleMs),
    loopDelayP99Ms: max((u) => u.loopDelayP99Ms), loopDelayMaxMs: max((u) => u.loopDelayMaxMs),
    gcPauses: sum((u) => u.gcPauses), gcPauseMs: sum((u) => u.gcPauseMs), gcMaxPauseMs: max((u) => u.gcMaxPauseMs),
    gcByKind: mergeGcKinds(us.map((u) => u.gcByKind)),
    ...(us.every((u) => u.stall) && { stall: mergeStalls(us.map((u) => u.stall!)) }),
  };
}

/** The stalls of several processes, summed (per second of the window, that is the sum over the nodes). */
function mergeStalls(list: StallSplit[]): StallSplit {
  const out = noStalls();
  for (const s of list) for (const k of Object.keys(out) as (keyof StallSplit)[]) out[k] += s[k];
  return out;
}

function mergeGcKinds(list: GcByKind[]): GcByKind {
  const out: GcByKind = {};
  for (const g of list) {
    for (const [k, v] of Object.entries(g)) {
      const o = (out[k] ??= { count: 0, ms: 0, maxMs: 0 });
      o.count += v.count;
      o.ms += v.ms;
      o.maxMs = Math.max(o.maxMs, v.maxMs);
    }
  }
  return out;
}
