// `npm run bench -- soak`: the real CSMS (validation on, SQLite) under steady churn for a long window
// (default 10 minutes): N stations run the fleet mix (fleet-child.ts: heartbeats, status changes,
// transactions with meter values) time-compressed to a given CALL rate, while random stations are closed
// and reconnect (back-off, new connection, BootNotification again; a transaction in progress is left
// open, as when a real station loses power). The CSMS's RSS and V8 heap are sampled after a full GC every
// few seconds; reported: their growth per minute over the second half (least-squares line), the errors
// (unexpected CALLERRORs or replies, failed connects, drops the churn did not cause) and the time series.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { machineBusyMs, otherLoadPct, runMeta } from '../lib/env.ts';
import { spread, fmt, fmtSpread, ms, type Spread } from '../lib/stats.ts';
import { writeResults, mdTable, mdMeta, type Written } from '../lib/results.ts';
import type { CsmsUsage } from './csms-child.ts';
import type { FleetCounts, SteadyMark } from './fleet-types.ts';
import { mixRatePerStation } from './fleet-frames.ts';
import { checkFdLimit, csmsProcessLabel, fleetArgs, startCsms, startFleet, tempDataDir } from './common.ts';

export interface SoakOptions {
  stations: number; durationMs: number; sampleMs: number;
  /** Offered CALLs/s of the fleet mix (sets its time compression). */
  rate: number;
  /** Stations closed per second (each reconnects after 0.5–1.5 s and boots again). */
  churnPerS: number;
  runs: number; outDir: string; args: string[]; quiet?: boolean;
}
export const defaultSoakOptions = { stations: 1000, durationMs: 600_000, sampleMs: 10_000, rate: 200, churnPerS: 5, runs: 1 };
/** "Flat": growth over the second half, per minute, of the least-squares line through the samples. */
export const flatLimits = { rssMBPerMin: 0.5, heapMBPerMin: 0.1 };

export interface SoakSample {
  /** Minutes since the churn started. */
  tMin: number;
  rssMB: number; heapMB: number; externalMB: number; peakRssMB: number;
  sessions: number; booted: number;
  callsPerS: number; p50Ms: number; p99Ms: number;
  csmsCpuPct: number; fleetCpuPct: number; otherLoadPct: number;
  storeItemsPerS: number;
  /** SQLite files (database + WAL) in MB: the page cache (32 MB) fills as they grow. */
  dbMB: number;
  /** Cumulative since the churn started. */
  churned: number; boots: number; connectFailures: number; drops: number; errors: number;
}
export interface SoakRun {
  samples: SoakSample[];
  /** Before the fleet connected, after GC. */
  baseRssMB: number;
  rssSlopeMBPerMin: number; heapSlopeMBPerMin: number;
  /** First and last sample of the second half. */
  rssSecondHalfMB: [number, number];
  callsPerS: number; p99Ms: number;
  churned: number; boots: number;
  errors: number; firstError?: string; connectFailures: number;
  /** Connections the fleet saw closed without closing them itself. */
  unexpectedDrops: number;
  flat: boolean;
}
export interface SoakResult {
  benchmark: 'soak'; meta: ReturnType<typeof runMeta>; options: Omit<SoakOptions, 'outDir' | 'args' | 'quiet'>;
  runs: SoakRun[]; rssSlope: Spread; heapSlope: Spread; errors: number; command: string; written?: Written;
}

/** Least-squares slope of y over x (NaN with fewer than two points). */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const mx = xs.reduce((a, x) => a + x, 0) / n;
  const my = ys.reduce((a, y) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den ? num / den : NaN;
}

const worst = (xs: number[]): number => { const f = xs.filter(Number.isFinite); return f.length ? Math.max(...f) : NaN; };
const dirMB = (dir: string): number => readdirSync(dir).reduce((a, f) => a + statSync(join(dir, f)).size, 0) / 1048576;

