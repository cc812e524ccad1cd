// `npm run bench -- ceiling`: the fleet mix (fleet-child.ts) in saturating mode — every station keeps
// one CALL outstanding and sends its next one as soon as the CALLRESULT arrives, no pacing — against
// (a) the real CSMS (validation on, SQLite persistence, as in `steady`) and (b) a minimal raw `ws`
// server (raw-csms-child.ts: parse, answer, nothing else), both started once and measured in
// interleaved runs (run 1 of both, run 2 of both, …, the order alternating). Reported: CALLs/s of each,
// our throughput as a ratio of the raw one per run pair (target ≥ 0.5), p50/p99, CPU of server and fleet.
// A third server, (c) the same CSMS on the in-memory store (nothing persisted), splits the gap between
// the protocol stack and persistence.
import { setTimeout as sleep } from 'node:timers/promises';
import { machineBusyMs, otherLoadPct, runMeta } from '../lib/env.ts';
import { spread, fmt, fmtSpread, ms, type Spread } from '../lib/stats.ts';
import { writeResults, mdTable, mdMeta, type Written } from '../lib/results.ts';
import type { CsmsUsage } from './csms-child.ts';
import type { RawUsage } from './raw-csms-child.ts';
import type { FleetCounts, SteadyMark } from './fleet-types.ts';
import { checkFdLimit, csmsProcessLabel, fleetArgs, startCsms, startFleet, startRawCsms, tempDataDir, type RunningCsms } from './common.ts';

export interface CeilingOptions { stations: number; warmupMs: number; durationMs: number; runs: number; outDir: string; args: string[]; quiet?: boolean }
export const defaultCeilingOptions = { stations: 200, warmupMs: 2000, durationMs: 10_000, runs: 3 };
const targetRatio = 0.5;

export type CeilingTarget = 'csms' | 'memory' | 'raw';
export interface CeilingSample {
  target: CeilingTarget;
  run: number;
  callsPerS: number;
  completed: number;
  seconds: number;
  p50Ms: number; p99Ms: number; maxMs: number;
  serverCpuPct: number;
  fleetCpuPct: number;
  /** CPU used by everything else on the (shared) machine during the window, % of one core. */
  otherLoadPct: number;
  /** CALLs answered per second of server CPU time: robust to other load on the machine. */
  perServerCpuSecond: number;
  serverRssMB: number;
  /** Items the CSMS store committed per second (journal entries, touches, transactions, meter values); csms only. */
  storeItemsPerS?: number;
  byAction: Record<string, number>;
  errors: number;
  firstError?: string;
}
export interface CeilingSide {
  target: CeilingTarget; title: string; samples: CeilingSample[];
  callsPerS: Spread; perServerCpuSecond: Spread; p50Ms: Spread; p99Ms: Spread; serverCpuPct: Spread; fleetCpuPct: Spread; otherLoadPct: Spread;
  serverRssMB: Spread; storeItemsPerS?: Spread; errors: number;
}
export interface CeilingResult {
  benchmark: 'ceiling'; meta: ReturnType<typeof runMeta>; options: Omit<CeilingOptions, 'outDir' | 'args' | 'quiet'>;
  sides: CeilingSide[];
  /** CSMS / raw per run pair, from CALLs/s and from CALLs per server CPU-second. */
  ratio: { values: number[]; value: Spread; valuesByCpu: number[]; valueByCpu: Spread; target: string; pass: boolean };
  /** The same for the CSMS on the in-memory store (no persistence): what the protocol stack alone reaches. */
  memoryRatio: { values: number[]; value: Spread; valuesByCpu: number[]; valueByCpu: Spread };
  errors: number; command: string; written?: Written;
}

const titles: Record<CeilingTarget, string> = {
  csms: 'CSMS (createCsms: validation on, SQLite persistence, sessions, journal)',
  memory: 'CSMS on the in-memory store (the same, nothing persisted)',
  raw: 'raw `ws` server (JSON.parse + answer, no validation, no persistence)',
};

