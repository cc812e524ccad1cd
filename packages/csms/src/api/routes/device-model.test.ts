import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { makeApi, type TestApi } from '../test-support.ts';

const ocppCtrl = { name: 'OCPPCommCtrlr' };

describe('device model API (B05/B06)', () => {
  let t: TestApi;
  before(async () => {
    t = await makeApi();
    await t.runtime.store.registerStation({ id: 'CS1', securityProfile: 0 });
    await t.runtime.store.applyReport('CS1', 7, [
      { component: ocppCtrl, variable: { name: 'HeartbeatInterval' }, variableAttribute: [{ type: 'Actual', value: '300', mutability: 'ReadWrite' }] },
      { component: ocppCtrl, variable: { name: 'MessageTimeout' }, variableAttribute: [{ type: 'Actual', value: '30', mutability: 'ReadWrite' }] },
      { component: { name: 'DeviceDataCtrlr' }, variable: { name: 'ItemsPerMessage', instance: 'SetVariables' }, variableAttribute: [{ type: 'Actual', value: '2', mutability: 'ReadOnly' }] },
    ]);
    t.connect('CS1');
  });
  after(() => t.close());
  beforeEach(() => {
    t.calls.length = 0;
  });

  test('GET /api/stations/:id/variables lists the stored device model, filterable and paged', async () => {
    const res = await t.req('GET', '/api/stations/CS1/variables?component=OCPPCommCtrlr', undefined, t.reader);
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().total, 2);
    const v = res.json().items.find((x: { variable: string }) => x.variable === 'HeartbeatInterval');
    assert.equal(v.variable, 'HeartbeatInterval');
    assert.equal(v.value, '300');
    assert.equal(v.reportRequestId, 7);
    assert.equal((await t.req('GET', '/api/stations/CS1/variables?limit=1')).json().items.length, 1);
    assert.equal((await t.req('GET', '/api/stations/NOPE/variables')).statusCode, 404);
  });

  test('POST …/variables/set sends SetVariables and stores each result (value only when Accepted)', async () => {
    t.answer(() => ({
      setVariableResult: [
        { attributeType: 'Actual', attributeStatus: 'Accepted', component: ocppCtrl, variable: { name: 'HeartbeatInterval' } },
        { attributeType: 'Actual', attributeStatus: 'Rejected', component: ocppCtrl, variable: { name: 'MessageTimeout' } },
      ],
    }));
    const body = { setVariableData: [
      { component: ocppCtrl, variable: { name: 'HeartbeatInterval' }, attributeValue: '120' },
      { component: ocppCtrl, variable: { name: 'MessageTimeout' }, attributeValue: '-5' },
    ] };
    const res = await t.req('POST', '/api/stations/CS1/variables/set', body);
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().response.setVariableResult.length, 2);
    assert.equal(t.calls[0]?.action, 'SetVariables');
    const hb = (await t.runtime.store.listVariables('CS1', { component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval', limit: 5, offset: 0 })).items[0];
    assert.equal(hb?.value, '120');
    assert.equal(hb?.lastSetStatus, 'Accepted');
    const mt = (await t.runtime.store.listVariables('CS1', { variable: 'MessageTimeout', limit: 5, offset: 0 })).items[0];
    assert.equal(mt?.lastSetStatus, 'Rejected');
    assert.equal(mt?.value, '30', 'a Rejected set keeps the old value');
  });

  test('B05.FR.13: two SetVariableData for the same component/variable/attributeType are refused before sending', async () => {
    const body = { setVariableData: [
      { component: ocppCtrl, variable: { name: 'HeartbeatInterval' }, attributeValue: '60' },
      { component: ocppCtrl, variable: { name: 'HeartbeatInterval' }, attributeType: 'Actual', attributeValue: '90' },
    ] };
    const res = await t.req('POST', '/api/stations/CS1/variables/set', body);
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.code, 'API_ERR_VALIDATION');
    assert.equal(res.json().error.field, 'setVariableData[1]');
    assert.equal(t.calls.length, 0);
  });

  test('B05.FR.11: no more SetVariableData than ItemsPerMessageSetVariables', async () => {
    const setVariableData = ['A', 'B', 'C'].map((name) => ({ component: ocppCtrl, variable: { name }, attributeValue: '1' }));
    const res = await t.req('POST', '/api/stations/CS1/variables/set', { setVariableData });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.field, 'setVariableData');
    assert.match(res.json().error.message, /at most 2/);
    assert.equal(t.calls.length, 0);
  });

  test('an invalid SetVariables payload names the OCPP field; the stored value is unchanged', async () => {
    const res = await t.req('POST', '/api/stations/CS1/variables/set', { setVariableData: [{ component: ocppCtrl, variable: { name: 'HeartbeatInterval' }, attributeValue: 120 }] });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.code, 'API_ERR_INVALID_PAYLOAD');
    assert.equal(res.json().error.field, 'setVariableData.0.attributeValue');
    assert.equal(t.calls.length, 0);
    const hb = (await t.runtime.store.listVariables('CS1', { variable: 'HeartbeatInterval', limit: 5, offset: 0 })).items[0];
    assert.equal(hb?.value, '120');
  });

  test('POST …/variables/get sends GetVariables and stores Accepted values', async () => {
    t.answer(() => ({
      getVariableResult: [
        { attributeStatus: 'Accepted', attributeType: 'Actual', attributeValue: '45', component: ocppCtrl, variable: { name: 'HeartbeatInterval' } },
        { attributeStatus: 'UnknownVariable', component: ocppCtrl, variable: { name: 'Nope' } },
      ],
    }));
    const res = await t.req('POST', '/api/stations/CS1/variables/get', { getVariableData: [{ component: ocppCtrl, variable: { name: 'HeartbeatInterval' } }, { component: ocppCtrl, variable: { name: 'Nope' } }] });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().response.getVariableResult[1].attributeStatus, 'UnknownVariable');
    const hb = (await t.runtime.store.listVariables('CS1', { variable: 'HeartbeatInterval', limit: 5, offset: 0 })).items[0];
    assert.equal(hb?.value, '45');
    assert.equal((await t.runtime.store.listVariables('CS1', { variable: 'Nope', limit: 5, offset: 0 })).total, 0);
  });

  test('Get/SetVariables on an offline station: 409, nothing stored', async () => {
    t.disconnect('CS1');
    const res = await t.req('POST', '/api/stations/CS1/variables/get', { getVariableData: [{ component: ocppCtrl, variable: { name: 'HeartbeatInterval' } }] });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().error.code, 'API_ERR_STATION_OFFLINE');
    t.connect('CS1');
  });
});
