// Blocks G and P end-to-end over real WebSockets: Part 6 test cases TC_G_xx_CSMS and TC_P_xx_CSMS,
// each in OCPP 2.0.1 and 2.1.
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { OcppVersion } from '@chargewire/ocpp';
import { changeAvailability, registerVendorHandler } from '@chargewire/csms';
import { startTestCsms, eventually, type TestCsms } from '../fixtures/csms.ts';
import { aBootNotification, aDataTransfer, aLockFailureEvent, aNotifyEvent, anEvent, aStatusNotification } from '../fixtures/builders.ts';

for (const version of ['2.0.1', '2.1'] as OcppVersion[]) {
  describe(`blocks G and P over WebSocket, OCPP ${version}`, () => {
    let t: TestCsms;
    // last-seen persisted at most once a second (store.touchIntervalMs; the default is 10 s), so the test can step past it
    before(async () => { t = await startTestCsms({ store: { touchIntervalMs: 1000 } }); });
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

    test('[G02.FR.04] every message received (CALL of any action, CALLRESULT, even a rejected one) refreshes last-seen; silence does not', async () => {
      const sid = `G02-${version.replace(/\./g, '')}`;
      // validate: false so this station can also send a payload the CSMS must reject.
      const cs = await t.connect(sid, { version, validate: false });
      await cs.call('BootNotification', aBootNotification());
      const lastSeen = async () => Date.parse((await t.store.getStation(sid))!.lastSeen!);
      const sessionSeen = () => t.csms.runtime.sessions.get(sid)!.lastSeen.getTime();
      // last-seen is persisted at most once a second per station (touchIntervalMs above): step past that window each time.
      const step = () => new Promise((r) => setTimeout(r, 1100));
      const advancedFrom = async (before: number, what: string) => {
        const sentAt = Date.now();
        await eventually(async () => (await lastSeen()) > before, 2000).catch(() => assert.fail(`${what}: stored last-seen did not advance`));
        const now = await lastSeen();
        assert.ok(now >= sentAt - 50 && now <= Date.now(), `${what}: last-seen is the time of the message`);
        assert.ok(sessionSeen() >= sentAt - 50, `${what}: the session's last-seen follows`);
        return now;
      };
      let seen: number = await eventually(async () => ((await t.store.getStation(sid))?.lastSeen ? lastSeen() : 0));
      // Silence: no message, no change (the CSMS does not invent availability).
      await step();
      assert.equal(await lastSeen(), seen, 'no message: last-seen unchanged');
      // A CALL that is not a Heartbeat.
      const t1 = Date.now();
      await cs.call('StatusNotification', aStatusNotification());
      seen = await advancedFrom(seen, 'StatusNotification');
      assert.ok(seen >= t1 - 50);
      // A CALLRESULT to a CSMS-initiated call.
      await step();
      cs.handle('ChangeAvailability', async () => ({ status: 'Accepted' }));
      const beforeCall = seen;
      await changeAvailability(t.csms.runtime, sid, 'Operative');
      seen = await advancedFrom(beforeCall, 'CALLRESULT');
      // A CALL the CSMS rejects (schema violation): still proof the station is there.
      await step();
      await assert.rejects(cs.call('StatusNotification', { ...aStatusNotification(), connectorStatus: 'Broken' } as never), { code: 'PropertyConstraintViolation' });
      await advancedFrom(seen, 'rejected CALL');
      assert.equal(t.csms.runtime.sessions.has(sid), true);
    });

    test('TC_P_03_CSMS CustomData - receive custom data (StatusNotification)', async () => {
      const { sid, cs } = await booted('P03');
      await cs.call('StatusNotification', aStatusNotification({ customData: { vendorId: 'com.example', extra: 1 } as never }));
      assert.equal((await t.store.listConnectors(sid))[0]?.status, 'Available');
    });
  });
}

test('[G02.FR.04] store.touchIntervalMs: while connected the stored last-seen is written at most once per interval (the session has the exact time); on disconnect the last message\'s time is stored', async () => {
  const t = await startTestCsms({ store: { touchIntervalMs: 60_000 } });
  try {
    const sid = 'TOUCH-1';
    const cs = await t.connect(sid, { version: '2.1' });
    await cs.call('BootNotification', aBootNotification());
    const stored = async () => Date.parse((await t.store.getStation(sid))?.lastSeen ?? '0');
    const first = (await eventually(async () => (await stored()) || undefined))!;
    await new Promise((r) => setTimeout(r, 50));
    await cs.call('StatusNotification', aStatusNotification());
    const live = t.csms.runtime.sessions.get(sid)!.lastSeen.getTime();
    assert.ok(live > first, 'the session follows every message');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(await stored(), first, 'within the interval nothing more is written');
    await cs.close();
    await eventually(async () => (await stored()) === live || undefined);
  } finally {
    await t.stop();
  }
});
