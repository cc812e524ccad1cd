// Prometheus metrics on runtime.metrics (a prom-client Registry of our own, never the global one, so
// several CSMS instances can live in one process, e.g. in tests).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CallEvent } from '@chargewire/ocpp';
import type { Store } from './store/store.ts';

export interface CsmsMetrics {
  registry: Registry;
  connections: Gauge;
  messages: Counter;
  callLatency: Histogram;
  badMessages: Counter;
  connectAttempts: Counter;
  /** Journal entries deleted by retention (retention.ts). */
  journalPruned: Counter;
  /** Charging history deleted by retention (retention.ts), by kind: transactions, readings. */
  historyPruned: Counter<'kind'>;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): CsmsMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'chargewire_' });
  return {
    registry,
    connections: new Gauge({ name: 'chargewire_ocpp_connections', help: 'Open OCPP connections', labelNames: ['version', 'profile'], registers: [registry] }),
    messages: new Counter({
      name: 'chargewire_ocpp_messages_total',
      help: 'OCPP CALLs handled (direction in) or sent (direction out), by action and outcome',
      labelNames: ['direction', 'action', 'outcome'],
      registers: [registry],
      collect() {
        flushMessageCounts(this);
      },
    }),
    callLatency: new Histogram({
      name: 'chargewire_ocpp_call_duration_seconds',
      help: 'Time from CALL to answer, by direction and action',
      labelNames: ['direction', 'action'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    badMessages: new Counter({ name: 'chargewire_ocpp_bad_messages_total', help: 'Malformed or schema-invalid inbound messages', registers: [registry] }),
    connectAttempts: new Counter({
      name: 'chargewire_ocpp_connect_attempts_total',
      help: 'WebSocket upgrade attempts by result (accepted, 401, 404, …)',
      labelNames: ['result'],
      registers: [registry],
    }),
    journalPruned: new Counter({ name: 'chargewire_journal_pruned_total', help: 'Message-journal entries deleted by retention (retention.journalDays)', registers: [registry] }),
    historyPruned: new Counter({ name: 'chargewire_history_pruned_total', help: 'Ended transactions (with their events and readings) and meter readings outside transactions deleted by retention (retention.historyDays), by kind', labelNames: ['kind'], registers: [registry] }),
  };
}

type MessageLabels = { direction: string; action: string; outcome: string };
/**
 * CALL counts not yet added to the messages counter, per label set: counting a CALL is a Map lookup,
 * and prom-client's label hashing and validation run once per label set per scrape (collect), not per
 * CALL. Every read of the counter (registry.metrics(), get()) collects first, so it sees the same values.
 */
const pendingCounts = new WeakMap<Counter, Map<string, { labels: MessageLabels; n: number }>>();

function flushMessageCounts(c: Counter): void {
  const pending = pendingCounts.get(c);
  if (!pending) return;
  for (const e of pending.values()) {
    if (e.n === 0) continue;
    c.inc(e.labels, e.n);
    e.n = 0;
  }
}

export function recordCall(m: CsmsMetrics, ev: CallEvent): void {
  const outcome = ev.errorCode ? `${ev.outcome}:${ev.errorCode}` : ev.outcome;
  let pending = pendingCounts.get(m.messages);
  if (!pending) pendingCounts.set(m.messages, (pending = new Map()));
  const key = `${ev.direction} ${ev.action} ${outcome}`;
  const e = pending.get(key);
  if (e) e.n++;
  else pending.set(key, { labels: { direction: ev.direction, action: ev.action, outcome }, n: 1 });
  if (ev.outcome === 'result' || ev.outcome === 'error') {
    m.callLatency.observe({ direction: ev.direction, action: ev.action }, ev.durationMs / 1000);
  }
}

/** The store's group-commit counters (Store.stats(), read at each scrape), once per registry. */
export function registerStoreMetrics(m: CsmsMetrics, store: Pick<Store, 'kind' | 'stats'>): void {
  if (m.registry.getSingleMetric('chargewire_store_batches_total')) return;
  new Gauge({ name: 'chargewire_store_batches_total', help: 'Group-commit batches committed', registers: [m.registry], collect() { this.set(store.stats().batches); } });
  new Gauge({ name: 'chargewire_store_batch_items_total', help: 'Items written through group commit', registers: [m.registry], collect() { this.set(store.stats().items); } });
  new Gauge({ name: 'chargewire_store_batch_max', help: 'Largest group-commit batch', registers: [m.registry], collect() { this.set(store.stats().maxBatch); } });
  new Gauge({ name: 'chargewire_store_batch_seconds_total', help: 'Time group-commit batches took to execute (BEGIN to COMMIT), summed: rate() over batches_total rate is the average commit time', registers: [m.registry], collect() { this.set(store.stats().batchMs / 1000); } });
  if (store.kind !== 'sqlite') return;
  new Gauge({ name: 'chargewire_store_wal_restarts_total', help: 'SQLite WAL restart points (the writer paused between two batches while the checkpoint thread caught up)', registers: [m.registry], collect() { this.set(store.stats().walRestarts ?? 0); } });
  new Gauge({ name: 'chargewire_store_wal_restart_wait_seconds_total', help: 'Time writes waited at SQLite WAL restart points', registers: [m.registry], collect() { this.set((store.stats().walRestartWaitMs ?? 0) / 1000); } });
  new Gauge({ name: 'chargewire_store_lock_waits_total', help: 'SQLite batches that found the write lock held by another process on the same file (several CSMS processes on one database)', registers: [m.registry], collect() { this.set(store.stats().lockWaits ?? 0); } });
  new Gauge({ name: 'chargewire_store_lock_wait_seconds_total', help: 'Time SQLite batches waited for the write lock another process held', registers: [m.registry], collect() { this.set((store.stats().lockWaitMs ?? 0) / 1000); } });
  new Gauge({ name: 'chargewire_store_batch_retries_total', help: 'SQLite batches rolled back as a whole because one of their writes failed, then run again with a savepoint per write (a steady rise means writes keep failing: see the error logs)', registers: [m.registry], collect() { this.set(store.stats().batchRetries ?? 0); } });
}
