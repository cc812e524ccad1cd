// `npm run bench -- idle`: N stations connect to the real CSMS (SQLite), boot (Accepted) and idle;
// CSMS RSS per connection = (RSS after − RSS before) / N, both after a full GC, plain, with
// permessage-deflate negotiated, and over TLS (wss://, the security profile 2 listener; `tls` without
// credentials as quick-start stations, `tls-basic` with a Basic password checked with scrypt on every
// connect). A fresh CSMS process and database per run. `--nodes K` (K > 1): K CSMS processes as cluster nodes
// on one machine (PostgreSQL + NATS), N/K stations each, their RSS summed: how 50,000 idle stations fit where
// one process may not hold that many sockets (open-files limit).
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { runMeta } from '../lib/env.ts';
import { spread, fmt, fmtSpread, type Spread } from '../lib/stats.ts';
import { writeResults, mdTable, mdMeta, type Written } from '../lib/results.ts';
import type { CsmsUsage } from './csms-child.ts';
import type { FleetCounts } from './fleet-types.ts';
import type { BenchChild } from '../lib/ipc.ts';
import { checkFdLimit, csmsProcessLabel, fleetArgs, freshPgDatabase, startCsms, startFleet, tempDataDir, type RunningCsms } from './common.ts';
import { makePki, type TestPki } from '../../test/fixtures/certs.ts';

export const idleVariants = ['plain', 'deflate', 'tls', 'tls-basic'] as const;
export type IdleVariantId = typeof idleVariants[number];
export interface IdleOptions { stations: number; runs: number; variants: IdleVariantId[]; outDir: string; args: string[]; quiet?: boolean; /** CSMS processes (default 1; more: cluster nodes on PostgreSQL + NATS). */ nodes?: number }
export const defaultIdleOptions = { stations: 10_000, runs: 3, nodes: 1 };

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
  /** TLS protocol and cipher negotiated (tls variants). */
  tls?: string;
}
export interface IdleVariant { id: string; compression: boolean; tls: boolean; samples: IdleSample[]; rssPerConn: Spread; rssSlope: Spread; heapSlope: Spread; baseMB: Spread; heapPerConn: Spread; externalPerConn: Spread; connectMs: Spread; rssTotalMB: Spread }
export interface IdleResult { benchmark: 'idle' | 'idle-cluster'; meta: ReturnType<typeof runMeta>; options: { stations: number; runs: number; nodes: number }; variants: IdleVariant[]; written?: Written }

/** Settings of a variant: compression offered by the stations, TLS (with the bench CA), a Basic password. */
function settings(v: IdleVariantId, pki: TestPki | undefined): { compression: boolean; tls?: { ca: string }; password?: string } {
  if (v === 'plain' || v === 'deflate') return { compression: v === 'deflate' };
  return { compression: false, tls: { ca: pki!.ca.toString() }, ...(v === 'tls-basic' ? { password: 'bench-password-0001' } : {}) };
}

/** Sums the usage of several CSMS processes (a cluster on one machine). */
function total(us: CsmsUsage[]): CsmsUsage {
  const sum = (f: (u: CsmsUsage) => number): number => us.reduce((a, u) => a + f(u), 0);
  const spaces: Record<string, number> = {};
  for (const u of us) for (const [k, v] of Object.entries(u.spaces)) spaces[k] = (spaces[k] ?? 0) + v;
  return { ...us[0]!, rss: sum((u) => u.rss), heapUsed: sum((u) => u.heapUsed), external: sum((u) => u.external), sessions: sum((u) => u.sessions), spaces };
}

/**
 * One run: `nodes` CSMS processes (1: SQLite, the embedded default; more: cluster nodes on one PostgreSQL
 * database and the NATS bus, as a cluster runs on one machine whose per-process open-files limit is below N),
 * each with two fleet processes of half its share: the CSMS side is measured at 0, N/2 and N.
 */
