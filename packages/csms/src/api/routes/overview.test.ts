import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TransactionEventRequest } from '@chargewire/ocpp/types';
import { makeApi, type TestApi } from '../test-support.ts';
import { createMessageRate } from './overview.ts';
import { createMemoryBus } from '../../bus/memory.ts';

const NOW = Date.parse('2026-03-02T12:00:00.000Z');
const msg = (stationId: string) => ({ type: 'message' as const, stationId, direction: 'in' as const, action: 'Heartbeat', at: new Date(NOW).toISOString() });

function txEvent(id: string, seqNo: number, eventType: TransactionEventRequest['eventType'], at: string, wh?: number): TransactionEventRequest {
  return {
    eventType, seqNo, timestamp: at, triggerReason: eventType === 'Started' ? 'CablePluggedIn' : eventType === 'Ended' ? 'EVCommunicationLost' : 'MeterValuePeriodic',
    transactionInfo: { transactionId: id }, evse: { id: 1, connectorId: 1 },
    ...(wh !== undefined && { meterValue: [{ timestamp: at, sampledValue: [{ value: wh, measurand: 'Energy.Active.Import.Register' as const }] }] }),
  };
}

describe('GET /api/me', () => {
  let t: TestApi;
  before(async () => {
    t = await makeApi();
  });
  after(() => t.close());

  test('answers the name and role of the calling token, never its hash', async () => {
    const admin = await t.req('GET', '/api/me');
    assert.equal(admin.statusCode, 200);
    assert.deepEqual(admin.json(), { name: 'test admin', role: 'admin' });
    const reader = await t.req('GET', '/api/me', undefined, t.reader);
    assert.deepEqual(reader.json(), { name: 'test reader', role: 'readonly' });
  });

  test('401 API_ERR_UNAUTHORIZED without or with a bad token', async () => {
    assert.equal((await t.req('GET', '/api/me', undefined, null)).json().error.code, 'API_ERR_UNAUTHORIZED');
    assert.equal((await t.req('GET', '/api/me', undefined, 'cw_not-a-token')).statusCode, 401);
  });

  test('a revoked token is no longer "me"', async () => {
    const { token, record } = t.tokens.create('short-lived', 'readonly');
    assert.deepEqual((await t.req('GET', '/api/me', undefined, token)).json(), { name: 'short-lived', role: 'readonly' });
    t.tokens.revoke(record.id);
    assert.equal((await t.req('GET', '/api/me', undefined, token)).statusCode, 401);
  });
});

describe('GET /api/overview', () => {
  let t: TestApi;
  let clock = NOW;
  before(async () => {
    t = await makeApi({ clock: () => clock });
    const s = t.runtime.store;
    for (const id of ['CS1', 'CS2', 'CS3']) await s.registerStation({ id, securityProfile: 0 });
    t.connect('CS1');
    t.connect('CS2');
    const st = (stationId: string, evseId: number, status: 'Available' | 'Occupied' | 'Faulted') => s.upsertConnectorStatus({ stationId, evseId, connectorId: 1, status, at: '2026-03-02T08:00:00Z' });
    await st('CS1', 1, 'Occupied');
    await st('CS1', 2, 'Available');
    await st('CS2', 1, 'Occupied');
    await st('CS3', 1, 'Faulted');
    const meta = (n: number) => ({ receivedAt: new Date(NOW).toISOString(), messageId: `m${n}` });
    // T-yesterday: started yesterday at 1000 Wh, 5000 Wh at 23:00 yesterday, 7000 Wh now: 2000 Wh today.
    await s.applyTransactionEvent('CS1', txEvent('T-y', 0, 'Started', '2026-03-01T20:00:00Z', 1000), meta(1));
    await s.applyTransactionEvent('CS1', txEvent('T-y', 1, 'Updated', '2026-03-01T23:00:00Z', 5000), meta(2));
    await s.applyTransactionEvent('CS1', txEvent('T-y', 2, 'Updated', '2026-03-02T11:00:00Z', 7000), meta(3));
    // T-today: 300 -> 1800 Wh today, ended: 1500 Wh.
    await s.applyTransactionEvent('CS2', txEvent('T-t', 0, 'Started', '2026-03-02T09:00:00Z', 300), meta(4));
    await s.applyTransactionEvent('CS2', txEvent('T-t', 1, 'Ended', '2026-03-02T10:00:00Z', 1800), meta(5));
    // T-old: ended yesterday: contributes nothing.
    await s.applyTransactionEvent('CS3', txEvent('T-o', 0, 'Started', '2026-03-01T08:00:00Z', 0), meta(6));
    await s.applyTransactionEvent('CS3', txEvent('T-o', 1, 'Ended', '2026-03-01T09:00:00Z', 9000), meta(7));
    await s.flush();
  });
  after(() => t.close());

  test('counts stations, connectors by status, active transactions and energy delivered today (Wh)', async () => {
    const res = await t.req('GET', '/api/overview', undefined, t.reader);
    assert.equal(res.statusCode, 200);
    const o = res.json();
    assert.deepEqual(o.stations, { total: 3, online: 2, offline: 1 });
    assert.deepEqual(o.connectors, { total: 4, byStatus: { Available: 1, Occupied: 2, Reserved: 0, Unavailable: 0, Faulted: 1 } });
    assert.deepEqual(o.transactions, { active: 1 });
    assert.equal(o.energyTodayWh, 2000 + 1500);
    assert.equal(o.at, new Date(NOW).toISOString());
  });

  test('messages: CALLs seen on the bus in the last 60 s, and per second', async () => {
    for (let i = 0; i < 30; i++) t.runtime.bus.publish(msg('CS1'));
    clock = NOW + 30_000;
    for (let i = 0; i < 60; i++) t.runtime.bus.publish(msg('CS2'));
    assert.deepEqual((await t.req('GET', '/api/overview')).json().messages, { lastMinute: 90, perSecond: 1.5 });
    clock = NOW + 65_000; // the first 30 fell out of the window
    assert.deepEqual((await t.req('GET', '/api/overview')).json().messages, { lastMinute: 60, perSecond: 1 });
    clock = NOW + 200_000;
    assert.deepEqual((await t.req('GET', '/api/overview')).json().messages, { lastMinute: 0, perSecond: 0 });
    clock = NOW;
  });

  test('a station going offline moves it from online to offline', async () => {
    t.disconnect('CS2');
    assert.deepEqual((await t.req('GET', '/api/overview')).json().stations, { total: 3, online: 1, offline: 2 });
    t.connect('CS2');
  });

  test('401 without a token; the route is in /openapi.json', async () => {
    assert.equal((await t.req('GET', '/api/overview', undefined, null)).statusCode, 401);
    const doc = (await t.req('GET', '/openapi.json', undefined, null)).json();
    assert.ok(doc.paths['/api/overview'].get.responses['200'].content['application/json'].schema.properties.energyTodayWh);
    assert.ok(doc.paths['/api/me'].get);
  });
});

test('message rate: other event types are not counted; stop() unsubscribes', () => {
  const bus = createMemoryBus();
  let now = NOW;
  const rate = createMessageRate(bus, () => now);
  bus.publish(msg('X'));
  bus.publish({ type: 'station.heartbeat', stationId: 'X', at: '' });
  assert.equal(rate.lastMinute(), 1);
  now += 59_000;
  assert.equal(rate.lastMinute(), 1);
  now += 1_000;
  assert.equal(rate.lastMinute(), 0);
  rate.stop();
  bus.publish(msg('X'));
  assert.equal(rate.lastMinute(), 0);
});
