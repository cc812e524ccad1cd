import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from './clock.ts';
import { Meter, deliveredPower } from './meter.ts';

test('J meter: integrates Wh from delivered power over clock time', async () => {
  const clock = new ManualClock();
  const m = new Meter(clock, 1000);
  m.setPower(11_000);
  await clock.advance(30 * 60_000);
  assert.equal(m.read().energyWh, 1000 + 5500);
  m.setPower(0);
  await clock.advance(60 * 60_000);
  assert.equal(m.read().energyWh, 6500);
  m.setPower(7400);
  await clock.advance(15 * 60_000);
  assert.equal(m.read().energyWh, 6500 + 1850);
  assert.equal(m.read().currentA, Math.round((7400 / 690) * 100) / 100);
});

test('J meter: SoC rises with energy into the battery capacity', async () => {
  const clock = new ManualClock();
  const m = new Meter(clock);
  m.setBattery(20, 50_000);
  m.setPower(10_000);
  await clock.advance(60 * 60_000);
  assert.equal(m.read().soc, 40);
});

test('J meter: delivered power respects EV demand, connector max and limit', () => {
  assert.equal(deliveredPower({ pathClosed: true, evDrawW: 50_000, connectorMaxW: 22_000 }), 22_000);
  assert.equal(deliveredPower({ pathClosed: true, evDrawW: 7_000, connectorMaxW: 22_000 }), 7_000);
  assert.equal(deliveredPower({ pathClosed: true, evDrawW: 50_000, connectorMaxW: 22_000, limitW: 4_000 }), 4_000);
  assert.equal(deliveredPower({ pathClosed: false, evDrawW: 50_000, connectorMaxW: 22_000 }), 0);
});
