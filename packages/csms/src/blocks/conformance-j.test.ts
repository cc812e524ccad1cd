// Conformance tests for block J (Meter Values), CSMS side: how the CSMS reads the fields the station fills.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { MeterValueType } from '@chargewire/ocpp/types';
import { blockHarness } from '../../../../test/fixtures/block-harness.ts';
import { aBootNotification } from '../../../../test/fixtures/builders.ts';

const T = '2026-03-01T10:15:00.000Z';
const sample: MeterValueType = {
  timestamp: T,
  sampledValue: [
    { value: 1234.5 }, // no measurand: the spec default Energy.Active.Import.Register
    { value: 230.1, measurand: 'Voltage', phase: 'L1-N', location: 'Inlet', context: 'Sample.Clock' },
    { value: 16, measurand: 'Current.Import', phase: 'L2', location: 'Outlet', context: 'Sample.Clock' },
  ],
};

async function booted() {
  const h = await blockHarness();
  await h.station.call('BootNotification', aBootNotification());
  return h;
}

const view = (r: { timestamp: string; measurand: string; phase?: string; location?: string; context?: string; value: number }) =>
  ({ timestamp: r.timestamp, measurand: r.measurand, phase: r.phase, location: r.location, context: r.context, value: r.value });

describe('J01 MeterValues', () => {
  test('[J01.FR.17] [J01.FR.08] the MeterValue timestamp applies to every SampledValue; each keeps its context', async () => {
    const h = await booted();
    await h.station.call('MeterValues', { evseId: 0, meterValue: [sample] });
    const rows = await h.store.listMeterValues({ stationId: 'CS001', limit: 100 });
    assert.equal(rows.length, 3);
    assert.ok(rows.every((r) => r.timestamp === T));
    assert.deepEqual(rows.map((r) => r.context).sort(), [undefined, 'Sample.Clock', 'Sample.Clock'].sort());
  });
});

describe('J02 meter values in TransactionEvent', () => {
  test('[J02.FR.18] [J02.FR.03] [J02.FR.04] [J02.FR.05] [J02.FR.06] transaction samples keep the MeterValue timestamp, measurand (default applied), context, location and phase', async () => {
    const h = await booted();
    await h.station.call('TransactionEvent', {
      eventType: 'Started', seqNo: 0, timestamp: T, triggerReason: 'CablePluggedIn', transactionInfo: { transactionId: 'TX-J' }, evse: { id: 1, connectorId: 1 },
      meterValue: [{ ...sample, sampledValue: sample.sampledValue.map((s) => ({ ...s, context: 'Transaction.Begin' as const })) }],
    });
    const rows = (await h.store.listMeterValues({ stationId: 'CS001', transactionId: 'TX-J', limit: 100 })).map(view);
    const by = (m: string) => rows.find((r) => r.measurand === m);
    assert.equal(rows.length, 3);
    assert.ok(rows.every((r) => r.timestamp === T && r.context === 'Transaction.Begin'));
    assert.deepEqual(by('Energy.Active.Import.Register')?.value, 1234.5);
    assert.deepEqual(by('Voltage'), { timestamp: T, measurand: 'Voltage', phase: 'L1-N', location: 'Inlet', context: 'Transaction.Begin', value: 230.1 });
    assert.deepEqual(by('Current.Import'), { timestamp: T, measurand: 'Current.Import', phase: 'L2', location: 'Outlet', context: 'Transaction.Begin', value: 16 });
  });
});
