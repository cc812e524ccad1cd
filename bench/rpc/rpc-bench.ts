// `npm run bench -- rpc`: CALL/CALLRESULT round trips per second over loopback, our stack vs a raw
// `ws` echo of the same frames in the same run, with and without permessage-deflate and validation,
// plus per-connection server memory. Server and load generator are separate processes.
import { mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { forkChild, type BenchChild } from '../lib/ipc.ts';
import { machineBusyMs, runMeta } from '../lib/env.ts';
import { spread, type Spread } from '../lib/stats.ts';
import { writeResults, type Written } from '../lib/results.ts';
import { summariseProfile, type ProfileSummary } from '../lib/profile.ts';
import type { ServerConfig, ServerUsage } from './server-child.ts';
import type { ConnectArgs, Mark } from './generator-child.ts';
import { rpcProtocol, type FrameName } from './frames.ts';
import { scenarios, memoryScenarios, comparisons, type Scenario, type MemoryScenario } from './scenarios.ts';
import { renderMarkdown } from './report.ts';

export interface RpcBenchOptions {
  stations: number;
  warmupMs: number;
  durationMs: number;
  runs: number;
  idleConnections: number;
  /** Scenario ids to run (exact, or a prefix ending in '*'); all when empty. */
  only: string[];
  profile: boolean;
  outDir: string;
  /** The argv after `bench/run.ts`, for the stored command line. */
  args: string[];
  quiet?: boolean;
}

export const defaultRpcOptions: Omit<RpcBenchOptions, 'outDir' | 'args'> = {
  stations: 50, warmupMs: 1000, durationMs: 4000, runs: 3, idleConnections: 1000, only: [], profile: false,
};

export interface RunSample {
  rate: number;
  completed: number;
  seconds: number;
  serverCpuPct: number;
  generatorCpuPct: number;
  /** CPU used by everything else on the machine during the window (% of one core; the machine is shared). */
  otherLoadPct: number;
  /** Round trips per second of server CPU time: robust to other load on the machine. */
  perServerCpuSecond: number;
  latencyMs: Mark['latencyMs'];
  errors: number;
  firstError?: string;
}

export interface ScenarioResult extends Scenario {
  command: string;
  samples: RunSample[];
  rate: Spread;
  p50Ms: Spread;
  p99Ms: Spread;
  serverCpuPct: Spread;
  generatorCpuPct: Spread;
  otherLoadPct: Spread;
  perServerCpuSecond: Spread;
  errors: number;
}

export interface MemorySample { connections: number; rssBytesPerConn: number; heapBytesPerConn: number; externalBytesPerConn: number }
export interface MemoryResult extends MemoryScenario {
  command: string;
  connections: number;
  samples: MemorySample[];
  rssBytesPerConn: Spread;
  heapBytesPerConn: Spread;
  externalBytesPerConn: Spread;
}

export interface ComparisonResult {
  id: string;
  title: string;
  kind: 'ratio' | 'cost';
  /** Per-run values (runs are interleaved, so run i of both scenarios ran side by side). */
  values: number[];
  value: Spread;
  /** The same computed from round trips per server CPU-second (less sensitive to a busy machine). */
  valuesByCpu: number[];
  valueByCpu: Spread;
  target?: string;
  pass?: boolean;
  command: string;
}

export interface RpcBenchResult {
  /** 'rpc' for a full run; partial (--only) and profiled runs get their own files so they never replace the full table. */
  benchmark: 'rpc' | 'rpc-partial' | 'rpc-profile';
  meta: ReturnType<typeof runMeta>;
  options: Omit<RpcBenchOptions, 'args' | 'outDir' | 'quiet'>;
  scenarios: ScenarioResult[];
  memory: MemoryResult[];
  comparisons: ComparisonResult[];
  profiles: Array<{ server: string; summary: ProfileSummary }>;
  written?: Written;
}

const here = new URL('.', import.meta.url).pathname;
const serverScript = join(here, 'server-child.ts');
const generatorScript = join(here, 'generator-child.ts');

const keyOf = (c: ServerConfig): string => `${c.kind}-${c.compression ? 'deflate' : 'plain'}${c.kind !== 'raw' ? (c.validate ? '-validate' : '-novalidate') : ''}`;

const protocolOf = (c: ServerConfig): ConnectArgs['protocol'] => (c.kind === 'ocpp-rpc' ? rpcProtocol : 'ocpp2.1');

/** The scenarios of run `run` (1-based): in their listed order in odd runs, reversed in even runs. */
export function runOrder<T>(list: readonly T[], run: number): T[] {
  return run % 2 ? [...list] : [...list].reverse();
}

function selected(id: string, only: string[]): boolean {
  if (!only.length) return true;
  return only.some((o) => (o.endsWith('*') ? id.startsWith(o.slice(0, -1)) : id === o));
}

interface RunningServer { child: BenchChild; port: number; key: string }

async function startServer(cfg: ServerConfig, profileDir?: string): Promise<RunningServer> {
  const key = keyOf(cfg);
  // One directory per server: tsx's loader thread writes a profile of its own next to the main thread's.
  const extra = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, key)}`] : [];
  const child = forkChild(serverScript, extra);
  const { port } = await child.request<{ port: number }>('start', cfg, 30_000);
  return { child, port, key };
}

async function measure(gen: BenchChild, srv: RunningServer, s: Scenario, o: RpcBenchOptions, tag: string): Promise<RunSample> {
  const args: ConnectArgs = { port: srv.port, stations: o.stations, compression: s.server.compression, client: s.client, frame: s.frame, prefix: tag, protocol: protocolOf(s.server) };
  await gen.request('connect', args, 60_000);
  await gen.request('start');
  await sleep(o.warmupMs);
  const m0 = await gen.request<Mark>('mark');
  const u0 = await srv.child.request<ServerUsage>('usage');
  const c0 = machineBusyMs();
  await sleep(o.durationMs);
  const m1 = await gen.request<Mark>('mark');
  const u1 = await srv.child.request<ServerUsage>('usage');
  const c1 = machineBusyMs();
  const end = await gen.request<{ errors: number; firstError?: string }>('stop', undefined, 10_000);
  await gen.request('disconnect', undefined, 30_000);
  const seconds = (m1.at - m0.at) / 1000;
  const completed = m1.completed - m0.completed;
  const serverCpuPct = (u1.cpuMicros - u0.cpuMicros) / (u1.at - u0.at) / 10;
  const generatorCpuPct = (m1.cpuMicros - m0.cpuMicros) / (m1.at - m0.at) / 10;
  const machinePct = (100 * (c1.busy - c0.busy)) / (c1.at - c0.at);
  return {
    rate: completed / seconds,
    completed,
    seconds,
    serverCpuPct,
    generatorCpuPct,
    otherLoadPct: Math.max(0, machinePct - serverCpuPct - generatorCpuPct),
    perServerCpuSecond: completed / ((u1.cpuMicros - u0.cpuMicros) / 1e6),
    latencyMs: m1.latencyMs,
    errors: end.errors,
    firstError: end.firstError,
  };
}

async function measureMemory(gen: BenchChild, m: MemoryScenario, o: RpcBenchOptions, tag: string): Promise<MemorySample> {
  const srv = await startServer(m.server);
  try {
    await sleep(300);
    const u0 = await srv.child.request<ServerUsage>('usage', { gc: true });
    const args: ConnectArgs = { port: srv.port, stations: o.idleConnections, compression: m.server.compression, client: 'raw', frame: m.frame, prefix: tag, protocol: protocolOf(m.server) };
    await gen.request('connect', args, 120_000);
    const r = await gen.request<{ errors: number; firstError?: string }>('once', { frame: m.frame }, 60_000);
    if (r.errors) throw new Error(`memory run ${m.id}: ${r.errors} errors, first: ${r.firstError}`);
    await sleep(500);
    const u1 = await srv.child.request<ServerUsage>('usage', { gc: true });
    await gen.request('disconnect', undefined, 60_000);
    if (u1.connections !== o.idleConnections) throw new Error(`memory run ${m.id}: server holds ${u1.connections} connections, expected ${o.idleConnections}`);
    const n = o.idleConnections;
    return { connections: n, rssBytesPerConn: (u1.rss - u0.rss) / n, heapBytesPerConn: (u1.heapUsed - u0.heapUsed) / n, externalBytesPerConn: (u1.external - u0.external) / n };
  } finally {
    await srv.child.stop();
  }
}

export async function runRpcBench(o: RpcBenchOptions): Promise<RpcBenchResult> {
  const meta = runMeta(['rpc', ...o.args]);
  const log = (s: string): void => { if (!o.quiet) console.error(s); };
  const chosen = scenarios.filter((s) => selected(s.id, o.only));
  const chosenMem = o.idleConnections > 0 ? memoryScenarios.filter((m) => selected(m.id, o.only)) : [];
  if (!chosen.length && !chosenMem.length) throw new Error(`no scenario matches --only ${o.only.join(',')}`);

  const stamp = meta.startedAt.replace(/[:.]/g, '-');
  // Raw profiles are megabytes: they go to the temp dir (path printed); the summary goes into the results.
  const profileDir = o.profile ? join(tmpdir(), `chargewire-bench-profiles-${stamp}`) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });

  const gen = forkChild(generatorScript);
  const servers = new Map<string, RunningServer>();
  const samples = new Map<string, RunSample[]>(chosen.map((s) => [s.id, []]));
  const memSamples = new Map<string, MemorySample[]>(chosenMem.map((m) => [m.id, []]));
  const profiles: RpcBenchResult['profiles'] = [];
  try {
    const configs = new Map(chosen.map((s) => [keyOf(s.server), s.server]));
    await Promise.all([...configs].map(async ([key, cfg]) => servers.set(key, await startServer(cfg, profileDir))));
    // Runs are interleaved (run 1 of every scenario, then run 2, …) so drift hits all scenarios alike, the order
    // alternating (as in `ceiling`): a scenario measured just after another (deflate after plain, ours after raw)
    // is not always the later one of its pair.
    for (let run = 1; run <= o.runs; run++) {
      for (const s of runOrder(chosen, run)) {
        const sample = await measure(gen, servers.get(keyOf(s.server))!, s, o, `R${run}-${s.id}-`);
        samples.get(s.id)!.push(sample);
        log(`run ${run}/${o.runs} ${s.id.padEnd(30)} ${Math.round(sample.rate).toString().padStart(7)} calls/s  server ${sample.serverCpuPct.toFixed(0)}% cpu  generator ${sample.generatorCpuPct.toFixed(0)}% cpu  other ${sample.otherLoadPct.toFixed(0)}%  ${Math.round(sample.perServerCpuSecond)}/cpu-s  p99 ${Number(sample.latencyMs.p99).toFixed(2)} ms${sample.errors ? `  ERRORS ${sample.errors}: ${sample.firstError}` : ''}`);
        await sleep(100);
      }
    }
    await Promise.all([...servers.values()].map((s) => s.child.stop()));
    if (profileDir) {
      for (const key of readdirSync(profileDir)) {
        // The main thread's profile is the one with the most CPU time (the other is the loader thread).
        const summaries = readdirSync(join(profileDir, key)).filter((n) => n.endsWith('.cpuprofile'))
          .map((f) => summariseProfile(join(profileDir, key, f)))
          .sort((a, b) => b.totalMs - a.totalMs);
        if (!summaries[0]) continue;
        profiles.push({ server: key, summary: summaries[0] });
        log(`cpu profile: ${summaries[0].file}`);
      }
    }
    for (let run = 1; run <= o.runs; run++) {
      for (const m of chosenMem) {
        const sample = await measureMemory(gen, m, o, `M${run}-${m.id}-`);
        memSamples.get(m.id)!.push(sample);
        log(`run ${run}/${o.runs} ${m.id.padEnd(30)} ${Math.round(sample.rssBytesPerConn).toString().padStart(7)} B RSS/conn  ${Math.round(sample.heapBytesPerConn)} B heap/conn`);
      }
    }
  } finally {
    await Promise.all([...servers.values()].map((s) => s.child.stop()));
    await gen.stop();
  }

  const command = meta.command;
  const scenarioResults: ScenarioResult[] = chosen.map((s) => {
    const xs = samples.get(s.id)!;
    return {
      ...s, command, samples: xs,
      rate: spread(xs.map((x) => x.rate)),
      p50Ms: spread(xs.map((x) => x.latencyMs.p50)),
      p99Ms: spread(xs.map((x) => x.latencyMs.p99)),
      serverCpuPct: spread(xs.map((x) => x.serverCpuPct)),
      generatorCpuPct: spread(xs.map((x) => x.generatorCpuPct)),
      otherLoadPct: spread(xs.map((x) => x.otherLoadPct)),
      perServerCpuSecond: spread(xs.map((x) => x.perServerCpuSecond)),
      errors: xs.reduce((a, x) => a + x.errors, 0),
    };
  });
  const memory: MemoryResult[] = chosenMem.map((m) => {
    const xs = memSamples.get(m.id)!;
    return {
      ...m, command, connections: o.idleConnections, samples: xs,
      rssBytesPerConn: spread(xs.map((x) => x.rssBytesPerConn)),
      heapBytesPerConn: spread(xs.map((x) => x.heapBytesPerConn)),
      externalBytesPerConn: spread(xs.map((x) => x.externalBytesPerConn)),
    };
  });
  const comparisonResults: ComparisonResult[] = [];
  for (const c of comparisons) {
    const a = samples.get(c.numerator);
    const b = samples.get(c.denominator);
    if (!a?.length || !b?.length) continue;
    const of = (r: number): number => (c.kind === 'ratio' ? r : 1 - r);
    const values = a.map((x, i) => of(x.rate / b[i]!.rate));
    const valuesByCpu = a.map((x, i) => of(x.perServerCpuSecond / b[i]!.perServerCpuSecond));
    const value = spread(values);
    comparisonResults.push({
      id: c.id, title: c.title, kind: c.kind, values, value, valuesByCpu, valueByCpu: spread(valuesByCpu), target: c.target,
      pass: c.check ? c.check(value.median) : undefined, command,
    });
  }
  const { outDir, args: _a, quiet: _q, ...options } = o;
  const benchmark = o.profile ? 'rpc-profile' : o.only.length ? 'rpc-partial' : 'rpc';
  const result: RpcBenchResult = { benchmark, meta, options, scenarios: scenarioResults, memory, comparisons: comparisonResults, profiles };
  result.written = writeResults(outDir, result as unknown as RpcBenchResult & { [k: string]: unknown }, renderMarkdown(result));
  return result;
}

export type { FrameName };
