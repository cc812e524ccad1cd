// `npm run bench -- instructions`: the CSMS's work per CALL counted in CPU instructions, not seconds. The CSMS
// (the bundle, SQLite, as in `steady`) runs under valgrind's callgrind; the steady fleet mix (fleet-child.ts,
// at full speed in its own process) offers a low paced rate; after a warm-up the counters are zeroed, and
// dumped after the window. Instructions per CALL = the window's count / the CALLs answered in it, by thread
// (the event loop, SQLite's checkpoint thread, V8's and libuv's helpers), by object file and by function.
// Counts repeat within a fraction of a percent whatever else the 2-core host does, where CPU seconds per
// CALL vary by 20% between runs (docs/performance.md): the tool to compare two versions of the hot path.
// Not counted: the kernel's side of syscalls (socket and WAL writes, fsync).
//
// The CSMS runs 50–100× slower under callgrind, so the store's batch, checkpoint and last-seen intervals are
// stretched (csms-child.ts `stretchedTimes`) by the ratio of the reference steady step (3,000 CALLs/s of
// 2,000 stations) to this run's rate and per-station rate; commits per CALL are reported, as each commit
// adds its own instructions.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runMeta } from '../lib/env.ts';
import { callgrindAvailable, callgrindDump, callgrindWrapper, callgrindZero, kindOf, objectLabel, readDumps, type ThreadCost } from '../lib/callgrind.ts';
import { fmt, spread, type Spread } from '../lib/stats.ts';
import { mdMeta, mdTable, writeResults, type Written } from '../lib/results.ts';
import type { CsmsUsage } from './csms-child.ts';
import type { FleetCounts, SteadyMark } from './fleet-types.ts';
import { mixRatePerStation } from './fleet-frames.ts';
import { csmsProcessLabel, fleetArgs, startCsms, startFleet, tempDataDir } from './common.ts';

export interface InstructionsOptions {
  stations: number;
  /** CALLs/s offered (paced, the steady mix). */
  rate: number;
  warmupMs: number;
  durationMs: number;
  runs: number;
  store: 'sqlite' | 'memory';
  /** Keep the callgrind dumps in this directory (for callgrind_annotate or kcachegrind) instead of deleting them. */
  keepDumps?: string;
  outDir: string;
  args: string[];
  quiet?: boolean;
}
export const defaultInstructionsOptions = { stations: 200, rate: 20, warmupMs: 120_000, durationMs: 60_000, runs: 2, store: 'sqlite' as const };

/** The steady step the run stands for: its commits, checkpoints and last-seen writes per CALL. */
const reference = { stations: 2000, callsPerS: 3000, defaults: { batchIntervalMs: 4, batchMaxDelayMs: 5, sqliteCheckpointMs: 20, touchIntervalMs: 10_000 } };

export type ThreadRole = 'main' | 'checkpoint' | 'helpers';
export interface InstructionsRun {
  run: number;
  calls: number;
  /** CALLs of the mix that came due in the window: well over `calls`'s count = the CSMS fell behind. */
  due: number;
  /** The fleet's latency in the window (due → CALLRESULT), ms: seconds = a backlog, whose CALLs were partly worked before the window. */
  p50Ms: number;
  p99Ms: number;
  seconds: number;
  byAction: Record<string, number>;
  commitsPerCall: number;
  storeItemsPerCall: number;
  errors: number;
  /** Instructions per CALL, all threads and by role. */
  perCall: { all: number } & Record<ThreadRole, number>;
  /** The event loop's instructions per CALL by object file (labelled). */
  mainByObject: Array<[string, number]>;
  /** The event loop's instructions per CALL by kind of work (callgrind.ts kindOf). */
  mainByKind: Array<[string, number]>;
  /** The event loop's functions with the most self instructions per CALL: [function, object, count]. */
  mainTop: Array<[string, string, number]>;
  threads: Array<{ thread: number; role: ThreadRole; perCall: number; top: Array<[string, number]> }>;
}
export interface InstructionsResult {
  benchmark: 'instructions';
  meta: ReturnType<typeof runMeta>;
  options: Omit<InstructionsOptions, 'outDir' | 'args' | 'quiet' | 'keepDumps'>;
  stretched: { batchIntervalMs: number; batchMaxDelayMs: number; sqliteCheckpointMs: number; touchIntervalMs: number };
  runs: InstructionsRun[];
  main: Spread; all: Spread; checkpoint: Spread;
  /** (max − min) / median of the event loop's instructions per CALL over the runs. */
  mainSpreadPct: number;
  errors: number;
  command: string;
  written?: Written;
}

