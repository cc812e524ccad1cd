// createCsms({ storeBatching }): group-commit options beyond the configuration reach the configured store
// (`npm run bench -- instructions` stretches the group commit's wait for companions, maxDelayMs, with the
// other store intervals: bench/csms/instructions-bench.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config.ts';
import { openConfiguredStore } from './csms.ts';

/** ms until a TransactionEvent (a write that is not urgent) of an idle store is committed. */
async function firstWriteMs(extra?: { maxDelayMs?: number }): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'cw-batching-'));
  const store = await openConfiguredStore(loadConfig({ env: { CHARGEWIRE_DATA_DIR: dir, CHARGEWIRE_LOG_LEVEL: 'silent' } }), extra);
  try {
    await store.registerStation({ id: 'CS-B', securityProfile: 1 });
    // idle: the last batch ended more than maxDelayMs ago (within it, the write would join the store's
    // batches every store.batchIntervalMs instead: "under load")
    await new Promise((r) => setTimeout(r, 500));
    const t0 = performance.now();
    const at = new Date().toISOString();
    await store.applyTransactionEvent('CS-B', {
      eventType: 'Started', timestamp: at, triggerReason: 'CablePluggedIn', seqNo: 0, transactionInfo: { transactionId: 'T-B' },
    }, { receivedAt: new Date(), messageId: 'm-b' });
    return performance.now() - t0;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('openConfiguredStore: an extra maxDelayMs makes an idle store\'s write wait for companions that long (default: a few ms)', async () => {
  const stretched = await firstWriteMs({ maxDelayMs: 400 });
  assert.ok(stretched >= 350, `${stretched.toFixed(0)} ms with maxDelayMs 400`);
  const plain = await firstWriteMs();
  assert.ok(plain < 300, `${plain.toFixed(0)} ms with the default (5 ms)`);
});
