import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeApi, type TestApi } from '../test-support.ts';

describe('events and journal API', () => {
  let t: TestApi;
  before(async () => {
    t = await makeApi();
    const s = t.runtime.store;
    await s.registerStation({ id: 'CS1', securityProfile: 0 });
    await s.registerStation({ id: 'CS2', securityProfile: 0 });
    const ev = (eventId: number, timestamp: string) => ({ eventId, timestamp, trigger: 'Alerting' as const, actualValue: 'x', eventNotificationType: 'HardWiredNotification' as const, component: { name: 'EVSE' }, variable: { name: 'Problem' } });
    await s.appendEvents('CS1', '2026-01-01T10:00:00Z', 0, [ev(1, '2026-01-01T09:00:00Z'), ev(2, '2026-01-01T11:00:00Z')]);
    await s.appendEvents('CS2', '2026-01-01T10:00:00Z', 0, [ev(3, '2026-01-01T12:00:00Z')]);
    await s.appendSecurityEvent('CS1', { type: 'FirmwareUpdated', timestamp: '2026-01-01T08:00:00Z' });
    const entries = [];
    for (let i = 0; i < 5; i++) {
      entries.push({ stationId: 'CS1', direction: 'in' as const, messageType: 2, messageId: `m${i}`, action: i % 2 ? 'Heartbeat' : 'StatusNotification', payload: `[2,"m${i}","x",{}]`, at: `2026-01-01T10:0${i}:00Z` });
    }
    entries.push({ stationId: 'CS1', direction: 'out' as const, messageType: 3, messageId: 'm4', payload: '[3,"m4",{}]', at: '2026-01-01T10:05:00Z' });
    await s.appendJournal(entries);
  });
  after(() => t.close());

  test('GET /api/events/notify lists stored NotifyEvent rows, filterable by station and time', async () => {
    const all = await t.req('GET', '/api/events/notify', undefined, t.reader);
    assert.equal(all.statusCode, 200);
    assert.equal(all.json().items.length, 3);
    const cs1 = await t.req('GET', '/api/events/notify?stationId=CS1&since=2026-01-01T10:00:00Z');
    assert.deepEqual(cs1.json().items.map((r: { event: { eventId: number } }) => r.event.eventId), [2]);
    const bad = await t.req('GET', '/api/events/notify?since=yesterday');
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.field, 'since');
    assert.equal((await t.req('GET', '/api/events/notify?stationId=NOPE')).statusCode, 404);
  });

  test('GET /api/events/security lists security events', async () => {
    const res = await t.req('GET', '/api/events/security?stationId=CS1');
    assert.deepEqual(res.json().items.map((r: { type: string }) => r.type), ['FirmwareUpdated']);
  });

  test('GET /api/stations/:id/journal: newest first, filtered by action, direction and time, paged by beforeId', async () => {
    const first = await t.req('GET', '/api/stations/CS1/journal?limit=2');
    assert.equal(first.statusCode, 200);
    const page1 = first.json();
    assert.deepEqual(page1.items.map((r: { messageId: string; direction: string }) => `${r.direction}:${r.messageId}`), ['out:m4', 'in:m4']);
    assert.ok(page1.nextBeforeId);
    const page2 = (await t.req('GET', `/api/stations/CS1/journal?limit=2&beforeId=${page1.nextBeforeId}`)).json();
    assert.deepEqual(page2.items.map((r: { messageId: string }) => r.messageId), ['m3', 'm2']);
    const hb = (await t.req('GET', '/api/stations/CS1/journal?action=Heartbeat')).json();
    assert.deepEqual(hb.items.map((r: { messageId: string }) => r.messageId), ['m3', 'm1']);
    const out = (await t.req('GET', '/api/stations/CS1/journal?direction=out')).json();
    assert.equal(out.items.length, 1);
    const window = (await t.req('GET', '/api/stations/CS1/journal?since=2026-01-01T10:01:00Z&until=2026-01-01T10:02:00Z')).json();
    assert.deepEqual(window.items.map((r: { messageId: string }) => r.messageId), ['m2', 'm1']);
    const reversed = await t.req('GET', '/api/stations/CS1/journal?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z');
    assert.equal(reversed.statusCode, 400);
    assert.equal(reversed.json().error.field, 'until');
    const badDir = await t.req('GET', '/api/stations/CS1/journal?direction=sideways');
    assert.equal(badDir.json().error.field, 'direction');
    assert.equal((await t.req('GET', '/api/stations/NOPE/journal')).statusCode, 404);
  });
});
