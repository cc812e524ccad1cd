import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { MeterValueType } from '@chargewire/ocpp/types';
import { blockHarness } from '../../../../test/fixtures/block-harness.ts';
import { aBootNotification } from '../../../../test/fixtures/builders.ts';
import { meterValues, meterSeries } from './meter-values.ts';

async function booted() {
  const h = await blockHarness({ version: '2.1' });
  await h.station.call('BootNotification', aBootNotification());
  return h;
}
const signed = { signedMeterData: 'QUJDREVG', signingMethod: 'ECDSA-secp256r1-SHA256', encodingMethod: 'OCMF', publicKey: 'oca:base64:UFVC' };

describe('J01 MeterValues', () => {
  test('[J01.FR.18] answered after storing; [J01.FR.07] [J01.FR.09] [J01.FR.10] every measurand/phase/location/unit kept', async () => {
    const h = await booted();
    const ts = '2026-03-01T10:00:00.000Z';
    const mv: MeterValueType[] = [{ timestamp: ts, sampledValue: [
      { value: 12345.6, context: 'Sample.Clock', unitOfMeasure: { unit: 'kWh', multiplier: 0 } },
      { value: 230.1, measurand: 'Voltage', phase: 'L1-N', location: 'Outlet', unitOfMeasure: { unit: 'V' } },
      { value: 15.8, measurand: 'Current.Import', phase: 'L2', location: 'Inlet', unitOfMeasure: { unit: 'A' } },
      { value: 21, measurand: 'Frequency', location: 'Body', unitOfMeasure: { unit: 'Hz' } },
      { value: 80, measurand: 'SoC', location: 'EV', unitOfMeasure: { unit: 'Percent' } },
    ] }];
    assert.deepEqual(await meterValues(h.ctx(), { evseId: 0, meterValue: mv }), {});
    const rows = await h.store.listMeterValues({ stationId: 'CS001', limit: 100 });
    assert.deepEqual(rows.map((r) => [r.measurand, r.phase ?? null, r.location ?? null, r.unit ?? null, r.value]), [
      ['Energy.Active.Import.Register', null, null, 'kWh', 12345.6],
      ['Voltage', 'L1-N', 'Outlet', 'V', 230.1],
      ['Current.Import', 'L2', 'Inlet', 'A', 15.8],
      ['Frequency', null, 'Body', 'Hz', 21],
      ['SoC', null, 'EV', 'Percent', 80],
    ]);
    assert.ok(h.events.some((e) => e.type === 'meter.values' && e.count === 5));
  });

  test('[J01.FR.21] signed meter values are stored verbatim; a repeated message is not stored twice', async () => {
    const h = await booted();
    const mv: MeterValueType[] = [{ timestamp: '2026-03-01T10:15:00.000Z', sampledValue: [{ value: 5, context: 'Sample.Clock', signedMeterValue: signed }] }];
    await meterValues(h.ctx('a'), { evseId: 1, meterValue: mv });
    await meterValues(h.ctx('b'), { evseId: 1, meterValue: mv });
    const rows = await h.store.listMeterValues({ stationId: 'CS001', limit: 100 });
    assert.equal(rows.length, 1);
    assert.deepEqual(rows[0]!.signedMeterValue, signed);
  });

  test('J02 meter value series group samples by measurand/phase/location, oldest first', async () => {
    const h = await booted();
    for (const [i, v] of [100, 200, 300].entries()) {
      await meterValues(h.ctx(`m${i}`), { evseId: 1, meterValue: [{ timestamp: `2026-03-01T10:0${i}:00.000Z`, sampledValue: [{ value: v }, { value: 10 + i, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W' } }] }] });
    }
    const s = await meterSeries(h.runtime, 'CS001', { evseId: 1 });
    assert.deepEqual(s.map((x) => [x.measurand, x.points.map((p) => p.value)]), [['Energy.Active.Import.Register', [100, 200, 300]], ['Power.Active.Import', [10, 11, 12]]]);
  });
});
