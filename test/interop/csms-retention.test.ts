// Journal retention on a running CSMS (retention.ts): old frames go, the frames of today stay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryStore } from '@chargewire/csms';
import { eventually, startTestCsms } from '../fixtures/csms.ts';

test('retention.journalDays: a running CSMS deletes journal entries older than the limit and keeps the new frames', async () => {
  const store = createMemoryStore();
  await store.registerStation({ id: 'RET-1', securityProfile: 0 });
  const old = new Date(Date.now() - 3 * 86_400_000);
  await store.appendJournal(Array.from({ length: 5 }, (_, i) => ({
    stationId: 'RET-1', direction: 'in' as const, messageType: 2, messageId: `old-${i}`, action: 'Heartbeat', payload: `[2,"old-${i}","Heartbeat",{}]`, at: old,
  })));
  const t = await startTestCsms({ retention: { journalDays: 2, intervalS: 1 } }, store);
  try {
    const station = await t.connect('RET-1');
    await station.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } });
    await station.call('Heartbeat', {});
    const ids = async () => (await store.listJournal('RET-1', { limit: 100 })).map((j) => j.messageId);
    // the first pass runs one interval (1 s) after the start
    await eventually(async () => !(await ids()).some((id) => id.startsWith('old-')), 5000);
    const left = await ids();
    assert.equal(left.length, 4, `the BootNotification, the Heartbeat and their results stay: ${left.join(', ')}`);
    const metrics = await t.csms.metrics.registry.metrics();
    assert.match(metrics, /^chargewire_journal_pruned_total 5$/m);
  } finally {
    await t.stop();
  }
});
