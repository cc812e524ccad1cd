// `npm run bench -- steady`: a realistic fleet mix (fleet-child.ts: heartbeat every 300 s, status
// changes, transactions with meter values every 15–60 s), time-compressed so that N stations offer a
// given CALL rate, stepped up until p99 latency passes 50 ms (or the CSMS falls behind); then a run at
// half the highest sustained rate. Real CSMS, validation on, SQLite persistence (journal + business data).
import { mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runMeta } from '../lib/env.ts';
import { fmt } from '../lib/stats.ts';
import { writeResults, mdTable, mdMeta, type Written } from '../lib/results.ts';
import { summariseProfile, type ProfileSummary } from '../lib/profile.ts';
import type { CsmsUsage } from './csms-child.ts';
import type { FleetCounts, SteadyMark } from './fleet-child.ts';
import { mixRatePerStation } from './fleet-frames.ts';
import { checkFdLimit, fleetArgs, startCsms, startFleet, tempDataDir } from './common.ts';

export interface SteadyOptions { stations: number; stepMs: number; rates: number[]; runs: number; profile: boolean; outDir: string; args: string[]; quiet?: boolean }
export const defaultSteadyOptions = { stations: 2000, stepMs: 10_000, rates: [500, 1000, 2000, 3000, 4000, 6000, 8000, 10_000, 12_000], runs: 1 };
const p99LimitMs = 50;

export interface SteadyStep {
  label: string;
  offered: number;
  compression: number;
  /** CALLs answered per second (each one validated and journaled in and out). */
  callsPerS: number;
  /** Items the store committed per second (journal entries, last-seen touches, transactions, meter values). */
  storeItemsPerS: number;
  p50Ms: number; p99Ms: number; maxMs: number;
  csmsCpuPct: number; fleetCpuPct: number; csmsRssMB: number;
  queued: number; errors: number; firstError?: string;
  byAction: Record<string, number>;
  ok: boolean;
}
export interface SteadyResult {
  benchmark: 'steady' | 'steady-profile'; meta: ReturnType<typeof runMeta>; options: Omit<SteadyOptions, 'outDir' | 'args' | 'quiet'>;
  mixRatePerStation: number; steps: SteadyStep[]; sustained?: SteadyStep; half?: SteadyStep; errors: number;
  profile?: ProfileSummary; written?: Written;
}

