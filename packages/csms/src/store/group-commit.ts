// Group commit (issue 4): writes are queued and executed in one DB transaction per short tick (every
// `maxDelayMs` or `maxBatch` items, whichever comes first, a full batch at once; under load, as soon as the
// previous batch finished: see enqueue). Each write's promise settles only after its
// batch committed (or failed): the CSMS answers a station only once its data is durable. One batch runs
// at a time, so writes commit in the order they were queued.

export type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };
export type BatchOp<Tx> = (tx: Tx) => unknown;

/** Runs a batch of ops in one transaction and reports each op's outcome; throws only if nothing committed. */
export type BatchExecutor<Tx> = (ops: BatchOp<Tx>[]) => Promise<Settled[]>;

export interface GroupCommitOptions {
  /** Longest a write waits for companions (default 5 ms). */
  maxDelayMs?: number;
  /** Most writes per transaction (default 500). */
  maxBatch?: number;
  /**
   * Under load (the previous batch ended less than maxDelayMs ago), start batches at most this often, so
   * that writes arriving meanwhile share one commit (default 0: start right after the pending I/O).
   */
  minIntervalMs?: number;
  /**
   * Longest a lazy write (journal frames, last-seen touches: nothing waits for them) waits for a batch
   * that other writes start; only then does it start one of its own (default 4 × maxDelayMs, at least 20 ms).
   * Under load lazy writes ride along in the batches of the others and cost no commit of their own.
   */
  lazyDelayMs?: number;
  /**
   * Called before each batch starts; a returned promise holds the batch (and all later ones) until it
   * settles: the SQLite checkpointer's restart point, where the writer must not write (sqlite-checkpointer.ts).
   */
  beforeBatch?: () => Promise<void> | undefined;
  /** Called after each committed batch (metrics). */
  onBatch?: (size: number, ms: number) => void;
  /** Maps a thrown error to the one the caller sees (e.g. to a StoreError). */
  mapError?: (err: unknown) => unknown;
}

