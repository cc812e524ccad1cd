// Command-line front of the CSMS benchmarks (idle, storm, steady, ceiling, soak): options, bounds, printing.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { defaultResultsDir, type Written } from '../lib/results.ts';
import { runIdleBench, defaultIdleOptions, idleVariants, type IdleVariantId } from './idle-bench.ts';
import { runCeilingBench, defaultCeilingOptions } from './ceiling-bench.ts';
import { runSoakBench, defaultSoakOptions } from './soak-bench.ts';
import { runStormBench, defaultStormOptions } from './storm-bench.ts';
import { runSteadyBench, defaultSteadyOptions } from './steady-bench.ts';
import { runInstructionsBench, defaultInstructionsOptions } from './instructions-bench.ts';

const help: Record<string, string> = {
  idle: `usage: npm run bench -- idle [--stations N (default ${defaultIdleOptions.stations}, max 60000)] [--runs N (default ${defaultIdleOptions.runs})] [--variants ${idleVariants.join(',')} (default plain,deflate)] [--nodes K (default 1; 2–8: K CSMS processes as cluster nodes on PostgreSQL 127.0.0.1:5432 and NATS 127.0.0.1:4222, N/K stations each)] [--out DIR]\n`
    + '  tls: wss:// on the security profile 2 listener, stations without credentials; tls-basic: with a Basic password (scrypt on every connect: slow)\n',
  storm: `usage: npm run bench -- storm [--stations N (default ${defaultStormOptions.stations})] [--runs N (default ${defaultStormOptions.runs})] [--backoff MIN,RANGE ms (default ${defaultStormOptions.backoffMinMs},${defaultStormOptions.backoffRangeMs})] [--sqlite-thread worker|main] [--rest-api on|off (default on: the restarted CSMS runs its REST API as npm start does)] [--out DIR]\n`,
  ceiling: `usage: npm run bench -- ceiling [--stations N (default ${defaultCeilingOptions.stations}, max 10000)] [--warmup MS (default ${defaultCeilingOptions.warmupMs})] [--duration MS (default ${defaultCeilingOptions.durationMs}, max 60000)] [--runs N (default ${defaultCeilingOptions.runs}, max 10)] [--out DIR]\n`
    + '  the fleet mix, every station keeping one CALL outstanding, against the CSMS (validation, SQLite) and a raw ws server; interleaved runs, ratio per run pair\n',
  soak: `usage: npm run bench -- soak [--duration MS (default ${defaultSoakOptions.durationMs}, max 3600000)] [--stations N (default ${defaultSoakOptions.stations})] [--rate CALLs/s offered (default ${defaultSoakOptions.rate})] [--churn N stations closed per second (default ${defaultSoakOptions.churnPerS})] [--sample-ms MS (default ${defaultSoakOptions.sampleMs})] [--runs N (default ${defaultSoakOptions.runs}, max 3)] [--out DIR]\n`
    + '  CSMS RSS and heap after GC every sample, growth per minute over the second half, errors; one run by default (10 minutes)\n',
  instructions: `usage: npm run bench -- instructions [--stations N (default ${defaultInstructionsOptions.stations}, max 2000)] [--rate CALLs/s offered (default ${defaultInstructionsOptions.rate}, max 100)] [--warmup MS (default ${defaultInstructionsOptions.warmupMs})] [--duration MS (default ${defaultInstructionsOptions.durationMs}, max 600000)] [--runs N (default ${defaultInstructionsOptions.runs}, max 5)] [--store sqlite|memory (default sqlite)] [--keep-dumps DIR (keep callgrind's dumps for callgrind_annotate)] [--out DIR]\n`
    + '  the CSMS under valgrind --tool=callgrind, the steady mix at a low paced rate: instructions per CALL by thread, object file and function (needs valgrind)\n',
  steady: `usage: npm run bench -- steady [--stations N (default ${defaultSteadyOptions.stations})] [--step-ms MS (default ${defaultSteadyOptions.stepMs})] [--rates R1,R2,… offered CALLs/s] [--runs N (default ${defaultSteadyOptions.runs})] [--store sqlite|postgres|memory (default sqlite; postgres: 127.0.0.1:5432/test, throwaway schema; memory: nothing persisted, a diagnosis)] [--sqlite-thread main|worker (default main)] [--batch-interval-ms N (store.batchIntervalMs)] [--checkpoint-ms N (store.sqliteCheckpointMs, 5–10000)] [--wal-restart-pages N (store.sqliteWalRestartPages, 0–1000000; 0: none)] [--wal-flush-ahead on|off (store.sqliteWalFlushAhead, default on)] [--touch-interval-ms N (store.touchIntervalMs, 0–300000)] [--pg-write-lanes N (store.postgresWriteLanes, 1–16)] [--sqlite-cache-mb N (store.sqliteCacheMb, 2–65536)] [--prefill-mb N (SQLite: each pass starts on a database holding N MB of past traffic of the same stations, 0–20000; default 0: empty)] [--nodes K (default 1; 2–4: K CSMS processes as cluster nodes on the one SQLite file or PostgreSQL database and NATS 127.0.0.1:4222, station i on node i mod K)] [--csms-flags='--flag[=v] …' (extra Node/V8 flags of the CSMS process only, e.g. --csms-flags=--max-semi-space-size=64)] [--profile] [--alloc-profile (the CSMS's allocations per CALL and by function, every step)] [--out DIR]\n`,
};

