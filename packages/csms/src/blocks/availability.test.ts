import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { blockHarness } from '../../../../test/fixtures/block-harness.ts';
import { aBootNotification, aNotifyEvent, anEvent, aStatusNotification } from '../../../../test/fixtures/builders.ts';
import { changeAvailability, heartbeat, statusNotification } from './availability.ts';

async function booted(version: '2.0.1' | '2.1' = '2.1') {
  const h = await blockHarness({ version });
  await h.station.call('BootNotification', aBootNotification());
  return h;
}

describe('G01 StatusNotification', () => {
  test('[G01.FR.01] the connector status is stored and announced on the bus', async () => {
    const h = await booted('2.0.1');
    await statusNotification(h.ctx(), aStatusNotification({ evseId: 2, connectorId: 1, connectorStatus: 'Occupied' }));
    assert.deepEqual((await h.store.listConnectors('CS001')).map((c) => [c.evseId, c.connectorId, c.status]), [[2, 1, 'Occupied']]);
    assert.ok(h.events.some((e) => e.type === 'connector.status' && e.status === 'Occupied' && e.evseId === 2));
  });

  test('[G01.FR.01] an older status arriving late does not overwrite a newer one', async () => {
    const h = await booted();
    const now = Date.now();
    await statusNotification(h.ctx(), aStatusNotification({ connectorStatus: 'Occupied', timestamp: new Date(now).toISOString() }));
    await statusNotification(h.ctx(), aStatusNotification({ connectorStatus: 'Available', timestamp: new Date(now - 60_000).toISOString() }));
    assert.equal((await h.store.listConnectors('CS001'))[0]?.status, 'Occupied');
  });

  test('[G01.FR.03] the 2.1 form, NotifyEvent Connector.AvailabilityState, updates the connector status', async () => {
    const h = await booted();
    await h.station.call('NotifyEvent', aNotifyEvent({ eventData: [anEvent({ actualValue: 'Unavailable', component: { name: 'Connector', evse: { id: 1, connectorId: 2 } } })] }));
    assert.deepEqual((await h.store.listConnectors('CS001')).map((c) => [c.evseId, c.connectorId, c.status]), [[1, 2, 'Unavailable']]);
  });
});

describe('G02 Heartbeat', () => {
  test('[G02.FR.03] the HeartbeatResponse carries the CSMS current time', async () => {
    const h = await booted();
    const res = await heartbeat(h.ctx(), {});
    assert.ok(Math.abs(Date.parse(res.currentTime) - Date.now()) < 2000);
  });

  test('[G02.FR.04] a Heartbeat is announced on the bus as station.heartbeat (last-seen itself: test/interop/csms-availability)', async () => {
    const h = await booted();
    const res = await h.station.call('Heartbeat', {});
    const ev = h.events.filter((e) => e.type === 'station.heartbeat');
    assert.equal(ev.length, 1);
    assert.deepEqual(ev[0], { type: 'station.heartbeat', stationId: 'CS001', at: res.currentTime });
  });
});

describe('G03/G04 ChangeAvailability', () => {
  test('[G03.FR.02] [G04.FR.03] the station\'s answer (Accepted/Scheduled/Rejected) is returned as is', async () => {
    const h = await booted();
    const seen: unknown[] = [];
    h.station.handle('ChangeAvailability', async (_c, req) => {
      seen.push(req);
      return { status: req.evse ? 'Scheduled' : 'Accepted' };
    });
    assert.equal((await changeAvailability(h.runtime, 'CS001', 'Inoperative')).status, 'Accepted');
    assert.equal((await changeAvailability(h.runtime, 'CS001', 'Inoperative', { id: 1, connectorId: 1 })).status, 'Scheduled');
    assert.deepEqual(seen, [{ operationalStatus: 'Inoperative' }, { operationalStatus: 'Inoperative', evse: { id: 1, connectorId: 1 } }]);
  });
});
