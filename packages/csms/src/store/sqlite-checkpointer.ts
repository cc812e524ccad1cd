// WAL checkpoints off the event loop (issue 7). SQLite's automatic checkpoint runs inside the COMMIT
// that crosses `wal_autocheckpoint` pages and, with synchronous=NORMAL, fsyncs the WAL and the database
// file there: the CSMS's event loop stood still for milliseconds every few batches. Here a worker thread
// with its own connection to the same file runs `wal_checkpoint(PASSIVE)` every `intervalMs` (20 ms by
// default: small checkpoints, small fsyncs, which would otherwise stall the writer's WAL appends; it never
// blocks the writer).
//
// The WAL only starts again from its beginning when a write transaction begins with every frame already
// checkpointed. When commits come every millisecond or faster, the worker's checkpoints never catch up
// between two of them, so the WAL grew until the writer's own automatic checkpoint ran on the event loop:
// the rest of the copying, two fsyncs, and the new WAL header's fsync in the next COMMIT — commits of up to
// 15 ms where they otherwise take 1 ms (docs/performance-history.md, session 6). So once the WAL holds
// `restartFrames` frames the worker asks the writer for a **restart point**: the writer finishes its batch
// and starts no other (the event loop keeps running: sockets, validation, queueing) until the worker has
// checkpointed everything and made the first write of the new WAL generation itself (the header's fsync
// happens in that write: in the worker, not on the event loop). At lower commit rates the checkpoints catch
// up by themselves and the writer's next commit starts the new generation as before (one small fsync).
// The writer's automatic checkpoint stays as a safety net, at twice that size, should the worker be gone.
//
// Flush-ahead (session 11): a PASSIVE checkpoint that does not reach the WAL's end — under load none does,
// the writer appends while it copies — copies pages into the database file but skips the file's fsync. So
// the fsync at the restart point, while the writer waits, used to flush every page copied in the whole WAL
// generation, and the writer waited 20–60 ms at each point, about once a second at 2,000 CALLs/s: the p99
// of the steady benchmark's failing steps (docs/performance-history.md, session 11). Now, in the second half of each
// generation, the worker flushes the database file itself after every checkpoint that copied pages (in its
// own thread: the writer goes on); when the restart point is due it checkpoints again until a pass has
// little left to copy, asks for the point, and then stays idle, so the point is served at once and has
// little to copy and to flush.
// The worker's code is plain JS passed with `eval`, so it also runs from a bundle.
import { closeSync, openSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
// as the writer: checkpoints and a new WAL header are synced all the same, but the one-page write at a
// restart point does not fsync the WAL once more at its commit (FULL, the default, would: 4 fsyncs, not 3)
db.pragma('synchronous = NORMAL');
let asked = false;
const checkpoint = () => {
  try { return db.pragma('wal_checkpoint(PASSIVE)')[0]; } catch { return undefined; /* busy or closing: the next tick retries */ }
};
// flush-ahead (see the file's head): a descriptor of the database file, for fdatasync; opened and closed by
// the thread that started this worker (flushFile below), never here
const fs = require('node:fs');
const dbFd = workerData.dbFd;
const flush = () => { try { fs.fdatasyncSync(dbFd); } catch { /* the restart point's own fsync covers it */ } };
/** Checkpoint passes before a restart point, while a pass still copies at least CONVERGED frames. */
const MAX_PASSES = 8;
const CONVERGED = 256;
let copied = 0;
const timer = setInterval(() => {
  if (asked && dbFd >= 0) return; // the restart point is due: stay free to serve it at once
  const r = checkpoint();
  if (!r) return;
  if (r.checkpointed < copied) copied = 0; // the WAL started again by itself (a quiet moment): a new generation
  if (dbFd >= 0 && r.log >= workerData.restartFrames / 2 && r.checkpointed > copied) flush();
  copied = r.checkpointed;
  if (r.log < workerData.restartFrames || asked) return;
  // the writer appended while this pass copied and flushed: copy again until little is left
  for (let i = 0; dbFd >= 0 && i < MAX_PASSES; i++) {
    const again = checkpoint();
    if (!again) break;
    const n = again.checkpointed - copied;
    copied = again.checkpointed;
    if (n < CONVERGED) break;
  }
  asked = true;
  parentPort.postMessage('restart');
}, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (typeof m === 'number') {
    // restart point number m: the writer waits between two batches, so this checkpoint reaches the WAL's end
    const r = checkpoint();
    asked = false;
    copied = 0;
    const done = !!r && r.busy === 0 && r.checkpointed === r.log;
    // ...and a one-page write of this connection starts the WAL again from its beginning: the new WAL
    // header is written and fsynced here (synchronous=NORMAL syncs it), not in the writer's next commit
    // on the event loop. user_version is not used otherwise; any change would do.
    if (done) try { db.pragma('user_version = ' + (m % 1000000 + 1)); } catch { /* busy: the writer restarts the WAL itself */ }
    parentPort.postMessage({ point: m, done });
    return;
  }
  if (m !== 'close') return;
  clearInterval(timer);
  try { db.close(); } catch { /* already gone */ }
  parentPort.close();
});
`;

export interface CheckpointerOptions {
  /** Interval of the PASSIVE checkpoints (default 20 ms). */
  intervalMs?: number;
  /** WAL frames (pages) after which the writer is asked for a restart point (default 16,000 ≈ 64 MB; 0: never). */
  restartFrames?: number;
  /**
   * Flush-ahead (default true): in the second half of each WAL generation the worker fsyncs the database file
   * after its checkpoints, so that a restart point has little to flush while the writer waits (file head).
   */
  flushAhead?: boolean;
  /** Longest the writer waits for the worker at a restart point (default 2,000 ms); then it goes on. */
  restartTimeoutMs?: number;
}

export interface Checkpointer {
  /** The worker asked for a restart point: the writer should call `restartPoint()` before its next batch. */
  readonly wantsRestart: boolean;
  /** Resolves once the worker has checkpointed the whole WAL (or after restartTimeoutMs). The writer must not write meanwhile. */
  restartPoint(): Promise<void>;
  /** Restart points so far, and how long the writer waited at them in all (ms). */
  readonly stats: { restarts: number; waitedMs: number };
  /** Stops the worker and closes its connection (before the writer closes, so it can clean up the WAL). */
  stop(): Promise<void>;
  /** Closes the flush-ahead descriptor: only once the writer's connection is closed too (flushFile). */
  release(): void;
}

/**
 * The flush-ahead descriptors, one per database file (device and inode) and thread, shared by the stores
 * that have the file open. POSIX drops *all* of a process's fcntl locks on a file when *any* descriptor of
 * it is closed, SQLite's locks among them ("How To Corrupt An SQLite Database File", 2.2): a descriptor
 * closed while a connection still used the file would let another process take the lock a WAL connection
 * holds for as long as it is open, decide it was the last one and delete the WAL under it. So the descriptor
 * is closed only when the last store of this thread on that file has closed its connections. (Another
 * SQLite connection to the file in the same process, opened outside the store, would still lose its locks
 * then; the store never does that.)
 */
const flushFiles = new Map<string, { fd: number; refs: number }>();

function flushFile(path: string): { fd: number; release(): void } | undefined {
  try {
    const st = statSync(path);
    const key = `${st.dev}:${st.ino}`;
    let f = flushFiles.get(key);
    if (!f) {
      f = { fd: openSync(path, 'r'), refs: 0 };
      flushFiles.set(key, f);
    }
    f.refs++;
    const file = f;
    let released = false;
    return {
      fd: file.fd,
      release: () => {
        if (released) return;
        released = true;
        if (--file.refs > 0) return;
        flushFiles.delete(key);
        try { closeSync(file.fd); } catch { /* already gone */ }
      },
    };
  } catch {
    return undefined; // no flush-ahead: the restart point's own fsync does it all
  }
}

const DEFAULT_RESTART_FRAMES = 16_000;

/**
 * The writer's own automatic checkpoint, in pages, when the worker runs: a safety net at twice restartFrames;
 * without restart points (restartFrames 0) 10,000 pages, where the writer checkpoints itself as before session 6.
 */
export function writerAutocheckpointPages(opts: CheckpointerOptions = {}): number {
  const frames = opts.restartFrames ?? DEFAULT_RESTART_FRAMES;
  return frames > 0 ? 2 * frames : 10_000;
}

/** Starts the checkpoint worker for the database file at `path`; undefined when it cannot run. */
export function startCheckpointer(path: string, opts: CheckpointerOptions = {}): Checkpointer | undefined {
  const intervalMs = opts.intervalMs ?? 20;
  const restartFrames = opts.restartFrames ?? DEFAULT_RESTART_FRAMES;
  const restartTimeoutMs = opts.restartTimeoutMs ?? 2000;
  const file = (opts.flushAhead ?? true) && restartFrames > 0 ? flushFile(path) : undefined;
  let worker: Worker;
  try {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path, intervalMs, restartFrames: restartFrames > 0 ? restartFrames : Infinity, dbFd: file?.fd ?? -1 } });
  } catch {
    file?.release();
    return undefined;
  }
  worker.unref();
  let alive = true;
  let wantsRestart = false;
  let waiting: (() => void) | undefined;
  let point = 0;
  const stats = { restarts: 0, waitedMs: 0 };
  worker.on('message', (m: unknown) => {
    if (m === 'restart') wantsRestart = true;
    else if ((m as { point?: number }).point === point) waiting?.(); // a late answer to a timed-out point is dropped
  });
  const gone = () => {
    alive = false;
    wantsRestart = false;
    waiting?.(); // a writer waiting at a restart point goes on; its own checkpoints take over
  };
  worker.on('error', gone);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => {
    gone();
    resolve();
  }));
  return {
    get wantsRestart() {
      return wantsRestart;
    },
    stats,
    restartPoint: () => {
      wantsRestart = false;
      if (!alive) return Promise.resolve();
      const t0 = performance.now();
      return new Promise<void>((resolve) => {
        const timeout = setTimeout(() => waiting?.(), restartTimeoutMs);
        waiting = () => {
          waiting = undefined;
          clearTimeout(timeout);
          stats.restarts++;
          stats.waitedMs += performance.now() - t0;
          resolve();
        };
        worker.postMessage(++point);
      });
    },
    stop: async () => {
      worker.postMessage('close');
      const timeout = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(timeout);
    },
    release: () => file?.release(),
  };
}
