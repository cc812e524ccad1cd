// `npm run bench -- idle`: N stations connect to the real CSMS (SQLite), boot (Accepted) and idle;
// CSMS RSS per connection = (RSS after − RSS before) / N, both after a full GC, plain and with
// permessage-deflate negotiated. A fresh CSMS process and database per run.
import { setTimeout as sleep } from 'node:timers/promises';
import { runMeta } from '../lib/env.ts';
import { spread, fmt, fmtSpread, type Spread } from '../lib/stats.ts';
import { writeResults, mdTable, mdMeta, type Written } from '../lib/results.ts';
import type { CsmsUsage } from './csms-child.ts';
import type { FleetCounts } from './fleet-child.ts';
import { checkFdLimit, fleetArgs, startCsms, startFleet, tempDataDir } from './common.ts';

export interface IdleOptions { stations: number; runs: number; variants: Array<'plain' | 'deflate'>; outDir: string; args: string[]; quiet?: boolean }
export const defaultIdleOptions = { stations: 10_000, runs: 3 };

export interface IdleSample {
  connections: number;
  connectMs: number;
  rssPerConn: number;
  /** Marginal RSS per connection: (RSS at N − RSS at N/2) / (N/2); excludes fixed costs (young generation, caches). */
  rssSlope: number;
  heapSlope: number;
  heapPerConn: number;
  externalPerConn: number;
  /** V8 heap space growth per connection. */
  spacesPerConn: Record<string, number>;
  rssTotalMB: number;
  /** CSMS RSS before any station connected. */
  baseMB: number;
}
export interface IdleVariant { id: string; compression: boolean; samples: IdleSample[]; rssPerConn: Spread; rssSlope: Spread; heapSlope: Spread; baseMB: Spread; heapPerConn: Spread; externalPerConn: Spread; connectMs: Spread; rssTotalMB: Spread }
export interface IdleResult { benchmark: 'idle'; meta: ReturnType<typeof runMeta>; options: { stations: number; runs: number }; variants: IdleVariant[]; written?: Written }

async function once(n: number, compression: boolean, tag: string): Promise<IdleSample> {
  const data = tempDataDir('idle');
  const csms = await startCsms({ dataDir: data.dir, port: 0, store: 'sqlite' });
  // Two fleet processes, each with half of the stations: the CSMS is measured at 0, N/2 and N.
  const fleets = [startFleet(), startFleet()];
  const half = Math.floor(n / 2);
  try {
    await sleep(300);
    const u0 = await csms.child.request<CsmsUsage>('usage', { gc: true });
    let connectMs = 0;
    const uHalf: CsmsUsage[] = [];
    for (const [i, count] of [half, n - half].entries()) {
      const c = await fleets[i]!.request<FleetCounts & { ms: number }>('connect', fleetArgs(csms.port, count, `${tag}${i}-`, { compression }), 300_000);
      if (c.errors || c.booted !== count) throw new Error(`idle ${tag}: ${c.booted}/${count} booted, ${c.errors} errors, first: ${c.firstError}`);
      connectMs += c.ms;
      await csms.child.request('flush', undefined, 60_000);
      await sleep(1000);
      uHalf.push(await csms.child.request<CsmsUsage>('usage', { gc: true }, 60_000));
    }
    const [uMid, u1] = uHalf as [CsmsUsage, CsmsUsage];
    if (u1.sessions !== n) throw new Error(`idle ${tag}: CSMS holds ${u1.sessions} sessions, expected ${n}`);
    const spacesPerConn: Record<string, number> = {};
    for (const [k, v] of Object.entries(u1.spaces)) spacesPerConn[k] = (v - (u0.spaces[k] ?? 0)) / n;
    return {
      connections: n, connectMs,
      rssPerConn: (u1.rss - u0.rss) / n,
      rssSlope: (u1.rss - uMid.rss) / (n - half), heapSlope: (u1.heapUsed - uMid.heapUsed) / (n - half), heapPerConn: (u1.heapUsed - u0.heapUsed) / n, externalPerConn: (u1.external - u0.external) / n,
      spacesPerConn, rssTotalMB: u1.rss / 1048576, baseMB: u0.rss / 1048576,
    };
  } finally {
    for (const fleet of fleets) {
      await fleet.request('disconnect', undefined, 60_000).catch(() => {});
      await fleet.stop();
    }
    await csms.child.stop();
    data.remove();
  }
}