interface Pending<Tx> {
  op: BatchOp<Tx>;
  lazy: boolean;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export class GroupCommit<Tx> {
  /** batchMs: the time batches took to execute (BEGIN … COMMIT), summed. */
  readonly stats = { batches: 0, items: 0, maxBatch: 0, batchMs: 0 };
  private queue: Pending<Tx>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private running: Promise<void> | undefined;
  /** When the last batch loop finished (performance.now()); -Infinity before the first. */
  private lastEnd = Number.NEGATIVE_INFINITY;
  /** When the last batch started (performance.now()). */
  private lastStart = Number.NEGATIVE_INFINITY;
  private readonly maxDelayMs: number;
  private readonly minIntervalMs: number;
  private readonly maxBatch: number;
  private readonly lazyDelayMs: number;
  private lazyTimer: NodeJS.Timeout | undefined;
  /** Queued writes that are not lazy. */
  private eager = 0;
  /** flush() calls waiting: lazy writes are not deferred meanwhile. */
  private flushing = 0;
  /** The lazy timer fired: the next batch runs even if it holds only lazy writes. */
  private lazyDue = false;

  constructor(
    private readonly execute: BatchExecutor<Tx>,
    private readonly opts: GroupCommitOptions = {},
  ) {
    this.maxDelayMs = opts.maxDelayMs ?? 5;
    this.maxBatch = opts.maxBatch ?? 500;
    this.minIntervalMs = opts.minIntervalMs ?? 0;
    this.lazyDelayMs = opts.lazyDelayMs ?? (this.maxDelayMs <= 0 ? 0 : Math.max(20, 4 * this.maxDelayMs));
  }

  /**
   * Queue a write. `urgent` ones (rare, operator-driven) start a batch on the next turn instead of waiting;
   * `lazy` ones (nothing waits for them) join the next batch others start, or start one after lazyDelayMs.
   * Batches commit in queue order either way.
   */
  enqueue<T>(op: (tx: Tx) => T | Promise<T>, urgency: boolean | 'lazy' = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const lazy = urgency === 'lazy' && this.lazyDelayMs > 0;
      this.queue.push({ op, lazy, resolve: resolve as (v: unknown) => void, reject });
      if (!lazy) this.eager++;
      if (this.running) return; // the running loop picks it up
      if (lazy && this.queue.length < this.maxBatch) {
        this.armLazy();
        return;
      }
      this.schedule(urgency === true);
    });
  }

  private schedule(urgent: boolean): void {
    // under load (a batch ended less than maxDelayMs ago) the next batch starts right after the pending
    // I/O callbacks ran (setImmediate): what arrived meanwhile joins it, and no timer leaves the CPU idle
    const now = performance.now();
    // A full batch starts at once (its loop takes the queue a microtask later), not after the pending I/O
    // callbacks: in a reconnect storm one poll phase runs thousands of accepts, upgrades and BootNotifications
    // (libuv takes up to 48 × 1,024 events per phase), and a setImmediate or timer would hold every commit, and
    // so every answer, until it ended: seconds with 10,000 stations (issue 7, session 15).
    if (this.queue.length >= this.maxBatch) this.start();
    else if (urgent || this.maxDelayMs <= 0) this.startSoon();
    else if (now - this.lastEnd < this.maxDelayMs) {
      // under load: gather until minIntervalMs after the last batch started, then commit together
      const wait = this.lastStart + this.minIntervalMs - now;
      if (wait >= 1) this.timer ??= setTimeout(() => this.start(), wait);
      else this.startSoon();
    } else this.timer ??= setTimeout(() => this.start(), this.maxDelayMs);
  }

  /** Resolves once everything queued before (and during) the call has been committed or rejected. */
  async flush(): Promise<void> {
    this.flushing++;
    try {
      if (!this.running && this.queue.length) this.start();
      while (this.running) await this.running;
    } finally {
      this.flushing--;
    }
  }

  get pending(): number {
    return this.queue.length;
  }

  private armLazy(): void {
    this.lazyTimer ??= setTimeout(() => {
      this.lazyTimer = undefined;
      this.lazyDue = true;
      this.start();
    }, this.lazyDelayMs);
  }

  private startSoon(): void {
    this.immediate ??= setImmediate(() => this.start());
  }

  private start(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    if (this.running || !this.queue.length) return;
    if (this.lazyTimer) clearTimeout(this.lazyTimer);
    this.lazyTimer = undefined;
    this.running = this.loop();
  }

  private async loop(): Promise<void> {
    await Promise.resolve(); // let start() assign this.running first
    let ran = false;
    while (this.queue.length) {
      if (!this.eager && !this.flushing && !this.lazyDue && this.queue.length < this.maxBatch) {
        // only lazy writes are left: they wait for the next batch others start (or lazyDelayMs)
        this.armLazy();
        break;
      }
      this.lazyDue = false;
      ran = true;
      const hold = this.opts.beforeBatch?.();
      if (hold) await hold.catch(() => undefined);
      const batch = this.queue.splice(0, this.maxBatch);
      for (const p of batch) if (!p.lazy) this.eager--;
      const t0 = performance.now();
      this.lastStart = t0;
      let results: Settled[];
      try {
        results = await this.execute(batch.map((p) => p.op));
      } catch (err) {
        const mapped = this.opts.mapError ? this.opts.mapError(err) : err;
        for (const p of batch) p.reject(mapped);
        continue;
      }
      this.stats.batches++;
      this.stats.items += batch.length;
      if (batch.length > this.stats.maxBatch) this.stats.maxBatch = batch.length;
      const took = performance.now() - t0;
      this.stats.batchMs += took;
      this.opts.onBatch?.(batch.length, took);
      batch.forEach((p, i) => {
        const r = results[i];
        if (r?.ok) p.resolve(r.value);
        else p.reject(this.opts.mapError ? this.opts.mapError(r?.error) : r?.error);
      });
    }
    // cleared synchronously with the empty-queue check, so an enqueue never sees a finished loop as running
    this.running = undefined;
    if (ran) this.lastEnd = performance.now();
  }
}

/**
 * Executor helper for databases where a failed statement spoils the whole transaction (PostgreSQL):
 * run all ops in one transaction; if it fails, re-run each op in its own transaction so that only the
 * faulty ones are rejected. `runTx` must roll back on error.
 */
export function withFallback<Tx>(runTx: (ops: BatchOp<Tx>[]) => Promise<unknown[]>): BatchExecutor<Tx> {
  return async (ops) => {
    try {
      const values = await runTx(ops);
      return values.map((value) => ({ ok: true, value }));
    } catch (err) {
      if (ops.length === 1) return [{ ok: false, error: err }];
      const out: Settled[] = [];
      for (const op of ops) {
        try {
          const [value] = await runTx([op]);
          out.push({ ok: true, value });
        } catch (error) {
          out.push({ ok: false, error });
        }
      }
      return out;
    }
  };
}

/**
 * Merges many small appends of one kind (journal frames) into one op per batch: every `add` joins the
 * op not yet started, so 500 single-frame appends become one multi-row INSERT.
 */
export class Coalescer<Tx, Row> {
  private open: { rows: Row[]; promise: Promise<unknown> } | undefined;
  /** `lazy`: the merged op is a lazy write of the group commit (see GroupCommit.enqueue). */
  constructor(
    private readonly gc: GroupCommit<Tx>,
    private readonly write: (tx: Tx, rows: Row[]) => unknown,
    private readonly lazy = false,
  ) {}

  add(rows: Row[]): Promise<void> {
    if (!this.open) {
      const buf: { rows: Row[]; promise: Promise<unknown> } = { rows: [], promise: Promise.resolve() };
      buf.promise = this.gc.enqueue((tx) => {
        if (this.open === buf) this.open = undefined; // later adds start a new op
        return this.write(tx, buf.rows);
      }, this.lazy ? 'lazy' : false);
      this.open = buf;
    }
    this.open.rows.push(...rows);
    return this.open.promise.then(() => undefined);
  }
}
