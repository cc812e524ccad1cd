// Worker-thread side of the threaded SQLite store (sqlite-threaded.ts, issue 7): hosts the ordinary
// SQLite store (sqlite.ts: group commit, migrations, checkpointer) and runs the Store methods the main
// thread sends, in the order they arrive. Replies (and the group-commit counters) go back batched, one
// message per event-loop turn, so a busy CSMS pays one postMessage per turn, not one per write.
import { parentPort, workerData } from 'node:worker_threads';
import { createSqliteStore, type SqliteStoreOptions } from './sqlite.ts';
import { StoreError, type Store } from './store.ts';
import type { StoreStats } from './records.ts';

/** Main → worker: a batch of calls. `i` = call id, `m` = Store method, `a` = its arguments. */
export type CallMsg = { i: number; m: string; a: unknown[] };
/** Worker → main. */
export type WorkerMsg =
  | { t: 'ready' }
  | { t: 'fatal'; error: SerializedError }
  | { t: 'replies'; r: Reply[]; stats: StoreStats };
export type Reply = { i: number; ok: true; v: unknown } | { i: number; ok: false; e: SerializedError };
export interface SerializedError { name: string; message: string; code?: string; details?: Record<string, unknown> }

export function serializeError(err: unknown): SerializedError {
  if (err instanceof StoreError) return { name: err.name, message: err.message, code: err.code, details: err.details };
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('sqlite-worker.ts runs only as a worker thread');
  let store: Store;
  try {
    store = await createSqliteStore(workerData as SqliteStoreOptions);
  } catch (err) {
    port.postMessage({ t: 'fatal', error: serializeError(err) } satisfies WorkerMsg);
    return;
  }
  const methods = store as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  let out: Reply[] = [];
  let scheduled = false;
  const send = (): void => {
    scheduled = false;
    const r = out;
    out = [];
    port.postMessage({ t: 'replies', r, stats: store.stats() } satisfies WorkerMsg);
  };
  const reply = (r: Reply): void => {
    out.push(r);
    if (!scheduled) {
      scheduled = true;
      setImmediate(send);
    }
  };
  port.on('message', (calls: CallMsg[]) => {
    for (const c of calls) {
      const fn = methods[c.m];
      if (c.m === 'kind' || c.m === 'stats' || typeof fn !== 'function') {
        reply({ i: c.i, ok: false, e: { name: 'TypeError', message: `store method ${c.m} does not exist` } });
        continue;
      }
      let p: Promise<unknown>;
      try {
        p = Promise.resolve(fn.apply(store, c.a));
      } catch (err) {
        reply({ i: c.i, ok: false, e: serializeError(err) });
        continue;
      }
      p.then(
        (v) => reply({ i: c.i, ok: true, v }),
        (err: unknown) => reply({ i: c.i, ok: false, e: serializeError(err) }),
      );
      if (c.m === 'close') {
        // after the close reply went out, let the thread end (its connections are released)
        void p.finally(() => setImmediate(() => { send(); port.close(); }));
      }
    }
  });
  port.postMessage({ t: 'ready' } satisfies WorkerMsg);
}

if (parentPort && (workerData as { chargewireStoreWorker?: boolean } | undefined)?.chargewireStoreWorker) void main();
