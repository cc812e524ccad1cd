// Block P (Data Transfer), station side.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { settle } from '../clock.ts';
import { harness, VERSIONS } from '../testing/harness.ts';
import { dataTransfer, SIM_VENDOR_ID } from '../blocks/data-transfer.ts';

for (const version of VERSIONS) {
  describe(`block P station-side FRs (${version})`, () => {
    test('P01.FR.05 P01.FR.06 incoming DataTransfer: unknown vendorId -> UnknownVendorId, unknown messageId -> UnknownMessageId, known -> Accepted', async () => {
      const { csms } = await harness({ version });
      assert.deepEqual(await csms.call('DataTransfer', { vendorId: 'com.example.other', messageId: 'Echo' }), { status: 'UnknownVendorId' });
      assert.deepEqual(await csms.call('DataTransfer', { vendorId: SIM_VENDOR_ID, messageId: 'NoSuchMessage' }), { status: 'UnknownMessageId' });
      assert.deepEqual(await csms.call('DataTransfer', { vendorId: SIM_VENDOR_ID }), { status: 'UnknownMessageId' });
      assert.deepEqual(await csms.call('DataTransfer', { vendorId: SIM_VENDOR_ID, messageId: 'Echo', data: { a: [1, 2] } }), { status: 'Accepted', data: { a: [1, 2] } });
    });

    test('P01.FR.01 P02.FR.02 P02.FR.04 the station sends DataTransfer only when asked (never for OCPP functions), with the messageId given', async () => {
      const { st, csms, clock } = await harness({ version, variables: { 'AlignedDataCtrlr.Interval': '900', 'SampledDataCtrlr.TxUpdatedInterval': '60', 'OCPPCommCtrlr.HeartbeatInterval': '300' } });
      st.plugIn(1, 1);
      await st.presentToken('TAG1');
      await clock.advance(30 * 60_000);
      st.unplug(1);
      await clock.advance(15 * 60_000); // idle: clock-aligned MeterValues, Heartbeat
      await csms.call('TriggerMessage', { requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } });
      await csms.call('GetBaseReport', { requestId: 1, reportBase: 'SummaryInventory' });
      await settle();
      const actions = new Set(csms.received.map((r) => r.action));
      assert.ok(actions.has('TransactionEvent') && actions.has('MeterValues') && actions.has('Heartbeat') && actions.has('NotifyReport'));
      assert.equal(actions.has('DataTransfer'), false);
      const r = await dataTransfer(st, 'com.example.vendor', 'Ping', 'x');
      assert.deepEqual(r, { status: 'Accepted' });
      assert.deepEqual(csms.of('DataTransfer'), [{ vendorId: 'com.example.vendor', messageId: 'Ping', data: 'x' }]);
    });
  });
}
