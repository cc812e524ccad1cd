import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMetrics, recordCall } from './metrics.ts';

const ev = (direction: 'in' | 'out', action: string, outcome: 'result' | 'error', errorCode?: string) =>
  ({ direction, action, messageId: 'm', durationMs: 3, outcome, ...(errorCode ? { errorCode } : {}) });

test('CALL counts are exported per direction/action/outcome on every read (scrape and get())', async () => {
  const m = createMetrics();
  recordCall(m, ev('in', 'Heartbeat', 'result'));
  recordCall(m, ev('in', 'Heartbeat', 'result'));
  recordCall(m, ev('out', 'Reset', 'error', 'NotSupported'));
  const text = await m.registry.metrics();
  assert.match(text, /chargewire_ocpp_messages_total\{direction="in",action="Heartbeat",outcome="result"\} 2/);
  assert.match(text, /chargewire_ocpp_messages_total\{direction="out",action="Reset",outcome="error:NotSupported"\} 1/);
  assert.match(text, /chargewire_ocpp_call_duration_seconds_count\{direction="in",action="Heartbeat"\} 2/);
  recordCall(m, ev('in', 'Heartbeat', 'result'));
  const values = (await m.messages.get()).values;
  assert.deepEqual(values.map((v) => [v.labels['action'], v.labels['outcome'], v.value]), [['Heartbeat', 'result', 3], ['Reset', 'error:NotSupported', 1]]);
  // a second scrape counts nothing twice
  assert.match(await m.registry.metrics(), /outcome="result"\} 3\n/);
  // two CSMS instances in one process keep their own counts
  const other = createMetrics();
  recordCall(other, ev('in', 'Heartbeat', 'result'));
  assert.equal((await other.messages.get()).values[0]!.value, 1);
  assert.equal((await m.messages.get()).values[0]!.value, 3);
});

test('store metrics: batches, items, the time batches took (SQLite: lock waits and WAL restart points too), read from Store.stats() at each scrape', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { createSqliteStore } = await import('./store/sqlite.ts');
  const { registerStoreMetrics } = await import('./metrics.ts');
  const dir = mkdtempSync(join(tmpdir(), 'cw-metrics-'));
  const store = await createSqliteStore({ path: join(dir, 'm.db') });
  try {
    const m = createMetrics();
    registerStoreMetrics(m, store);
    registerStoreMetrics(m, store); // once per registry
    const value = async (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await m.registry.metrics())?.[1]);
    assert.equal(await value('chargewire_store_batches_total'), 0);
    for (let i = 0; i < 3; i++) await store.registerStation({ id: `M${i}`, securityProfile: 1 });
    const batches = await value('chargewire_store_batches_total');
    assert.ok(batches >= 1 && batches <= 3, `batches ${batches}`);
    assert.equal(await value('chargewire_store_batch_items_total'), 3);
    assert.ok((await value('chargewire_store_batch_seconds_total')) > 0);
    assert.equal(await value('chargewire_store_lock_waits_total'), 0);
    assert.equal(await value('chargewire_store_lock_wait_seconds_total'), 0);
    assert.equal(await value('chargewire_store_wal_restarts_total'), 0);
    assert.equal(await value('chargewire_store_batch_retries_total'), 0);
    // a write that fails inside a batch with another one: that batch is rolled back and run again
    const [dup, ok] = await Promise.allSettled([store.registerStation({ id: 'M0', securityProfile: 1 }), store.registerStation({ id: 'M9', securityProfile: 1 })]);
    assert.deepEqual([dup.status, ok.status], ['rejected', 'fulfilled']);
    assert.equal(await value('chargewire_store_batch_retries_total'), 1);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
