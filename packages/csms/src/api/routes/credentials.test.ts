// POST /api/stations/:id/password (A01) through inject(), with a scripted station.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RpcError } from '@chargewire/ocpp';
import type { SetVariablesRequest } from '@chargewire/ocpp/types';
import { hashPassword, verifyPassword } from '../../password.ts';
import { makeApi, type TestApi } from '../test-support.ts';

const OLD = 'old-password-0123456789';
const answerAll = (status: string) => (c: { payload: unknown }) => ({
  setVariableResult: (c.payload as SetVariablesRequest).setVariableData.map((d) => ({ component: d.component, variable: d.variable, attributeStatus: status })),
});

describe('POST /api/stations/:id/password', () => {
  let t: TestApi;
  before(async () => {
    t = await makeApi();
    await t.runtime.store.registerStation({ id: 'CS001', securityProfile: 1, passwordHash: await hashPassword(OLD) });
    await t.runtime.store.registerStation({ id: 'CS003', securityProfile: 3 });
    t.connect('CS001', '2.1');
    t.connect('CS003', '2.1');
  });
  after(() => t.close());
  const hash = async () => (await t.runtime.store.getStation('CS001'))!.passwordHash!;

  test('[A01.FR.07] [A01.FR.03] no body password: a generated one is sent, stored as hash and shown once', async () => {
    t.answer(answerAll('Accepted'));
    t.calls.length = 0;
    const res = await t.req('POST', '/api/stations/CS001/password', {});
    assert.equal(res.statusCode, 200);
    const body = res.json() as { status: string; rotated: boolean; password: string };
    assert.equal(body.status, 'Accepted');
    assert.equal(body.rotated, true);
    assert.ok(body.password.length >= 16 && body.password.length <= 40);
    assert.equal((t.calls[0]!.payload as SetVariablesRequest).setVariableData[0]!.attributeValue, body.password);
    assert.equal(await verifyPassword(body.password, await hash()), true);
    assert.equal(await verifyPassword(OLD, await hash()), false);
  });

  test('[A01.FR.03] a supplied password is not echoed back', async () => {
    t.answer(answerAll('Accepted'));
    const res = await t.req('POST', '/api/stations/CS001/password', { password: 'supplied-password-0001' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'Accepted', rotated: true });
    assert.equal(await verifyPassword('supplied-password-0001', await hash()), true);
  });

  test('[A01.FR.04] Rejected: rotated false, no password in the answer, stored hash unchanged', async () => {
    t.answer(answerAll('Rejected'));
    const before = await hash();
    const res = await t.req('POST', '/api/stations/CS001/password', {});
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'Rejected', rotated: false });
    assert.equal(await hash(), before);
  });

  test('[A01.FR.04] a CALLERROR gives 502 and keeps the stored hash', async () => {
    t.answer(() => { throw new RpcError('InternalError', 'nope', {}, true); });
    const before = await hash();
    const res = await t.req('POST', '/api/stations/CS001/password', {});
    assert.equal(res.statusCode, 502);
    assert.equal(res.json().error.code, 'API_ERR_STATION_ERROR');
    assert.equal(await hash(), before);
  });

  test('admin only; 400 for a short password or profile 3; 404 unknown; 409 offline', async () => {
    t.answer(answerAll('Accepted'));
    assert.equal((await t.req('POST', '/api/stations/CS001/password', {}, t.reader)).statusCode, 403);
    assert.equal((await t.req('POST', '/api/stations/CS001/password', {}, null)).statusCode, 401);
    const short = await t.req('POST', '/api/stations/CS001/password', { password: 'short' });
    assert.equal(short.statusCode, 400);
    assert.equal(short.json().error.code, 'API_ERR_VALIDATION');
    assert.equal((await t.req('POST', '/api/stations/CS003/password', {})).statusCode, 400);
    assert.equal((await t.req('POST', '/api/stations/NOPE/password', {})).statusCode, 404);
    t.disconnect('CS001');
    const off = await t.req('POST', '/api/stations/CS001/password', {});
    assert.equal(off.statusCode, 409);
    assert.equal(off.json().error.code, 'API_ERR_STATION_OFFLINE');
    t.connect('CS001', '2.1');
  });
});
