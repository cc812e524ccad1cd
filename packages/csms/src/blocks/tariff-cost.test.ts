// The flat-tariff cost function (tariff-cost.ts) and its configuration (config.ts `tariff.*`).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { costMinorUnits, flatCost, minorUnitDigits, tariffActive, toMicros, usageOf, type FlatTariff } from './tariff-cost.ts';
import { helpText, loadConfig } from '../config.ts';
import type { TransactionRecord } from '../store/store.ts';

const EUR = (o: Partial<FlatTariff> = {}): FlatTariff => ({ currency: 'EUR', pricePerKWh: 0, pricePerMinute: 0, sessionFee: 0, ...o });
const MIN = 60_000;

describe('flat tariff cost (I02/I03 running and final cost, E16.FR.11 cost updates)', () => {
  test('energy component: pricePerKWh x kWh, rounded to the minor unit', () => {
    assert.equal(flatCost(EUR({ pricePerKWh: 0.35 }), { energyWh: 12_345, durationMs: 0 }), 4.32); // 4.32075
    assert.equal(flatCost(EUR({ pricePerKWh: 0.35 }), { energyWh: 12_358.6, durationMs: 0 }), 4.33); // 4.32551
    assert.equal(costMinorUnits(EUR({ pricePerKWh: 0.35 }), { energyWh: 12_345, durationMs: 0 }), 432n);
  });

  test('rounding is half up, once, on the exact total', () => {
    assert.equal(flatCost(EUR({ pricePerKWh: 0.5 }), { energyWh: 10, durationMs: 0 }), 0.01); // 0.005
    assert.equal(flatCost(EUR({ pricePerKWh: 0.5 }), { energyWh: 9.999, durationMs: 0 }), 0); // 0.0049995
    // three components of 0.004 each: rounded separately 0.00, rounded once 0.012 -> 0.01
    assert.equal(flatCost(EUR({ pricePerKWh: 0.004, pricePerMinute: 0.004, sessionFee: 0.004 }), { energyWh: 1000, durationMs: MIN }), 0.01);
  });

  test('no float drift: decimal prices add up exactly', () => {
    assert.notEqual(0.1 * 3, 0.3); // what a float sum would give
    assert.equal(flatCost(EUR({ pricePerKWh: 0.1 }), { energyWh: 3000, durationMs: 0 }), 0.3);
    assert.equal(flatCost(EUR({ pricePerKWh: 0.2, sessionFee: 0.1 }), { energyWh: 1000, durationMs: 0 }), 0.3);
    assert.equal(toMicros(0.000001), 1n);
    assert.equal(toMicros(1_000_000), 1_000_000_000_000n);
    assert.throws(() => toMicros(0.1234567), RangeError);
    // large values stay exact (BigInt): 1,000,000 per kWh for 1 GWh
    assert.equal(costMinorUnits(EUR({ pricePerKWh: 1_000_000 }), { energyWh: 1e9, durationMs: 0 }), 100_000_000_000_000n);
  });

  test('zero tariff: cost 0 (free charging, I03.FR.04), and the tariff is off only without a currency', () => {
    assert.equal(flatCost(EUR(), { energyWh: 50_000, durationMs: 120 * MIN }), 0);
    assert.equal(tariffActive(EUR()), true);
    assert.equal(tariffActive({ ...EUR(), currency: '' }), false);
    assert.equal(tariffActive(undefined), false);
  });

  test('session fee: charged once, from the first second', () => {
    assert.equal(flatCost(EUR({ sessionFee: 1.5 }), { energyWh: 0, durationMs: 0 }), 1.5);
    assert.equal(flatCost(EUR({ sessionFee: 1.5, pricePerKWh: 0.3 }), { energyWh: 2000, durationMs: 0 }), 2.1);
  });

  test('time component: pricePerMinute prorated per whole second since the start', () => {
    const t = EUR({ pricePerMinute: 0.06 });
    assert.equal(flatCost(t, { energyWh: 0, durationMs: 90_999 }), 0.09); // 90 s = 1.5 min
    assert.equal(flatCost(t, { energyWh: 0, durationMs: 60 * MIN }), 3.6);
    assert.equal(flatCost(t, { energyWh: 0, durationMs: -5000 }), 0);
    assert.equal(flatCost(EUR({ pricePerKWh: 0.3, pricePerMinute: 0.05, sessionFee: 0.5 }), { energyWh: 3500, durationMs: 20 * MIN }), 2.55);
  });

  test('minor unit per ISO 4217: JPY 0, EUR 2, KWD 3 decimal places', () => {
    assert.deepEqual(['JPY', 'EUR', 'KWD'].map(minorUnitDigits), [0, 2, 3]);
    assert.equal(flatCost({ ...EUR({ pricePerKWh: 35 }), currency: 'JPY' }, { energyWh: 1234, durationMs: 0 }), 43); // 43.19
    assert.equal(flatCost({ ...EUR({ pricePerKWh: 0.125 }), currency: 'KWD' }, { energyWh: 1001, durationMs: 0 }), 0.125); // 0.125125
  });

  test('usage of a stored transaction: energy = highest - lowest register, time to the end or to `at`', () => {
    const tx = { stationId: 'S', transactionId: 'T', state: 'Updated', triggerReason: 'MeterValuePeriodic', startedAt: '2026-03-01T10:00:00.000Z', energyWh: 15_500, meterStartWh: 12_000, offline: false, eventCount: 2, updatedAt: '' } as TransactionRecord;
    assert.deepEqual(usageOf(tx, Date.parse('2026-03-01T10:10:00Z')), { energyWh: 3500, durationMs: 10 * MIN });
    assert.deepEqual(usageOf({ ...tx, state: 'Ended', endedAt: '2026-03-01T10:30:00.000Z' }, Date.parse('2026-03-01T10:10:00Z')), { energyWh: 3500, durationMs: 30 * MIN });
    assert.deepEqual(usageOf({ ...tx, energyWh: undefined, meterStartWh: undefined }, Date.parse('2026-03-01T10:01:00Z')), { energyWh: 0, durationMs: MIN });
  });
});

