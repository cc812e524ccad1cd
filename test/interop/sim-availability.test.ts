// Block G interop: our simulator against our CSMS over real WebSockets, OCPP 2.1 and 2.0.1.
// Scenarios follow the OCPP 2.0.1 Part 6 certification test cases for the CSMS (TC_G_xx_CSMS).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { changeAvailability } from '@chargewire/csms';
import { startSimEnv, VERSIONS, idFor, eventually, statusStored, storedStatus, type SimEnv } from './sim-harness.ts';

for (const version of VERSIONS) {
  describe(`simulator <-> CSMS, block G, OCPP ${version}`, () => {
    let env: SimEnv;
    before(async () => { env = await startSimEnv(); });
    after(async () => { await env.stop(); });

    test('[G01.FR.01] [G01.FR.02] [G01.FR.08] Status notifications on plug-in and unplug are stored with the station timestamp; the blocked sibling connector is not reported', async () => {
      const sid = idFor('G01', version);
      const s = await env.station({ identity: sid, version, evses: [{ connectors: [{ type: 'cType2' }] }, { connectors: [{ type: 'cCCS2' }, { type: 'cCCS1' }] }] });
      await s.accepted();
      assert.deepEqual((await env.store.listConnectors(sid)).map((c) => [c.evseId, c.connectorId, c.status]), [[1, 1, 'Available'], [2, 1, 'Available'], [2, 2, 'Available']]);
      await s.clock.advance(60_000);
      s.st.plugIn(2, 2);
      await statusStored(env.store, sid, 'Occupied', 2, 2);
      const occupied = (await env.store.listConnectors(sid)).find((c) => c.evseId === 2 && c.connectorId === 2);
      assert.equal(occupied?.at, new Date(s.clock.now()).toISOString());
      // [G01.FR.08] the other connector of the same EVSE cannot be used meanwhile, but the station
      // SHOULD NOT report it: it stays Available in the CSMS.
      assert.equal(s.st.state().evses[1]?.connectors[0]?.status, 'Unavailable');
      assert.equal(await storedStatus(env.store, sid, 2, 1), 'Available');
      assert.equal(await storedStatus(env.store, sid, 1, 1), 'Available');
      await s.clock.advance(60_000);
      s.st.unplug(2);
      await statusStored(env.store, sid, 'Available', 2, 2);
      const key = (x: { evseId: number; connectorId: number; status: string }) => `${x.evseId}/${x.connectorId}:${x.status}`;
      assert.deepEqual(s.log.statuses.slice(3).map(key).sort(), ['2/2:Available', '2/2:Occupied']);
      const journal = await env.store.listJournal(sid, { action: 'StatusNotification', direction: 'in', limit: 50 });
      assert.equal(journal.length, 5);
    });

    for (const [tc, level, evse] of [
      ['TC_G_03_CSMS TC_G_04_CSMS', 'EVSE', { id: 1 }], ['TC_G_05_CSMS TC_G_06_CSMS', 'Charging Station', undefined], ['TC_G_07_CSMS TC_G_08_CSMS', 'Connector', { id: 1, connectorId: 1 }],
    ] as const) {
      test(`${tc} [G03.FR.01] [G03.FR.04] [G04.FR.01] [G04.FR.05] Change Availability ${level} - Operative to Inoperative and back`, async () => {
        const sid = idFor(`G-${level.replace(/ /g, '')}`, version);
        const s = await env.station({ identity: sid, version });
        await s.accepted();
        const res = await changeAvailability(env.runtime, sid, 'Inoperative', evse);
        assert.equal(res.status, 'Accepted');
        await statusStored(env.store, sid, 'Unavailable');
        assert.equal(s.st.state().evses[0]?.connectors[0]?.status, 'Unavailable');
        const req = s.log.requests.find((r) => r.action === 'ChangeAvailability');
        assert.deepEqual(req?.payload, { operationalStatus: 'Inoperative', ...(evse ? { evse } : {}) });
        // Already Inoperative: Accepted again, no new status (G03.FR.03 / G04.FR.04).
        assert.equal((await changeAvailability(env.runtime, sid, 'Inoperative', evse)).status, 'Accepted');
        assert.equal((await changeAvailability(env.runtime, sid, 'Operative', evse)).status, 'Accepted');
        await statusStored(env.store, sid, 'Available');
        assert.deepEqual(s.log.statuses.map((x) => x.status), ['Available', 'Unavailable', 'Available']);
      });
    }
  });
}
