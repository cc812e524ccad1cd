// Block G (Availability), station side: focused tests for connector status reporting, heartbeats and lock failure.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { setLockFailure } from '../blocks/availability.ts';
import { QUIET, sequence } from './sequence.ts';

const TX_EV = { 'TxCtrlr.TxStartPoint': 'EVConnected', 'TxCtrlr.TxStopPoint': 'EVConnected' };

for (const version of VERSIONS) {
  describe(`block G station-side FRs (${version})`, () => {
    test('G01.FR.03 G01.FR.04 EV connects: Occupied; EV disconnects: Available', async () => {
      const { st, csms } = await harness({ version, variables: QUIET });
      csms.clear();
      st.plugIn(1, 1);
      await settle();
      st.unplug(1);
      await settle();
      assert.deepEqual(sequence(csms), ['StatusNotification(1/1:Occupied)', 'StatusNotification(1/1:Available)']);
    });

    test('G01.FR.05 EV disconnects while the connector is scheduled to become Unavailable: Unavailable', async () => {
      const { st, csms } = await harness({ version, variables: { ...QUIET, ...TX_EV } });
      st.plugIn(1, 1);
      await settle();
      assert.equal((await csms.call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1, connectorId: 1 } })).status, 'Scheduled');
      csms.clear();
      st.unplug(1);
      await settle();
      assert.deepEqual(sequence(csms).filter((s) => s.startsWith('Status')), ['StatusNotification(1/1:Unavailable)']);
    });

    test('G01.FR.07 G03.FR.02 G03.FR.07 G04.FR.02 G04.FR.03 ChangeAvailability: response says what happened, status reported, Operative reverts to the original status', async () => {
      const { csms } = await harness({ version, variables: QUIET, evses: [{ connectors: [{}, {}] }] });
      csms.clear();
      assert.equal((await csms.call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1 } })).status, 'Accepted');
      await settle();
      assert.equal((await csms.call('ChangeAvailability', { operationalStatus: 'Operative', evse: { id: 1 } })).status, 'Accepted');
      await settle();
      assert.equal((await csms.call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 7 } })).status, 'Rejected');
      assert.deepEqual(sequence(csms), ['StatusNotification(1/1:Unavailable)', 'StatusNotification(1/2:Unavailable)', 'StatusNotification(1/1:Available)', 'StatusNotification(1/2:Available)']);
    });

    test('G01.FR.02 an EVSE set Unavailable stays Unavailable after a reboot', async () => {
      const { csms } = await harness({ version, variables: QUIET });
      await csms.call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1 } });
      await settle();
      csms.clear();
      await csms.call('Reset', { type: 'Immediate' });
      await csms.until(() => csms.of('StatusNotification').length === 1);
      assert.deepEqual(sequence(csms), ['BootNotification(RemoteReset)', 'StatusNotification(1/1:Unavailable)']);
    });

    test('G02.FR.01 G02.FR.02 G02.FR.05 heartbeat at the interval from BootNotificationResponse; the timer restarts when another message was sent', async () => {
      const { st, csms, clock } = await harness({ version, variables: { 'AlignedDataCtrlr.Interval': '0', 'SampledDataCtrlr.TxUpdatedInterval': '0' },
        replies: { BootNotification: () => ({ currentTime: new Date().toISOString(), interval: 100, status: 'Accepted' }) } });
      const beat = () => csms.of('Heartbeat').length;
      await clock.advance(100_000);
      assert.equal(beat(), 1);
      await clock.advance(50_000);
      st.plugIn(1, 1); // StatusNotification at t = 150 s
      await settle();
      await clock.advance(50_000); // t = 200 s: only 50 s since the last message
      assert.equal(beat(), 1);
      await clock.advance(50_000); // t = 250 s: 100 s idle
      assert.equal(beat(), 2);
      await clock.advance(300_000);
      assert.equal(beat(), 5);
    });

    test('G02.FR.07 messages keep the heartbeat timer from firing: still one Heartbeat every 24 hours (TimeSource Heartbeat)', async () => {
      // Clock-aligned MeterValues every 30 min, HeartbeatInterval 1 h: the timer never expires on its own.
      const { csms, clock } = await harness({ version, variables: { 'AlignedDataCtrlr.Interval': '1800', 'SampledDataCtrlr.TxUpdatedInterval': '0' },
        replies: { BootNotification: () => ({ currentTime: new Date().toISOString(), interval: 3600, status: 'Accepted' }) } });
      await clock.advance(23 * 3600_000);
      assert.equal(csms.of('Heartbeat').length, 0);
      assert.ok(csms.of('MeterValues').length >= 40);
      await clock.advance(2 * 3600_000);
      assert.equal(csms.of('Heartbeat').length, 1);
    });

    test('G05.FR.01 G05.FR.02 connector retention lock fails: no charging, NotifyEvent ConnectorPlugRetentionLock.Problem true', async () => {
      const { st, csms } = await harness({ version, variables: QUIET });
      st.plugIn(1, 1);
      setLockFailure(st, 1, true);
      await st.presentToken('TAG1');
      await settle();
      assert.equal(st.state().evses[0]!.powerW, 0);
      assert.notEqual(st.state().evses[0]!.chargingState, 'Charging');
      assert.equal(csms.txEvents.length, 0, 'TxStartPoint PowerPathClosed: no transaction without the lock');
      const ev = csms.of('NotifyEvent')[0]!.eventData[0]!;
      assert.deepEqual([ev.component.name, ev.component.evse?.id, ev.variable.name, ev.actualValue, ev.trigger], ['ConnectorPlugRetentionLock', 1, 'Problem', 'true', 'Delta']);
      setLockFailure(st, 1, false);
      await settle();
      assert.equal(st.state().evses[0]!.chargingState, 'Charging');
      const cleared = csms.of('NotifyEvent')[1]!.eventData[0]!;
      assert.deepEqual([cleared.actualValue, cleared.cleared], ['false', true]);
    });
  });
}