async function measure(fleet: ReturnType<typeof startFleet>, srv: RunningCsms, target: CeilingTarget, run: number, o: CeilingOptions): Promise<CeilingSample> {
  const n = o.stations;
  const c = await fleet.request<FleetCounts & { ms: number }>('connect', fleetArgs(srv.port, n, `C${run}${target[0]}-`, { concurrency: 200 }), 300_000);
  if (c.booted !== n || c.errors) throw new Error(`ceiling ${target} run ${run}: ${c.booted}/${n} booted, ${c.errors} errors: ${c.firstError}`);
  try {
    await fleet.request('satStart');
    await sleep(o.warmupMs);
    await fleet.request<SteadyMark>('mark'); // drop the warm-up latencies
    const m0 = await fleet.request<SteadyMark>('mark');
    const u0 = await srv.child.request<CsmsUsage | RawUsage>('usage');
    const k0 = machineBusyMs();
    await sleep(o.durationMs);
    const m1 = await fleet.request<SteadyMark>('mark');
    const u1 = await srv.child.request<CsmsUsage | RawUsage>('usage');
    const k1 = machineBusyMs();
    const end = await fleet.request<FleetCounts>('satStop', undefined, 15_000);
    const seconds = (m1.at - m0.at) / 1000;
    const completed = m1.completed - m0.completed;
    const serverCpuMicros = u1.cpuMicros - u0.cpuMicros;
    const serverCpuPct = serverCpuMicros / (u1.at - u0.at) / 10;
    const fleetCpuPct = (m1.cpuMicros - m0.cpuMicros) / (m1.at - m0.at) / 10;
    const byAction: Record<string, number> = {};
    for (const [k, v] of Object.entries(m1.byAction)) byAction[k] = Math.round((v - (m0.byAction[k] ?? 0)) / seconds);
    const items = (u: CsmsUsage | RawUsage): number | undefined => ('storeItems' in u ? u.storeItems : undefined);
    const i0 = items(u0);
    const i1 = items(u1);
    return {
      target, run, callsPerS: completed / seconds, completed, seconds,
      p50Ms: m1.latencyMs.p50, p99Ms: m1.latencyMs.p99, maxMs: m1.latencyMs.max,
      serverCpuPct, fleetCpuPct, otherLoadPct: otherLoadPct(k0, k1, serverCpuPct + fleetCpuPct),
      perServerCpuSecond: completed / (serverCpuMicros / 1e6), serverRssMB: u1.rss / 1048576,
      ...(i0 !== undefined && i1 !== undefined ? { storeItemsPerS: (i1 - i0) / ((u1.at - u0.at) / 1000) } : {}),
      byAction, errors: end.errors, firstError: end.firstError,
    };
  } finally {
    await fleet.request('disconnect', undefined, 60_000);
  }
}

export async function runCeilingBench(o: CeilingOptions): Promise<CeilingResult> {
  checkFdLimit(o.stations);
  const meta = runMeta(['ceiling', ...o.args]);
  const log = (s: string): void => { if (!o.quiet) console.error(s); };
  const data = tempDataDir('ceiling');
  const servers: Partial<Record<CeilingTarget, RunningCsms>> = {};
  const fleet = startFleet();
  const samples: Record<CeilingTarget, CeilingSample[]> = { csms: [], memory: [], raw: [] };
  try {
    servers.csms = await startCsms({ dataDir: data.dir, port: 0, store: 'sqlite' });
    servers.memory = await startCsms({ dataDir: data.dir, port: 0, store: 'memory' });
    servers.raw = await startRawCsms();
    for (let run = 1; run <= o.runs; run++) {
      // Interleaved, the order alternating, so that drift on the shared machine hits both sides alike.
      const order: CeilingTarget[] = run % 2 ? ['csms', 'memory', 'raw'] : ['raw', 'memory', 'csms'];
      for (const target of order) {
        if (target === 'memory' && run > 1) {
          // the in-memory store keeps everything it is given: a fresh process per run bounds its heap to one run's traffic
          await servers.memory!.child.stop();
          servers.memory = await startCsms({ dataDir: data.dir, port: 0, store: 'memory' });
        }
        const s = await measure(fleet, servers[target]!, target, run, o);
        samples[target].push(s);
        log(`run ${run}/${o.runs} ceiling-${target.padEnd(6)} ${fmt(s.callsPerS).padStart(7)} CALLs/s  p50 ${ms(s.p50Ms)} ms  p99 ${ms(s.p99Ms)} ms  server ${s.serverCpuPct.toFixed(0)}% cpu (${fmt(s.perServerCpuSecond)}/cpu-s)  fleet ${s.fleetCpuPct.toFixed(0)}% cpu  other ${s.otherLoadPct.toFixed(0)}%${s.storeItemsPerS !== undefined ? `  store ${fmt(s.storeItemsPerS)} items/s` : ''}${s.errors ? `  ERRORS ${s.errors}: ${s.firstError}` : ''}`);
        await sleep(200);
      }
    }
  } finally {
    await fleet.stop();
    await Promise.all(Object.values(servers).map((s) => s.child.stop()));
    data.remove();
  }
  const side = (target: CeilingTarget): CeilingSide => {
    const xs = samples[target];
    const st = xs.map((x) => x.storeItemsPerS).filter((x): x is number => x !== undefined);
    return {
      target, title: titles[target], samples: xs,
      callsPerS: spread(xs.map((x) => x.callsPerS)), perServerCpuSecond: spread(xs.map((x) => x.perServerCpuSecond)),
      p50Ms: spread(xs.map((x) => x.p50Ms)), p99Ms: spread(xs.map((x) => x.p99Ms)),
      serverCpuPct: spread(xs.map((x) => x.serverCpuPct)), fleetCpuPct: spread(xs.map((x) => x.fleetCpuPct)), otherLoadPct: spread(xs.map((x) => x.otherLoadPct)),
      serverRssMB: spread(xs.map((x) => x.serverRssMB)), ...(st.length ? { storeItemsPerS: spread(st) } : {}),
      errors: xs.reduce((a, x) => a + x.errors, 0),
    };
  };
  const sides = [side('csms'), side('memory'), side('raw')];
  const ratioOf = (t: CeilingTarget) => {
    const values = samples[t].map((x, i) => x.callsPerS / samples.raw[i]!.callsPerS);
    const valuesByCpu = samples[t].map((x, i) => x.perServerCpuSecond / samples.raw[i]!.perServerCpuSecond);
    return { values, value: spread(values), valuesByCpu, valueByCpu: spread(valuesByCpu) };
  };
  const csmsRatio = ratioOf('csms');
  const { outDir: _o, args: _a, quiet: _q, ...options } = o;
  const result: CeilingResult = {
    benchmark: 'ceiling', meta, options, sides,
    ratio: { ...csmsRatio, target: `≥ ${targetRatio}`, pass: csmsRatio.value.median >= targetRatio },
    memoryRatio: ratioOf('memory'),
    errors: sides.reduce((a, s) => a + s.errors, 0), command: meta.command,
  };
  result.written = writeResults(o.outDir, result as never, renderCeiling(result));
  return result;
}

