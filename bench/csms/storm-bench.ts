// `npm run bench -- storm`: N booted stations on the CSMS; the CSMS process is killed (SIGKILL, a crash)
// and started again on the same port with the same SQLite file; every station reconnects at once with
// its back-off (minimum wait + small random range). Reported: time from the kill and from the new
// CSMS listening until every station is booted again, stations lost, peak RSS of the new CSMS.
import { setTimeout as sleep } from 'node:timers/promises';
import { runMeta } from '../lib/env.ts';
import { spread, fmt, fmtSpread, type Spread } from '../lib/stats.ts';
import { writeResults, mdTable, mdMeta, type Written } from '../lib/results.ts';
import { cpuMsOf, peakRssOf } from './peak-rss.ts';
import type { FleetCounts } from './fleet-types.ts';
import type { CsmsUsage } from './csms-child.ts';
import { checkFdLimit, csmsFromBundle, csmsProcessLabel, fleetArgs, startCsms, startFleet, tempDataDir, type RunningCsms } from './common.ts';

export interface StormOptions {
  stations: number; runs: number; backoffMinMs: number; backoffRangeMs: number; /** CSMS from an esbuild bundle (default) or through tsx. */ precompiled?: boolean;
  /** store.sqliteThread of the CSMS (default: the CSMS's default, the event loop). */
  sqliteThread?: 'worker' | 'main';
  /**
   * The CSMS's HTTP side (REST API, dashboard files) on, as `npm start` runs it (default), or off as before
   * session 16: the restarted process then builds no Fastify app.
   */
  restApi?: boolean;
  outDir: string; args: string[]; quiet?: boolean; timeoutMs?: number;
}
export const defaultStormOptions = { stations: 10_000, runs: 3, backoffMinMs: 500, backoffRangeMs: 1000 };

export interface StormRun {
  stations: number;
  initialConnectMs: number;
  /** Kill → the new CSMS listening (process start, store open). */
  restartMs: number;
  /** Kill → every station booted again. */
  fromKillMs: number;
  /** New CSMS listening → every station booted again. */
  fromListenMs: number;
  lost: number;
  connectFailures: number;
  /** The restarted CSMS ran its HTTP side (REST API, dashboard files): it listened on this port. */
  httpPort?: number;
  peakRssMB: number;
  /** New CSMS listening → this share of the stations booted again (ms): whether the tail is the CSMS's rate or a few stations' back-off. */
  bootedAtMs: { p50: number; p90: number; p99: number };
  /**
   * About every 500 ms after listening (when the new CSMS answered, plus 500 ms): its sessions, store items and
   * batches committed, and time its writer waited at WAL restart points; the fleet's stations with an open
   * connection and booted, from its latest count (≤ 50 ms old); the CPU each process used since the previous
   * entry (% of one core).
   */
  timeline: Array<{ ms: number; open: number; booted: number; sessions: number; storeItems: number; storeBatches: number; walRestartWaitMs: number; csmsCpuPct: number; fleetCpuPct: number }>;
  errors: number;
  firstError?: string;
}
export interface StormResult {
  benchmark: 'storm'; meta: ReturnType<typeof runMeta>; options: Omit<StormOptions, 'outDir' | 'args' | 'quiet'>;
  runs: StormRun[]; fromKillMs: Spread; fromListenMs: Spread; peakRssMB: Spread; lost: number; written?: Written;
}

