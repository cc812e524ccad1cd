import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { OcppError, RpcError } from '@chargewire/ocpp';
import { makeApi, type TestApi } from '../test-support.ts';
import { csmsToStationActions } from './command.ts';

describe('POST /api/stations/:id/ocpp/:action (generic command route)', () => {
  let t: TestApi;
  before(async () => {
    t = await makeApi();
    await t.runtime.store.registerStation({ id: 'CS21', securityProfile: 0 });
    await t.runtime.store.registerStation({ id: 'CS201', securityProfile: 0 });
    await t.runtime.store.registerStation({ id: 'CSOFF', securityProfile: 0 });
    t.connect('CS21', '2.1');
    t.connect('CS201', '2.0.1');
  });
  after(() => t.close());
  beforeEach(() => {
    t.calls.length = 0;
    t.answer(() => ({ status: 'Accepted' }));
  });

  test('sends the validated payload and returns { response } with 200; ?timeoutMs= is passed on', async () => {
    const res = await t.req('POST', '/api/stations/CS21/ocpp/Reset?timeoutMs=5000', { type: 'OnIdle' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { response: { status: 'Accepted' } });
    assert.deepEqual(t.calls, [{ stationId: 'CS21', action: 'Reset', payload: { type: 'OnIdle' }, timeoutMs: 5000 }]);
  });

  test('covers every CSMS-to-station action of each version, including 2.1-only and both-direction ones', () => {
    const v21 = csmsToStationActions('2.1');
    const v201 = csmsToStationActions('2.0.1');
    for (const a of ['Reset', 'GetVariables', 'SetVariables', 'DataTransfer', 'TriggerMessage', 'RequestStartTransaction']) {
      assert.ok(v21.includes(a) && v201.includes(a), a);
    }
    assert.ok(v21.includes('AFRRSignal') && !v201.includes('AFRRSignal'));
    assert.ok(!v21.includes('BootNotification') && !v21.includes('NotifyPeriodicEventStream'));
  });

  test('actions without required fields work with an empty body', async () => {
    const res = await t.req('POST', '/api/stations/CS21/ocpp/ClearCache', {});
    assert.equal(res.statusCode, 200);
    assert.deepEqual(t.calls[0]?.payload, {});
  });

  test('404 API_ERR_STATION_NOT_FOUND for an unknown station; nothing sent', async () => {
    const res = await t.req('POST', '/api/stations/GHOST/ocpp/Reset', { type: 'Immediate' });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().error.code, 'API_ERR_STATION_NOT_FOUND');
    assert.equal(t.calls.length, 0);
  });

  test('409 API_ERR_STATION_OFFLINE for a registered station without a connection', async () => {
    const res = await t.req('POST', '/api/stations/CSOFF/ocpp/Reset', { type: 'Immediate' });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().error.code, 'API_ERR_STATION_OFFLINE');
    assert.equal(t.calls.length, 0);
  });

  test('409 also when the connection drops while the call is outstanding (OCPP_ERR_CLOSED)', async () => {
    t.answer(() => {
      throw new OcppError('OCPP_ERR_CLOSED');
    });
    const res = await t.req('POST', '/api/stations/CS21/ocpp/Reset', { type: 'Immediate' });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().error.code, 'API_ERR_STATION_OFFLINE');
  });

  test('504 API_ERR_STATION_TIMEOUT when the station does not answer', async () => {
    t.answer(() => {
      throw new OcppError('OCPP_ERR_CALL_TIMEOUT');
    });
    const res = await t.req('POST', '/api/stations/CS21/ocpp/Reset', { type: 'Immediate' });
    assert.equal(res.statusCode, 504);
    assert.equal(res.json().error.code, 'API_ERR_STATION_TIMEOUT');
  });

  test('502 API_ERR_STATION_ERROR with the RPC error code when the station answers CALLERROR', async () => {
    t.answer(() => {
      throw new RpcError('NotImplemented', 'no Reset here', {}, true);
    });
    const res = await t.req('POST', '/api/stations/CS21/ocpp/Reset', { type: 'Immediate' });
    assert.equal(res.statusCode, 502);
    const err = res.json().error;
    assert.equal(err.code, 'API_ERR_STATION_ERROR');
    assert.equal(err.rpcCode, 'NotImplemented');
    assert.match(err.message, /NotImplemented/);
  });

  test('400 API_ERR_UNKNOWN_ACTION for a non-action, a station-to-CSMS action, and a 2.1-only action on 2.0.1', async () => {
    for (const [url, re] of [
      ['/api/stations/CS21/ocpp/MakeCoffee', /not an OCPP action/],
      ['/api/stations/CS21/ocpp/BootNotification', /sent by the station/],
      ['/api/stations/CS21/ocpp/NotifyPeriodicEventStream', /sent by the station/],
      ['/api/stations/CS201/ocpp/AFRRSignal', /not an action of OCPP 2\.0\.1/],
      ['/api/stations/CS21/ocpp/toString', /not an OCPP action/],
    ] as const) {
      const res = await t.req('POST', url, {});
      assert.equal(res.statusCode, 400, url);
      assert.equal(res.json().error.code, 'API_ERR_UNKNOWN_ACTION', url);
      assert.equal(res.json().error.field, 'action', url);
      assert.match(res.json().error.message, re, url);
    }
    assert.equal(t.calls.length, 0);
  });

  test("400 API_ERR_INVALID_PAYLOAD naming the field and the OCPP error code when the body fails the action's schema", async () => {
    const cases: Array<[unknown, string, string]> = [
      [{}, 'type', 'OccurrenceConstraintViolation'],
      [{ type: 'Sometime' }, 'type', 'PropertyConstraintViolation'],
      [{ type: 'Immediate', evseId: 'one' }, 'evseId', 'TypeConstraintViolation'],
      [{ type: 'Immediate', extra: 1 }, 'extra', 'ProtocolError'],
    ];
    for (const [body, field, rpcCode] of cases) {
      const res = await t.req('POST', '/api/stations/CS21/ocpp/Reset', body);
      assert.equal(res.statusCode, 400, JSON.stringify(body));
      const err = res.json().error;
      assert.equal(err.code, 'API_ERR_INVALID_PAYLOAD');
      assert.equal(err.field, field);
      assert.equal(err.rpcCode, rpcCode);
      assert.ok(err.message.startsWith(`${rpcCode}:`), err.message);
      assert.ok(err.message.includes(field), err.message);
    }
    const notObject = await t.req('POST', '/api/stations/CS21/ocpp/Reset', [1, 2]);
    assert.equal(notObject.statusCode, 400);
    assert.equal(notObject.json().error.code, 'API_ERR_VALIDATION');
    const badTimeout = await t.req('POST', '/api/stations/CS21/ocpp/Reset?timeoutMs=5', { type: 'Immediate' });
    assert.equal(badTimeout.json().error.field, 'timeoutMs');
    assert.equal(t.calls.length, 0, 'nothing was sent');
  });

  test("the station's version picks the schema (ocppVersion OCPP21 exists only in 2.1)", async () => {
    const body = { configurationSlot: 1, connectionData: { ocppVersion: 'OCPP21', ocppTransport: 'JSON', ocppCsmsUrl: 'wss://x/ocpp', messageTimeout: 30, securityProfile: 2, ocppInterface: 'Wired0' } };
    assert.equal((await t.req('POST', '/api/stations/CS21/ocpp/SetNetworkProfile', body)).statusCode, 200);
    const on201 = await t.req('POST', '/api/stations/CS201/ocpp/SetNetworkProfile', body);
    assert.equal(on201.statusCode, 400);
    assert.equal(on201.json().error.code, 'API_ERR_INVALID_PAYLOAD');
    assert.equal(on201.json().error.field, 'connectionData.ocppVersion');
    assert.equal(t.calls.length, 1);
  });
});