/** The store's intervals for a run at `rate` CALLs/s over `stations` (see the file comment). */
export function stretchedTimes(stations: number, rate: number): InstructionsResult['stretched'] {
  const byRate = reference.callsPerS / rate; // CALLs per commit and per checkpoint as at the reference
  const byStation = (reference.callsPerS / reference.stations) / (rate / stations); // CALLs per last-seen write
  const d = reference.defaults;
  return {
    batchIntervalMs: Math.round(d.batchIntervalMs * byRate),
    // the group commit's wait for companions (GroupCommit maxDelayMs, 5 ms): at the reference rate a write
    // nearly always finds the previous batch just ended (under load: batches every batchIntervalMs); at 20
    // CALLs/s under callgrind it would commit alone after 5 ms, one commit per CALL (session 19)
    batchMaxDelayMs: Math.round(d.batchMaxDelayMs * byRate),
    sqliteCheckpointMs: Math.round(d.sqliteCheckpointMs * byRate),
    touchIntervalMs: Math.round(d.touchIntervalMs * byStation),
  };
}

function roleOf(t: ThreadCost): ThreadRole {
  if (t.thread === 1) return 'main';
  const sqlite = [...t.byObject].filter(([k]) => objectLabel(k).startsWith('SQLite')).reduce((a, [, v]) => a + v, 0);
  return sqlite > 0.05 * t.total ? 'checkpoint' : 'helpers';
}

