// The SQLite store on its own thread (issue 7). better-sqlite3 is synchronous: in the steady-state
// benchmark its statements, commits and the store's JSON work were about half of the CSMS's event-loop
// time. Here the ordinary SQLite store (sqlite.ts) runs in a worker thread (sqlite-worker.ts) and the
// CSMS gets a Store whose methods forward their arguments to it (structured clone) and resolve with its
// answer, so the database work runs on a second core while the event loop serves the stations.
// Semantics are those of sqlite.ts, unchanged: a write resolves only after its batch committed, calls
// run in the order they were made, errors come back as StoreError with the same code and details
// (store-suite.ts runs against this adapter too). Calls made in one turn of the event loop travel in
// one message.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SqliteStoreOptions } from './sqlite.ts';
import type { CallMsg, SerializedError, WorkerMsg } from './sqlite-worker.ts';
import { StoreError, type Store, type StoreErrorCode } from './store.ts';
import type { StoreStats } from './records.ts';

/** The Store methods that are forwarded (everything but `kind` and `stats`). */
const METHODS = [
  'registerStation', 'getStation', 'listStations', 'deleteStation', 'setStationPasswordHash', 'updateStation', 'touchStation',
  'recordBoot', 'listBoots', 'recordConnection', 'upsertConnectorStatus', 'listConnectors', 'applyReport', 'setVariableValues',
  'listVariables', 'appendEvents', 'listEvents', 'appendSecurityEvent', 'listSecurityEvents', 'appendJournal', 'listJournal', 'pruneJournal',
  'upsertIdToken', 'findIdToken', 'listIdTokens', 'deleteIdToken', 'getLocalList', 'saveLocalList', 'applyTransactionEvent',
  'getTransaction', 'listTransactionEvents', 'listTransactions', 'activeTransactionCount', 'recordRemoteStart', 'findRemoteStart',
  'findTransactionByRemoteStart', 'setTransactionLimit', 'getTransactionLimit', 'markTransactionLimit', 'appendMeterValues',
  'listMeterValues', 'pruneHistory', 'flush', 'close',
] as const satisfies readonly (keyof Store)[];
/** Compile-time check that METHODS forwards every Store method (a new one must be added above). */
const forwardsAll: Exclude<keyof Store, (typeof METHODS)[number] | 'kind' | 'stats'> extends never ? true : never = true;
void forwardsAll;

/** The worker's entry: the .ts source under tsx, or a .mjs built beside a bundle (bench/lib/precompile.ts). */
export function sqliteWorkerEntry(): URL {
  const ts = new URL('./sqlite-worker.ts', import.meta.url);
  return existsSync(fileURLToPath(ts)) ? ts : new URL('./sqlite-worker.mjs', import.meta.url);
}

// Node 20 does not apply the parent's `--import` hooks inside worker threads, so a .ts entry first
// registers tsx's loader in the worker (tsx is what runs the CSMS from source: `npm start`).
const BOOT = `const { workerData } = require('node:worker_threads');
(async () => { if (workerData.tsx) (await import(workerData.tsx)).register(); await import(workerData.entry); })()
  .catch((err) => setImmediate(() => { throw err; }));`;

function errorOf(e: SerializedError): Error {
  if (e.code) return new StoreError(e.code as StoreErrorCode, e.message, e.details ?? {});
  const Ctor = e.name === 'TypeError' ? TypeError : e.name === 'RangeError' ? RangeError : Error;
  const err = new Ctor(e.message);
  err.name = e.name;
  return err;
}

/** Opens the SQLite store in a worker thread. Options as createSqliteStore, without callbacks (`onBatch`, `mapError`). */
export async function createThreadedSqliteStore(opts: SqliteStoreOptions): Promise<Store> {
  const { onBatch: _onBatch, mapError: _mapError, ...plain } = opts;
  const entry = sqliteWorkerEntry();
  const tsx = entry.pathname.endsWith('.ts') ? import.meta.resolve('tsx/esm/api') : undefined;
  const worker = new Worker(BOOT, { eval: true, workerData: { ...plain, chargewireStoreWorker: true, entry: entry.href, tsx } });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let stats: StoreStats = { batches: 0, items: 0, maxBatch: 0, batchMs: 0 };
  let nextId = 1;
  let queue: CallMsg[] = [];
  let closed = false;
  let dead: Error | undefined;

  const failAll = (err: Error): void => {
    dead ??= err;
    for (const p of pending.values()) p.reject(dead);
    pending.clear();
  };
  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (m: WorkerMsg) => {
      if (m.t === 'ready') return resolve();
      if (m.t === 'fatal') return reject(errorOf(m.error));
      stats = m.stats;
      for (const r of m.r) {
        const p = pending.get(r.i);
        if (!p) continue;
        pending.delete(r.i);
        if (r.ok) p.resolve(r.v);
        else p.reject(errorOf(r.e));
      }
    });
    worker.on('error', (err) => {
      const e = new StoreError('STORE_ERR_BACKEND', `sqlite worker failed: ${err.message}`, {}, { cause: err });
      reject(e);
      failAll(e);
    });
    worker.on('exit', (code) => {
      const e = new StoreError(closed ? 'STORE_ERR_CLOSED' : 'STORE_ERR_BACKEND', closed ? undefined : `sqlite worker exited (code ${code})`);
      reject(e);
      failAll(e);
    });
  });
  try {
    await ready;
  } catch (err) {
    await worker.terminate();
    throw err;
  }

  const post = (): void => {
    const calls = queue;
    queue = [];
    worker.postMessage(calls);
  };
  const call = (m: string, a: unknown[]): Promise<unknown> => {
    if (dead) return Promise.reject(dead);
    return new Promise((resolve, reject) => {
      const i = nextId++;
      pending.set(i, { resolve, reject });
      if (!queue.length) queueMicrotask(post);
      queue.push({ i, m, a });
    });
  };

  const store = { kind: 'sqlite', stats: () => ({ ...stats }) } as Record<string, unknown>;
  for (const m of METHODS) store[m] = (...a: unknown[]) => (closed ? Promise.reject(new StoreError('STORE_ERR_CLOSED')) : call(m, a));
  store['close'] = async () => {
    if (closed) return;
    const done = call('close', []);
    closed = true;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    await done;
    const timer = setTimeout(() => void worker.terminate(), 5000);
    await exited;
    clearTimeout(timer);
  };
  return store as unknown as Store;
}