async function once(o: SoakOptions, tag: string, log: (s: string) => void): Promise<SoakRun> {
  const data = tempDataDir('soak');
  const csms = await startCsms({ dataDir: data.dir, port: 0, store: 'sqlite' });
  const fleet = startFleet();
  try {
    await sleep(300);
    const base = await csms.child.request<CsmsUsage>('usage', { gc: true });
    const c = await fleet.request<FleetCounts & { ms: number }>('connect', fleetArgs(csms.port, o.stations, tag, { backoff: { minMs: 500, rangeMs: 1000, maxMs: 8000 } }), 300_000);
    if (c.booted !== o.stations || c.errors) throw new Error(`soak ${tag}: ${c.booted}/${o.stations} booted, ${c.errors} errors: ${c.firstError}`);
    await fleet.request('arm', { reconnect: true });
    await fleet.request('mixStart', { compression: o.rate / (o.stations * mixRatePerStation) });
    await fleet.request('churnStart', { perS: o.churnPerS });
    const t0 = performance.now();
    let m = await fleet.request<SteadyMark>('mark');
    let u = await csms.child.request<CsmsUsage>('usage');
    let k = machineBusyMs();
    const samples: SoakSample[] = [];
    let firstError: string | undefined;
    while (performance.now() - t0 < o.durationMs) {
      await sleep(Math.min(o.sampleMs, Math.max(0, o.durationMs - (performance.now() - t0))));
      const m1 = await fleet.request<SteadyMark>('mark');
      const k1 = machineBusyMs();
      const u1 = await csms.child.request<CsmsUsage>('usage', { gc: true }, 60_000);
      const f = await fleet.request<FleetCounts>('counts');
      const s = (m1.at - m.at) / 1000;
      const csmsCpuPct = (u1.cpuMicros - u.cpuMicros) / (u1.at - u.at) / 10;
      const fleetCpuPct = (m1.cpuMicros - m.cpuMicros) / (m1.at - m.at) / 10;
      const x: SoakSample = {
        tMin: (performance.now() - t0) / 60_000,
        rssMB: u1.rss / 1048576, heapMB: u1.heapUsed / 1048576, externalMB: u1.external / 1048576, peakRssMB: u1.peakRss / 1048576,
        sessions: u1.sessions, booted: f.booted,
        callsPerS: (m1.completed - m.completed) / s, p50Ms: m1.latencyMs.p50, p99Ms: m1.latencyMs.p99,
        csmsCpuPct, fleetCpuPct, otherLoadPct: otherLoadPct(k, k1, csmsCpuPct + fleetCpuPct),
        storeItemsPerS: (u1.storeItems - u.storeItems) / ((u1.at - u.at) / 1000), dbMB: dirMB(data.dir),
        churned: f.churned, boots: f.boots, connectFailures: f.connectFailures, drops: f.drops, errors: f.errors,
      };
      firstError ??= f.firstError;
      samples.push(x);
      log(`soak ${tag} ${x.tMin.toFixed(1).padStart(5)} min  RSS ${x.rssMB.toFixed(1)} MB  heap ${x.heapMB.toFixed(1)} MB  ${x.sessions} sessions  ${fmt(x.callsPerS)} CALLs/s p99 ${ms(x.p99Ms)} ms  churned ${x.churned}  boots ${x.boots}  db ${x.dbMB.toFixed(0)} MB  CSMS ${x.csmsCpuPct.toFixed(0)}% other ${x.otherLoadPct.toFixed(0)}%${x.errors ? `  ERRORS ${x.errors}: ${f.firstError}` : ''}`);
      m = m1; u = u1; k = k1;
    }
    await fleet.request('churnStop');
    await fleet.request('mixStop');
    const f = await fleet.request<FleetCounts>('counts');
    const half = samples.filter((x) => x.tMin >= o.durationMs / 120_000);
    const sec = half.length >= 2 ? half : samples.slice(-2);
    const rssSlope = slope(sec.map((x) => x.tMin), sec.map((x) => x.rssMB));
    const heapSlope = slope(sec.map((x) => x.tMin), sec.map((x) => x.heapMB));
    const mins = samples.length ? samples[samples.length - 1]!.tMin : 0;
    const completedPerS = samples.reduce((a, x) => a + x.callsPerS, 0) / Math.max(1, samples.length);
    return {
      samples, baseRssMB: base.rss / 1048576, rssSlopeMBPerMin: rssSlope, heapSlopeMBPerMin: heapSlope,
      rssSecondHalfMB: [sec[0]?.rssMB ?? NaN, sec[sec.length - 1]?.rssMB ?? NaN],
      callsPerS: completedPerS, p99Ms: worst(samples.map((x) => x.p99Ms)),
      churned: f.churned, boots: f.boots, errors: f.errors, firstError: f.firstError ?? firstError, connectFailures: f.connectFailures,
      unexpectedDrops: Math.max(0, f.drops - f.churned),
      flat: mins > 0 && rssSlope <= flatLimits.rssMBPerMin && heapSlope <= flatLimits.heapMBPerMin,
    };
  } finally {
    await fleet.request('disconnect', undefined, 60_000).catch(() => {});
    await fleet.stop();
    await csms.child.stop();
    data.remove();
  }
}

