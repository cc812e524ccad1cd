// WAL checkpoints off the event loop (issue 7). SQLite's automatic checkpoint runs inside the COMMIT
// that crosses `wal_autocheckpoint` pages and, with synchronous=NORMAL, fsyncs the WAL and the database
// file there: the CSMS's event loop stood still for milliseconds every few batches. Here a worker thread
// with its own connection to the same file runs `wal_checkpoint(PASSIVE)` every `intervalMs` (20 ms by
// default: small checkpoints, small fsyncs, which would otherwise stall the writer's WAL appends; it never
// blocks the writer); the writer keeps a high automatic threshold only as a safety net should the worker
// fall behind. The worker's code is plain JS passed with `eval`, so it also runs from a bundle.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: the next tick retries */ }
}, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'close') return;
  clearInterval(timer);
  try { db.close(); } catch { /* already gone */ }
  parentPort.close();
});
`;

export interface Checkpointer {
  /** Stops the worker and closes its connection (before the writer closes, so it can clean up the WAL). */
  stop(): Promise<void>;
}

/** Starts the checkpoint worker for the database file at `path`; undefined when it cannot run. */
export function startCheckpointer(path: string, intervalMs = 20): Checkpointer | undefined {
  let worker: Worker;
  try {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path, intervalMs } });
  } catch {
    return undefined;
  }
  worker.unref();
  worker.on('error', () => undefined); // a failed worker only means the writer's own checkpoints take over
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    stop: async () => {
      worker.postMessage('close');
      const timeout = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(timeout);
    },
  };
}
