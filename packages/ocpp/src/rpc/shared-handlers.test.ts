// A handler table shared by many endpoints (memory: one table per CSMS, not one per connection), and
// the closure-free close notification.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createEndpointPair } from './memory-transport.ts';
import { sharedHandlerTable, type Handler } from './endpoint.ts';
import { OcppError } from './errors.ts';

const boot = { reason: 'PowerUp', chargingStation: { model: 'M1', vendorName: 'V' } } as const;

describe('shared handler table', () => {
  test('[FR.02] two endpoints answer from one table; ctx names each connection', async () => {
    const seen: string[] = [];
    const table = sharedHandlerTable('csms', [['BootNotification', ((ctx) => {
      seen.push(ctx.identity);
      return { currentTime: new Date().toISOString(), interval: 300, status: 'Accepted' };
    }) as Handler]]);
    const a = createEndpointPair({ version: '2.1', identity: 'A', csms: { handlers: table } });
    const b = createEndpointPair({ version: '2.0.1', identity: 'B', csms: { handlers: table } });
    assert.equal((await a.station.call('BootNotification', boot)).status, 'Accepted');
    assert.equal((await b.station.call('BootNotification', boot)).status, 'Accepted');
    assert.deepEqual(seen, ['A', 'B']);
  });

  test('handle() on an endpoint with a shared table copies it: the table and other endpoints are unchanged', async () => {
    const table = sharedHandlerTable('csms', [['Heartbeat', (() => ({ currentTime: new Date().toISOString() })) as Handler]]);
    const a = createEndpointPair({ version: '2.1', csms: { handlers: table } });
    const b = createEndpointPair({ version: '2.1', csms: { handlers: table } });
    a.csms.handle('StatusNotification', () => ({}));
    assert.throws(() => a.csms.handle('Heartbeat', () => ({ currentTime: '' })), (e: unknown) => e instanceof OcppError && e.code === 'OCPP_ERR_HANDLER_EXISTS');
    assert.equal(table.has('StatusNotification'), false);
    const req = { timestamp: new Date().toISOString(), connectorStatus: 'Available', evseId: 1, connectorId: 1 } as const;
    await a.station.call('StatusNotification', req);
    await assert.rejects(b.station.call('StatusNotification', req), (e: Error & { code?: string }) => e.code === 'NotSupported');
  });

  test('the table is checked like handle(): unknown action, wrong direction, duplicates', () => {
    const h = (() => ({})) as Handler;
    assert.throws(() => sharedHandlerTable('csms', [['NoSuchAction', h]]), (e: unknown) => e instanceof OcppError && e.code === 'OCPP_ERR_UNKNOWN_ACTION');
    assert.throws(() => sharedHandlerTable('csms', [['Reset', h]]), (e: unknown) => e instanceof OcppError && e.code === 'OCPP_ERR_WRONG_DIRECTION');
    assert.throws(() => sharedHandlerTable('csms', [['Heartbeat', h], ['Heartbeat', h]]), (e: unknown) => e instanceof OcppError && e.code === 'OCPP_ERR_HANDLER_EXISTS');
  });

  test('onClose runs once with the close code, and at once when already closed', () => {
    const { csms } = createEndpointPair({ version: '2.1' });
    const got: number[] = [];
    csms.onClose(({ code }) => got.push(code));
    csms.close(1001, 'bye');
    csms.close(1000, 'again');
    assert.deepEqual(got, [1001]);
    csms.onClose(({ code }) => got.push(code));
    assert.deepEqual(got, [1001, 1006]);
  });
});