async function once(n: number, v: IdleVariantId, pki: TestPki | undefined, tag: string, nodes: number): Promise<IdleSample> {
  const data = tempDataDir('idle');
  const set = settings(v, pki);
  const db = nodes > 1 ? await freshPgDatabase('idle') : undefined;
  const prefix = `cwbench${process.pid}${tag.replace(/[^A-Za-z0-9]/g, '')}`;
  const csmss: RunningCsms[] = [];
  const fleets: BenchChild[] = [];
  try {
    for (let k = 0; k < nodes; k++) {
      csmss.push(await startCsms({
        dataDir: data.dir, port: 0, ...(db ? { store: 'postgres', postgresUrl: db.url, cluster: { nodeId: `bench-${k}`, subjectPrefix: prefix } } : { store: 'sqlite' }),
        ...(set.tls ? { tls: { certFile: pki!.rsaCert, keyFile: pki!.rsaKey } } : {}),
      }));
    }
    // Two fleet processes per node, each with half of the node's stations.
    const share = (k: number): number => Math.floor((n * (k + 1)) / nodes) - Math.floor((n * k) / nodes);
    for (let i = 0; i < 2 * nodes; i++) fleets.push(startFleet());
    await sleep(300);
    const usage = async (): Promise<CsmsUsage> => total(await Promise.all(csmss.map((c) => c.child.request<CsmsUsage>('usage', { gc: true }, 60_000))));
    const u0 = await usage();
    let connectMs = 0;
    const uHalf: CsmsUsage[] = [];
    let tls: string | undefined;
    for (const h of [0, 1]) {
      const times = await Promise.all(csmss.map(async (c, k) => {
        const count = h === 0 ? Math.floor(share(k) / 2) : share(k) - Math.floor(share(k) / 2);
        const r = await fleets[2 * k + h]!.request<FleetCounts & { ms: number }>('connect', fleetArgs(c.port, count, `${tag}${k}-${h}-`, set), 600_000);
        tls ??= r.tls;
        if (r.errors || r.booted !== count) throw new Error(`idle ${tag}: node ${k}: ${r.booted}/${count} booted, ${r.errors} errors, first: ${r.firstError}`);
        return r.ms;
      }));
      connectMs += Math.max(...times); // the nodes' fleets connect at the same time
      await Promise.all(csmss.map((c) => c.child.request('flush', undefined, 60_000)));
      await sleep(1000);
      uHalf.push(await usage());
    }
    const [uMid, u1] = uHalf as [CsmsUsage, CsmsUsage];
    if (u1.sessions !== n) throw new Error(`idle ${tag}: the CSMS holds ${u1.sessions} sessions, expected ${n}`);
    const half = uMid.sessions;
    const spacesPerConn: Record<string, number> = {};
    for (const [k, b] of Object.entries(u1.spaces)) spacesPerConn[k] = (b - (u0.spaces[k] ?? 0)) / n;
    return {
      connections: n, connectMs,
      rssPerConn: (u1.rss - u0.rss) / n,
      rssSlope: (u1.rss - uMid.rss) / (n - half), heapSlope: (u1.heapUsed - uMid.heapUsed) / (n - half), heapPerConn: (u1.heapUsed - u0.heapUsed) / n, externalPerConn: (u1.external - u0.external) / n,
      spacesPerConn, rssTotalMB: u1.rss / 1048576, baseMB: u0.rss / 1048576, ...(tls ? { tls } : {}),
    };
  } finally {
    for (const fleet of fleets) {
      await fleet.request('disconnect', undefined, 60_000).catch(() => {});
      await fleet.stop();
    }
    for (const c of csmss) await c.child.stop();
    await db?.drop();
    data.remove();
  }
}

export async function runIdleBench(o: IdleOptions): Promise<IdleResult> {
  const nodes = o.nodes ?? 1;
  checkFdLimit(Math.ceil(o.stations / nodes));
  const meta = runMeta(['idle', ...o.args]);
  const log = (s: string): void => { if (!o.quiet) console.error(s); };
  const samples = new Map<string, IdleSample[]>(o.variants.map((v) => [v, []]));
  // A throwaway PKI (openssl CLI, as the interop tests do): CA + RSA 2048 server certificate for 127.0.0.1.
  const pki = o.variants.some((v) => v.startsWith('tls')) ? makePki() : undefined;
  try {
    for (let run = 1; run <= o.runs; run++) {
      for (const v of o.variants) {
        const s = await once(o.stations, v, pki, `I${run}${v.replace('-', '')}-`, nodes);
        samples.get(v)!.push(s);
        log(`run ${run}/${o.runs} idle-${v}: ${o.stations} booted in ${(s.connectMs / 1000).toFixed(1)} s, ${Math.round(s.rssSlope)} B RSS/conn marginal (${Math.round(s.rssPerConn)} B total/N), ${Math.round(s.heapSlope)} B heap/conn marginal (${Math.round(s.heapPerConn)} B total/N), ${Math.round(s.externalPerConn)} B external/conn, RSS ${s.rssTotalMB.toFixed(0)} MB${s.tls ? `, ${s.tls}` : ''}`);
      }
    }
  } finally {
    if (pki) rmSync(pki.dir, { recursive: true, force: true });
  }
  const variants: IdleVariant[] = o.variants.map((v) => {
    const xs = samples.get(v)!;
    return {
      id: `idle-${v}`, compression: v === 'deflate', tls: v.startsWith('tls'), samples: xs,
      rssPerConn: spread(xs.map((x) => x.rssPerConn)), rssSlope: spread(xs.map((x) => x.rssSlope)), heapSlope: spread(xs.map((x) => x.heapSlope)),
      baseMB: spread(xs.map((x) => x.baseMB)), heapPerConn: spread(xs.map((x) => x.heapPerConn)),
      externalPerConn: spread(xs.map((x) => x.externalPerConn)), connectMs: spread(xs.map((x) => x.connectMs)), rssTotalMB: spread(xs.map((x) => x.rssTotalMB)),
    };
  });
  const result: IdleResult = { benchmark: nodes > 1 ? 'idle-cluster' : 'idle', meta, options: { stations: o.stations, runs: o.runs, nodes }, variants };
  result.written = writeResults(o.outDir, result as never, renderIdle(result));
  return result;
}

