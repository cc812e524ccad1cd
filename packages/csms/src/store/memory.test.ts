import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryStore } from './memory.ts';
import { runStoreSuite } from './store-suite.ts';

runStoreSuite('memory', async () => createMemoryStore(), async (s) => s.close());

test('memory store: deleteStation and pruneHistory with 150,000 stored rows (removal in place: a spread of that many overflowed the stack)', async () => {
  const s = createMemoryStore();
  await s.registerStation({ id: 'BIG', securityProfile: 1 });
  await s.registerStation({ id: 'KEEP', securityProfile: 1 });
  const at = (i: number) => new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString();
  await s.appendJournal(Array.from({ length: 150_000 }, (_, i) => ({ stationId: 'BIG', direction: 'in' as const, messageType: 2, messageId: `m${i}`, payload: '[]', at: at(i) })));
  await s.appendJournal([{ stationId: 'KEEP', direction: 'in', messageType: 2, messageId: 'k', payload: '[]', at: at(0) }]);
  await s.appendMeterValues('KEEP', 1, Array.from({ length: 150_000 }, (_, i) => ({ timestamp: at(i), sampledValue: [{ value: i }] })));
  await s.deleteStation('BIG');
  assert.equal((await s.listJournal('BIG', { limit: 10 })).length, 0);
  assert.equal((await s.listJournal('KEEP', { limit: 10 })).length, 1);
  const r = await s.pruneHistory(at(100_000), 200_000);
  assert.deepEqual(r, { transactions: 0, readings: 100_000, more: false });
  assert.equal((await s.listMeterValues({ stationId: 'KEEP', limit: 1 }))[0]?.value, 100_000);
  await s.close();
});