export function renderCeiling(r: CeilingResult): string {
  const o = r.options;
  const csms = r.sides.find((s) => s.target === 'csms')!;
  const mix = Object.entries(csms.samples[0]?.byAction ?? {}).map(([k, v]) => `${k} ${fmt(v)}`).join(', ');
  return [
    '# Raw ceiling: the CSMS vs a minimal raw `ws` server, same saturating fleet traffic',
    '',
    mdMeta(r.meta, {
      'CSMS process': csmsProcessLabel(),
      Stations: `${o.stations}, each with one CALL outstanding: the next CALL of the fleet mix is sent as soon as the CALLRESULT arrives (no pacing); each station boots first (BootNotification Accepted) against the server under test`,
      Traffic: 'the fleet mix of `steady` without its waits: StatusNotification, TransactionEvent Started / 10–40 Updated with 6 sampled values / Ended, and a Heartbeat every 9th step (≈ 10% of CALLs)',
      Window: `${o.warmupMs} ms warm-up, then ${o.durationMs} ms measured; latency = CALL sent → CALLRESULT at the station`,
      Runs: `${o.runs}, interleaved (run i of all servers back to back, the order alternating); ratio computed per run pair; figures are median (min–max)`,
      Processes: 'the two CSMS (SQLite and in-memory store), the raw server and the fleet each in their own process, 127.0.0.1 only; the servers started once for the whole run, except the in-memory CSMS: a fresh process per run (its store keeps everything)',
      Noise: '"Other load %" is CPU used by the rest of the (shared, 2-core) machine during the window, % of one core; when it is high, trust the per-server-CPU-second ratio more',
    }),
    '',
    mdTable(['Figure', 'From CALLs/s: median (min–max)', 'From CALLs per server CPU-s', 'Target', 'Met (CALLs/s)'], [[
      'CSMS / raw ws server', fmtSpread(r.ratio.value, 2), fmtSpread(r.ratio.valueByCpu, 2), r.ratio.target, r.ratio.pass ? 'yes' : '**no**',
    ], [
      'CSMS on the in-memory store / raw ws server (nothing persisted: the protocol stack alone)', fmtSpread(r.memoryRatio.value, 2), fmtSpread(r.memoryRatio.valueByCpu, 2), '—', '—',
    ]]),
    '',
    mdTable(['Server', 'CALLs/s', 'Per server CPU-s', 'p50 ms', 'p99 ms', 'Server CPU %', 'Fleet CPU %', 'Other load %', 'Server RSS', 'Store items/s', 'Errors'],
      r.sides.map((s) => [
        s.title, fmtSpread(s.callsPerS), fmtSpread(s.perServerCpuSecond), fmt(s.p50Ms.median, 1), fmt(s.p99Ms.median, 1),
        fmt(s.serverCpuPct.median), fmt(s.fleetCpuPct.median), fmt(s.otherLoadPct.median), fmtSpread(s.serverRssMB, 0, ' MB'),
        s.storeItemsPerS ? fmtSpread(s.storeItemsPerS) : '—', String(s.errors),
      ])),
    '',
    `Per-run ratios (CALLs/s): ${r.ratio.values.map((v) => v.toFixed(2)).join(', ')}; per server CPU-s: ${r.ratio.valuesByCpu.map((v) => v.toFixed(2)).join(', ')}; in-memory store: ${r.memoryRatio.values.map((v) => v.toFixed(2)).join(', ')} and ${r.memoryRatio.valuesByCpu.map((v) => v.toFixed(2)).join(', ')}.`,
    mix ? `Mix answered by the CSMS in run 1 (CALLs/s): ${mix}.` : '',
    '',
    `Each figure above comes from \`${r.command}\`; the per-run samples are in the JSON next to this file.`,
  ].join('\n').replace(/\n{3,}/g, '\n\n');
}
