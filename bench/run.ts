// `npm run bench -- <benchmark> [options]`: every benchmark stores bench/results/<name>-<timestamp>.json
// and bench/results/<name>-latest.md. Loopback only; every run is bounded in time and count.
import { parseArgs } from 'node:util';
import { defaultResultsDir } from './lib/results.ts';
import { runRpcBench, defaultRpcOptions } from './rpc/rpc-bench.ts';
import { runCsmsBench, csmsBenchmarks } from './csms/cli.ts';
import { defaultCeilingOptions as dc } from './csms/ceiling-bench.ts';
import { defaultSoakOptions as ds } from './csms/soak-bench.ts';

const usage = `usage: npm run bench -- <benchmark> [options]

benchmarks:
  rpc       CALL/CALLRESULT round trips/s vs a raw ws echo, deflate and validation costs, memory/connection
  idle      idle booted stations on the CSMS, RSS per connection (plain, deflate, tls, tls-basic)
  steady    realistic fleet mix with persistence on SQLite, stepped up until p99 > 50 ms
  storm     reconnect storm after a CSMS restart (kill + start on the same port and SQLite file)
  ceiling   saturating fleet mix: CSMS (validation, SQLite) throughput as a ratio of a raw ws server's
  soak      10 minutes of churn (connects, disconnects, transactions): CSMS RSS growth, errors
  instructions  the CSMS's CPU instructions per CALL under callgrind (repeatable on a noisy host), by thread, object, function

rpc options:
  --stations N      concurrent stations (default ${defaultRpcOptions.stations})
  --duration MS     measured window per run (default ${defaultRpcOptions.durationMs})
  --warmup MS       warm-up before each window (default ${defaultRpcOptions.warmupMs})
  --runs N          repetitions of every figure (default ${defaultRpcOptions.runs})
  --idle N          idle connections for the memory figures, 0 to skip (default ${defaultRpcOptions.idleConnections})
  --only A,B        scenario ids (prefix with a trailing *), e.g. --only 'raw-heartbeat,ocpp-heartbeat*'
  --profile         run the servers under --cpu-prof and summarise the top functions
  --out DIR         results directory (default bench/results)

ceiling options:
  --stations N      stations, one CALL outstanding each (default ${dc.stations})
  --warmup MS       warm-up before each window (default ${dc.warmupMs})
  --duration MS     measured window per run and server (default ${dc.durationMs})
  --runs N          interleaved repetitions (default ${dc.runs})

soak options:
  --duration MS     length of each run (default ${ds.durationMs} = ${ds.durationMs / 60_000} min)
  --stations N      stations running the fleet mix (default ${ds.stations})
  --rate N          offered CALLs/s of the mix (default ${ds.rate})
  --churn N         stations closed per second, each reconnects and boots again (default ${ds.churnPerS})
  --sample-ms MS    CSMS memory sample interval, after GC (default ${ds.sampleMs})
  --runs N          repetitions (default ${ds.runs}: a 10-minute figure is not repeated by default)

idle / storm / steady / ceiling / soak: \`npm run bench -- <name> --help\` for all options and bounds
`;

function int(name: string, v: string | undefined, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new RangeError(`--${name} must be an integer in [${min}, ${max}], got ${v}`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(usage);
    return name ? 0 : 1;
  }
  if ((csmsBenchmarks as readonly string[]).includes(name)) return runCsmsBench(name as typeof csmsBenchmarks[number], rest);
  if (name !== 'rpc') {
    console.error(`unknown benchmark '${name}'\n\n${usage}`);
    return 1;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      stations: { type: 'string' }, duration: { type: 'string' }, warmup: { type: 'string' }, runs: { type: 'string' },
      idle: { type: 'string' }, only: { type: 'string' }, profile: { type: 'boolean' }, out: { type: 'string' },
    },
    strict: true,
  });
  const d = defaultRpcOptions;
  const result = await runRpcBench({
    // Bounds: a run never exceeds 10 000 stations, 60 s per window, 10 repetitions.
    stations: int('stations', values.stations, d.stations, 1, 10_000),
    durationMs: int('duration', values.duration, d.durationMs, 100, 60_000),
    warmupMs: int('warmup', values.warmup, d.warmupMs, 0, 30_000),
    runs: int('runs', values.runs, d.runs, 1, 10),
    idleConnections: int('idle', values.idle, d.idleConnections, 0, 20_000),
    only: values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : [],
    profile: values.profile ?? false,
    outDir: values.out ?? defaultResultsDir,
    args: rest,
  });
  const fs = await import('node:fs');
  process.stdout.write(fs.readFileSync(result.written!.markdownPath, 'utf8'));
  console.error(`\nwrote ${result.written!.jsonPath}\nwrote ${result.written!.markdownPath}`);
  const errors = result.scenarios.reduce((a, s) => a + s.errors, 0);
  if (errors) console.error(`${errors} CALLs failed during the run: the figures are not trustworthy`);
  return errors ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (err: unknown) => {
  console.error(err instanceof Error ? err.stack ?? err.message : err);
  process.exit(1);
});
