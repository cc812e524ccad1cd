// `npm run bench -- idle`: N stations connect to the real CSMS (SQLite), boot (Accepted) and idle;
// CSMS RSS per connection = (RSS after − RSS before) / N, both after a full GC, plain, with
// permessage-deflate negotiated, and over TLS (wss://, the security profile 2 listener; `tls` without
// credentials as quick-start stations, `tls-basic` with a Basic password checked with scrypt on every
// connect). A fresh CSMS process and database per run.
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { runMeta } from '../lib/env.ts';
import { spread, fmt, fmtSpread, type Spread } from '../lib/stats.ts';
import { writeResults, mdTable, mdMeta, type Written } from '../lib/results.ts';
import type { CsmsUsage } from './csms-child.ts';
import type { FleetCounts } from './fleet-child.ts';
import { checkFdLimit, fleetArgs, startCsms, startFleet, tempDataDir } from './common.ts';
import { makePki, type TestPki } from '../../test/fixtures/certs.ts';

export const idleVariants = ['plain', 'deflate', 'tls', 'tls-basic'] as const;
export type IdleVariantId = typeof idleVariants[number];
export interface IdleOptions { stations: number; runs: number; variants: IdleVariantId[]; outDir: string; args: string[]; quiet?: boolean }
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
  /** TLS protocol and cipher negotiated (tls variants). */
  tls?: string;
}
export interface IdleVariant { id: string; compression: boolean; tls: boolean; samples: IdleSample[]; rssPerConn: Spread; rssSlope: Spread; heapSlope: Spread; baseMB: Spread; heapPerConn: Spread; externalPerConn: Spread; connectMs: Spread; rssTotalMB: Spread }
export interface IdleResult { benchmark: 'idle'; meta: ReturnType<typeof runMeta>; options: { stations: number; runs: number }; variants: IdleVariant[]; written?: Written }

/** Settings of a variant: compression offered by the stations, TLS (with the bench CA), a Basic password. */
function settings(v: IdleVariantId, pki: TestPki | undefined): { compression: boolean; tls?: { ca: string }; password?: string } {
  if (v === 'plain' || v === 'deflate') return { compression: v === 'deflate' };
  return { compression: false, tls: { ca: pki!.ca.toString() }, ...(v === 'tls-basic' ? { password: 'bench-password-0001' } : {}) };
}

async function once(n: number, v: IdleVariantId, pki: TestPki | undefined, tag: string): Promise<IdleSample> {
  const data = tempDataDir('idle');
  const set = settings(v, pki);
  const csms = await startCsms({ dataDir: data.dir, port: 0, store: 'sqlite', ...(set.tls ? { tls: { certFile: pki!.rsaCert, keyFile: pki!.rsaKey } } : {}) });
  // Two fleet processes, each with half of the stations: the CSMS is measured at 0, N/2 and N.
  const fleets = [startFleet(), startFleet()];
  const half = Math.floor(n / 2);
  try {
    await sleep(300);
    const u0 = await csms.child.request<CsmsUsage>('usage', { gc: true });
    let connectMs = 0;
    const uHalf: CsmsUsage[] = [];
    let tls: string | undefined;
    for (const [i, count] of [half, n - half].entries()) {
      const c = await fleets[i]!.request<FleetCounts & { ms: number }>('connect', fleetArgs(csms.port, count, `${tag}${i}-`, set), 600_000);
      tls ??= c.tls;
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
      spacesPerConn, rssTotalMB: u1.rss / 1048576, baseMB: u0.rss / 1048576, ...(tls ? { tls } : {}),
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
  // A throwaway PKI (openssl CLI, as the interop tests do): CA + RSA 2048 server certificate for 127.0.0.1.
  const pki = o.variants.some((v) => v.startsWith('tls')) ? makePki() : undefined;
  try {
    for (let run = 1; run <= o.runs; run++) {
      for (const v of o.variants) {
        const s = await once(o.stations, v, pki, `I${run}${v.replace('-', '')}-`);
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
  const result: IdleResult = { benchmark: 'idle', meta, options: { stations: o.stations, runs: o.runs }, variants };
  result.written = writeResults(o.outDir, result as never, renderIdle(result));
  return result;
}

export function renderIdle(r: IdleResult): string {
  const kb = (s: Spread): string => fmtSpread({ min: s.min / 1024, median: s.median / 1024, max: s.max / 1024, runs: s.runs }, 1, ' KB');
  const rows = r.variants.map((v) => [
    `\`${v.id}\``, fmt(r.options.stations), kb(v.rssSlope), kb(v.rssPerConn), kb(v.heapSlope), kb(v.heapPerConn), kb(v.externalPerConn), fmtSpread(v.baseMB, 0, ' MB'), fmtSpread(v.rssTotalMB, 0, ' MB'),
    fmtSpread({ ...v.connectMs, min: v.connectMs.min / 1000, median: v.connectMs.median / 1000, max: v.connectMs.max / 1000 }, 1, ' s'),
    v.compression || v.tls ? 'n/a (target is for plain)' : v.rssSlope.median <= 10 * 1024 ? 'pass (marginal ≤ 10 KB)' : 'FAIL (marginal > 10 KB)',
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
    '# Idle connections: CSMS memory per booted station',
    '',
    mdMeta(r.meta, { Runs: `${r.options.runs} per variant (min–max in brackets), a fresh CSMS process and SQLite database per run` }),
    '',
    mdTable(['variant', 'stations', 'RSS / conn marginal (N/2→N)', 'RSS / conn (0→N, incl. fixed)', 'V8 heap / conn marginal', 'V8 heap / conn (0→N)', 'external / conn', 'CSMS RSS at 0', 'CSMS RSS at N', 'connect + boot all', 'target'], rows),
    '',
    ...spaces,
    ...tls,
    '',
    'Marginal RSS/conn = (RSS with N booted idle stations − RSS with N/2) / (N/2); 0→N = (RSS at N − RSS before any connected) / N, which also counts fixed costs paid by the first connections (the V8 young generation being touched, SQLite cache, JIT code). All after two full GCs; the two halves come from two fleet processes. Stations are raw `ws` clients in a separate process (BootNotification, then silence; the CSMS pings every 60 s by default).',
  ].join('\n');
}
