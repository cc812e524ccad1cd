import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { RpcError } from '@chargewire/ocpp';
import { makeRuntime } from '../api/test-support.ts';
import { createMemoryTokenStore } from '../api/tokens.ts';
import { registerChargingRoutes } from './index.ts';
import { transactionEvent } from '../blocks/transactions.ts';
import type { BlockContext } from '../runtime.ts';

async function makeApp() {
  const rt = makeRuntime();
  const tokens = createMemoryTokenStore();
  const admin = tokens.create('admin', 'admin').token;
  const reader = tokens.create('reader', 'readonly').token;
  const app = Fastify({ logger: false });
  await registerChargingRoutes(app, rt.runtime, { tokens });
  await app.ready();
  await rt.runtime.store.registerStation({ id: 'CS1', securityProfile: 1 });
  const req = (method: string, url: string, body?: unknown, token: string | null = admin) =>
    app.inject({ method: method as 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(body !== undefined ? { payload: body as object } : {}) });
  return { ...rt, app, req, reader };
}

describe('id token routes (C01, C04, C09)', () => {
  test('[C01.FR.07] PUT/GET/list/DELETE id tokens; PIN stored hashed [C04.FR.04]; readonly tokens may only read', async () => {
    const t = await makeApp();
    assert.equal((await t.req('PUT', '/id-tokens/ISO14443/CARD1', { status: 'Accepted', groupIdToken: { idToken: 'G1', type: 'Central' }, maxActiveTransactions: 1 })).statusCode, 200);
    const pin = await t.req('PUT', '/id-tokens/KeyCode/driver-7', { status: 'Accepted', pin: '4711' });
    assert.equal(pin.statusCode, 200);
    assert.ok(!pin.body.includes('4711'));
    assert.equal(pin.json().hasPin, true);
    assert.equal(pin.json().pinHash, undefined);
    assert.equal((await t.req('GET', '/id-tokens?type=ISO14443')).json().total, 1);
    assert.equal((await t.req('GET', '/id-tokens/ISO14443/card1')).json().groupIdToken.idToken, 'G1');
    // [C09.FR.13] a group id token must be of type Central
    assert.equal((await t.req('PUT', '/id-tokens/ISO14443/X', { status: 'Accepted', groupIdToken: { idToken: 'G', type: 'ISO14443' } })).json().error.field, 'groupIdToken.type');
    assert.equal((await t.req('PUT', '/id-tokens/ISO14443/X', { status: 'Accepted' }, t.reader)).statusCode, 403);
    assert.equal((await t.req('GET', '/id-tokens', undefined, null)).statusCode, 401);
    assert.equal((await t.req('DELETE', '/id-tokens/ISO14443/CARD1')).statusCode, 204);
    assert.equal((await t.req('GET', '/id-tokens/ISO14443/CARD1')).statusCode, 404);
  });
});