export function renderIdle(r: IdleResult): string {
  const nodes = r.options.nodes ?? 1;
  const kb = (s: Spread): string => fmtSpread({ min: s.min / 1024, median: s.median / 1024, max: s.max / 1024, runs: s.runs }, 1, ' KB');
  const rows = r.variants.map((v) => [
    `\`${v.id}\``, fmt(r.options.stations), kb(v.rssSlope), kb(v.rssPerConn), kb(v.heapSlope), kb(v.heapPerConn), kb(v.externalPerConn), fmtSpread(v.baseMB, 0, ' MB'), fmtSpread(v.rssTotalMB, 0, ' MB'),
    fmtSpread({ ...v.connectMs, min: v.connectMs.min / 1000, median: v.connectMs.median / 1000, max: v.connectMs.max / 1000 }, 1, ' s'),
    (v.compression || v.tls ? 'n/a (target is for plain)' : v.rssSlope.median <= 10 * 1024 ? 'pass (marginal ≤ 10 KB)' : 'FAIL (marginal > 10 KB)')
      + (nodes > 1 ? `; all ${nodes} processes ${v.rssTotalMB.max <= 1024 ? 'within' : 'over'} 1 GB together` : ''),
  ]);
  const spaces = r.variants.map((v) => {
    const keys = Object.keys(v.samples[0]?.spacesPerConn ?? {});
    const med = keys.map((k) => [k, spread(v.samples.map((s) => s.spacesPerConn[k] ?? 0)).median] as const).filter(([, b]) => Math.abs(b) >= 16);
    return `- \`${v.id}\` V8 heap growth per connection by space (median): ${med.map(([k, b]) => `${k} ${fmt(b)} B`).join(', ')}`;
  });
  const tls = r.variants.filter((v) => v.tls).map((v) => `- \`${v.id}\`: ${v.samples[0]?.tls ?? '?'} negotiated; wss:// on the CSMS's security profile 2 listener (RSA 2048 server certificate, throwaway CA)${v.id === 'idle-tls-basic'
    ? ', each station with a Basic password: registered (scrypt hash) on its first connect in quick-start mode, verified (scrypt) on every later one, which is most of the connect time'
    : ', stations without credentials (quick-start registers them password-less, profile 0): no scrypt per connect'}`);
  return [
    `# Idle connections: CSMS memory per booted station${nodes > 1 ? `, ${nodes} CSMS processes (cluster nodes) summed` : ''}`,
    '',
    mdMeta(r.meta, nodes > 1
      ? { 'CSMS process': csmsProcessLabel(), Runs: `${r.options.runs} per variant (min–max in brackets), fresh CSMS processes and a fresh PostgreSQL database per run`, Nodes: `${nodes} CSMS processes on one machine, each a cluster node (cluster.enabled, NATS bus at 127.0.0.1:4222, one shared PostgreSQL database at 127.0.0.1:5432), each holding N/${nodes} stations; RSS, heap and sessions are the sums over the nodes (PostgreSQL and NATS are shared services, not counted)` }
      : { 'CSMS process': csmsProcessLabel(), Runs: `${r.options.runs} per variant (min–max in brackets), a fresh CSMS process and SQLite database per run` }),
    '',
    mdTable(['variant', 'stations', 'RSS / conn marginal (N/2→N)', 'RSS / conn (0→N, incl. fixed)', 'V8 heap / conn marginal', 'V8 heap / conn (0→N)', 'external / conn', 'CSMS RSS at 0', 'CSMS RSS at N', 'connect + boot all', 'target'], rows),
    '',
    ...spaces,
    ...tls,
    '',
    'Marginal RSS/conn = (RSS with N booted idle stations − RSS with N/2) / (N/2); 0→N = (RSS at N − RSS before any connected) / N, which also counts fixed costs paid by the first connections (the V8 young generation being touched, SQLite cache, JIT code). All after two full GCs; the two halves come from two fleet processes (per node). Stations are raw `ws` clients in a separate process (BootNotification, then silence; the CSMS pings every 60 s by default).',
  ].join('\n');
}
