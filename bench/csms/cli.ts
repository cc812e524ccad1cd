// Command-line front of the CSMS benchmarks (idle, storm, steady): options, bounds, printing.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { defaultResultsDir, type Written } from '../lib/results.ts';
import { runIdleBench, defaultIdleOptions } from './idle-bench.ts';
import { runStormBench, defaultStormOptions } from './storm-bench.ts';
import { runSteadyBench, defaultSteadyOptions } from './steady-bench.ts';

const help: Record<string, string> = {
  idle: `usage: npm run bench -- idle [--stations N (default ${defaultIdleOptions.stations}, max 60000)] [--runs N (default ${defaultIdleOptions.runs})] [--variants plain,deflate] [--out DIR]\n`,
  storm: `usage: npm run bench -- storm [--stations N (default ${defaultStormOptions.stations})] [--runs N (default ${defaultStormOptions.runs})] [--backoff MIN,RANGE ms (default ${defaultStormOptions.backoffMinMs},${defaultStormOptions.backoffRangeMs})] [--tsx (run the CSMS through tsx instead of a precompiled bundle)] [--out DIR]\n`,
  steady: `usage: npm run bench -- steady [--stations N (default ${defaultSteadyOptions.stations})] [--step-ms MS (default ${defaultSteadyOptions.stepMs})] [--rates R1,R2,… offered CALLs/s] [--runs N (default ${defaultSteadyOptions.runs})] [--profile] [--out DIR]\n`,
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

export async function runCsmsBench(name: 'idle' | 'storm' | 'steady', rest: string[]): Promise<number> {
  const { values } = parseArgs({
    args: rest,
    options: {
      stations: { type: 'string' }, runs: { type: 'string' }, variants: { type: 'string' }, backoff: { type: 'string' }, tsx: { type: 'boolean' },
      'step-ms': { type: 'string' }, rates: { type: 'string' }, profile: { type: 'boolean' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) { process.stdout.write(help[name]!); return 0; }
  const outDir = values.out ?? defaultResultsDir;
  if (name === 'idle') {
    const variants = (values.variants ?? 'plain,deflate').split(',').map((v) => v.trim());
    for (const v of variants) if (v !== 'plain' && v !== 'deflate') throw new RangeError(`--variants: plain and/or deflate, got ${v}`);
    const r = await runIdleBench({
      stations: int('stations', values.stations, defaultIdleOptions.stations, 1, 60_000),
      runs: int('runs', values.runs, defaultIdleOptions.runs, 1, 5),
      variants: variants as Array<'plain' | 'deflate'>, outDir, args: rest,
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
    });
    print(r.written);
    return r.runs.some((x) => x.lost > 0) ? 1 : 0;
  }
  const r = await runSteadyBench({
    stations: int('stations', values.stations, defaultSteadyOptions.stations, 1, 19_000),
    stepMs: int('step-ms', values['step-ms'], defaultSteadyOptions.stepMs, 500, 60_000),
    rates: ints('rates', values.rates, 1, 100_000) ?? defaultSteadyOptions.rates,
    runs: int('runs', values.runs, defaultSteadyOptions.runs, 1, 3),
    profile: values.profile ?? false, outDir, args: rest,
  });
  print(r.written);
  return r.errors ? 1 : 0;
}
