// Markdown rendering of an rpc benchmark result (bench/results/rpc-latest.md, docs/performance.md).
import { fmt, fmtSpread } from '../lib/stats.ts';
import { mdMeta, mdTable } from '../lib/results.ts';
import type { RpcBenchResult } from './rpc-bench.ts';

export function renderMarkdown(r: RpcBenchResult): string {
  const o = r.options;
  const out: string[] = [];
  const kind = r.benchmark === 'rpc' ? '' : r.benchmark === 'rpc-profile' ? ' (profiled run: servers under --cpu-prof, rates are lower)' : ' (partial run)';
  out.push(`# rpc benchmark: CALL/CALLRESULT round trips over loopback${kind}`, '');
  out.push(mdMeta(r.meta, {
    'Runs per figure': `${o.runs} (interleaved, the order of the scenarios reversed in every second run; figures are median (min–max))`,
    'Stations': `${o.stations} concurrent, one CALL outstanding each`,
    'Window': `${o.warmupMs} ms warm-up, then ${o.durationMs} ms measured`,
    'Processes': 'server and load generator in separate processes (fork), 127.0.0.1 only',
    'Noise': '"Other load %" is CPU used by the rest of the machine during the window (% of one core); when it is high, trust the per-server-CPU-second column more than round trips/s',
  }), '');
  if (r.comparisons.length) {
    out.push('## Ratios and costs', '');
    const show = (c: RpcBenchResult['comparisons'][number], v: typeof c.value): string =>
      c.kind === 'ratio' ? fmtSpread(v, 2) : fmtSpread({ ...v, min: v.min * 100, median: v.median * 100, max: v.max * 100 }, 1, '%');
    out.push(mdTable(['Figure', 'From round trips/s: median (min–max)', 'From round trips per server CPU-s', 'Target', 'Met (rate)'], r.comparisons.map((c) => [
      c.title,
      show(c, c.value),
      show(c, c.valueByCpu),
      c.target ?? '',
      c.pass === undefined ? '' : c.pass ? 'yes' : '**no**',
    ])), '');
  }
  if (r.scenarios.length) {
    out.push('## Throughput', '');
    out.push(mdTable(
      ['Scenario', 'Round trips/s', 'Per server CPU-s', 'p50 ms', 'p99 ms', 'Server CPU %', 'Generator CPU %', 'Other load %', 'Errors'],
      r.scenarios.map((s) => [
        `\`${s.id}\` ${s.title}`, fmtSpread(s.rate), fmtSpread(s.perServerCpuSecond), fmt(s.p50Ms.median, 2), fmt(s.p99Ms.median, 2),
        fmt(s.serverCpuPct.median), fmt(s.generatorCpuPct.median), fmt(s.otherLoadPct.median), String(s.errors),
      ]),
    ), '');
  }
  if (r.memory.length) {
    out.push(`## Server memory per connection (${r.memory[0]!.connections} idle connections, after GC)`, '');
    out.push(mdTable(['Scenario', 'RSS bytes/conn', 'JS heap bytes/conn', 'external bytes/conn'], r.memory.map((m) => [
      `\`${m.id}\` ${m.title}`, fmtSpread(m.rssBytesPerConn), fmtSpread(m.heapBytesPerConn), fmtSpread(m.externalBytesPerConn),
    ])), '');
  }
  for (const p of r.profiles) {
    out.push(`## CPU profile of the \`${p.server}\` server (${fmt(p.summary.totalMs)} ms on CPU)`, '');
    out.push(mdTable(['Area', 'Self %'], p.summary.areas.slice(0, 10).map((a) => [a.name, fmt(a.selfPct, 1)])), '');
    out.push(mdTable(['Function', 'Where', 'Self %'], p.summary.topFunctions.slice(0, 15).map((f) => [f.name, f.where, fmt(f.selfPct, 1)])), '');
  }
  out.push(`Each figure above comes from \`${r.meta.command}\`; the full per-run samples are in the JSON next to this file.`);
  return out.join('\n') + '\n';
}
