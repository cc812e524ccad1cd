// Retention: the message journal (every frame in and out, verbatim) is deleted after
// `retention.journalDays`. Without it the journal grows without bound: ≈ 1 KB per frame, 36 MB a minute
// at 200 CALLs/s in the soak benchmark (docs/performance.md). The charging history — ended transactions
// with their events, meter readings, limit and remote start, and meter readings outside transactions — is
// business data (billing, disputes): kept forever unless `retention.historyDays` is set.
//
// A pass runs every `retention.intervalS` and deletes what is due in batches (store.pruneJournal, then
// store.pruneHistory). It yields between batches and paces itself: after a batch it waits as long as the
// batch took, so a large backlog (retention switched on for an old database) is worked off at no more than
// about half of the store's time while the stations keep being served.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import type { Store } from './store/store.ts';

export interface RetentionOptions {
  /** Journal entries older than this many days are deleted; 0 = kept forever. */
  journalDays: number;
  /** Transactions that ended, and meter readings outside transactions taken, this many days ago are deleted; 0 (default) = kept forever. */
  historyDays?: number;
  /** Seconds between pruning passes. */
  intervalS: number;
  /** Entries per pruneJournal call (default 500: ≈ 2–6 ms of SQLite work on the event loop: `bench-journal.ts prune`, docs/performance-history.md). */
  batch?: number;
  /**
   * Transactions per pruneHistory call (default 25: ≈ 3–5 ms of SQLite work on the event loop for transactions
   * of 12 events and 12 readings each; 500 took 60–80 ms, docs/performance-history.md session 13). Also the readings per call.
   */
  historyBatch?: number;
}

export interface RetentionDeps {
  store: () => Store;
  log: Logger;
  /** Counts deleted journal entries. */
  pruned: Counter;
  /** Counts deleted history by kind (`transactions`, `readings`). */
  historyPruned?: Counter<'kind'>;
  now?: () => number;
}

export interface Retention {
  /** One pass now: deletes everything due; resolves with how many entries, transactions and readings (0 when retention is off or stopping). */
  runOnce(): Promise<number>;
  /** Starts the periodic passes (a no-op when journalDays and historyDays are 0). */
  start(): void;
  /** Stops the passes and waits for a running one to end after its current batch. */
  stop(): Promise<void>;
}

const DAY_MS = 86_400_000;

export function createRetention(opts: RetentionOptions, deps: RetentionDeps): Retention {
  const batch = opts.batch ?? 500;
  const now = deps.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = false;

  const historyDays = opts.historyDays ?? 0;
  const historyBatch = opts.historyBatch ?? 25;
  const enabled = opts.journalDays > 0 || historyDays > 0;

  /** Runs `step` until it reports nothing more due, pacing: as long again as each batch took (at least one turn of the event loop). */
  async function drain(step: () => Promise<{ n: number; more: boolean }>): Promise<number> {
    let total = 0;
    while (!stopped) {
      const started = performance.now();
      const { n, more } = await step();
      total += n;
      if (!more) break;
      await sleep(Math.max(1, performance.now() - started));
    }
    return total;
  }

  async function pass(): Promise<number> {
    let total = 0;
    if (opts.journalDays > 0) {
      const before = new Date(now() - opts.journalDays * DAY_MS);
      const t0 = performance.now();
      const n = await drain(async () => {
        const k = await deps.store().pruneJournal(before, batch);
        deps.pruned.inc(k);
        return { n: k, more: k >= batch };
      });
      if (n) deps.log.info({ deleted: n, before: before.toISOString(), ms: Math.round(performance.now() - t0) }, 'journal retention: old entries deleted');
      total += n;
    }
    if (historyDays > 0) {
      const before = new Date(now() - historyDays * DAY_MS);
      const t0 = performance.now();
      let transactions = 0;
      let readings = 0;
      await drain(async () => {
        const r = await deps.store().pruneHistory(before, historyBatch);
        transactions += r.transactions;
        readings += r.readings;
        deps.historyPruned?.inc({ kind: 'transactions' }, r.transactions);
        deps.historyPruned?.inc({ kind: 'readings' }, r.readings);
        return { n: r.transactions + r.readings, more: r.more };
      });
      if (transactions || readings) deps.log.info({ transactions, readings, before: before.toISOString(), ms: Math.round(performance.now() - t0) }, 'history retention: ended transactions and old readings deleted');
      total += transactions + readings;
    }
    return total;
  }

  function runOnce(): Promise<number> {
    if (stopped || !enabled) return Promise.resolve(0);
    // one pass at a time: a pass still running when the next is due is joined, not doubled
    running ??= pass().finally(() => { running = undefined; });
    return running;
  }

  const tick = (): void => {
    runOnce()
      .catch((err: unknown) => deps.log.warn({ err }, 'retention pass failed; retried at the next interval'))
      .finally(() => { if (!stopped) timer = setTimeout(tick, opts.intervalS * 1000).unref(); });
  };

  return {
    runOnce,
    start() {
      if (!enabled || timer || stopped) return;
      // the first pass soon after the start (not in the middle of a reconnect storm), then every interval
      timer = setTimeout(tick, Math.min(opts.intervalS * 1000, 10_000)).unref();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
