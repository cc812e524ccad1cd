// Conformance tests for block C (Authorization, C01–C16), CSMS side: FRs the block tests did not name yet.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import type { IdTokenType, TransactionEventRequest } from '@chargewire/ocpp/types';
import { blockHarness } from '../../../../test/fixtures/block-harness.ts';
import { aBootNotification } from '../../../../test/fixtures/builders.ts';
import { authorize } from './authorization.ts';
import { transactionEvent } from './transactions.ts';
import { makeRuntime } from '../api/test-support.ts';
import { createMemoryTokenStore } from '../api/tokens.ts';
import { registerChargingRoutes } from '../api-charging/index.ts';

const tok = (idToken: string, type = 'ISO14443'): IdTokenType => ({ idToken, type });
const started = (id: string, idToken: IdTokenType): TransactionEventRequest => ({
  eventType: 'Started', timestamp: new Date().toISOString(), triggerReason: 'Authorized', seqNo: 0, transactionInfo: { transactionId: id }, evse: { id: 1, connectorId: 1 }, idToken,
});

async function booted() {
  const h = await blockHarness();
  await h.station.call('BootNotification', aBootNotification());
  return h;
}

async function api() {
  const rt = makeRuntime();
  const tokens = createMemoryTokenStore();
  const admin = tokens.create('admin', 'admin').token;
  const app = Fastify({ logger: false });
  await registerChargingRoutes(app, rt.runtime, { tokens });
  await app.ready();
  const put = (url: string, body: unknown) => app.inject({ method: 'PUT', url, headers: { authorization: `Bearer ${admin}` }, payload: body as object });
  return { ...rt, put };
}