describe('config tariff.*', () => {
  test('off by default; env and file values are decimals', () => {
    assert.deepEqual(loadConfig().tariff, { currency: '', pricePerKWh: 0, pricePerMinute: 0, sessionFee: 0 });
    const c = loadConfig({ env: { CHARGEWIRE_TARIFF_CURRENCY: 'EUR', CHARGEWIRE_TARIFF_PRICE_PER_KWH: '0.35', CHARGEWIRE_TARIFF_PRICE_PER_MINUTE: '0.05', CHARGEWIRE_TARIFF_SESSION_FEE: '1' } });
    assert.deepEqual(c.tariff, { currency: 'EUR', pricePerKWh: 0.35, pricePerMinute: 0.05, sessionFee: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'cw-tariff-'));
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ tariff: { currency: 'JPY', pricePerKWh: 35, sessionFee: '100.5' } }));
    assert.deepEqual(loadConfig({ file: join(dir, 'c.json') }).tariff, { currency: 'JPY', pricePerKWh: 35, pricePerMinute: 0, sessionFee: 100.5 });
  });

  test('bad values are reported: negative, too many places, not a number, unknown currency, price without currency', () => {
    const problems = (env: Record<string, string>): string => {
      try { loadConfig({ env }); } catch (err) { return ((err as { details: { problems: string[] } }).details.problems).join('\n'); }
      return '';
    };
    assert.match(problems({ CHARGEWIRE_TARIFF_CURRENCY: 'EUR', CHARGEWIRE_TARIFF_PRICE_PER_KWH: '-1' }), /CHARGEWIRE_TARIFF_PRICE_PER_KWH: expected a decimal number from 0 to 1000000 with at most 6 decimal places, got "-1"/);
    assert.match(problems({ CHARGEWIRE_TARIFF_CURRENCY: 'EUR', CHARGEWIRE_TARIFF_SESSION_FEE: '0.1234567' }), /CHARGEWIRE_TARIFF_SESSION_FEE: expected a decimal/);
    assert.match(problems({ CHARGEWIRE_TARIFF_CURRENCY: 'EUR', CHARGEWIRE_TARIFF_PRICE_PER_MINUTE: '1e-3' }), /CHARGEWIRE_TARIFF_PRICE_PER_MINUTE: expected a decimal/);
    assert.match(problems({ CHARGEWIRE_TARIFF_CURRENCY: 'eur' }), /tariff\.currency\): expected an ISO 4217 currency code/);
    assert.match(problems({ CHARGEWIRE_TARIFF_CURRENCY: 'QQQ' }), /expected an ISO 4217 currency code/);
    assert.match(problems({ CHARGEWIRE_TARIFF_PRICE_PER_KWH: '0.3' }), /a tariff price is set, so its currency is required/);
    assert.equal(problems({ CHARGEWIRE_TARIFF_CURRENCY: 'EUR' }), '');
    assert.throws(() => loadConfig({ overrides: { tariff: { pricePerKWh: 0.1 + 0.2, currency: 'EUR' } } }), /tariff\.pricePerKWh: expected a decimal/);
  });

  test('--help lists the tariff options', () => {
    const h = helpText();
    for (const env of ['CHARGEWIRE_TARIFF_CURRENCY', 'CHARGEWIRE_TARIFF_PRICE_PER_KWH', 'CHARGEWIRE_TARIFF_PRICE_PER_MINUTE', 'CHARGEWIRE_TARIFF_SESSION_FEE']) assert.match(h, new RegExp(env));
  });
});
