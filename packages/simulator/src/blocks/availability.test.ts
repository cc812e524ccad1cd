// G — Availability, station side (2.1 and 2.0.1).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';

for (const version of VERSIONS) {
  describe(`availability (${version})`, () => {
    test('TC_G_01_CS G01 StatusNotification on every connector change (plug/unplug)', async () => {
      const { st, csms } = await harness({ version });
      csms.clear();
      st.plugIn(1, 1);
      await settle();
      st.unplug(1);
      await settle();
      assert.deepEqual(csms.of('StatusNotification').map((s) => s.connectorStatus), ['Occupied', 'Available']);
    });

    test('TC_G_03_CS G03.FR.03 G03.FR.04 G03.FR.06 G03.FR.08 ChangeAvailability EVSE Inoperative: Unavailable, persisted across restart', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'cw-av-'));
      const { st, csms } = await harness({ version, dataDir });
      csms.clear();
      assert.equal((await csms.call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1 } })).status, 'Accepted');
      await settle();
      assert.deepEqual(csms.of('StatusNotification').map((s) => s.connectorStatus), ['Unavailable']);
      assert.equal((await csms.call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1 } })).status, 'Accepted', 'G03.FR.03 already in state');
      await st.stop();
      const again = await harness({ version, dataDir });
      assert.deepEqual(again.csms.of('StatusNotification').map((s) => s.connectorStatus), ['Unavailable'], 'B01.FR.07 / G03.FR.08 persistent');
      const rs = await again.csms.call('RequestStartTransaction', { idToken: { idToken: 'X', type: 'Central' }, remoteStartId: 3, evseId: 1 });
      assert.equal(rs.status, 'Rejected', 'F01.FR.23 Unavailable EVSE');
      await again.st.stop();
    });

    test('TC_G_11_CS TC_G_14_CS G03.FR.05 G04.FR.06 ChangeAvailability during a transaction: Scheduled, applied when it ends', async () => {
      const { st, csms } = await harness({ version, variables: { 'TxCtrlr.TxStartPoint': 'EVConnected', 'TxCtrlr.TxStopPoint': 'EVConnected' } });
      st.plugIn(1, 1);
      await settle();
      assert.equal((await csms.call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1 } })).status, 'Scheduled');
      assert.equal((await csms.call('ChangeAvailability', { operationalStatus: 'Inoperative' })).status, 'Scheduled');
      csms.clear();
      st.unplug(1);
      await settle();
      assert.equal(csms.of('StatusNotification').at(-1)!.connectorStatus, 'Unavailable');
      assert.equal(st.operative, false);
      assert.equal(st.evse(1).operative, false);
    });

    test('TC_G_05_CS TC_G_06_CS G04.FR.01 G04.FR.07 G04.FR.08 ChangeAvailability station Inoperative then Operative', async () => {
      const { csms } = await harness({ version, evses: [{ connectors: [{}] }, { connectors: [{}] }] });
      csms.clear();
      assert.equal((await csms.call('ChangeAvailability', { operationalStatus: 'Inoperative' })).status, 'Accepted');
      await settle();
      assert.deepEqual(csms.of('StatusNotification').map((s) => s.connectorStatus), ['Unavailable', 'Unavailable']);
      assert.equal((await csms.call('ChangeAvailability', { operationalStatus: 'Operative' })).status, 'Accepted');
      await settle();
      assert.deepEqual(csms.of('StatusNotification').slice(2).map((s) => s.connectorStatus), ['Available', 'Available']);
    });
  });
}
