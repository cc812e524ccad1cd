import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { verifyPassword } from '../../password.ts';
import { makeApi, type TestApi } from '../test-support.ts';

const PASSWORD = 'correct-horse-battery';

describe('stations API', () => {
  let t: TestApi;
  before(async () => {
    t = await makeApi();
  });
  after(() => t.close());

  test('POST /api/stations registers with a scrypt-hashed password (A00.FR.205) and never returns it', async () => {
    const res = await t.req('POST', '/api/stations', { id: 'CS001', password: PASSWORD, description: 'lot A' });
    assert.equal(res.statusCode, 201);
    const body = res.json();
    assert.equal(body.id, 'CS001');
    assert.equal(body.securityProfile, 1, 'profile 1 by default with a password');
    assert.equal(body.hasPassword, true);
    assert.equal(body.online, false);
    assert.ok(!('passwordHash' in body));
    assert.ok(!res.body.includes(PASSWORD));
    const stored = await t.runtime.store.getStation('CS001');
    assert.ok(stored?.passwordHash?.startsWith('scrypt$'));
    assert.equal(await verifyPassword(PASSWORD, stored!.passwordHash!), true);
  });

  test('409 API_ERR_STATION_EXISTS for a known id, stored password unchanged', async () => {
    const before = (await t.runtime.store.getStation('CS001'))!.passwordHash;
    const res = await t.req('POST', '/api/stations', { id: 'CS001', password: 'another-password-123' });
    assert.equal(res.statusCode, 409);
    assert.deepEqual(res.json().error, { code: 'API_ERR_STATION_EXISTS', message: "station 'CS001' is already registered", field: 'id' });
    assert.equal((await t.runtime.store.getStation('CS001'))!.passwordHash, before);
  });

  test('bad bodies get 400 API_ERR_VALIDATION naming the field, and store nothing', async () => {
    const cases: Array<[unknown, string]> = [
      [{ id: 123 }, 'id'], // no type coercion
      [{ id: 'has:colon' }, 'id'],
      [{ id: 'x'.repeat(49) }, 'id'],
      [{}, 'id'],
      [{ id: 'CS-V', password: 'short' }, 'password'],
      [{ id: 'CS-V', password: 'x'.repeat(65) }, 'password'],
      [{ id: 'CS-V', securityProfile: 1 }, 'password'],
      [{ id: 'CS-V', securityProfile: 3, password: PASSWORD }, 'password'],
      [{ id: 'CS-V', securityProfile: '1', password: PASSWORD }, 'securityProfile'],
      [{ id: 'CS-V', bootPolicy: 'Maybe' }, 'bootPolicy'],
      [{ id: 'CS-V', admin: true }, 'admin'],
    ];
    for (const [body, field] of cases) {
      const res = await t.req('POST', '/api/stations', body);
      assert.equal(res.statusCode, 400, JSON.stringify(body));
      const err = res.json().error;
      assert.equal(err.code, 'API_ERR_VALIDATION', JSON.stringify(body));
      assert.equal(err.field, field, JSON.stringify(body));
      assert.ok(err.message.includes(field), err.message);
    }
    const page = await t.runtime.store.listStations({ limit: 100, offset: 0 });
    assert.deepEqual(page.items.map((s) => s.id), ['CS001']);
  });

  test('broken JSON and non-JSON bodies get API_ERR_BAD_JSON / 415 / a validation error', async () => {
    const broken = await t.app.inject({ method: 'POST', url: '/api/stations', headers: { authorization: `Bearer ${t.admin}`, 'content-type': 'application/json' }, payload: '{"id": "CS9",' });
    assert.equal(broken.statusCode, 400);
    assert.equal(broken.json().error.code, 'API_ERR_BAD_JSON');
    const xml = await t.app.inject({ method: 'POST', url: '/api/stations', headers: { authorization: `Bearer ${t.admin}`, 'content-type': 'application/xml' }, payload: '<id>CS9</id>' });
    assert.equal(xml.statusCode, 415);
    assert.equal(xml.json().error.code, 'API_ERR_UNSUPPORTED_MEDIA_TYPE');
    const text = await t.app.inject({ method: 'POST', url: '/api/stations', headers: { authorization: `Bearer ${t.admin}`, 'content-type': 'text/plain' }, payload: 'id=CS9' });
    assert.equal(text.statusCode, 400);
    assert.equal(text.json().error.code, 'API_ERR_VALIDATION');
    assert.match(text.json().error.message, /body must be object/);
    assert.equal(await t.runtime.store.getStation('CS9'), undefined);
  });

  test('GET /api/stations lists with search, paging and the live online flag', async () => {
    await t.req('POST', '/api/stations', { id: 'CS002', description: 'lot B' });
    await t.req('POST', '/api/stations', { id: 'XY003', securityProfile: 3 });
    t.connect('CS002');
    const all = await t.req('GET', '/api/stations');
    assert.equal(all.statusCode, 200);
    assert.equal(all.json().total, 3);
    assert.deepEqual(all.json().items.map((s: { id: string; online: boolean }) => [s.id, s.online]), [['CS001', false], ['CS002', true], ['XY003', false]]);
    const page2 = await t.req('GET', '/api/stations?limit=1&offset=1', undefined, t.reader);
    assert.deepEqual(page2.json().items.map((s: { id: string }) => s.id), ['CS002']);
    assert.equal(page2.json().total, 3);
    assert.equal(page2.json().limit, 1);
    const search = await t.req('GET', '/api/stations?search=lot%20b');
    assert.deepEqual(search.json().items.map((s: { id: string }) => s.id), ['CS002']);
    const bad = await t.req('GET', '/api/stations?limit=abc');
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.field, 'limit');
    assert.match(bad.json().error.message, /query parameter 'limit'/);
    const extra = await t.req('GET', '/api/stations?color=red');
    assert.equal(extra.json().error.field, 'color');
    t.disconnect('CS002');
  });

  test('GET /api/stations/:id returns connectors with status, last boot and the live session', async () => {
    await t.runtime.store.recordBoot({ stationId: 'CS002', at: '2026-01-01T10:00:00.000Z', reason: 'PowerUp', chargingStation: { model: 'M1', vendorName: 'V' }, status: 'Accepted', interval: 300 });
    await t.runtime.store.upsertConnectorStatus({ stationId: 'CS002', evseId: 1, connectorId: 1, status: 'Available', at: '2026-01-01T10:00:01.000Z' });
    await t.runtime.store.upsertConnectorStatus({ stationId: 'CS002', evseId: 2, connectorId: 1, status: 'Occupied', at: '2026-01-01T10:00:02.000Z' });
    t.connect('CS002', '2.0.1');
    const res = await t.req('GET', '/api/stations/CS002', undefined, t.reader);
    assert.equal(res.statusCode, 200);
    const s = res.json();
    assert.equal(s.online, true);
    assert.equal(s.session.version, '2.0.1');
    assert.equal(s.session.bootStatus, 'Accepted');
    assert.equal(s.lastBoot.chargingStation.model, 'M1');
    assert.deepEqual(s.connectors, [
      { evseId: 1, connectorId: 1, status: 'Available', at: '2026-01-01T10:00:01.000Z' },
      { evseId: 2, connectorId: 1, status: 'Occupied', at: '2026-01-01T10:00:02.000Z' },
    ]);
    t.disconnect('CS002');
    const missing = await t.req('GET', '/api/stations/NOPE');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'API_ERR_STATION_NOT_FOUND');
    const badId = await t.req('GET', '/api/stations/bad:id');
    assert.equal(badId.statusCode, 400);
    assert.equal(badId.json().error.field, 'id');
  });

  test('PATCH /api/stations/:id changes boot policy, description and password', async () => {
    const res = await t.req('PATCH', '/api/stations/CS001', { bootPolicy: 'Pending', description: null, password: 'a-brand-new-password' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().bootPolicy, 'Pending');
    assert.equal(res.json().description, undefined);
    const stored = (await t.runtime.store.getStation('CS001'))!;
    assert.equal(await verifyPassword('a-brand-new-password', stored.passwordHash!), true);
    const bad = await t.req('PATCH', '/api/stations/XY003', { securityProfile: 2 });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.field, 'password');
    assert.equal((await t.runtime.store.getStation('XY003'))!.securityProfile, 3);
    assert.equal((await t.req('PATCH', '/api/stations/CS001', {})).json().error.code, 'API_ERR_VALIDATION');
  });

  test('DELETE /api/stations/:id removes the station; again gives 404', async () => {
    const res = await t.req('DELETE', '/api/stations/XY003');
    assert.equal(res.statusCode, 204);
    assert.equal(await t.runtime.store.getStation('XY003'), undefined);
    const again = await t.req('DELETE', '/api/stations/XY003');
    assert.equal(again.statusCode, 404);
    assert.equal(again.json().error.code, 'API_ERR_STATION_NOT_FOUND');
  });
});
