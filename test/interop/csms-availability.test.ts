// Blocks G and P end-to-end over real WebSockets: Part 6 test cases TC_G_xx_CSMS and TC_P_xx_CSMS,
// each in OCPP 2.0.1 and 2.1.
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { OcppVersion } from '@chargewire/ocpp';
import { changeAvailability, registerVendorHandler } from '@chargewire/csms';
import { startTestCsms, type TestCsms } from '../fixtures/csms.ts';
import { aBootNotification, aDataTransfer, aLockFailureEvent, aNotifyEvent, anEvent, aStatusNotification } from '../fixtures/builders.ts';

for (const version of ['2.0.1', '2.1'] as OcppVersion[]) {
  describe(`blocks G and P over WebSocket, OCPP ${version}`, () => {
    let t: TestCsms;
    before(async () => { t = await startTestCsms(); });
    after(async () => { await t.stop(); });
    let n = 0;
    const booted = async (tc: string) => {
      const sid = `${tc}-${version.replace(/\./g, '')}-${n++}`;
      const cs = await t.connect(sid, { version });
      await cs.call('BootNotification', aBootNotification());
      return { sid, cs };
    };

    const cases = [
      ['TC_G_03_CSMS', 'EVSE operative to inoperative', 'Inoperative', { id: 1 }, 'Accepted', 'Unavailable'],
      ['TC_G_04_CSMS', 'EVSE inoperative to operative', 'Operative', { id: 1 }, 'Accepted', 'Available'],
      ['TC_G_05_CSMS', 'Charging Station operative to inoperative', 'Inoperative', undefined, 'Accepted', 'Unavailable'],
      ['TC_G_06_CSMS', 'Charging Station inoperative to operative', 'Operative', undefined, 'Accepted', 'Available'],
      ['TC_G_07_CSMS', 'Connector operative to inoperative', 'Inoperative', { id: 1, connectorId: 1 }, 'Accepted', 'Unavailable'],
      ['TC_G_08_CSMS', 'Connector inoperative to operative', 'Operative', { id: 1, connectorId: 1 }, 'Accepted', 'Available'],
      ['TC_G_11_CSMS', 'EVSE with ongoing transaction', 'Inoperative', { id: 1 }, 'Scheduled', 'Unavailable'],
      ['TC_G_14_CSMS', 'Charging Station with ongoing transaction', 'Inoperative', undefined, 'Scheduled', 'Unavailable'],
      ['TC_G_17_CSMS', 'Connector with ongoing transaction', 'Inoperative', { id: 1, connectorId: 1 }, 'Scheduled', 'Unavailable'],
    ] as const;
    for (const [tc, name, op, evse, answer, after] of cases) {
      test(`${tc} Change Availability ${name}: request, ${answer}, status reported and stored`, async () => {
        const { sid, cs } = await booted(tc);
        cs.handle('ChangeAvailability', async (_c, req) => {
          assert.deepEqual(req, { operationalStatus: op, ...(evse ? { evse } : {}) });
          return { status: answer };
        });
        assert.equal((await changeAvailability(t.csms.runtime, sid, op, evse)).status, answer);
        // The station reports the new state in both forms (2.0.1 StatusNotification, 2.1 NotifyEvent).
        await cs.call('StatusNotification', aStatusNotification({ connectorStatus: after }));
        await cs.call('NotifyEvent', aNotifyEvent({ eventData: [anEvent({ actualValue: after, component: { name: 'Connector', evse: { id: 1, connectorId: 2 } } })] }));
        const conns = await t.store.listConnectors(sid);
        assert.deepEqual(conns.map((c) => [c.connectorId, c.status]), [[1, after], [2, after]]);
      });
    }

    test('TC_G_20_CSMS [G05.FR.03] Lock failure: the NotifyEvent is answered and stored', async () => {
      const { sid, cs } = await booted('G20');
      assert.deepEqual(await cs.call('NotifyEvent', aNotifyEvent({ eventData: [aLockFailureEvent()] })), {});
      const ev = await t.store.listEvents({ stationId: sid, limit: 5 });
      assert.equal(ev[0]?.event.variable.name, 'Problem');
    });

    test('TC_P_02_CSMS [P02.FR.06] [P02.FR.07] Data Transfer to the CSMS - Unknown VendorId / Unknown MessageId', async () => {
      const { cs } = await booted('P02');
      assert.equal((await cs.call('DataTransfer', aDataTransfer({ vendorId: 'org.unknown' }))).status, 'UnknownVendorId');
      const off = registerVendorHandler(t.csms.runtime, `com.chargewire.${version}`, (_c, req) => (req.messageId === 'Ping' ? { status: 'Accepted', data: 'Pong' } : { status: 'UnknownMessageId' }));
      try {
        assert.equal((await cs.call('DataTransfer', { vendorId: `com.chargewire.${version}`, messageId: 'Other' })).status, 'UnknownMessageId');
        assert.deepEqual(await cs.call('DataTransfer', { vendorId: `com.chargewire.${version}`, messageId: 'Ping' }), { status: 'Accepted', data: 'Pong' });
      } finally {
        off();
      }
    });

    test('TC_P_03_CSMS CustomData - receive custom data (StatusNotification)', async () => {
      const { sid, cs } = await booted('P03');
      await cs.call('StatusNotification', aStatusNotification({ customData: { vendorId: 'com.example', extra: 1 } as never }));
      assert.equal((await t.store.listConnectors(sid))[0]?.status, 'Available');
    });
  });
}
