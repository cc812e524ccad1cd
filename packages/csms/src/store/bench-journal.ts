// Rough write throughput of the store's hot path (not a test). Usage:
//   node --import tsx packages/csms/src/store/bench-journal.ts [mode=mix] [count] [concurrency=1000] [sqlite|postgres|both]
// mode `journal`: batched single-frame journal appends (count default 50,000).
// mode `mix` (default): the steady fleet mix as the CSMS stores it, per simulated CALL: two journal frames (CALL in,
// CALLRESULT out), a touchStation, and the handler's write: 88% TransactionEvent Updated with 3 sampled
// values, 4% Started, 4% Ended, 4% StatusNotification (count default 20,000 CALLs over 2,000 stations).
// Reports CALLs/s, store writes/s and the latency of each CALL's writes before its answer (enqueue → committed).
// mode `wal` (SQLite only): the mix's WAL frames per CALL by table and index, after a warm-up (WARM CALLs, default
// 30,000, so that the indexes have the size of a running fleet's): which b-trees a CALL's commit writes, the
// I/O that bounds the SQLite store (docs/performance.md). Checkpoints are held back while it counts (WAL read
// at the end, pages named with SQLite's dbstat table). Deterministic enough to compare changes (count default 1,000: the WAL must stay under the writer's 10,000-page limit, or the count is refused).
// mode `prune`: journal retention (Store.pruneJournal): `count` journal rows (default 200,000, ≈ 800 bytes each) of
// 2,000 stations, then 10 prunes each of 250, 500, 1,000 and 4,000 of the oldest: time per batch and per row.
// Env SCATTER=1 (mix, wal): a batch's CALLs come from stations far apart in key order (see oneCall).
// Env STATIONS=N (default 2,000): the fleet's size; WARM=N: CALLs before the measured ones (default 30,000 in `wal`,
// min(2,000, count) otherwise); CACHE_MB=N: the SQLite page cache (store.sqliteCacheMb, default 32).
// Runs SQLite (temp file, WAL, synchronous=NORMAL) and PostgreSQL (127.0.0.1:5432/test, throwaway schema).
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TransactionEventRequest } from '@chargewire/ocpp/types';
import { createStore } from './index.ts';
import type { Store } from './store.ts';

const args = process.argv.slice(2);
const mode = /^\d/.test(args[0] ?? '') ? 'journal' : (args.shift() ?? 'mix');
const count = Number(args[0] ?? (mode === 'journal' ? 50_000 : mode === 'wal' ? 1000 : mode === 'prune' ? 200_000 : 20_000));
const concurrency = Number(args[1] ?? 1000);
const which = args[2] ?? 'both';
const STATIONS = Number(process.env.STATIONS ?? 2000);
const SCATTER = process.env.SCATTER === '1';
const frame = JSON.stringify([2, 'msg', 'MeterValues', { evseId: 1, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: 1234.5 }] }] }]);

async function runJournal(name: string, s: Store): Promise<void> {
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await s.appendJournal([{ stationId: `CS-${i % 100}`, direction: 'in', messageType: 2, messageId: `m${i}`, action: 'MeterValues', payload: frame, at: new Date() }]);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ms = performance.now() - t0;
  const st = s.stats();
  console.log(`${name}: ${count} appends in ${ms.toFixed(0)} ms = ${Math.round((count / ms) * 1000)}/s (${st.batches} batches, max ${st.maxBatch} ops/batch)`);
}

