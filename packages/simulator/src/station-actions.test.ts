// The driver / EV / test-bench hooks are Station methods (station-actions.ts), usable from the package entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { settle } from './clock.ts';
import { harness } from './testing/harness.ts';
import { QUIET } from './conformance/sequence.ts';
import { Station } from './index.ts';

test('the hooks are methods of the exported Station class', () => {
  for (const m of ['pressStartButton', 'driveIn', 'driveOut', 'setLockFailure', 'setTemporarilyUnable', 'allowUnsignedFirmware', 'setLogUploadMethod', 'fault', 'clearFault', 'evStopSession', 'setTransactionLimit', 'presentPaymentCard', 'cancelPayment', 'validateVatNumber', 'scanQr']) {
    assert.equal(typeof (Station.prototype as unknown as Record<string, unknown>)[m], 'function', m);
  }
});

test('C02.FR.01 st.pressStartButton(): authorized with NoAuthorization; E01.FR.01 E06.FR.01 st.driveIn() / st.driveOut() start and end a ParkingBayOccupancy transaction', async () => {
  const { st, csms } = await harness({ variables: { ...QUIET, 'TxCtrlr.TxStartPoint': 'ParkingBayOccupancy', 'TxCtrlr.TxStopPoint': 'ParkingBayOccupancy' } });
  st.driveIn(1);
  await settle();
  st.pressStartButton(1);
  await settle();
  st.driveOut(1);
  await settle();
  assert.deepEqual(csms.txEvents.map((e) => `${e.eventType}(${e.triggerReason})`), ['Started(EVDetected)', 'Updated(Authorized)', 'Ended(EVDeparted)']);
  assert.deepEqual(csms.txEvents[1]!.idToken, { idToken: '', type: 'NoAuthorization' });
});

test('G05.FR.02 st.setLockFailure(): NotifyEvent ConnectorPlugRetentionLock.Problem; B11.FR.06 st.setTemporarilyUnable("reset"): Reset Rejected', async () => {
  const { st, csms } = await harness({ variables: QUIET });
  st.setLockFailure(1, true);
  await settle();
  const ev = csms.of('NotifyEvent').at(-1)!.eventData[0]!;
  assert.deepEqual([ev.component.name, ev.variable.name, ev.actualValue], ['ConnectorPlugRetentionLock', 'Problem', 'true']);
  st.setTemporarilyUnable('reset');
  assert.equal((await csms.call('Reset', { type: 'Immediate' })).status, 'Rejected');
  st.setTemporarilyUnable('reset', false);
  st.allowUnsignedFirmware();
  st.setLogUploadMethod('POST');
});
