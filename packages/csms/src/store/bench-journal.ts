// Rough write throughput of batched journal appends (not a test). Usage:
//   node --import tsx packages/csms/src/store/bench-journal.ts [count=50000] [concurrency=1000]
// Runs SQLite (temp file, WAL, synchronous=NORMAL) and PostgreSQL (127.0.0.1:5432/test, throwaway schema).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createStore } from './index.ts';
import type { Store } from './store.ts';

const count = Number(process.argv[2] ?? 50_000);
const concurrency = Number(process.argv[3] ?? 1000);
const frame = JSON.stringify([2, 'msg', 'MeterValues', { evseId: 1, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: 1234.5 }] }] }]);

async function run(name: string, s: Store): Promise<void> {
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

const dir = mkdtempSync(join(tmpdir(), 'cw-bench-'));
const sqlite = await createStore({ kind: 'sqlite', path: join(dir, 'bench.db') });
await run('sqlite', sqlite);
await sqlite.close();
rmSync(dir, { recursive: true, force: true });

const url = process.env.CW_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `cw_bench_${process.pid}`;
const pgStore = await createStore({ kind: 'postgres', url, schema });
await run('postgres', pgStore);
await pgStore.close();
const c = new pg.Client({ connectionString: url });
await c.connect();
await c.query(`DROP SCHEMA "${schema}" CASCADE`);
await c.end();