describe('C01 languages', () => {
  test('[C01.FR.10] without language1 the CSMS never sends language2 (stored record or API input)', async () => {
    const h = await booted();
    // a record that somehow holds only language2 (e.g. imported): the answer carries neither
    await h.store.upsertIdToken({ idToken: 'L2ONLY', type: 'ISO14443', status: 'Accepted', language2: 'de' });
    const info = (await authorize(h.ctx(), { idToken: tok('L2ONLY') })).idTokenInfo;
    assert.equal(info.status, 'Accepted');
    assert.equal(info.language1, undefined);
    assert.equal(info.language2, undefined);
    const t = await api();
    const res = await t.put('/id-tokens/ISO14443/CARD', { status: 'Accepted', language2: 'de' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.field, 'language2');
  });

  test('[C01.FR.17] [C04.FR.05] [C05.FR.04] languages are accepted only as RFC 5646 tags and sent as stored', async () => {
    const t = await api();
    for (const language of ['en-US', 'nl', 'zh-Hant', 'x-klingn']) {
      assert.equal((await t.put('/id-tokens/ISO14443/CARD', { status: 'Accepted', language1: language })).statusCode, 200, language);
    }
    for (const body of [{ language1: '1en' }, { language1: 'en_US' }, { language1: 'en-' }, { language1: '12' }, { language1: 'en', language2: 'de US' }, { personalMessage: { format: 'UTF8', content: 'Hi', language: 'en US' } }]) {
      assert.equal((await t.put('/id-tokens/ISO14443/CARD', { status: 'Accepted', ...body })).statusCode, 400, JSON.stringify(body));
    }
    // a KeyCode (C04) and a Central token for remote start (C05) go through the same validation
    assert.equal((await t.put('/id-tokens/KeyCode/pin-1', { status: 'Accepted', pin: '1234', language1: 'en-US' })).statusCode, 200);
    assert.equal((await t.put('/id-tokens/KeyCode/pin-2', { status: 'Accepted', pin: '5678', language1: 'en_US' })).statusCode, 400);
    assert.equal((await t.put('/id-tokens/Central/APP-1', { status: 'Accepted', language1: 'fr-CA', language2: 'en-CA' })).statusCode, 200);
    const h = await booted();
    await h.store.upsertIdToken({ idToken: 'APP-1', type: 'Central', status: 'Accepted', language1: 'fr-CA', language2: 'en-CA' });
    const info = (await authorize(h.ctx(), { idToken: tok('APP-1', 'Central') })).idTokenInfo;
    assert.deepEqual([info.language1, info.language2], ['fr-CA', 'en-CA']);
  });
});

describe('C06 local token, C09 group id', () => {
  test('[C06.FR.04] an AuthorizeRequest with a Local token is answered with a status: acceptance or the reason for rejection', async () => {
    const h = await booted();
    await h.store.upsertIdToken({ idToken: 'LOCAL-OK', type: 'Local', status: 'Accepted' });
    await h.store.upsertIdToken({ idToken: 'LOCAL-BLOCKED', type: 'Local', status: 'Blocked' });
    assert.equal((await authorize(h.ctx(), { idToken: tok('LOCAL-OK', 'Local') })).idTokenInfo.status, 'Accepted');
    assert.equal((await authorize(h.ctx(), { idToken: tok('LOCAL-BLOCKED', 'Local') })).idTokenInfo.status, 'Blocked');
    assert.equal((await authorize(h.ctx(), { idToken: tok('LOCAL-NEW', 'Local') })).idTokenInfo.status, 'Unknown');
    // over the wire: the response passes the AuthorizeResponse schema (status is required)
    const res = await h.station.call('Authorize', { idToken: tok('LOCAL-OK', 'Local') });
    assert.equal(res.idTokenInfo.status, 'Accepted');
  });

  test('[C09.FR.10] an AuthorizeRequest for a grouped token is answered with its status (and the group)', async () => {
    const h = await booted();
    const group = { idToken: 'FLEET-7', type: 'Central' };
    await h.store.upsertIdToken({ idToken: 'D1', type: 'ISO14443', status: 'Accepted', groupIdToken: group });
    await h.store.upsertIdToken({ idToken: 'D2', type: 'ISO14443', status: 'Expired', groupIdToken: group });
    const a = await h.station.call('Authorize', { idToken: tok('D1') });
    assert.deepEqual(a.idTokenInfo, { status: 'Accepted', groupIdToken: group });
    const b = await h.station.call('Authorize', { idToken: tok('D2') });
    assert.equal(b.idTokenInfo.status, 'Expired');
  });
});

describe('C12 MasterPassGroupId', () => {
  test('[C12.FR.09] a token whose groupIdToken is the station MasterPassGroupId may stop but not start a transaction', async () => {
    const h = await booted();
    await h.store.applyReport('CS001', 1, [{ component: { name: 'AuthCtrlr' }, variable: { name: 'MasterPassGroupId' }, variableAttribute: [{ type: 'Actual', value: 'MASTER' }] }]);
    await h.store.upsertIdToken({ idToken: 'GUARD', type: 'ISO14443', status: 'Accepted', groupIdToken: { idToken: 'MASTER', type: 'Central' } });
    await h.store.upsertIdToken({ idToken: 'DRIVER', type: 'ISO14443', status: 'Accepted', groupIdToken: { idToken: 'FLEET', type: 'Central' } });
    assert.deepEqual((await authorize(h.ctx(), { idToken: tok('GUARD') })).idTokenInfo, { status: 'Accepted', groupIdToken: { idToken: 'MASTER', type: 'Central' } });
    assert.equal((await transactionEvent(h.ctx('s1'), started('tx-guard', tok('GUARD')))).idTokenInfo?.status, 'Invalid');
    // an ordinary group still starts transactions
    assert.equal((await transactionEvent(h.ctx('s2'), started('tx-drv', tok('DRIVER')))).idTokenInfo?.status, 'Accepted');
    // the guard stops the driver's transaction: Accepted
    const stop = await transactionEvent(h.ctx('s3'), { eventType: 'Updated', timestamp: new Date().toISOString(), triggerReason: 'StopAuthorized', seqNo: 1, transactionInfo: { transactionId: 'tx-drv' }, evse: { id: 1, connectorId: 1 }, idToken: tok('GUARD') });
    assert.equal(stop.idTokenInfo?.status, 'Accepted');
  });

  test('[C12.FR.09] without a MasterPassGroupId in the device model a group is an ordinary group', async () => {
    const h = await booted();
    await h.store.upsertIdToken({ idToken: 'GUARD', type: 'ISO14443', status: 'Accepted', groupIdToken: { idToken: 'MASTER', type: 'Central' } });
    assert.equal((await transactionEvent(h.ctx(), started('tx-1', tok('GUARD')))).idTokenInfo?.status, 'Accepted');
  });
});