async function runMix(name: string, s: Store, afterWarmUp?: () => void): Promise<void> {
  for (let k = 0; k < STATIONS; k++) await s.registerStation({ id: `CS-${k}`, securityProfile: 1 });
  await s.flush();
  const before = s.stats();
  const seq = new Array<number>(STATIONS).fill(0);
  const txn = new Array<number>(STATIONS).fill(0);
  const lat: number[] = [];
  let next = 0;
  let base = Date.now();
  const oneCall = async (i: number) => {
    // SCATTER=1: consecutive CALLs come from stations far apart in key order, as a real fleet's do (the default,
    // station i mod 2000, lets a batch's writes share index leaves: fewer WAL frames than the CSMS writes)
    const k = SCATTER ? (i * 1919) % STATIONS : i % STATIONS;
    const stationId = `CS-${k}`;
    const now = new Date(base + i);
    const r = (i * 2654435761) % 100;
    const msgId = `m${i}`;
    const t0 = performance.now();
    const ws: Promise<unknown>[] = [];
    let action: string;
    let body: unknown;
    if (r < 4) {
      action = 'StatusNotification';
      body = { timestamp: now.toISOString(), connectorStatus: 'Occupied', evseId: 1, connectorId: 1 };
      ws.push(s.upsertConnectorStatus({ stationId, evseId: 1, connectorId: 1, status: 'Occupied', at: now }));
    } else {
      action = 'TransactionEvent';
      const eventType = r < 8 ? 'Started' : r < 12 ? 'Ended' : 'Updated';
      if (eventType === 'Started') { txn[k]!++; seq[k] = 0; }
      const req: TransactionEventRequest = {
        eventType, triggerReason: eventType === 'Updated' ? 'MeterValuePeriodic' : eventType === 'Started' ? 'Authorized' : 'StopAuthorized',
        seqNo: seq[k]!++, timestamp: now.toISOString(),
        transactionInfo: { transactionId: `T-${k}-${txn[k]}`, chargingState: 'Charging' },
        ...(eventType === 'Started' && { idToken: { idToken: `TOK${k}`, type: 'ISO14443' }, evse: { id: 1, connectorId: 1 } }),
        meterValue: [{ timestamp: now.toISOString(), sampledValue: [
          { value: 1000 + i, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } },
          { value: 7200, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W' } },
          { value: 32, measurand: 'Current.Import', unitOfMeasure: { unit: 'A' } },
        ] }],
      };
      body = req;
      ws.push(s.applyTransactionEvent(stationId, req, { receivedAt: now, messageId: msgId }));
    }
    const payload = JSON.stringify([2, msgId, action, body]);
    ws.push(s.appendJournal([{ stationId, direction: 'in', messageType: 2, messageId: msgId, action, payload, at: now }]));
    ws.push(s.touchStation(stationId, now));
    await Promise.all(ws);
    ws.length = 0;
    lat.push(performance.now() - t0);
    // the CALLRESULT is journaled after it went out and nothing waits for that write (as in the CSMS)
    void s.appendJournal([{ stationId, direction: 'out', messageType: 3, messageId: msgId, action, payload: `[3,"${msgId}",{}]`, at: new Date() }]);
  };
  // warm-up (JIT, statement caches), not measured
  const warm = process.env.WARM !== undefined ? Number(process.env.WARM) : mode === 'wal' ? 30_000 : Math.min(2000, count);
  const worker = async (n: number) => { while (next < n) await oneCall(next++); };
  await Promise.all(Array.from({ length: concurrency }, () => worker(warm)));
  lat.length = 0;
  await s.flush();
  afterWarmUp?.();
  const mid = s.stats();
  base += warm;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, () => worker(warm + count)));
  await s.flush();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const st = s.stats();
  lat.sort((a, b) => a - b);
  const q = (f: number) => lat[Math.min(lat.length - 1, Math.floor(f * lat.length))]!.toFixed(1);
  const items = st.items - mid.items;
  console.log(`${name} mix: ${count} CALLs in ${ms.toFixed(0)} ms = ${Math.round((count / ms) * 1000)} CALLs/s, ${Math.round((items / ms) * 1000)} store ops/s `
    + `(${st.batches - mid.batches} batches, max ${st.maxBatch}), CPU ${(((cpu.user + cpu.system) / 1000 / ms) * 100).toFixed(0)}%, `
    + `latency p50 ${q(0.5)} ms p99 ${q(0.99)} ms; CPU/CALL ${((cpu.user + cpu.system) / count).toFixed(1)} µs`
    + (st.walRestarts !== undefined ? `; WAL restart points ${st.walRestarts - (mid.walRestarts ?? 0)}, waited ${((st.walRestartWaitMs ?? 0) - (mid.walRestartWaitMs ?? 0)).toFixed(0)} ms` : ''));
  void before;
}

async function runPrune(name: string, s: Store): Promise<void> {
  const t0 = Date.parse('2026-01-01T00:00:00.000Z');
  const payload = JSON.stringify([2, 'x'.repeat(36), 'TransactionEvent', { pad: 'y'.repeat(700) }]);
  for (let k = 0; k < STATIONS; k++) await s.registerStation({ id: `CS-${k}`, securityProfile: 1 });
  for (let i = 0; i < count; i += 2000) {
    await s.appendJournal(Array.from({ length: Math.min(2000, count - i) }, (_, j) => ({
      stationId: `CS-${(i + j) % STATIONS}`, direction: 'in' as const, messageType: 2, messageId: `m${i + j}`, action: 'TransactionEvent', payload, at: new Date(t0 + (i + j) * 10),
    })));
  }
  await s.flush();
  const cut = new Date(t0 + count * 10);
  for (const batch of [250, 500, 1000, 4000]) {
    const ms: number[] = [];
    for (let r = 0; r < 10; r++) {
      const a = performance.now();
      if ((await s.pruneJournal(cut, batch)) !== batch) throw new Error(`${name}: fewer than ${batch} rows left; use a larger count`);
      ms.push(performance.now() - a);
    }
    ms.sort((x, y) => x - y);
    console.log(`${name}: prune ${batch} of ${count} rows: median ${ms[5]!.toFixed(1)} ms (min ${ms[0]!.toFixed(1)}, max ${ms[9]!.toFixed(1)}), ${((ms[5]! / batch) * 1000).toFixed(1)} µs per row`);
  }
}

