// Rough write throughput of the store's hot path (not a test). Usage:
//   node --import tsx packages/csms/src/store/bench-journal.ts [mode=mix] [count] [concurrency=1000] [sqlite|postgres|both]
// mode `journal`: batched single-frame journal appends (count default 50,000).
// mode `mix` (default): the steady fleet mix as the CSMS stores it, per simulated CALL: two journal frames (CALL in,
// CALLRESULT out), a touchStation, and the handler's write: 88% TransactionEvent Updated with 3 sampled
// values, 4% Started, 4% Ended, 4% StatusNotification (count default 20,000 CALLs over 2,000 stations).
// Reports CALLs/s, store writes/s and the latency of each CALL's writes before its answer (enqueue → committed).
// Runs SQLite (temp file, WAL, synchronous=NORMAL) and PostgreSQL (127.0.0.1:5432/test, throwaway schema).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TransactionEventRequest } from '@chargewire/ocpp/types';
import { createStore } from './index.ts';
import type { Store } from './store.ts';

const args = process.argv.slice(2);
const mode = /^\d/.test(args[0] ?? '') ? 'journal' : (args.shift() ?? 'mix');
const count = Number(args[0] ?? (mode === 'journal' ? 50_000 : 20_000));
const concurrency = Number(args[1] ?? 1000);
const which = args[2] ?? 'both';
const STATIONS = 2000;
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

async function runMix(name: string, s: Store): Promise<void> {
  for (let k = 0; k < STATIONS; k++) await s.registerStation({ id: `CS-${k}`, securityProfile: 1 });
  await s.flush();
  const before = s.stats();
  const seq = new Array<number>(STATIONS).fill(0);
  const txn = new Array<number>(STATIONS).fill(0);
  const lat: number[] = [];
  let next = 0;
  let base = Date.now();
  const oneCall = async (i: number) => {
    const k = i % STATIONS;
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
  const warm = Math.min(2000, count);
  const worker = async (n: number) => { while (next < n) await oneCall(next++); };
  await Promise.all(Array.from({ length: concurrency }, () => worker(warm)));
  lat.length = 0;
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
    + `latency p50 ${q(0.5)} ms p99 ${q(0.99)} ms; CPU/CALL ${((cpu.user + cpu.system) / count).toFixed(1)} µs`);
  void before;
}

const run = mode === 'journal' ? runJournal : runMix;

if (which !== 'postgres') {
  const dir = mkdtempSync(join(tmpdir(), 'cw-bench-'));
  const sqlite = await createStore({ kind: 'sqlite', path: join(dir, 'bench.db') });
  await run('sqlite', sqlite);
  console.log(`sqlite WAL file at the end: ${(statSync(join(dir, 'bench.db-wal'), { throwIfNoEntry: false })?.size ?? 0) >> 10} KB`);
  await sqlite.close();
  rmSync(dir, { recursive: true, force: true });
}

if (which !== 'sqlite') {
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
