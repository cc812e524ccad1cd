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

test('every BUS_ERR_* and CHARGING_ERR_* code has a row in docs/errors.md', async () => {
  const { readFileSync } = await import('node:fs');
  const { busErrorCodes } = await import('./bus.ts');
  const { chargingErrorCodes } = await import('../blocks/authorization.ts');
  const doc = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
  for (const [code, text] of Object.entries({ ...busErrorCodes, ...chargingErrorCodes })) assert.ok(doc.includes(`| \`${code}\` | ${text} |`), code);
});

test('memory bus: hasSubscribers/busWants say whether an event type has a listener (publishers skip building it)', async () => {
  const { busWants } = await import('./memory.ts');
  const bus = createMemoryBus();
  assert.equal(bus.hasSubscribers('message'), false);
  assert.equal(busWants(bus, 'message'), false);
  const off = bus.subscribe('transaction.*', () => {});
  assert.equal(busWants(bus, 'transaction.started'), true);
  assert.equal(busWants(bus, 'message'), false);
  const offAll = bus.subscribe('*', () => {});
  assert.equal(busWants(bus, 'message'), true);
  off();
  offAll();
  assert.equal(busWants(bus, 'transaction.started'), false);
  // any other bus (e.g. NATS, other nodes may listen) is always published to
  assert.equal(busWants({ publish() {}, subscribe: () => () => {}, close: async () => {} }, 'message'), true);
});
