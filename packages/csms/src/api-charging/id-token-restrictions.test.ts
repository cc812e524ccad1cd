import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { makeRuntime } from '../api/test-support.ts';
import { createMemoryTokenStore, registerApi } from '../api/index.ts';
import { registerChargingRoutes } from './index.ts';
import { resolveIdToken } from '../blocks/authorization.ts';

async function makeApp() {
  const rt = makeRuntime();
  const tokens = createMemoryTokenStore();
  const admin = tokens.create('admin', 'admin').token;
  const app = Fastify({ logger: false });
  await registerChargingRoutes(app, rt.runtime, { tokens });
  await app.ready();
  const put = (idToken: string, body: unknown) =>
    app.inject({ method: 'PUT', url: `/id-tokens/ISO14443/${idToken}`, headers: { authorization: `Bearer ${admin}` }, payload: body as object });
  const get = (idToken: string) => app.inject({ method: 'GET', url: `/id-tokens/ISO14443/${idToken}`, headers: { authorization: `Bearer ${admin}` } });
  const status = async (idToken: string, stationId: string, now?: number) =>
    (await resolveIdToken(rt.runtime, { stationId, idToken: { idToken, type: 'ISO14443' }, purpose: 'authorize', ...(now !== undefined && { now }) })).idTokenInfo;
  return { ...rt, app, put, get, status };
}

const office = { timeZone: 'Europe/Amsterdam', windows: [{ days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], from: '07:00', to: '19:00' }] };

