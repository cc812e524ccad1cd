// SQLite adapter (better-sqlite3, WAL): the embedded default for `npm start`. One connection; the group
// commit runs each batch in one BEGIN IMMEDIATE … COMMIT, and a failing op rolls back alone (sqliteBatches).
// synchronous=NORMAL (the default here) survives a process crash, not a power loss; pass `synchronous: 'FULL'`
// for that.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { GroupCommit, type BatchExecutor, type GroupCommitOptions, type Settled } from './group-commit.ts';
import { migrations, render, SCHEMA_VERSION_DDL } from './migrations.ts';
import { startCheckpointer, writerAutocheckpointPages } from './sqlite-checkpointer.ts';
import { createSqlStore, type SqlConn } from './sql-store.ts';
import { FoldCache } from './sql-transactions.ts';
import { JournalTail } from './sql-journal-pairs.ts';
import { StoreError, type Store } from './store.ts';

export interface SqliteStoreOptions extends GroupCommitOptions {
  /** File path, or ':memory:'. */
  path: string;
  synchronous?: 'NORMAL' | 'FULL';
  /**
   * How often the checkpoint worker runs a PASSIVE checkpoint (default 20 ms). Short intervals keep each
   * checkpoint, and its fsync, small: with 100 ms the writer's WAL appends stalled behind the fsync for
   * 10–20 ms at a time under load (docs/performance-history.md, session 3).
   */
  checkpointIntervalMs?: number;
  /** WAL pages after which the writer pauses between two batches for a full checkpoint (default 16,000; 0: none, the writer checkpoints itself at 10,000 pages; sqlite-checkpointer.ts). */
  walRestartPages?: number;
  /** Flush-ahead of the checkpoint worker (default true; sqlite-checkpointer.ts): shorter waits at restart points. */
  walFlushAhead?: boolean;
  /** Page cache of the connection in MB (default 32): the hot b-tree pages of every connected station should fit. */
  cacheMb?: number;
}

/** The page-cache pragma for `cacheMb` MB (default 32; a negative cache_size is in KiB). */
export function cacheSizePragma(cacheMb = 32): string {
  return `cache_size = -${Math.round(cacheMb * 1024)}`;
}

/** How long a statement waits for a lock another connection holds (the busy timeout), ms. */
const BUSY_TIMEOUT_MS = 5000;

export function mapSqliteError(err: unknown): unknown {
  if (err instanceof StoreError) return err;
  const code = (err as { code?: string })?.code ?? '';
  if (code.startsWith('SQLITE_CONSTRAINT')) return new StoreError('STORE_ERR_CONFLICT', (err as Error).message, { dbCode: code }, { cause: err });
  return new StoreError('STORE_ERR_BACKEND', `sqlite: ${(err as Error)?.message ?? String(err)}`, { dbCode: code }, { cause: err });
}

/**
 * Brings the schema up to date, one migration per transaction. Several processes may open the same file at
 * once (cluster nodes on one machine): each migration's transaction is IMMEDIATE (it takes the write lock
 * before it reads the version), so a process that waited for another one's migration sees it applied and
 * skips it instead of running it twice.
 */
export function migrateSqlite(db: Database.Database): number {
  db.exec(SCHEMA_VERSION_DDL);
  const version = db.prepare('SELECT max(version) AS v FROM schema_version');
  const record = db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)');
  const next = db.transaction((): boolean => {
    const current = (version.get() as { v: number | null }).v ?? 0;
    const m = migrations.find((x) => x.version > current);
    if (!m) return false;
    db.exec(render(m.sql, 'sqlite'));
    record.run(m.version, new Date().toISOString());
    return true;
  });
  while (next.immediate());
  return migrations.at(-1)?.version ?? 0;
}

const isBusy = (err: unknown): boolean => (err as { code?: string } | undefined)?.code === 'SQLITE_BUSY';

/**
 * Tries `attempt` again after a `pauseMs()` timer until it succeeds (true) or `timeoutMs` have passed since the
 * first retry (false). For the SQLite calls that meet another process's lock without waiting in SQLite's busy
 * handler, which would stop the event loop or is not called at all: BEGIN IMMEDIATE and the switch to WAL.
 */
async function retryWhileBusy(attempt: () => boolean, timeoutMs: number, pauseMs: () => number): Promise<boolean> {
  const t0 = performance.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, pauseMs()));
    if (attempt()) return true;
    if (performance.now() - t0 > timeoutMs) return false;
  }
}