export async function runSoakBench(o: SoakOptions): Promise<SoakResult> {
  checkFdLimit(o.stations);
  const meta = runMeta(['soak', ...o.args]);
  const log = (s: string): void => { if (!o.quiet) console.error(s); };
  const runs: SoakRun[] = [];
  for (let i = 1; i <= o.runs; i++) {
    const r = await once(o, `K${i}-`, log);
    runs.push(r);
    log(`soak run ${i}/${o.runs}: RSS ${r.rssSlopeMBPerMin.toFixed(3)} MB/min, heap ${r.heapSlopeMBPerMin.toFixed(3)} MB/min over the second half, ${r.churned} churned, ${r.boots} boots, ${r.errors} errors, ${r.connectFailures} failed connects, ${r.unexpectedDrops} unexpected drops: ${r.flat ? 'flat' : 'NOT flat'}`);
  }
  const { outDir: _o, args: _a, quiet: _q, ...options } = o;
  const result: SoakResult = {
    benchmark: 'soak', meta, options, runs,
    rssSlope: spread(runs.map((r) => r.rssSlopeMBPerMin)), heapSlope: spread(runs.map((r) => r.heapSlopeMBPerMin)),
    errors: runs.reduce((a, r) => a + r.errors + r.connectFailures + r.unexpectedDrops, 0), command: meta.command,
  };
  result.written = writeResults(o.outDir, result as never, renderSoak(result));
  return result;
}

export function renderSoak(r: SoakResult): string {
  const o = r.options;
  const mb = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(3)} MB/min`;
  const rows = r.runs.map((x, i) => [
    String(i + 1), mb(x.rssSlopeMBPerMin), mb(x.heapSlopeMBPerMin), `${x.rssSecondHalfMB[0].toFixed(0)} → ${x.rssSecondHalfMB[1].toFixed(0)} MB`,
    `${x.baseRssMB.toFixed(0)} MB`, fmt(x.callsPerS), ms(x.p99Ms), fmt(x.churned), fmt(x.boots),
    String(x.errors), String(x.connectFailures), String(x.unexpectedDrops), x.flat && x.errors + x.connectFailures + x.unexpectedDrops === 0 ? 'pass' : x.flat ? '**errors**' : '**not flat**',
  ]);
  const series = r.runs[0]?.samples ?? [];
  const step = Math.max(1, Math.ceil(series.length / 12));
  return [
    '# Soak: the CSMS under steady churn (validation on, SQLite)',
    '',
    mdMeta(r.meta, {
      'CSMS process': csmsProcessLabel(),
      Load: `${fmt(o.stations)} stations running the fleet mix of \`steady\` compressed to ${fmt(o.rate)} offered CALLs/s (heartbeats, status changes, transactions with meter values); ${o.churnPerS} random stations/s closed by the fleet, each reconnecting after 0.5–1.5 s and booting again (a transaction in progress is left open)`,
      Duration: `${o.durationMs >= 60_000 ? `${fmt(o.durationMs / 60_000, 1)} min` : `${fmt(o.durationMs / 1000, 1)} s`} per run, CSMS RSS and V8 heap sampled after two full GCs every ${o.sampleMs / 1000} s`,
      Runs: `${o.runs}${o.runs === 1 ? ' (one run: a 10-minute figure three times is 30 minutes; `--runs 3` for min/median/max)' : ' (median (min–max))'}`,
      'Flat means': `least-squares growth over the second half ≤ ${flatLimits.rssMBPerMin} MB/min RSS and ≤ ${flatLimits.heapMBPerMin} MB/min V8 heap (after GC)`,
    }),
    '',
    mdTable(['run', 'RSS growth (2nd half)', 'heap growth (2nd half)', 'RSS 2nd half', 'RSS before connect', 'CALLs/s', 'worst p99 ms', 'churned', 'boots', 'unexpected replies', 'failed connects', 'unexpected drops', 'result'], rows),
    '',
    r.runs.length > 1 ? `Over ${r.runs.length} runs: RSS ${fmtSpread(r.rssSlope, 3, ' MB/min')}, heap ${fmtSpread(r.heapSlope, 3, ' MB/min')}.` : '',
    r.runs.find((x) => x.firstError) ? `First error: \`${r.runs.find((x) => x.firstError)!.firstError}\`` : '',
    '',
    `## Time series of run 1 (every ${step > 1 ? `${step}th ` : ''}sample; all of them in the JSON)`,
    '',
    mdTable(['min', 'RSS MB', 'heap MB', 'external MB', 'sessions', 'CALLs/s', 'p99 ms', 'store items/s', 'db MB', 'churned', 'CSMS CPU %', 'other load %'],
      series.filter((_, i) => i % step === step - 1 || i === series.length - 1).map((x) => [
        x.tMin.toFixed(1), x.rssMB.toFixed(1), x.heapMB.toFixed(1), x.externalMB.toFixed(1), String(x.sessions), fmt(x.callsPerS), ms(x.p99Ms),
        fmt(x.storeItemsPerS), x.dbMB.toFixed(0), fmt(x.churned), x.csmsCpuPct.toFixed(0), x.otherLoadPct.toFixed(0),
      ])),
    '',
    `Each figure above comes from \`${r.command}\`.`,
  ].join('\n').replace(/\n{3,}/g, '\n\n');
}