export async function runSteadyBench(o: SteadyOptions): Promise<SteadyResult> {
  checkFdLimit(o.stations);
  const meta = runMeta(['steady', ...o.args]);
  const log = (s: string): void => { if (!o.quiet) console.error(s); };
  const data = tempDataDir('steady');
  const profileDir = o.profile ? join(tmpdir(), `chargewire-steady-profile-${meta.startedAt.replace(/[:.]/g, '-')}`) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const csms = await startCsms({ dataDir: data.dir, port: 0, store: 'sqlite' }, profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
  const fleet = startFleet();
  const steps: SteadyStep[] = [];
  let half: SteadyStep | undefined;
  let profile: ProfileSummary | undefined;
  const compressionOf = (rate: number): number => rate / (o.stations * mixRatePerStation);

  async function step(label: string, offered: number): Promise<SteadyStep> {
    const compression = compressionOf(offered);
    await fleet.request('mixSet', { compression });
    await sleep(Math.min(3000, o.stepMs / 4)); // settle at the new rate
    await fleet.request<SteadyMark>('mark');
    const m0 = await fleet.request<SteadyMark>('mark');
    const u0 = await csms.child.request<CsmsUsage>('usage');
    await sleep(o.stepMs);
    const m1 = await fleet.request<SteadyMark>('mark');
    const u1 = await csms.child.request<CsmsUsage>('usage');
    const s = (m1.at - m0.at) / 1000;
    const byAction: Record<string, number> = {};
    for (const [k, v] of Object.entries(m1.byAction)) byAction[k] = Math.round((v - (m0.byAction[k] ?? 0)) / s);
    const callsPerS = (m1.completed - m0.completed) / s;
    const r: SteadyStep = {
      label, offered, compression, callsPerS, storeItemsPerS: (u1.storeItems - u0.storeItems) / ((u1.at - u0.at) / 1000),
      p50Ms: m1.latencyMs.p50, p99Ms: m1.latencyMs.p99, maxMs: m1.latencyMs.max,
      csmsCpuPct: (u1.cpuMicros - u0.cpuMicros) / (u1.at - u0.at) / 10, fleetCpuPct: (m1.cpuMicros - m0.cpuMicros) / (m1.at - m0.at) / 10,
      csmsRssMB: u1.rss / 1048576, queued: m1.queued, errors: m1.errors - m0.errors, firstError: m1.firstError, byAction,
      ok: false,
    };
    r.ok = r.p99Ms <= p99LimitMs && r.callsPerS >= 0.9 * offered && r.errors === 0;
    log(`steady ${label.padEnd(10)} offered ${fmt(offered).padStart(6)}/s (×${compression.toFixed(1)})  answered ${fmt(callsPerS).padStart(6)}/s  store ${fmt(r.storeItemsPerS).padStart(6)} items/s  p50 ${r.p50Ms.toFixed(1)} ms  p99 ${r.p99Ms.toFixed(1)} ms  CSMS ${r.csmsCpuPct.toFixed(0)}% cpu ${r.csmsRssMB.toFixed(0)} MB  fleet ${r.fleetCpuPct.toFixed(0)}% cpu  queued ${r.queued}${r.errors ? `  ERRORS ${r.errors}: ${r.firstError}` : ''}`);
    return r;
  }

  try {
    const c = await fleet.request<FleetCounts & { ms: number }>('connect', fleetArgs(csms.port, o.stations, 'F'), 300_000);
    if (c.booted !== o.stations || c.errors) throw new Error(`steady: ${c.booted}/${o.stations} booted, ${c.errors} errors: ${c.firstError}`);
    await fleet.request('mixStart', { compression: compressionOf(o.rates[0]!) });
    for (const rate of o.rates) {
      const r = await step(`step`, rate);
      steps.push(r);
      if (!r.ok) break;
    }
    const best = steps.filter((x) => x.ok).sort((a, b) => b.callsPerS - a.callsPerS)[0];
    if (best) {
      // Let a backlog of the failed step drain before measuring at half load.
      await fleet.request('mixSet', { compression: compressionOf(best.callsPerS / 4) });
      await sleep(3000);
      half = await step('half', Math.round(best.callsPerS / 2));
    }
    await fleet.request('mixStop');
  } finally {
    await fleet.request('disconnect', undefined, 60_000).catch(() => {});
    await fleet.stop();
    await csms.child.stop();
    data.remove();
  }
  if (profileDir) {
    const summaries = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile')).map((f) => summariseProfile(join(profileDir, f)))
      .sort((a, b) => b.totalMs - a.totalMs);
    profile = summaries[0];
    if (profile) log(`cpu profile: ${profile.file}`);
  }
  const { outDir: _o, args: _a, quiet: _q, ...options } = o;
  const sustained = steps.filter((x) => x.ok).sort((a, b) => b.callsPerS - a.callsPerS)[0];
  const result: SteadyResult = {
    benchmark: o.profile ? 'steady-profile' : 'steady', meta, options, mixRatePerStation, steps, sustained, half,
    errors: steps.reduce((a, x) => a + x.errors, 0) + (half?.errors ?? 0), profile,
  };
  result.written = writeResults(o.outDir, result as never, renderSteady(result));
  return result;
}

export function renderSteady(r: SteadyResult): string {
  const row = (x: SteadyStep): string[] => [
    x.label, fmt(x.offered), `×${x.compression.toFixed(1)}`, fmt(x.callsPerS), fmt(x.storeItemsPerS), x.p50Ms.toFixed(1), x.p99Ms.toFixed(1),
    `${x.csmsCpuPct.toFixed(0)}%`, `${x.csmsRssMB.toFixed(0)} MB`, `${x.fleetCpuPct.toFixed(0)}%`, x.ok ? 'ok' : x.errors ? `${x.errors} errors` : 'over limit',
  ];
  const lines = [
    '# Steady state: realistic fleet mix on the CSMS (validation on, SQLite)',
    '',
    mdMeta(r.meta, {
      Stations: r.options.stations,
      'Fleet mix': `per station: Heartbeat every 300 s; charging cycles of StatusNotification Occupied, TransactionEvent Started, 10–40 TransactionEvent Updated with meter values every 15–60 s, TransactionEvent Ended, StatusNotification Available, 30–300 s idle = ${r.mixRatePerStation.toFixed(4)} CALLs/station/s in real time`,
      'Time compression': 'every interval of the mix divided by the factor ×C of each step (×1 = real time)',
      Measure: `${r.options.stepMs / 1000} s per step after a settling period; latency = due time → CALLRESULT at the station; a step passes with p99 ≤ ${p99LimitMs} ms, ≥ 90% of the offered rate answered, no error`,
      Runs: `${r.options.runs} (one pass of the steps; not repeated three times for lack of time)`,
    }),
    '',
    mdTable(['step', 'offered CALLs/s', 'compression', 'answered CALLs/s', 'store items/s', 'p50 ms', 'p99 ms', 'CSMS CPU', 'CSMS RSS', 'fleet CPU', 'result'],
      [...r.steps.map(row), ...(r.half ? [row(r.half)] : [])]),
    '',
    r.sustained
      ? `Highest sustained: **${fmt(r.sustained.callsPerS)} persisted CALLs/s** (each one validated, answered and journaled in and out: ${fmt(r.sustained.callsPerS * 2)} journal entries/s) with p99 ${r.sustained.p99Ms.toFixed(1)} ms; at half that load p99 is ${r.half ? r.half.p99Ms.toFixed(1) : 'n/a'} ms. Target ≥ 10,000/s: ${r.sustained.callsPerS >= 10_000 ? 'pass' : 'FAIL'}.`
      : 'No step passed.',
  ];
  if (r.sustained) lines.push('', `Mix at the highest sustained step (CALLs/s): ${Object.entries(r.sustained.byAction).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}`);
  if (r.profile) {
    lines.push('', '## CPU profile of the CSMS (whole run)', '', mdTable(['area', 'self ms', 'self %'], r.profile.areas.map((a) => [a.name, fmt(a.selfMs), a.selfPct.toFixed(1)])),
      '', mdTable(['function', 'where', 'self %'], r.profile.topFunctions.map((f) => [f.name, f.where, f.selfPct.toFixed(1)])));
  }
  return lines.join('\n');
}