/**
 * Puts the file in WAL mode. When several processes open a fresh file at once (cluster nodes on one machine),
 * the switch from the rollback journal can fail at once with SQLITE_BUSY: SQLite does not call the busy
 * handler where waiting could deadlock (seen: 16 of 1,200 opens of four processes, `database is locked` from
 * this pragma; sqlite-shared.test.ts failed in CI on it). So it is tried again after a short timer, up to the
 * busy timeout; then SQLite's own error is thrown.
 */
export async function enableWal(db: Database.Database, timeoutMs = BUSY_TIMEOUT_MS): Promise<void> {
  let busy: unknown;
  const attempt = (): boolean => {
    let mode: unknown;
    try {
      mode = db.pragma('journal_mode = WAL', { simple: true });
    } catch (err) {
      if (!isBusy(err)) throw err;
      busy = err;
      return false;
    }
    if (mode === 'wal' || mode === 'memory') return true; // an in-memory database keeps its memory journal
    throw new StoreError('STORE_ERR_BACKEND', `sqlite: the file stayed in journal mode ${String(mode)}, WAL is needed`, { journalMode: String(mode) });
  };
  if (attempt() || (await retryWhileBusy(attempt, timeoutMs, () => 2 + Math.random() * 8))) return;
  throw busy;
}