async function oneRun(o: InstructionsOptions, run: number, log: (s: string) => void): Promise<InstructionsRun> {
  const data = tempDataDir('instr');
  const cgDir = o.keepDumps ?? mkdtempSync(join(tmpdir(), 'cw-callgrind-'));
  if (o.keepDumps) mkdirSync(cgDir, { recursive: true });
  const outFile = join(cgDir, `csms-run${run}-${Date.now().toString(36)}.cg`);
  const csms = await startCsms({ dataDir: data.dir, port: 0, store: o.store, stretchedTimes: stretchedTimes(o.stations, o.rate) }, [],
    { wrap: callgrindWrapper(outFile), startTimeoutMs: 600_000 });
  // the same seed in every run: the fleet offers the same sequence of CALLs (fleet-frames.ts `random`)
  process.env['CHARGEWIRE_BENCH_SEED'] = '7';
  const fleet = startFleet();
  delete process.env['CHARGEWIRE_BENCH_SEED'];
  try {
    const t0 = performance.now();
    // few connections at a time: the CSMS answers each upgrade and boot 50–100× slower than at full speed
    const c = await fleet.request<FleetCounts & { ms: number }>('connect', fleetArgs(csms.port, o.stations, `I${run}-`, { concurrency: 10, backoff: { minMs: 5000, rangeMs: 5000, maxMs: 30_000 } }), 900_000);
    if (c.booted !== o.stations || c.errors) throw new Error(`instructions: ${c.booted}/${o.stations} booted, ${c.errors} errors: ${c.firstError}`);
    log(`instructions run ${run}: ${o.stations} stations booted in ${((performance.now() - t0) / 1000).toFixed(0)} s under callgrind; warm-up ${o.warmupMs / 1000} s at ${o.rate} CALLs/s`);
    await fleet.request('mixStart', { compression: o.rate / (o.stations * mixRatePerStation) });
    await sleep(o.warmupMs);
    const m0 = await fleet.request<SteadyMark>('mark');
    const u0 = await csms.child.request<CsmsUsage>('usage', undefined, 120_000);
    callgrindZero(csms.pid);
    await sleep(o.durationMs);
    const files = callgrindDump(csms.pid, outFile);
    const m1 = await fleet.request<SteadyMark>('mark');
    const u1 = await csms.child.request<CsmsUsage>('usage', undefined, 120_000);
    await fleet.request('mixStop');
    const calls = m1.completed - m0.completed;
    if (calls <= 0) throw new Error('instructions: no CALL answered in the window');
    if (!files.length) throw new Error('instructions: callgrind wrote no dump');
    const threads = readDumps(files);
    const per = (n: number): number => n / calls;
    const perCall = { all: 0, main: 0, checkpoint: 0, helpers: 0 };
    const rows = threads.map((t) => ({
      thread: t.thread, role: roleOf(t), perCall: per(t.total),
      top: [...t.byFunction].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([f, v]): [string, number] => [f.split('\t')[0]!, per(v)]),
    }));
    for (const r of rows) { perCall[r.role] += r.perCall; perCall.all += r.perCall; }
    const main = threads.find((t) => t.thread === 1);
    const byLabel = new Map<string, number>();
    for (const [k, v] of main?.byObject ?? []) byLabel.set(objectLabel(k), (byLabel.get(objectLabel(k)) ?? 0) + v);
    const byKind = new Map<string, number>();
    for (const [key, v] of main?.byFunction ?? []) {
      const [fn, ob] = key.split('\t');
      const kind = kindOf(fn!, ob!);
      byKind.set(kind, (byKind.get(kind) ?? 0) + v);
    }
    const byAction: Record<string, number> = {};
    for (const [k, v] of Object.entries(m1.byAction)) byAction[k] = v - (m0.byAction[k] ?? 0);
    const r: InstructionsRun = {
      run, calls, due: m1.due - m0.due, p50Ms: m1.latencyMs.p50, p99Ms: m1.latencyMs.p99, seconds: (m1.at - m0.at) / 1000, byAction,
      commitsPerCall: (u1.storeBatches - u0.storeBatches) / calls, storeItemsPerCall: (u1.storeItems - u0.storeItems) / calls,
      errors: m1.errors - m0.errors, perCall,
      mainByObject: [...byLabel].map(([k, v]): [string, number] => [k, per(v)]).sort((a, b) => b[1] - a[1]),
      mainByKind: [...byKind].map(([k, v]): [string, number] => [k, per(v)]).sort((a, b) => b[1] - a[1]),
      mainTop: [...(main?.byFunction ?? [])].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]): [string, string, number] => {
        const [fn, ob] = k.split('\t');
        return [fn!, objectLabel(ob!), per(v)];
      }),
      threads: rows,
    };
    log(`instructions run ${run}: ${calls} CALLs (${r.due} due, p50 ${r.p50Ms.toFixed(0)} ms, p99 ${r.p99Ms.toFixed(0)} ms) in ${r.seconds.toFixed(0)} s, ${fmt(perCall.all / 1000)} K instructions per CALL (event loop ${fmt(perCall.main / 1000)} K, checkpoint ${fmt(perCall.checkpoint / 1000)} K, helpers ${fmt(perCall.helpers / 1000)} K), ${r.commitsPerCall.toFixed(2)} commits per CALL`);
    return r;
  } finally {
    await fleet.request('disconnect', undefined, 120_000).catch(() => {});
    await fleet.stop();
    await csms.child.stop();
    data.remove();
    if (!o.keepDumps) rmSync(cgDir, { recursive: true, force: true });
  }
}

export async function runInstructionsBench(o: InstructionsOptions): Promise<InstructionsResult> {
  if (!callgrindAvailable()) throw new Error('instructions: valgrind (with callgrind_control) is not installed (Debian package valgrind)');
  const meta = runMeta(['instructions', ...o.args]);
  const log = (s: string): void => { if (!o.quiet) console.error(s); };
  const runs: InstructionsRun[] = [];
  for (let run = 1; run <= o.runs; run++) runs.push(await oneRun(o, run, log));
  const main = spread(runs.map((r) => r.perCall.main));
  const { outDir: _o, args: _a, quiet: _q, keepDumps: _k, ...options } = o;
  const result: InstructionsResult = {
    benchmark: 'instructions', meta, options, stretched: stretchedTimes(o.stations, o.rate), runs, main,
    all: spread(runs.map((r) => r.perCall.all)), checkpoint: spread(runs.map((r) => r.perCall.checkpoint)),
    mainSpreadPct: main.median ? ((main.max - main.min) / main.median) * 100 : 0,
    errors: runs.reduce((a, r) => a + r.errors, 0), command: meta.command,
  };
  result.written = writeResults(o.outDir, result as never, renderInstructions(result));
  return result;
}

