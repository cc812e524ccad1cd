import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { blockHarness } from '../../../../test/fixtures/block-harness.ts';
import { aBootNotification, aLockFailureEvent, aNotifyEvent, anEvent, aSecurityEvent } from '../../../../test/fixtures/builders.ts';
import { notifyEvent, securityEventNotification } from './diagnostics.ts';

describe('N NotifyEvent, A04 SecurityEventNotification', () => {
  test('NotifyEvent events are stored (idempotent per seqNo and eventId) and announced', async () => {
    const h = await blockHarness();
    const req = aNotifyEvent({ seqNo: 3, eventData: [anEvent({ eventId: 7, component: { name: 'ChargingStation' }, variable: { name: 'Problem' }, actualValue: 'false' })] });
    assert.deepEqual(await notifyEvent(h.ctx(), req), {});
    await notifyEvent(h.ctx(), req);
    const stored = await h.store.listEvents({ stationId: 'CS001', limit: 10 });
    assert.equal(stored.length, 1);
    assert.equal(stored[0]?.event.eventId, 7);
    assert.ok(h.events.some((e) => e.type === 'station.event' && e.count === 1));
  });

  test('[G05.FR.03] a lock failure NotifyEvent (ConnectorPlugRetentionLock.Problem) is answered and stored', async () => {
    const h = await blockHarness();
    await h.station.call('BootNotification', aBootNotification());
    assert.deepEqual(await h.station.call('NotifyEvent', aNotifyEvent({ eventData: [aLockFailureEvent()] })), {});
    const stored = await h.store.listEvents({ stationId: 'CS001', limit: 10 });
    assert.equal(stored[0]?.event.component.name, 'ConnectorPlugRetentionLock');
  });

  test('[A04.FR.03] a SecurityEventNotification is confirmed and stored', async () => {
    const h = await blockHarness();
    assert.deepEqual(await securityEventNotification(h.ctx(), aSecurityEvent({ type: 'InvalidFirmwareSignature', techInfo: 'sig' })), {});
    const stored = await h.store.listSecurityEvents({ stationId: 'CS001', limit: 10 });
    assert.deepEqual(stored.map((e) => [e.type, e.techInfo]), [['InvalidFirmwareSignature', 'sig']]);
  });
});