const run = mode === 'journal' ? runJournal : mode === 'prune' ? runPrune : runMix;

/** WAL frames per CALL by b-tree (mode `wal`): frames are read from the WAL file, pages named by dbstat. */
async function runWal(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cw-bench-'));
  const path = join(dir, 'bench.db');
  // the checkpoint worker is parked (an interval longer than the run, so it asks for no restart point either);
  // the writer's own limit is 10,000 pages (twice walRestartPages)
  const s = await createStore({ kind: 'sqlite', path, checkpointIntervalMs: 3_600_000, walRestartPages: 5_000 });
  const side = new Database(path);
  try {
    await runMix('sqlite', s, () => {
      const [r] = side.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number }[];
      if (r?.busy || statSync(`${path}-wal`).size) throw new Error(`the WAL could not be emptied after the warm-up: ${JSON.stringify(r)}`);
    });
    await s.flush();
    const wal = readFileSync(`${path}-wal`);
    const pageSize = wal.readUInt32BE(8);
    const perPage = new Map<number, number>();
    let frames = 0;
    // only frames of the WAL's current generation (their salts match the header's): older ones are stale
    const salt1 = wal.readUInt32BE(16);
    const salt2 = wal.readUInt32BE(20);
    for (let off = 32; off + 24 + pageSize <= wal.length; off += 24 + pageSize, frames++) {
      if (wal.readUInt32BE(off + 8) !== salt1 || wal.readUInt32BE(off + 12) !== salt2) break;
      const page = wal.readUInt32BE(off);
      perPage.set(page, (perPage.get(page) ?? 0) + 1);
    }
    // the writer checkpoints by itself at 10,000 pages and then writes the WAL from its start again
    if (frames >= 9_900 || wal.length > 32 + frames * (24 + pageSize)) throw new Error(`the WAL was checkpointed during the count (${frames} frames); use a smaller count`);
    const owner = new Map<number, string>();
    for (const r of side.prepare('SELECT name, pageno, pagetype FROM dbstat').all() as { name: string; pageno: number; pagetype: string }[]) {
      owner.set(r.pageno, r.pagetype === 'leaf' || r.pagetype === 'overflow' ? r.name : `${r.name} (interior)`);
    }
    const by = new Map<string, { frames: number; pages: number }>();
    for (const [page, n] of perPage) {
      const k = owner.get(page) ?? '(freed or new)';
      const v = by.get(k) ?? { frames: 0, pages: 0 };
      v.frames += n;
      v.pages++;
      by.set(k, v);
    }
    console.log(`WAL: ${frames} frames for ${count} CALLs = ${(frames / count).toFixed(2)} frames (${((frames * (pageSize + 24)) / 1024 / count).toFixed(1)} KB) per CALL`);
    for (const [k, v] of [...by].sort((a, b) => b[1].frames - a[1].frames)) {
      console.log(`  ${k.padEnd(44)} ${(v.frames / count).toFixed(2).padStart(6)} frames/CALL  (${v.pages} distinct pages)`);
    }
  } finally {
    side.close();
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (mode === 'wal') await runWal();
else if (which !== 'postgres') {
  const dir = mkdtempSync(join(tmpdir(), 'cw-bench-'));
  // WAL_RESTART_PAGES=N: store.sqliteWalRestartPages (0: no restart points, the writer checkpoints itself)
  const sqlite = await createStore({ kind: 'sqlite', path: join(dir, 'bench.db'), ...(process.env.WAL_RESTART_PAGES !== undefined && { walRestartPages: Number(process.env.WAL_RESTART_PAGES) }), ...(process.env.CACHE_MB !== undefined && { cacheMb: Number(process.env.CACHE_MB) }) });
  await run('sqlite', sqlite);
  console.log(`sqlite WAL file at the end: ${(statSync(join(dir, 'bench.db-wal'), { throwIfNoEntry: false })?.size ?? 0) >> 10} KB`);
  await sqlite.close();
  rmSync(dir, { recursive: true, force: true });
}

if (mode !== 'wal' && which !== 'sqlite') {
  const url = process.env.CW_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `cw_bench_${process.pid}`;
  const pgStore = await createStore({ kind: 'postgres', url, schema });
  try {
    await run('postgres', pgStore);
  } finally {
    await pgStore.close();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`DROP SCHEMA "${schema}" CASCADE`);
    await c.end();
  }
}