export async function createSqliteStore(opts: SqliteStoreOptions): Promise<Store> {
  let db: Database.Database;
  try {
    if (opts.path !== ':memory:') mkdirSync(dirname(opts.path), { recursive: true });
    db = new Database(opts.path);
    // first: another process (a cluster node on the same file) may hold the lock the next pragmas need
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    await enableWal(db);
    db.pragma(`synchronous = ${opts.synchronous ?? 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
    // 32 MB page cache by default (SQLite's is 2 MB): the hot index pages of a few thousand stations stay in memory
    db.pragma(cacheSizePragma(opts.cacheMb));
    // Temporary files in memory, the savepoints' statement journal among them: a batch's savepoints (one per
    // write) journal the pages they change, and past 64 KB SQLite spilled that journal to a temp file on disk
    // (seen with strace under load: 60 KB writes to an unnamed file in every large batch). A batch's journal
    // is a few hundred KB at most; no disk I/O is needed for it.
    db.pragma('temp_store = MEMORY');
    migrateSqlite(db);
  } catch (err) {
    throw mapSqliteError(err);
  }
  // WAL checkpoints (and their fsyncs) run in a worker thread; at a restart point (every walRestartPages)
  // the writer waits between two batches until the worker caught up, so the WAL starts again from its
  // beginning. The writer checkpoints itself only if the worker is gone. See sqlite-checkpointer.ts.
  const ckptOpts = { intervalMs: opts.checkpointIntervalMs, restartFrames: opts.walRestartPages, flushAhead: opts.walFlushAhead };
  const checkpointer = opts.path === ':memory:' ? undefined : startCheckpointer(opts.path, ckptOpts);
  if (checkpointer) db.pragma(`wal_autocheckpoint = ${writerAutocheckpointPages(ckptOpts)}`);
  const stmts = new Map<string, Database.Statement>();
  const prep = (sql: string) => {
    let s = stmts.get(sql);
    if (!s) {
      s = db.prepare(sql);
      stmts.set(sql, s);
      if (stmts.size > 500) stmts.delete(stmts.keys().next().value!);
    }
    return s;
  };
  const bind = (params: unknown[] = []) => params.map((v) => (typeof v === 'boolean' ? Number(v) : v));
  const conn: SqlConn = {
    all: async (sql, params) => {
      const s = prep(sql);
      return (s.reader ? s.all(...bind(params)) : (s.run(...bind(params)), [])) as Record<string, unknown>[];
    },
    run: async (sql, params) => prep(sql).run(...bind(params)).changes,
  };
  // Transaction control statements are prepared once (db.exec would parse them for every op). Ops run
  // one after another inside the batch's transaction: they are async only in shape (better-sqlite3 is
  // synchronous), so no other code touches the connection between BEGIN and COMMIT.
  const begin = db.prepare('BEGIN IMMEDIATE');
  // The write lock without blocking the event loop. Another process on the same file (a cluster node on this
  // machine, docs/architecture.md "Clustering") may hold it; SQLite's busy handler would then sleep inside
  // BEGIN, with the event loop stopped (seen: loop delay p99 240 ms with two nodes). So BEGIN IMMEDIATE is
  // tried without waiting, and on SQLITE_BUSY tried again after a timer, up to the busy timeout; meanwhile
  // the event loop serves the stations and the next batch gathers. One process alone never waits here.
  const noWait = db.prepare('PRAGMA busy_timeout = 0');
  const busyWait = db.prepare(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  const lock = { waits: 0, waitedMs: 0 };
  const tryBegin = (): boolean => {
    noWait.get();
    try {
      begin.run();
      return true;
    } catch (err) {
      if (!isBusy(err)) throw err;
      return false;
    } finally {
      busyWait.get();
    }
  };
  const beginWrite = async (): Promise<void> => {
    if (tryBegin()) return;
    const t0 = performance.now();
    lock.waits++;
    try {
      if (!(await retryWhileBusy(tryBegin, BUSY_TIMEOUT_MS, () => 1))) throw new StoreError('STORE_ERR_BACKEND', `sqlite: the database stayed locked by another process for ${BUSY_TIMEOUT_MS} ms`, { dbCode: 'SQLITE_BUSY' });
    } finally {
      lock.waitedMs += performance.now() - t0;
    }
  };
  const folds = new FoldCache();
  const journalTail = new JournalTail();
  const batches = sqliteBatches(db, conn, beginWrite, () => { folds.clear(); journalTail.clear(); });
  const gc = new GroupCommit<SqlConn>(batches.execute, {
    ...opts,
    mapError: mapSqliteError,
    beforeBatch: checkpointer ? () => (checkpointer.wantsRestart ? checkpointer.restartPoint() : undefined) : undefined,
  });
  const moreStats = () => ({ lockWaits: lock.waits, lockWaitMs: lock.waitedMs, batchRetries: batches.stats.retries, ...(checkpointer && { walRestarts: checkpointer.stats.restarts, walRestartWaitMs: checkpointer.stats.waitedMs }) });
  return createSqlStore({ kind: 'sqlite', read: conn, lanes: [gc], folds, journalTail, moreStats, release: async () => {
    await checkpointer?.stop();
    db.close();
    checkpointer?.release(); // after the connection: see flushFile in sqlite-checkpointer.ts
  } });
}

/** Batches run with a SAVEPOINT per op after one whose op failed, before the fast path is tried again. */
const GUARDED_BATCHES = 50;

/**
 * The group commit's executor: one transaction per batch, in which a failing op rolls back alone and the
 * others commit. The fast path runs the ops without savepoints (SAVEPOINT/RELEASE per op, and the statement
 * journal's copy of every page an op changes, were ≈ 3% of the store's CPU per CALL: issue 7,
 * `SCATTER=1 … bench-journal.ts mix`). When an op throws, the whole transaction is rolled back and the batch
 * runs again with a SAVEPOINT per op (the ops are re-runnable: no promise settles before the commit, and
 * `onRollback` drops in-memory state a rolled-back op may have left, the fold cache and the journal's tail); the next
 * GUARDED_BATCHES batches then take savepoints from the start, so a run of failing writes is not paid twice.
 */
export function sqliteBatches(db: Database.Database, conn: SqlConn, beginWrite: () => Promise<void>, onRollback?: () => void): { execute: BatchExecutor<SqlConn>; stats: { retries: number } } {
  const commit = db.prepare('COMMIT');
  const rollback = db.prepare('ROLLBACK');
  const savepoint = db.prepare('SAVEPOINT op');
  const releaseSp = db.prepare('RELEASE op');
  const rollbackTo = db.prepare('ROLLBACK TO op');
  const stats = { retries: 0 };
  let guarded = 0;
  const abort = () => {
    if (db.inTransaction) rollback.run();
    onRollback?.();
  };
  const withSavepoints: BatchExecutor<SqlConn> = async (ops) => {
    const out: Settled[] = [];
    await beginWrite();
    try {
      for (const op of ops) {
        savepoint.run();
        try {
          const value = await op(conn);
          releaseSp.run();
          out.push({ ok: true, value });
        } catch (error) {
          rollbackTo.run();
          releaseSp.run();
          out.push({ ok: false, error });
        }
      }
      commit.run();
    } catch (err) {
      abort();
      throw err;
    }
    return out;
  };
  const execute: BatchExecutor<SqlConn> = async (ops) => {
    if (guarded > 0) {
      guarded--;
      return withSavepoints(ops);
    }
    await beginWrite();
    const values: unknown[] = [];
    try {
      for (const op of ops) values.push(await op(conn));
    } catch (error) {
      abort();
      guarded = GUARDED_BATCHES;
      if (ops.length === 1) return [{ ok: false, error }]; // nothing else to keep: the rollback was the op's own
      stats.retries++;
      return withSavepoints(ops);
    }
    try {
      commit.run();
    } catch (err) {
      abort();
      throw err;
    }
    return values.map((value) => ({ ok: true, value }));
  };
  return { execute, stats };
}
