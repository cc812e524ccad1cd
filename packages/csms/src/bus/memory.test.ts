import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runBusSuite, txStarted } from './bus-suite.ts';
import { createMemoryBus } from './memory.ts';

runBusSuite('memory', (onListenerError) => createMemoryBus(onListenerError));

test('memory bus: delivery is synchronous (listeners ran before publish returns)', () => {
  const bus = createMemoryBus();
  const got: unknown[] = [];
  bus.subscribe('transaction.*', (e) => got.push(e));
  bus.publish(txStarted('sync'));
  assert.equal(got.length, 1);
});
