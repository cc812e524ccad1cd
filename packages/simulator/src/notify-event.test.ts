import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Station } from './station.ts';
import { notifyHardWired } from './notify-event.ts';

function fakeStation() {
  const sent: Array<{ eventData: Array<{ eventId: number; eventNotificationType: string; timestamp: string }> }> = [];
  const st = { clock: { now: () => Date.UTC(2026, 0, 1) }, call: async (_a: string, p: (typeof sent)[number]) => { sent.push(p); } } as unknown as Station;
  return { st, sent };
}

test('NotifyEvent of hard-wired notifications: one eventId sequence per station, whichever block reports', () => {
  const a = fakeStation();
  const b = fakeStation();
  const ev = (name: string) => ({ trigger: 'Alerting' as const, actualValue: 'true', component: { name }, variable: { name: 'Problem' } });
  notifyHardWired(a.st, [ev('TxCtrlr'), ev('TxCtrlr')]); // e.g. tx-limits.ts
  notifyHardWired(b.st, [ev('TariffCostCtrlr')]);
  notifyHardWired(a.st, [ev('ConnectorPlugRetentionLock')]); // e.g. availability.ts
  assert.deepEqual(a.sent.flatMap((m) => m.eventData.map((e) => e.eventId)), [1, 2, 3]);
  assert.deepEqual(b.sent.flatMap((m) => m.eventData.map((e) => e.eventId)), [1]);
  assert.ok(a.sent.every((m) => m.eventData.every((e) => e.eventNotificationType === 'HardWiredNotification' && e.timestamp === '2026-01-01T00:00:00.000Z')));
});
