// Part 6 test cases for the Charging Station, block G (Availability): the simulator under test, a
// scripted CSMS in the OCTT's role; exact message sequences, in OCPP 2.1 and 2.0.1.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { QUIET, sequence } from './sequence.ts';

const TWO = { evses: [{ connectors: [{}] }, { connectors: [{}] }] };

for (const version of VERSIONS) {
  describe(`Part 6 block G, station side (${version})`, () => {
    test('TC_G_01_CS TC_G_02_CS G01.FR.01 connector status Available -> Occupied -> Available', async () => {
      const { st, csms } = await harness({ version, variables: QUIET });
      csms.clear();
      st.plugIn(1, 1);
      await settle();
      st.unplug(1);
      await settle();
      assert.deepEqual(sequence(csms), ['StatusNotification(1/1:Occupied)', 'StatusNotification(1/1:Available)']);
    });

    test('TC_G_03_CS TC_G_04_CS G03.FR.01 G03.FR.04 ChangeAvailability EVSE Operative -> Inoperative -> Operative', async () => {
      const { csms } = await harness({ version, variables: QUIET, ...TWO });
      csms.clear();
      assert.equal((await csms.call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1 } })).status, 'Accepted');
      await settle();
      assert.equal((await csms.call('ChangeAvailability', { operationalStatus: 'Operative', evse: { id: 1 } })).status, 'Accepted');
      await settle();
      assert.deepEqual(sequence(csms), ['StatusNotification(1/1:Unavailable)', 'StatusNotification(1/1:Available)']);
    });

    test('TC_G_05_CS TC_G_06_CS G04.FR.01 G04.FR.05 ChangeAvailability station Operative -> Inoperative -> Operative: every connector', async () => {
      const { csms } = await harness({ version, variables: QUIET, ...TWO });
      csms.clear();
      assert.equal((await csms.call('ChangeAvailability', { operationalStatus: 'Inoperative' })).status, 'Accepted');
      await settle();
      assert.equal((await csms.call('ChangeAvailability', { operationalStatus: 'Operative' })).status, 'Accepted');
      await settle();
      assert.deepEqual(sequence(csms), ['StatusNotification(1/1:Unavailable)', 'StatusNotification(2/1:Unavailable)', 'StatusNotification(1/1:Available)', 'StatusNotification(2/1:Available)']);
    });

    test('TC_G_07_CS TC_G_08_CS G03.FR.01 ChangeAvailability connector Operative -> Inoperative -> Operative', async () => {
      const { csms } = await harness({ version, variables: QUIET, evses: [{ connectors: [{}, {}] }] });
      csms.clear();
      assert.equal((await csms.call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1, connectorId: 2 } })).status, 'Accepted');
      await settle();
      assert.equal((await csms.call('ChangeAvailability', { operationalStatus: 'Operative', evse: { id: 1, connectorId: 2 } })).status, 'Accepted');
      await settle();
      assert.deepEqual(sequence(csms), ['StatusNotification(1/2:Unavailable)', 'StatusNotification(1/2:Available)']);
    });

    test('TC_G_09_CS TC_G_10_CS TC_G_12_CS TC_G_13_CS TC_G_15_CS TC_G_16_CS G03.FR.03 G04.FR.04 already in the requested state: Accepted, no StatusNotification', async () => {
      const { csms } = await harness({ version, variables: QUIET });
      csms.clear();
      for (const evse of [{ id: 1 }, undefined, { id: 1, connectorId: 1 }]) {
        assert.equal((await csms.call('ChangeAvailability', { operationalStatus: 'Operative', ...(evse ? { evse } : {}) })).status, 'Accepted');
      }
      await csms.call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1 } });
      await settle();
      csms.clear();
      assert.equal((await csms.call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1 } })).status, 'Accepted');
      await settle();
      assert.deepEqual(sequence(csms), []);
    });

    test('TC_G_11_CS TC_G_14_CS TC_G_17_CS G03.FR.05 G04.FR.06 with an ongoing transaction: Scheduled, Unavailable after it ends', async () => {
      const { st, csms } = await harness({ version, variables: { ...QUIET, 'TxCtrlr.TxStartPoint': 'EVConnected', 'TxCtrlr.TxStopPoint': 'EVConnected' } });
      st.plugIn(1, 1);
      await settle();
      csms.clear();
      assert.equal((await csms.call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1 } })).status, 'Scheduled');
      assert.equal((await csms.call('ChangeAvailability', { operationalStatus: 'Inoperative' })).status, 'Scheduled');
      assert.equal((await csms.call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1, connectorId: 1 } })).status, 'Scheduled');
      await settle();
      assert.deepEqual(sequence(csms), []);
      st.unplug(1);
      await settle();
      assert.deepEqual(sequence(csms), ['TransactionEvent(Ended,EVCommunicationLost,EVDisconnected)', 'StatusNotification(1/1:Unavailable)']);
    });

    test('TC_G_18_CS TC_G_21_CS G03.FR.08 G04.FR.09 B01.FR.07 Inoperative persists across a reboot', async () => {
      const { csms } = await harness({ version, variables: QUIET });
      await csms.call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1 } });
      await settle();
      csms.clear();
      assert.deepEqual(await csms.call('Reset', { type: 'Immediate' }), { status: 'Accepted' });
      await csms.until(() => csms.of('StatusNotification').length === 1);
      assert.deepEqual(sequence(csms), ['BootNotification(RemoteReset)', 'StatusNotification(1/1:Unavailable)']);
    });
  });
}