describe('id token restrictions over the REST API (C01, C10)', () => {
  test('[C01.FR.22] [C01.FR.20] PUT stores stationIds/evses/validFrom/schedule, GET returns them, Authorize follows them', async () => {
    const t = await makeApp();
    const body = { status: 'Accepted', stationIds: ['CS1', 'CS2'], evses: [{ stationId: 'CS2', evseIds: [2] }], validFrom: '2026-03-01T00:00:00Z', schedule: office };
    const res = await t.put('DRIVER', body);
    assert.equal(res.statusCode, 200, res.body);
    const { updatedAt: _u, ...stored } = (await t.get('DRIVER')).json();
    // validFrom comes back normalised to UTC ISO, like expiryDate
    assert.deepEqual(stored, { idToken: 'DRIVER', type: 'ISO14443', ...body, validFrom: '2026-03-01T00:00:00.000Z' });
    const friday = Date.parse('2026-03-27T10:00:00Z'); // 11:00 in Amsterdam
    assert.deepEqual(await t.status('DRIVER', 'CS1', friday), { status: 'Accepted', cacheExpiryDateTime: '2026-03-27T18:00:00.000Z' });
    assert.deepEqual(await t.status('DRIVER', 'CS2', friday), { status: 'Accepted', evseId: [2], cacheExpiryDateTime: '2026-03-27T18:00:00.000Z' });
    assert.equal((await t.status('DRIVER', 'CS3', friday)).status, 'NotAtThisLocation');
    assert.equal((await t.status('DRIVER', 'CS1', Date.parse('2026-03-28T10:00:00Z'))).status, 'NotAtThisTime'); // Saturday
    assert.equal((await t.status('DRIVER', 'CS1', Date.parse('2026-02-27T10:00:00Z'))).status, 'NotAtThisTime'); // before validFrom
    // replacing the token without restrictions lifts them; the older evseIds field still works as before [C01.FR.18]
    assert.equal((await t.put('DRIVER', { status: 'Accepted', evseIds: [1] })).statusCode, 200);
    assert.deepEqual(await t.status('DRIVER', 'CS3', Date.parse('2026-03-28T10:00:00Z')), { status: 'Accepted', evseId: [1] });
  });

  test('overnight windows (to before from) and to = 24:00 are accepted', async () => {
    const t = await makeApp();
    const schedule = { timeZone: 'America/New_York', windows: [{ days: ['Fri', 'Sat'], from: '22:00', to: '06:00' }, { days: ['Sun'], from: '00:00', to: '24:00' }] };
    assert.equal((await t.put('NIGHT', { status: 'Accepted', schedule })).statusCode, 200);
    assert.equal((await t.status('NIGHT', 'CS1', Date.parse('2026-03-07T10:00:00Z'))).status, 'Accepted'); // Saturday 05:00 EST
    assert.equal((await t.status('NIGHT', 'CS1', Date.parse('2026-03-07T12:00:00Z'))).status, 'NotAtThisTime'); // Saturday 07:00 EST
  });

  test('bad restrictions are HTTP 400 API_ERR_VALIDATION naming the field', async () => {
    const t = await makeApp();
    const window = (w: object) => ({ schedule: { timeZone: 'UTC', windows: [{ days: ['Mon'], from: '08:00', to: '17:00', ...w }] } });
    const cases: [object, string][] = [
      [{ stationIds: 'CS1' }, 'stationIds'],
      [{ stationIds: ['CS1', 'CS1'] }, 'stationIds'],
      [{ stationIds: [''] }, 'stationIds[0]'],
      [{ evses: [{ stationId: 'CS1', evseIds: [0] }] }, 'evses[0].evseIds[0]'],
      [{ evses: [{ stationId: 'CS1' }] }, 'evses[0].evseIds'],
      [{ stationIds: ['CS1'], evses: [{ stationId: 'CS2', evseIds: [1] }] }, 'evses[0].stationId'],
      [{ evses: [{ stationId: 'CS1', evseIds: [1] }, { stationId: 'CS1', evseIds: [2] }] }, 'evses[1].stationId'],
      [{ validFrom: 'next week' }, 'validFrom'],
      [{ validFrom: '2026-06-01T00:00:00Z', expiryDate: '2026-05-01T00:00:00Z' }, 'validFrom'],
      [{ schedule: { timeZone: 'Europe/Atlantis', windows: office.windows } }, 'schedule.timeZone'],
      [{ schedule: { timeZone: 42, windows: office.windows } }, 'schedule.timeZone'],
      [{ schedule: { timeZone: 'UTC', windows: [] } }, 'schedule.windows'],
      [{ schedule: { timeZone: 'UTC' } }, 'schedule.windows'],
      [window({ days: ['Monday'] }), 'schedule.windows[0].days[0]'],
      [window({ days: [] }), 'schedule.windows[0].days'],
      [window({ from: '8:00' }), 'schedule.windows[0].from'],
      [window({ from: '24:00' }), 'schedule.windows[0].from'],
      [window({ to: '24:30' }), 'schedule.windows[0].to'],
      [window({ to: '08:00' }), 'schedule.windows[0].to'],
      [window({ until: '09:00' }), 'schedule.windows[0].until'],
    ];
    for (const [extra, field] of cases) {
      const res = await t.put('BAD', { status: 'Accepted', ...extra });
      assert.equal(res.statusCode, 400, `${JSON.stringify(extra)}: ${res.body}`);
      assert.equal(res.json().error.code, 'API_ERR_VALIDATION');
      assert.equal(res.json().error.field, field, JSON.stringify(extra));
    }
    assert.equal((await t.get('BAD')).statusCode, 404);
  });

  test('/openapi.json documents the restriction fields of PUT /api/id-tokens/{type}/{idToken}', async () => {
    const rt = makeRuntime();
    const app = Fastify({ logger: false });
    await registerApi(app, rt.runtime, { tokens: createMemoryTokenStore() });
    await app.ready();
    try {
      const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
      const body = doc.paths['/api/id-tokens/{type}/{idToken}'].put.requestBody.content['application/json'].schema;
      for (const f of ['stationIds', 'evses', 'validFrom', 'schedule', 'evseIds']) assert.ok(body.properties[f], f);
      assert.deepEqual(body.properties.schedule.required, ['timeZone', 'windows']);
      assert.deepEqual(body.properties.schedule.properties.windows.items.properties.days.items.enum, ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']);
    } finally {
      await app.close();
      await rt.runtime.store.close();
    }
  });
});
