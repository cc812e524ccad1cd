import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { createMetrics } from './metrics.ts';
import { createRetention } from './retention.ts';
import { createMemoryStore } from './store/memory.ts';
import type { JournalInput, Store } from './store/store.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-30T12:00:00.000Z');

/** Journal entries m0, m1, … of CS1, `ages[i]` days before NOW, appended in that order. */
async function append(store: Store, ages: number[], from = 0): Promise<void> {
  const entries: JournalInput[] = ages.map((days, i) => ({
    stationId: 'CS1', direction: 'in', messageType: 2, messageId: `m${from + i}`, action: 'Heartbeat', payload: `[2,"m${from + i}","Heartbeat",{}]`, at: new Date(NOW - days * DAY),
  }));
  await store.appendJournal(entries);
}

async function setup(journalDays: number, batch: number, wrap: (s: Store) => Store = (s) => s) {
  const store = createMemoryStore();
  await store.registerStation({ id: 'CS1', securityProfile: 1 });
  const metrics = createMetrics();
  const r = createRetention({ journalDays, intervalS: 60, batch }, { store: () => wrap(store), log: pino({ level: 'silent' }), pruned: metrics.journalPruned, now: () => NOW });
  const left = async () => (await store.listJournal('CS1', { limit: 1000 })).map((j) => j.messageId).reverse();
  const pruned = async () => (await metrics.journalPruned.get()).values[0]?.value ?? 0;
  return { store, r, left, pruned };
}

test('retention: a pass deletes every journal entry older than journalDays, over several batches, and counts them', async () => {
  const { store, r, left, pruned } = await setup(7, 2);
  await append(store, [9, 8.5, 8, 7.01, 6.99, 1, 0]);
  assert.equal(await r.runOnce(), 4); // batches of 2, 2, then 0
  assert.deepEqual(await left(), ['m4', 'm5', 'm6']);
  assert.equal(await pruned(), 4);
  assert.equal(await r.runOnce(), 0, 'nothing more is due');
  assert.equal(await pruned(), 4);
  await r.stop();
});

test('retention: journalDays 0 keeps everything; a stopped retention deletes nothing', async () => {
  const off = await setup(0, 10);
  await append(off.store, [400, 30]);
  off.r.start();
  assert.equal(await off.r.runOnce(), 0);
  assert.deepEqual(await off.left(), ['m0', 'm1']);
  await off.r.stop();

  const stopped = await setup(7, 10);
  await append(stopped.store, [30]);
  await stopped.r.stop();
  assert.equal(await stopped.r.runOnce(), 0);
  assert.deepEqual(await stopped.left(), ['m0']);
});

test('retention: concurrent passes are one pass; stop() waits for the running batch and ends the pass', async () => {
  let calls = 0;
  let release: (() => void) | undefined;
  const gate = new Promise<void>((res) => { release = res; });
  const { store, r, left } = await setup(7, 1, (s) => ({
    ...s,
    pruneJournal: async (before, limit) => {
      calls++;
      if (calls === 1) await gate; // the first batch is slow
      return s.pruneJournal(before, limit);
    },
  }) as Store);
  await append(store, [10, 9, 8]);
  const a = r.runOnce();
  const b = r.runOnce();
  assert.equal(a, b, 'the running pass is joined');
  const stopping = r.stop();
  release!();
  await stopping;
  assert.equal(await a, 1, 'the batch in progress completes, no further batch starts');
  assert.deepEqual(await left(), ['m1', 'm2']);
  assert.equal(calls, 1);
});

test('retention: a failing store is logged and retried at the next interval, not thrown', async () => {
  const warnings: unknown[] = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
  let calls = 0;
  const failing = { pruneJournal: async () => { calls++; throw new Error('disk on fire'); } } as unknown as Store;
  const r = createRetention({ journalDays: 1, intervalS: 1 }, { store: () => failing, log, pruned: createMetrics().journalPruned });
  await assert.rejects(r.runOnce(), /disk on fire/);
  r.start(); // first pass after min(interval, 10 s) = 1 s, then every second
  for (const end = Date.now() + 8000; calls < 3 && Date.now() < end;) await new Promise((res) => setTimeout(res, 50));
  await r.stop();
  assert.ok(calls >= 3, `retried: ${calls} calls`);
  assert.ok(warnings.some((w) => (w as { msg?: string }).msg?.includes('retention pass failed')), 'logged as a warning');
});

test('retention: historyDays deletes ended transactions and readings outside transactions older than that, in batches, counted by kind; open ones stay', async () => {
  const store = createMemoryStore();
  await store.registerStation({ id: 'CS1', securityProfile: 1 });
  const iso = (days: number) => new Date(NOW - days * DAY).toISOString();
  const tx = async (id: string, startedDays: number, endedDays?: number) => {
    await store.applyTransactionEvent('CS1', { eventType: 'Started', timestamp: iso(startedDays), triggerReason: 'CablePluggedIn', seqNo: 0, transactionInfo: { transactionId: id } }, { receivedAt: iso(startedDays), messageId: `${id}-0` });
    if (endedDays !== undefined) await store.applyTransactionEvent('CS1', { eventType: 'Ended', timestamp: iso(endedDays), triggerReason: 'EVCommunicationLost', seqNo: 1, transactionInfo: { transactionId: id } }, { receivedAt: iso(endedDays), messageId: `${id}-1` });
  };
  await tx('old1', 500, 499);
  await tx('old2', 450, 440);
  await tx('old3', 420, 401);
  await tx('recent', 420, 399); // started before the cut, ended after it
  await tx('open', 600);
  await store.appendMeterValues('CS1', 0, [500, 402, 10].map((d) => ({ timestamp: iso(d), sampledValue: [{ value: d }] })));
  const metrics = createMetrics();
  // the journal is kept forever here: the history alone turns retention on
  const r = createRetention({ journalDays: 0, historyDays: 400, intervalS: 60, historyBatch: 2 }, { store: () => store, log: pino({ level: 'silent' }), pruned: metrics.journalPruned, historyPruned: metrics.historyPruned, now: () => NOW });
  assert.equal(await r.runOnce(), 5, 'three transactions and two readings, over batches of 2');
  assert.deepEqual((await store.listTransactions({ limit: 10, offset: 0 })).items.map((t) => t.transactionId).sort(), ['open', 'recent']);
  assert.deepEqual((await store.listMeterValues({ stationId: 'CS1', limit: 10 })).map((m) => m.value), [10]);
  const byKind = Object.fromEntries((await metrics.historyPruned.get()).values.map((v) => [v.labels.kind, v.value]));
  assert.deepEqual(byKind, { transactions: 3, readings: 2 });
  assert.equal((await metrics.journalPruned.get()).values[0]?.value ?? 0, 0);
  assert.equal(await r.runOnce(), 0, 'nothing more is due');
  await r.stop();
});