describe('transaction routes (E, F)', () => {
  test('[E14.FR.02] list/get transactions with energy, events and series; GetTransactionStatus; start/stop through the station', async () => {
    const t = await makeApp();
    const session = t.connect('CS1', '2.1');
    const ctx = { csms: t.runtime, session, stationId: 'CS1', version: '2.1', messageId: 'm1', log: t.runtime.log } as unknown as BlockContext;
    const base = { evse: { id: 1, connectorId: 1 }, transactionInfo: { transactionId: 'T1' } };
    await transactionEvent(ctx, { ...base, eventType: 'Started', seqNo: 0, timestamp: '2026-01-01T10:00:00.000Z', triggerReason: 'CablePluggedIn', meterValue: [{ timestamp: '2026-01-01T10:00:00.000Z', sampledValue: [{ value: 100 }] }] });
    await transactionEvent({ ...ctx, messageId: 'm2' }, { ...base, eventType: 'Updated', seqNo: 1, timestamp: '2026-01-01T10:10:00.000Z', triggerReason: 'MeterValuePeriodic', meterValue: [{ timestamp: '2026-01-01T10:10:00.000Z', sampledValue: [{ value: 1100 }] }] });
    const list = (await t.req('GET', '/transactions?stationId=CS1&state=active')).json();
    assert.equal(list.total, 1);
    assert.equal(list.items[0].chargedWh, 1000);
    const one = (await t.req('GET', '/stations/CS1/transactions/T1')).json();
    assert.equal(one.events.length, 2);
    assert.deepEqual(one.meterValues[0].points.map((p: { value: number }) => p.value), [100, 1100]);
    t.answer((c) => (c.action === 'GetTransactionStatus' ? { ongoingIndicator: true, messagesInQueue: false } : c.action === 'RequestStartTransaction' ? { status: 'Accepted', transactionId: 'T9' } : { status: 'Accepted' }));
    const st = (await t.req('POST', '/stations/CS1/transactions/status', { transactionId: 'T1' })).json();
    assert.deepEqual(st.response, { ongoingIndicator: true, messagesInQueue: false });
    assert.equal(st.transaction.transactionId, 'T1');
    const start = (await t.req('POST', '/stations/CS1/transactions/start', { idToken: { idToken: 'D', type: 'Central' }, evseId: 1, remoteStartId: 5 })).json();
    assert.equal(start.remoteStartId, 5);
    assert.deepEqual(t.calls.at(-1)?.payload, { idToken: { idToken: 'D', type: 'Central' }, remoteStartId: 5, evseId: 1 });
    assert.equal((await t.req('POST', '/stations/CS1/transactions/T1/stop')).json().response.status, 'Accepted');
    assert.deepEqual(t.calls.at(-1)?.payload, { transactionId: 'T1' });
  });

  test('errors: offline station 409, unknown station 404, CALLERROR 502, bad profile 400', async () => {
    const t = await makeApp();
    assert.equal((await t.req('POST', '/stations/CS1/unlock', { evseId: 1, connectorId: 1 })).statusCode, 409);
    assert.equal((await t.req('POST', '/stations/NOPE/clear-cache')).statusCode, 404);
    t.connect('CS1', '2.0.1');
    t.answer(() => { throw new RpcError('NotSupported', 'no', {}, true); });
    const r = await t.req('POST', '/stations/CS1/clear-cache');
    assert.equal(r.statusCode, 502);
    assert.equal(r.json().error.rpcCode, 'NotSupported');
    const bad = await t.req('POST', '/stations/CS1/transactions/start', { idToken: { idToken: 'D', type: 'Central' }, chargingProfile: { id: 1, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Relative', chargingSchedule: [] } });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.field, 'chargingProfile.chargingProfilePurpose');
    const trig = await t.req('POST', '/stations/CS1/trigger', { requestedMessage: 'StatusNotification', evse: { id: 1 } });
    assert.equal(trig.json().error.field, 'evse.connectorId');
  });
});

describe('local list routes (D01, D02)', () => {
  test('[D01.FR.11] send a full list and read the state; [D02.FR.01] version check', async () => {
    const t = await makeApp();
    t.connect('CS1');
    t.answer((c) => (c.action === 'GetLocalListVersion' ? { versionNumber: 1 } : { status: 'Accepted' }));
    const r = await t.req('POST', '/stations/CS1/local-list', { updateType: 'Full', localAuthorizationList: [{ idToken: { idToken: 'A', type: 'ISO14443' }, idTokenInfo: { status: 'Accepted' } }] });
    assert.equal(r.statusCode, 200);
    assert.equal(r.json().status, 'Accepted');
    const state = (await t.req('GET', '/stations/CS1/local-list')).json();
    assert.equal(state.version, 1);
    assert.equal(state.size, 1);
    assert.deepEqual(state.limits, { itemsPerMessage: 100, bytesPerMessage: 32000 });
    assert.deepEqual((await t.req('POST', '/stations/CS1/local-list/version')).json(), { versionNumber: 1, storedVersion: 1, inSync: true });
  });
});
