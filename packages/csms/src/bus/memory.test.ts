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
