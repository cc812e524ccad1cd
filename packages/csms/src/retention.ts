// Retention: the message journal (every frame in and out, verbatim) is deleted after
// `retention.journalDays`. Without it the journal grows without bound: ≈ 1 KB per frame, 36 MB a minute
// at 200 CALLs/s in the soak benchmark (docs/performance.md). Transactions, their events and meter
// values are business records and are kept.
//
// A pass runs every `retention.intervalS` and deletes what is due in batches (store.pruneJournal). It
// yields between batches and paces itself: after a batch it waits as long as the batch took, so a large
// backlog (retention switched on for an old database) is worked off at no more than about half of the
// store's time while the stations keep being served.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import type { Store } from './store/store.ts';

export interface RetentionOptions {
  /** Journal entries older than this many days are deleted; 0 = kept forever. */
  journalDays: number;
  /** Seconds between pruning passes. */
  intervalS: number;
  /** Entries per pruneJournal call (default 500: ≈ 2–6 ms of SQLite work on the event loop: `bench-journal.ts prune`, docs/performance.md). */
  batch?: number;
}

export interface RetentionDeps {
  store: () => Store;
  log: Logger;
  /** Counts deleted journal entries. */
  pruned: Counter;
  now?: () => number;
}

export interface Retention {
  /** One pass now: deletes every due entry; resolves with how many (0 when retention is off or stopping). */
  runOnce(): Promise<number>;
  /** Starts the periodic passes (a no-op when journalDays is 0). */
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

  async function pass(): Promise<number> {
    const before = new Date(now() - opts.journalDays * DAY_MS);
    let total = 0;
    const t0 = performance.now();
    while (!stopped) {
      const started = performance.now();
      const n = await deps.store().pruneJournal(before, batch);
      total += n;
      deps.pruned.inc(n);
      if (n < batch) break;
      // pace: as long again as the batch took (at least one turn of the event loop)
      await sleep(Math.max(1, performance.now() - started));
    }
    if (total) deps.log.info({ deleted: total, before: before.toISOString(), ms: Math.round(performance.now() - t0) }, 'journal retention: old entries deleted');
    return total;
  }

  function runOnce(): Promise<number> {
    if (stopped || opts.journalDays <= 0) return Promise.resolve(0);
    // one pass at a time: a pass still running when the next is due is joined, not doubled
    running ??= pass().finally(() => { running = undefined; });
    return running;
  }

  const tick = (): void => {
    runOnce()
      .catch((err: unknown) => deps.log.warn({ err }, 'journal retention pass failed; retried at the next interval'))
      .finally(() => { if (!stopped) timer = setTimeout(tick, opts.intervalS * 1000).unref(); });
  };

  return {
    runOnce,
    start() {
      if (opts.journalDays <= 0 || timer || stopped) return;
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