async function once(o: StormOptions & { restApi: boolean }, tag: string, log: (s: string) => void): Promise<StormRun> {
  const n = o.stations;
  const data = tempDataDir('storm');
  const pre = { precompiled: o.precompiled ?? csmsFromBundle() };
  const cfg = { store: 'sqlite' as const, ...(o.sqliteThread ? { sqliteThread: o.sqliteThread } : {}), restApi: o.restApi };
  let csms: RunningCsms | undefined = await startCsms({ dataDir: data.dir, port: 0, ...cfg }, [], pre);
  const port = csms.port;
  const fleet = startFleet();
  try {
    const c = await fleet.request<FleetCounts & { ms: number }>('connect', fleetArgs(port, n, tag, { backoff: { minMs: o.backoffMinMs, rangeMs: o.backoffRangeMs, maxMs: 16 * Math.max(1, o.backoffMinMs) } }), 300_000);
    if (c.booted !== n || c.errors) throw new Error(`storm ${tag}: ${c.booted}/${n} booted before the restart, ${c.errors} errors: ${c.firstError}`);
    await csms.child.request('flush', undefined, 60_000);
    await fleet.request('arm', { reconnect: true });
    const killedAt = Date.now();
    const exited = new Promise((r) => csms!.child.proc.once('exit', r));
    csms.child.proc.kill('SIGKILL');
    await exited;
    csms = await startCsms({ dataDir: data.dir, port, ...cfg }, [], pre);
    const listeningAt = Date.now();
    const deadline = listeningAt + (o.timeoutMs ?? 60_000);
    let k: FleetCounts = await fleet.request<FleetCounts>('counts');
    const firstAt = { p50: NaN, p90: NaN, p99: NaN };
    // The timeline is sampled by a loop of its own: a busy CSMS answers its usage request late, and the
    // fleet's counts (which time the boots) must not wait for it.
    const timeline: StormRun['timeline'] = [];
    let sampling = true;
    const sampler = (async () => {
      let last = { at: listeningAt, csms: cpuMsOf(csms.pid), fleet: cpuMsOf(fleet.proc.pid!) };
      while (sampling) {
        const u = await csms!.child.request<CsmsUsage>('usage');
        const cpu = { at: Date.now(), csms: cpuMsOf(csms!.pid), fleet: cpuMsOf(fleet.proc.pid!) };
        const pct = (now: number, before: number): number => Math.round((100 * (now - before)) / Math.max(1, cpu.at - last.at));
        timeline.push({
          ms: cpu.at - listeningAt, open: k.open, booted: k.booted, sessions: u.sessions, storeItems: u.storeItems, storeBatches: u.storeBatches,
          walRestartWaitMs: Math.round(u.walRestartWaitMs), csmsCpuPct: pct(cpu.csms, last.csms), fleetCpuPct: pct(cpu.fleet, last.fleet),
        });
        last = cpu;
        await sleep(500);
      }
    })();
    for (;;) {
      k = await fleet.request<FleetCounts>('counts');
      const ms = Date.now() - listeningAt;
      for (const [q, share] of [['p50', 0.5], ['p90', 0.9], ['p99', 0.99]] as const) if (Number.isNaN(firstAt[q]) && k.booted >= share * n) firstAt[q] = ms;
      if (k.booted === n || Date.now() > deadline) break;
      await sleep(50);
    }
    sampling = false;
    await sampler.catch(() => undefined);
    await sleep(200);
    const peak = peakRssOf(csms.pid);
    const run: StormRun = {
      stations: n, initialConnectMs: c.ms, restartMs: listeningAt - killedAt,
      fromKillMs: k.booted === n ? k.lastBootAt - killedAt : NaN, fromListenMs: k.booted === n ? k.lastBootAt - listeningAt : NaN,
      lost: n - k.booted, connectFailures: k.connectFailures, peakRssMB: peak / 1048576, bootedAtMs: firstAt, timeline, errors: k.errors, firstError: k.firstError,
      ...(csms.httpPort !== undefined ? { httpPort: csms.httpPort } : {}),
    };
    log(`storm ${tag}: ${n} stations, restart ${run.restartMs} ms, all booted ${fmt(run.fromKillMs)} ms after the kill (${fmt(run.fromListenMs)} ms after listening), lost ${run.lost}, ${run.connectFailures} refused attempts, 50/90/99% booted ${fmt(firstAt.p50)}/${fmt(firstAt.p90)}/${fmt(firstAt.p99)} ms after listening, peak RSS ${run.peakRssMB.toFixed(0)} MB${run.errors ? `, ERRORS ${run.errors}: ${run.firstError}` : ''}`);
    return run;
  } finally {
    await fleet.request('disconnect', undefined, 60_000).catch(() => {});
    await fleet.stop();
    await csms?.child.stop();
    data.remove();
  }
}