const k = (n: number): string => `${fmt(n / 1000)} K`;
const kSpread = (s: Spread): string => (s.min === s.max ? k(s.median) : `${k(s.median)} (${fmt(s.min / 1000)}–${fmt(s.max / 1000)} K)`);

export function renderInstructions(r: InstructionsResult): string {
  const o = r.options;
  const first = r.runs[0];
  return [
    '# Instructions per CALL: the CSMS under callgrind, the steady fleet mix',
    '',
    mdMeta(r.meta, {
      'CSMS process': `${csmsProcessLabel()}, under \`valgrind --tool=callgrind --separate-threads=yes\`; store ${o.store}`,
      Fleet: `${o.stations} stations (own process, full speed), the steady mix paced at ${o.rate} CALLs/s`,
      Window: `${o.warmupMs / 1000} s warm-up, then counters zeroed (callgrind_control) and dumped after ${o.durationMs / 1000} s; per CALL = instructions in the window / CALLs answered in it`,
      'Stretched store timings': `batch interval ${r.stretched.batchIntervalMs} ms (longest wait for companions ${r.stretched.batchMaxDelayMs} ms), checkpoint interval ${r.stretched.sqliteCheckpointMs} ms, last-seen interval ${r.stretched.touchIntervalMs} ms (${reference.callsPerS.toLocaleString('en-US')} CALLs/s of ${reference.stations.toLocaleString('en-US')} stations at the defaults, scaled to this rate)`,
      'Not counted': 'the kernel (syscalls: socket and WAL writes, fsync); the fleet',
    }),
    '',
    mdTable(['Figure', 'Per CALL: median (min–max)'], [
      ['Event loop (main thread)', kSpread(r.main)],
      ['SQLite checkpoint thread', kSpread(r.checkpoint)],
      ['All threads (with V8\'s compiler and GC helpers, which vary between runs)', kSpread(r.all)],
      ['Repeatability: event loop (max − min) / median', `${r.mainSpreadPct.toFixed(2)}%`],
    ]),
    '',
    mdTable(['Run', 'CALLs', 'Due', 'p50 / p99 ms', 'Commits per CALL', 'Store items per CALL', 'Event loop', 'Checkpoint', 'Helpers', 'All', 'Errors'], r.runs.map((x) => [
      String(x.run), String(x.calls), String(x.due), `${x.p50Ms.toFixed(0)} / ${x.p99Ms.toFixed(0)}`, x.commitsPerCall.toFixed(2), x.storeItemsPerCall.toFixed(2), k(x.perCall.main), k(x.perCall.checkpoint), k(x.perCall.helpers), k(x.perCall.all), String(x.errors),
    ])),
    '',
    ...(first ? [
      `Event loop by object file (run 1, per CALL):`,
      '',
      mdTable(['Object', 'Instructions per CALL', 'Share'], first.mainByObject.slice(0, 8).map(([name, v]) => [name, k(v), `${((v / first.perCall.main) * 100).toFixed(1)}%`])),
      '',
      `Event loop by kind of work (run 1, per CALL):`,
      '',
      mdTable(['Kind', 'Instructions per CALL', 'Share'], first.mainByKind.map(([name, v]) => [name, k(v), `${((v / first.perCall.main) * 100).toFixed(1)}%`])),
      '',
      `Event loop's functions with the most self instructions (run 1, per CALL; JIT code has no symbols under valgrind):`,
      '',
      mdTable(['Function', 'Object', 'Per CALL', 'Share'], first.mainTop.slice(0, 20).map(([fn, ob, v]) => [fn.length > 90 ? `${fn.slice(0, 87)}…` : fn, ob, k(v), `${((v / first.perCall.main) * 100).toFixed(1)}%`])),
      '',
      `Other threads of run 1 (per CALL; their top functions): ${first.threads.filter((t) => t.role !== 'main').map((t) => `${t.thread} (${t.role}) ${k(t.perCall)}: ${t.top.slice(0, 3).map(([f, v]) => `${f.length > 60 ? `${f.slice(0, 57)}…` : f} ${k(v)}`).join(', ')}`).join('; ')}.`,
      '',
      `Mix answered in run 1's window: ${Object.entries(first.byAction).map(([a, n]) => `${a} ${n}`).join(', ')}.`,
    ] : []),
    '',
    `Each figure above comes from \`${r.command}\`; everything per run is in the JSON next to this file.`,
  ].join('\n');
}