function int(name: string, v: string | undefined, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new RangeError(`--${name} must be an integer in [${min}, ${max}], got ${v}`);
  return n;
}

function ints(name: string, v: string | undefined, min: number, max: number): number[] | undefined {
  return v === undefined ? undefined : v.split(',').map((x) => int(name, x.trim(), 0, min, max));
}

function print(w: Written | undefined): void {
  if (!w) return;
  process.stdout.write(readFileSync(w.markdownPath, 'utf8'));
  console.error(`\nwrote ${w.jsonPath}\nwrote ${w.markdownPath}`);
}

export const csmsBenchmarks = ['idle', 'storm', 'steady', 'ceiling', 'soak', 'instructions'] as const;

export async function runCsmsBench(name: typeof csmsBenchmarks[number], rest: string[]): Promise<number> {
  const { values } = parseArgs({
    args: rest,
    options: {
      stations: { type: 'string' }, runs: { type: 'string' }, variants: { type: 'string' }, backoff: { type: 'string' }, tsx: { type: 'boolean' },
      'step-ms': { type: 'string' }, rates: { type: 'string' }, profile: { type: 'boolean' }, 'alloc-profile': { type: 'boolean' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      store: { type: 'string' }, 'sqlite-thread': { type: 'string' }, 'batch-interval-ms': { type: 'string' }, 'checkpoint-ms': { type: 'string' }, 'wal-restart-pages': { type: 'string' }, 'wal-flush-ahead': { type: 'string' }, 'touch-interval-ms': { type: 'string' }, 'pg-write-lanes': { type: 'string' }, 'prefill-mb': { type: 'string' }, 'sqlite-cache-mb': { type: 'string' }, 'csms-flags': { type: 'string' }, 'rest-api': { type: 'string' },
      nodes: { type: 'string' }, warmup: { type: 'string' }, duration: { type: 'string' }, rate: { type: 'string' }, churn: { type: 'string' }, 'sample-ms': { type: 'string' }, 'keep-dumps': { type: 'string' },
    },
    strict: true,
  });
  if (values.help) { process.stdout.write(`${help[name]!}  --tsx: run the CSMS through tsx instead of the bundle \`npm start\` runs (scripts/build.ts)\n`); return 0; }
  // every CSMS benchmark runs the CSMS as `npm start` does (an esbuild bundle) unless --tsx
  if (values.tsx) process.env['CHARGEWIRE_BENCH_TSX'] = '1';
  const outDir = values.out ?? defaultResultsDir;
  if (name === 'idle') {
    const variants = (values.variants ?? 'plain,deflate').split(',').map((v) => v.trim());
    for (const v of variants) if (!(idleVariants as readonly string[]).includes(v)) throw new RangeError(`--variants: some of ${idleVariants.join(', ')}, got ${v}`);
    const r = await runIdleBench({
      stations: int('stations', values.stations, defaultIdleOptions.stations, 1, 60_000),
      runs: int('runs', values.runs, defaultIdleOptions.runs, 1, 5),
      variants: variants as IdleVariantId[], outDir, args: rest,
      nodes: int('nodes', values.nodes, defaultIdleOptions.nodes, 1, 8),
    });
    print(r.written);
    return 0;
  }
  if (name === 'storm') {
    const [minMs, rangeMs] = ints('backoff', values.backoff, 0, 60_000) ?? [defaultStormOptions.backoffMinMs, defaultStormOptions.backoffRangeMs];
    const r = await runStormBench({
      stations: int('stations', values.stations, defaultStormOptions.stations, 1, 60_000),
      runs: int('runs', values.runs, defaultStormOptions.runs, 1, 5),
      backoffMinMs: minMs!, backoffRangeMs: rangeMs ?? 0, precompiled: !values.tsx, outDir, args: rest,
      sqliteThread: oneOf('sqlite-thread', values['sqlite-thread'], ['main', 'worker'] as const, 'main'),
      restApi: oneOf('rest-api', values['rest-api'], ['on', 'off'] as const, 'on') === 'on',
    });
    print(r.written);
    return r.runs.some((x) => x.lost > 0) ? 1 : 0;
  }
  if (name === 'ceiling') {
    const d = defaultCeilingOptions;
    const r = await runCeilingBench({
      // Bounds: ≤ 10 000 stations, ≤ 60 s per window, ≤ 10 runs (default total ≈ 2 × 3 × 14 s).
      stations: int('stations', values.stations, d.stations, 1, 10_000),
      warmupMs: int('warmup', values.warmup, d.warmupMs, 0, 30_000),
      durationMs: int('duration', values.duration, d.durationMs, 100, 60_000),
      runs: int('runs', values.runs, d.runs, 1, 10), outDir, args: rest,
    });
    print(r.written);
    return r.errors ? 1 : 0;
  }
  if (name === 'instructions') {
    const d = defaultInstructionsOptions;
    const r = await runInstructionsBench({
      // Bounds: ≤ 2 000 stations, ≤ 100 CALLs/s, ≤ 10 min per window, ≤ 5 runs (default ≈ 2 × 4 min).
      stations: int('stations', values.stations, d.stations, 1, 2000),
      rate: int('rate', values.rate, d.rate, 1, 100),
      warmupMs: int('warmup', values.warmup, d.warmupMs, 0, 600_000),
      durationMs: int('duration', values.duration, d.durationMs, 1000, 600_000),
      runs: int('runs', values.runs, d.runs, 1, 5),
      store: oneOf('store', values.store, ['sqlite', 'memory'] as const, d.store), outDir, args: rest,
      ...(values['keep-dumps'] !== undefined && { keepDumps: values['keep-dumps'] }),
    });
    print(r.written);
    return r.errors ? 1 : 0;
  }
  if (name === 'soak') {
    const d = defaultSoakOptions;
    const r = await runSoakBench({
      // Bounds: ≤ 1 h per run, ≤ 3 runs, ≤ 19 000 stations, ≤ 5 000 offered CALLs/s, ≤ 1 000 closes/s.
      stations: int('stations', values.stations, d.stations, 1, 19_000),
      durationMs: int('duration', values.duration, d.durationMs, 500, 3_600_000),
      sampleMs: int('sample-ms', values['sample-ms'], d.sampleMs, 100, 600_000),
      rate: int('rate', values.rate, d.rate, 1, 5_000),
      churnPerS: int('churn', values.churn, d.churnPerS, 0, 1_000),
      runs: int('runs', values.runs, d.runs, 1, 3), outDir, args: rest,
    });
    print(r.written);
    return r.errors ? 1 : 0;
  }
  const r = await runSteadyBench({
    stations: int('stations', values.stations, defaultSteadyOptions.stations, 1, 19_000),
    stepMs: int('step-ms', values['step-ms'], defaultSteadyOptions.stepMs, 500, 60_000),
    rates: ints('rates', values.rates, 1, 100_000) ?? defaultSteadyOptions.rates,
    runs: int('runs', values.runs, defaultSteadyOptions.runs, 1, 3),
    profile: values.profile ?? false, outDir, args: rest,
    ...(values['alloc-profile'] && { allocProfile: true }),
    store: oneOf('store', values.store, ['sqlite', 'postgres', 'memory'] as const, 'sqlite'),
    sqliteThread: oneOf('sqlite-thread', values['sqlite-thread'], ['main', 'worker'] as const, 'main'),
    ...(values['batch-interval-ms'] !== undefined ? { batchIntervalMs: int('batch-interval-ms', values['batch-interval-ms'], 0, 0, 50) } : {}),
    ...(values['checkpoint-ms'] !== undefined ? { sqliteCheckpointMs: int('checkpoint-ms', values['checkpoint-ms'], 20, 5, 10_000) } : {}),
    ...(values['wal-restart-pages'] !== undefined ? { sqliteWalRestartPages: int('wal-restart-pages', values['wal-restart-pages'], 16_000, 0, 1_000_000) } : {}),
    ...(values['wal-flush-ahead'] !== undefined ? { sqliteWalFlushAhead: oneOf('wal-flush-ahead', values['wal-flush-ahead'], ['on', 'off'] as const, 'on') === 'on' } : {}),
    ...(values['touch-interval-ms'] !== undefined ? { touchIntervalMs: int('touch-interval-ms', values['touch-interval-ms'], 1000, 0, 300_000) } : {}),
    ...(values['pg-write-lanes'] !== undefined ? { postgresWriteLanes: int('pg-write-lanes', values['pg-write-lanes'], 4, 1, 16) } : {}),
    ...(values['sqlite-cache-mb'] !== undefined ? { sqliteCacheMb: int('sqlite-cache-mb', values['sqlite-cache-mb'], 32, 2, 65_536) } : {}),
    ...(values['prefill-mb'] !== undefined ? { prefillMb: int('prefill-mb', values['prefill-mb'], 0, 0, 20_000) } : {}),
    ...(values.nodes !== undefined ? { nodes: steadyNodes(values.nodes, values.store) } : {}),
    ...(values['csms-flags'] !== undefined ? { csmsFlags: csmsFlags(values['csms-flags']) } : {}),
  });
  print(r.written);
  return r.errors ? 1 : 0;
}

function oneOf<T extends string>(name: string, v: string | undefined, values: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (!(values as readonly string[]).includes(v)) throw new RangeError(`--${name} must be one of ${values.join(', ')}, got ${v}`);
  return v as T;
}

/** steady --nodes: 1–4; several nodes need a shared store (not memory). */
function steadyNodes(v: string, store: string | undefined): number {
  const n = int('nodes', v, 1, 1, 4);
  if (n > 1 && store === 'memory') throw new RangeError('--nodes: several CSMS processes share one store; the in-memory store cannot be shared');
  return n;
}

/** steady --csms-flags: space-separated Node/V8 flags, each starting with -- (no values that would run code). */
function csmsFlags(v: string): string[] {
  const flags = v.split(/\s+/).filter(Boolean);
  for (const f of flags) if (!/^--[a-z0-9-]+(=[A-Za-z0-9._-]+)?$/.test(f)) throw new RangeError(`--csms-flags: expected flags like --max-semi-space-size=64, got ${JSON.stringify(f)}`);
  return flags;
}