export async function runStormBench(opts: StormOptions): Promise<StormResult> {
  const o = { ...opts, restApi: opts.restApi !== false };
  checkFdLimit(o.stations);
  const meta = runMeta(['storm', ...o.args]);
  const log = (s: string): void => { if (!o.quiet) console.error(s); };
  const runs: StormRun[] = [];
  for (let i = 1; i <= o.runs; i++) runs.push(await once(o, `S${i}-`, log));
  const { outDir: _o, args: _a, quiet: _q, ...options } = o;
  const result: StormResult = {
    benchmark: 'storm', meta, options, runs,
    fromKillMs: spread(runs.map((r) => r.fromKillMs)), fromListenMs: spread(runs.map((r) => r.fromListenMs)),
    peakRssMB: spread(runs.map((r) => r.peakRssMB)), lost: runs.reduce((a, r) => a + r.lost, 0),
  };
  result.written = writeResults(o.outDir, result as never, renderStorm(result));
  return result;
}

export function renderStorm(r: StormResult): string {
  const s = (x: Spread): Spread => ({ ...x, min: x.min / 1000, median: x.median / 1000, max: x.max / 1000 });
  return [
    '# Reconnect storm after a CSMS restart',
    '',
    mdMeta(r.meta, {
      Runs: `${r.runs.length} (min–max in brackets), a fresh SQLite database per run, reused across the restart`,
      'Station back-off': `${r.options.backoffMinMs} ms + random(0, ${r.options.backoffRangeMs}) ms, doubling after a refused attempt (max ${16 * Math.max(1, r.options.backoffMinMs)} ms; a new random part each attempt, OCPP 2.x Part 4 §5.4)`,
      'CSMS process': csmsProcessLabel(r.options.precompiled !== false),
      'HTTP side': r.options.restApi === false ? 'off (`--rest-api off`: no REST API and no dashboard files; before session 16 every storm ran so)' : 'on, as `npm start` runs it (REST API and dashboard files on an ephemeral 127.0.0.1 port; `--rest-api off` to leave it out)',
      'Store': `SQLite, ${r.options.sqliteThread === 'worker' ? 'on a worker thread (`--sqlite-thread worker`)' : 'on the event loop (the default; `--sqlite-thread worker` for a thread of its own)'}`,
    }),
    '',
    mdTable(['stations', 'kill → all booted', 'listening → all booted', 'listening → 50 / 90 / 99% booted', 'restart (kill → listening)', 'lost', 'peak RSS (new CSMS)', 'target'], [[
      fmt(r.options.stations), fmtSpread(s(r.fromKillMs), 2, ' s'), fmtSpread(s(r.fromListenMs), 2, ' s'),
      (['p50', 'p90', 'p99'] as const).map((q) => fmt(spread(r.runs.map((x) => x.bootedAtMs?.[q] ?? NaN)).median / 1000, 2)).join(' / ') + ' s',
      fmtSpread(spread(r.runs.map((x) => x.restartMs / 1000)), 2, ' s'), String(r.lost), fmtSpread(r.peakRssMB, 0, ' MB'),
      r.lost === 0 && r.fromKillMs.median < 10_000 ? 'pass (< 10 s, 0 lost)' : 'FAIL (≥ 10 s or lost)',
    ]]),
    '',
    'The CSMS is killed with SIGKILL (no graceful close: the stations see their sockets reset) and a new process opens the same SQLite file on the same port. Time is measured until the last station has its BootNotification Accepted again.',
  ].join('\n');
}
