// The parsed form of a tariff (tariff-parse.ts), made once per tariff object, and advancing the calculation once
// per moment (tariff-cost.ts standsAt, used by tariff-tx.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { OcppTypes } from '@chargewire/ocpp';
import { dec } from '@chargewire/ocpp/decimal';
import { parseTariff, taxStacks } from './tariff-parse.ts';
import { advanceCost, costDetails, runningTotal, standsAt, startCost, type Sample } from './tariff-cost.ts';

type Tariff = OcppTypes.TariffType;
const T = (iso: string): number => Date.parse(iso);
const S = (iso: string, energyWh: number, powerW: number, currentA = powerW / 230): Sample => ({ at: T(iso), energyWh, powerW, currentA });

describe('parse cache', () => {
  test('a tariff is parsed once: the same parsed form for the same object, prices and caps as exact decimals', () => {
    const t: Tariff = {
      tariffId: 'p', currency: 'EUR', maxCost: { exclTax: 12.5 },
      energy: { taxRates: [{ type: 'vat', tax: 21 }], prices: [{ priceKwh: 0.4, conditions: { startTimeOfDay: '08:00', endTimeOfDay: '18:00', maxPower: 11_000 } }, { priceKwh: 0.25 }] },
      idleTime: { prices: [{ priceMinute: 0.1, conditions: { minIdleTime: 600, dayOfWeek: ['Saturday'] } }] },
    };
    const p = parseTariff(t);
    assert.equal(parseTariff(t), p);
    assert.notEqual(parseTariff({ ...t }), p, 'another tariff object is parsed on its own');
    assert.deepEqual(p.energy!.prices.map((x) => x.price), [dec('0.4'), dec('0.25')]);
    assert.deepEqual(p.energy!.prices[0]!.cond!.timeOfDay, [480, 1080]);
    assert.equal(p.energy!.prices[1]!.cond, undefined);
    assert.deepEqual(p.boundaries, [480, 1080, 0]);
    assert.deepEqual(p.idleMs, [600_000]);
    assert.deepEqual(p.dims, ['Energy', 'IdleTIme', 'MinPower', 'MaxPower']);
    assert.deepEqual(p.maxCost, { excl: dec('12.5') });
  });

  test('meter evaluations do not read the prices and times of day again', () => {
    let priceReads = 0, clockReads = 0;
    const conditions = { get startTimeOfDay() { clockReads++; return '08:00'; }, endTimeOfDay: '18:00' };
    const tariff = { tariffId: 'r', currency: 'EUR', energy: { prices: [{ get priceKwh() { priceReads++; return 0.4; }, conditions }, { priceKwh: 0.25 }] } } as Tariff;
    const s = startCost(tariff, { txStart: T('2025-01-06T07:00:00Z') }, S('2025-01-06T07:00:00Z', 0, 7200));
    const [prices, clocks] = [priceReads, clockReads];
    for (let i = 1; i <= 240; i++) advanceCost(s, { at: T('2025-01-06T07:00:00Z') + i * 60_000, energyWh: i * 120, powerW: 7200, currentA: 10 });
    assert.deepEqual([priceReads, clockReads], [prices, clocks], 'nothing re-parsed in 240 evaluations');
    assert.equal(prices, 1);
    // 07:00–08:00 7.2 kWh x 0.25, 08:00–11:00 21.6 kWh x 0.40
    assert.equal(runningTotal(s).excl, dec('10.44'));
  });

  test('I12.FR.13 tax stacks are summed once per rates list', () => {
    const rates = [{ type: 'VAT', tax: 21, stack: 1 }, { type: 'energy', tax: 6 }, { type: 'local', tax: 4 }];
    assert.deepEqual(taxStacks(rates), [dec(10), dec(21)]);
    assert.equal(taxStacks(rates), taxStacks(rates));
  });
});

describe('advancing once per moment', () => {
  // Charging time priced by power: a power change at a sample opens a new charging period at that moment.
  const tariff: Tariff = {
    tariffId: 'pw', currency: 'EUR',
    chargingTime: { prices: [{ priceMinute: 0.1, conditions: { maxPower: 11_000 } }, { priceMinute: 0.2, conditions: { minPower: 11_000 } }] },
  };
  const start = (): ReturnType<typeof startCost> => startCost(tariff, { txStart: T('2025-01-06T10:00:00Z') }, S('2025-01-06T10:00:00Z', 0, 7000));
  const X = S('2025-01-06T10:10:00Z', 1166.667, 22_000);
  const Y = S('2025-01-06T10:20:00Z', 4833.333, 22_000);

  test('standsAt: true right after advancing to a sample, false for another time, energy or power', () => {
    const s = start();
    assert.equal(standsAt(s, X), false);
    advanceCost(s, X);
    assert.equal(standsAt(s, X), true);
    assert.equal(standsAt(s, { ...X, at: X.at + 1 }), false);
    assert.equal(standsAt(s, { ...X, energyWh: X.energyWh + 0.001 }), false);
    assert.equal(standsAt(s, { ...X, powerW: 11_000 }), false);
    assert.equal(standsAt(s, { ...X, currentA: 1 }), false);
  });

  test('skipping the second advance to the same sample gives the same costs and charging periods', () => {
    const twice = start(), once = start();
    advanceCost(twice, X);
    advanceCost(twice, X); // what tx-engine evaluate used to do: trackCost, then armLimits -> localCostMs
    advanceCost(once, X);
    assert.equal(standsAt(once, X), true); // so tariff-tx skips it
    assert.deepEqual(runningTotal(once), runningTotal(twice));
    assert.deepEqual(costDetails(once, false), costDetails(twice, false));
    for (const s of [twice, once]) advanceCost(s, Y);
    const d = costDetails(once, true);
    assert.deepEqual(d, costDetails(twice, true));
    assert.deepEqual(d.chargingPeriods!.map((p) => p.startPeriod), ['2025-01-06T10:00:00.000Z', '2025-01-06T10:10:00.000Z']);
    assert.equal(d.totalCost.total.exclTax, 3); // 10 min x 0.10 + 10 min x 0.20
  });
});