export async function runIdleBench(o: IdleOptions): Promise<IdleResult> {
  checkFdLimit(o.stations);
  const meta = runMeta(['idle', ...o.args]);
  const log = (s: string): void => { if (!o.quiet) console.error(s); };
  const samples = new Map<string, IdleSample[]>(o.variants.map((v) => [v, []]));
  for (let run = 1; run <= o.runs; run++) {
    for (const v of o.variants) {
      const s = await once(o.stations, v === 'deflate', `I${run}${v[0]}-`);
      samples.get(v)!.push(s);
      log(`run ${run}/${o.runs} idle-${v}: ${o.stations} booted in ${(s.connectMs / 1000).toFixed(1)} s, ${Math.round(s.rssSlope)} B RSS/conn marginal (${Math.round(s.rssPerConn)} B total/N), ${Math.round(s.heapSlope)} B heap/conn marginal (${Math.round(s.heapPerConn)} B total/N), ${Math.round(s.externalPerConn)} B external/conn, RSS ${s.rssTotalMB.toFixed(0)} MB`);
    }
  }
  const variants: IdleVariant[] = o.variants.map((v) => {
    const xs = samples.get(v)!;
    return {
      id: `idle-${v}`, compression: v === 'deflate', samples: xs,
      rssPerConn: spread(xs.map((x) => x.rssPerConn)), rssSlope: spread(xs.map((x) => x.rssSlope)), heapSlope: spread(xs.map((x) => x.heapSlope)),
      baseMB: spread(xs.map((x) => x.baseMB)), heapPerConn: spread(xs.map((x) => x.heapPerConn)),
      externalPerConn: spread(xs.map((x) => x.externalPerConn)), connectMs: spread(xs.map((x) => x.connectMs)), rssTotalMB: spread(xs.map((x) => x.rssTotalMB)),
    };
  });
  const result: IdleResult = { benchmark: 'idle', meta, options: { stations: o.stations, runs: o.runs }, variants };
  result.written = writeResults(o.outDir, result as never, renderIdle(result));
  return result;
}

export function renderIdle(r: IdleResult): string {
  const kb = (s: Spread): string => fmtSpread({ min: s.min / 1024, median: s.median / 1024, max: s.max / 1024, runs: s.runs }, 1, ' KB');
  const rows = r.variants.map((v) => [
    `\`${v.id}\``, fmt(r.options.stations), kb(v.rssSlope), kb(v.rssPerConn), kb(v.heapSlope), kb(v.heapPerConn), kb(v.externalPerConn), fmtSpread(v.baseMB, 0, ' MB'), fmtSpread(v.rssTotalMB, 0, ' MB'),
    fmtSpread({ ...v.connectMs, min: v.connectMs.min / 1000, median: v.connectMs.median / 1000, max: v.connectMs.max / 1000 }, 1, ' s'),
    v.compression ? 'n/a' : v.rssSlope.median <= 10 * 1024 ? 'pass (marginal ≤ 10 KB)' : 'FAIL (marginal > 10 KB)',
  ]);
  const spaces = r.variants.map((v) => {
    const keys = Object.keys(v.samples[0]?.spacesPerConn ?? {});
    const med = keys.map((k) => [k, spread(v.samples.map((s) => s.spacesPerConn[k] ?? 0)).median] as const).filter(([, b]) => Math.abs(b) >= 16);
    return `- \`${v.id}\` V8 heap growth per connection by space (median): ${med.map(([k, b]) => `${k} ${fmt(b)} B`).join(', ')}`;
  });
  return [
    '# Idle connections: CSMS memory per booted station',
    '',
    mdMeta(r.meta, { Runs: `${r.options.runs} per variant (min–max in brackets), a fresh CSMS process and SQLite database per run` }),
    '',
    mdTable(['variant', 'stations', 'RSS / conn marginal (N/2→N)', 'RSS / conn (0→N, incl. fixed)', 'V8 heap / conn marginal', 'V8 heap / conn (0→N)', 'external / conn', 'CSMS RSS at 0', 'CSMS RSS at N', 'connect + boot all', 'target'], rows),
    '',
    ...spaces,
    '',
    'Marginal RSS/conn = (RSS with N booted idle stations − RSS with N/2) / (N/2); 0→N = (RSS at N − RSS before any connected) / N, which also counts fixed costs paid by the first connections (the V8 young generation being touched, SQLite cache, JIT code). All after two full GCs; the two halves come from two fleet processes. Stations are raw `ws` clients in a separate process (BootNotification, then silence; the CSMS pings every 60 s by default).',
  ].join('\n');
}
