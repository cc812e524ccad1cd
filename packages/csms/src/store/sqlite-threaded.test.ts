import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createThreadedSqliteStore } from './sqlite-threaded.ts';
import { runSqliteStoreSuite } from './sqlite-suite.ts';
import { StoreError } from './store.ts';

// The threaded adapter must behave exactly like the in-thread one: the same conformance suite.
const dir = runSqliteStoreSuite('sqlite (worker thread)', createThreadedSqliteStore);

test('threaded store: errors keep their StoreError code and details across the thread', async () => {
  const s = await createThreadedSqliteStore({ path: join(dir, 'errors.db') });
  try {
    await s.registerStation({ id: 'E1', securityProfile: 1 });
    await assert.rejects(s.registerStation({ id: 'E1', securityProfile: 1 }), (e: unknown) =>
      e instanceof StoreError && e.code === 'STORE_ERR_CONFLICT' && e.details['stationId'] === 'E1');
    await assert.rejects(s.recordBoot({ stationId: 'nope' } as never), (e: unknown) => e instanceof StoreError && /STORE_ERR_(NOT_FOUND|INVALID)/.test(e.code));
  } finally {
    await s.close();
  }
  await assert.rejects(s.getStation('E1'), (e: unknown) => e instanceof StoreError && e.code === 'STORE_ERR_CLOSED');
});

test('threaded store: calls made in one turn keep their order and all resolve after commit; stats come back', async () => {
  const s = await createThreadedSqliteStore({ path: join(dir, 'order.db') });
  try {
    await s.registerStation({ id: 'O1', securityProfile: 1 });
    const at = Date.parse('2025-01-01T00:00:00Z');
    await Promise.all(Array.from({ length: 300 }, (_, i) => s.appendJournal([{ stationId: 'O1', direction: 'in', messageType: 2, messageId: `m${i}`, action: 'Heartbeat', payload: `[2,"m${i}","Heartbeat",{}]`, at: new Date(at + i) }])));
    const rows = await s.listJournal('O1', { limit: 300 });
    assert.equal(rows.length, 300);
    // newest first, ids ascending in call order
    assert.deepEqual(rows.slice(0, 3).map((r) => r.messageId), ['m299', 'm298', 'm297']);
    assert.ok(s.stats().batches >= 1 && s.stats().items >= 1);
  } finally {
    await s.close();
  }
});

test('threaded store: a database that cannot be opened fails at creation with STORE_ERR_BACKEND', async () => {
  const file = join(dir, 'not-a-dir');
  writeFileSync(file, 'x');
  // the parent "directory" is a file: the worker cannot create the database
  await assert.rejects(createThreadedSqliteStore({ path: join(file, 'x.db') }), (e: unknown) => e instanceof StoreError && e.code === 'STORE_ERR_BACKEND' && /EEXIST|ENOTDIR/.test(e.message));
});
