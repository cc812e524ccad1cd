// Local cost calculation from an OCPP 2.1 tariff (I12), the pure calculator: worked examples of Part 2 I §1.2 /
// §1.3, conditions, taxes, min/max cost, DST, exact decimals, projection for maxCost (E16.FR.16).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { OcppTypes } from '@chargewire/ocpp';
import { advanceCost, applyTax, changeTariff, checkTariff, costDetails, msUntilTotal, runningTotal, startCost, type CostContext, type Sample } from './tariff-cost.ts';
import { dec, toNumber, toText } from '@chargewire/ocpp/decimal';
import { localTime, nextLocalBoundary } from '@chargewire/ocpp/local-time';

type Tariff = OcppTypes.TariffType;
const T = (iso: string): number => Date.parse(iso);
const S = (iso: string, energyWh: number, powerW: number, currentA = powerW / 230): Sample => ({ at: T(iso), energyWh, powerW, currentA });
const ctx = (iso: string, more: Partial<CostContext> = {}): CostContext => ({ txStart: T(iso), ...more });
const periods = (d: OcppTypes.CostDetailsType) => d.chargingPeriods!.map((p) => [p.startPeriod.slice(11, 16), ...p.dimensions!.map((x) => `${x.type}=${x.volume}`)].join(' '));

// Part 2 I §1.2.1: simple kWh tariff of $0.25 per kWh.
const TARIFF_10: Tariff = { tariffId: '10', currency: 'USD', energy: { taxRates: [{ type: 'federal', tax: 6.0 }, { type: 'state', tax: 4.0 }], prices: [{ priceKwh: 0.25 }] } };
// Part 2 I §1.2.2: time-of-day kWh tariff (the idle fee is tested separately); taxes as in the §1.3 costDetails example.
const TARIFF_11: Tariff = {
  tariffId: '11', currency: 'EUR',
  energy: { taxRates: [{ type: 'vat', tax: 10 }], prices: [{ priceKwh: 0.4, conditions: { startTimeOfDay: '08:00', endTimeOfDay: '18:00' } }, { priceKwh: 0.25 }] },
};

describe('exact decimals', () => {
  test('no float drift: 0.1 + 0.2 = 0.3, a third of a minute, many small steps', () => {
    assert.equal(dec(0.1) + dec(0.2), dec('0.3'));
    assert.equal(toText(dec(0.1) + dec(0.2)), '0.3');
    assert.equal(dec('1e-7'), 100_000n);
    assert.equal(toNumber(dec('2.8749999'), 3), 2.875);
    assert.equal(toNumber(dec('-0.0000001')), 0);
    // 0.10 per kWh, 3 kWh in 3000 samples of 1 Wh: exactly 0.30 (a float sum gives 0.30000000000000004).
    const s = startCost({ tariffId: 'x', currency: 'EUR', energy: { prices: [{ priceKwh: 0.1 }] } }, ctx('2025-01-01T00:00:00Z'), S('2025-01-01T00:00:00Z', 0, 3600));
    for (let i = 1; i <= 3000; i++) advanceCost(s, { at: T('2025-01-01T00:00:00Z') + i * 1000, energyWh: i, powerW: 3600, currentA: 5 });
    assert.equal(toText(runningTotal(s).excl), '0.3');
    // 1.00 per minute: 20 s three times is exactly 1.00; 10 s reports as 0.166667.
    const m = startCost({ tariffId: 'y', currency: 'EUR', chargingTime: { prices: [{ priceMinute: 1 }] } }, ctx('2025-01-01T00:00:00Z'), S('2025-01-01T00:00:00Z', 0, 1000));
    advanceCost(m, S('2025-01-01T00:00:10Z', 2.778, 1000));
    assert.equal(costDetails(m, false).totalCost.total.exclTax, 0.166667);
    for (const at of ['00:00:20', '00:00:40', '00:01:00']) advanceCost(m, S(`2025-01-01T${at}Z`, 1, 1000));
    assert.equal(toText(runningTotal(m).excl), '1');
  });

  test('I12.FR.13 taxes: equal stacks add up, each higher stack applies on top of the one below', () => {
    assert.equal(toText(applyTax(dec(2.5), [{ type: 'federal', tax: 6 }, { type: 'state', tax: 4 }])), '2.75');
    assert.equal(toText(applyTax(dec(100), [{ type: 'VAT', tax: 21, stack: 1 }, { type: 'energy tax', tax: 10 }])), '133.1');
    assert.equal(toText(applyTax(dec(100), undefined)), '100', 'no taxRates: no tax');
  });
});

describe('worked examples, Part 2 I §1.3', () => {
  test('I12.FR.01 I12.FR.04 I12.FR.09 I12.FR.16 I12.FR.17 I12.FR.41 tariff 10, 10 kWh: one charging period, 2.50 excl., 2.75 incl. tax', () => {
    const s = startCost(TARIFF_10, ctx('2023-04-05T14:01:02Z'), S('2023-04-05T14:01:02Z', 0, 10_000));
    advanceCost(s, S('2023-04-05T15:01:02Z', 10_000, 0));
    assert.deepEqual(costDetails(s, true), {
      chargingPeriods: [{ tariffId: '10', startPeriod: '2023-04-05T14:01:02.000Z', dimensions: [{ type: 'Energy', volume: 10000 }] }],
      totalCost: { currency: 'USD', typeOfCost: 'NormalCost', energy: { exclTax: 2.5, inclTax: 2.75, taxRates: TARIFF_10.energy!.taxRates }, total: { exclTax: 2.5, inclTax: 2.75 } },
      totalUsage: { energy: 10000, chargingTime: 3600, idleTime: 0 },
    });
  });

  test('I12.FR.35 I12.FR.36 tariff 11 from 17:30: a new charging period at 18:00, 3.10 excl., 3.41 incl. tax', () => {
    // 8 kW: 4 kWh until 18:00 at 0.40 (office hours), then 6 kWh at 0.25 (the example text swaps the two prices).
    const s = startCost(TARIFF_11, ctx('2023-04-05T17:30:00Z'), S('2023-04-05T17:30:00Z', 0, 8000));
    advanceCost(s, S('2023-04-05T18:45:00Z', 10_000, 8000)); // one sample across the boundary: split exactly
    const d = costDetails(s, true);
    assert.deepEqual(d.chargingPeriods, [
      { tariffId: '11', startPeriod: '2023-04-05T17:30:00.000Z', dimensions: [{ type: 'Energy', volume: 4000 }] },
      { tariffId: '11', startPeriod: '2023-04-05T18:00:00.000Z', dimensions: [{ type: 'Energy', volume: 6000 }] },
    ]);
    assert.deepEqual(d.totalCost, { currency: 'EUR', typeOfCost: 'NormalCost', energy: { exclTax: 3.1, inclTax: 3.41, taxRates: [{ type: 'vat', tax: 10 }] }, total: { exclTax: 3.1, inclTax: 3.41 } });
    assert.deepEqual(d.totalUsage, { energy: 10000, chargingTime: 4500, idleTime: 0 });
  });

  test('I12.FR.05 I12.FR.10 I12.FR.30 tariff 12: start fee by payment recognition, charging time priced by power (MinPower/MaxPower)', () => {
    const tariff: Tariff = {
      tariffId: '12', currency: 'EUR',
      fixedFee: { taxRates: [{ type: 'vat', tax: 10 }], prices: [{ priceFixed: 3.0, conditions: { paymentRecognition: 'CC' } }, { priceFixed: 2.5 }] },
      chargingTime: { taxRates: [{ type: 'vat', tax: 15 }], prices: [{ priceMinute: 1.0, conditions: { maxPower: 11_000 } }, { priceMinute: 2.0, conditions: { minPower: 11_000 } }] },
    };
    const s = startCost(tariff, ctx('2023-04-05T14:00:00Z'), S('2023-04-05T14:00:00Z', 0, 10_500, 45.65));
    advanceCost(s, S('2023-04-05T15:00:00Z', 10_500, 22_000, 95.65)); // 1 h below 11 kW
    advanceCost(s, S('2023-04-05T15:30:00Z', 21_500, 0, 0)); // 30 min above
    const d = costDetails(s, true);
    assert.deepEqual(periods(d), ['14:00 ChargingTime=3600 MinPower=10500 MaxPower=10500', '15:00 ChargingTime=1800 MinPower=22000 MaxPower=22000']);
    assert.deepEqual(d.totalCost.fixed, { exclTax: 2.5, inclTax: 2.75, taxRates: [{ type: 'vat', tax: 10 }] }, 'not paid by credit card');
    assert.deepEqual(d.totalCost.chargingTime, { exclTax: 120, inclTax: 138, taxRates: [{ type: 'vat', tax: 15 }] });
    assert.deepEqual(d.totalCost.total, { exclTax: 122.5, inclTax: 140.75 });
    assert.deepEqual(d.totalUsage, { energy: 21500, chargingTime: 5400, idleTime: 0 });
    const cc = startCost(tariff, ctx('2023-04-05T14:00:00Z', { paymentRecognition: 'CC' }), S('2023-04-05T14:00:00Z', 0, 0));
    assert.equal(costDetails(cc, false).totalCost.fixed?.exclTax, 3, 'credit card start fee');
  });
});

describe('tariff conditions', () => {
  const idle: Tariff = {
    tariffId: 'idle', currency: 'EUR', energy: { prices: [{ priceKwh: 0.3 }] },
    idleTime: { prices: [{ priceMinute: 1.0, conditions: { startTimeOfDay: '09:00', endTimeOfDay: '18:00', minIdleTime: 300, dayOfWeek: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'] } }] },
  };
  test('I12.FR.11 idle fee after 5 minutes of idle time, on weekdays during office hours only', () => {
    // Monday 2025-01-06: charge 1 h at 10 kW, then 20 minutes idle: 15 minutes are billed.
    const s = startCost(idle, ctx('2025-01-06T10:00:00Z'), S('2025-01-06T10:00:00Z', 0, 10_000));
    advanceCost(s, S('2025-01-06T11:00:00Z', 10_000, 0));
    advanceCost(s, S('2025-01-06T11:20:00Z', 10_000, 0));
    const d = costDetails(s, true);
    assert.deepEqual(d.totalCost.idleTime, { exclTax: 15, inclTax: 15 });
    assert.deepEqual(d.totalUsage, { energy: 10000, chargingTime: 3600, idleTime: 1200 });
    assert.deepEqual(periods(d), ['10:00 Energy=10000 IdleTIme=300', '11:05 Energy=0 IdleTIme=900'], 'the first 5 idle minutes are free');
    // Sunday: no applicable idle price, no idle cost.
    const sun = startCost(idle, ctx('2025-01-05T10:00:00Z'), S('2025-01-05T10:00:00Z', 0, 10_000));
    advanceCost(sun, S('2025-01-05T11:00:00Z', 10_000, 0));
    advanceCost(sun, S('2025-01-05T11:20:00Z', 10_000, 0));
    assert.deepEqual(costDetails(sun, true).totalCost.idleTime, { exclTax: 0, inclTax: 0 });
  });

  test('I12.FR.31 I12.FR.33 I12.FR.34 I12.FR.35 energy, charging-time and transaction-time thresholds split exactly where they are crossed', () => {
    const t: Tariff = {
      tariffId: 'thr', currency: 'EUR',
      energy: { prices: [{ priceKwh: 0.3, conditions: { maxEnergy: 5000 } }, { priceKwh: 0.2 }] },
      chargingTime: { prices: [{ priceMinute: 0, conditions: { maxChargingTime: 1800 } }, { priceMinute: 0.1, conditions: { maxTime: 3600 } }, { priceMinute: 0.5 }] },
    };
    const s = startCost(t, ctx('2025-01-01T00:00:00Z'), S('2025-01-01T00:00:00Z', 0, 8000));
    advanceCost(s, S('2025-01-01T01:30:00Z', 12_000, 0)); // 8 kW: 5 kWh reached at 00:37:30
    const d = costDetails(s, true);
    assert.deepEqual(periods(d), ['00:00 Energy=4000 ChargingTime=1800', '00:30 Energy=1000 ChargingTime=450', '00:37 Energy=3000 ChargingTime=1350', '01:00 Energy=4000 ChargingTime=1800']);
    assert.equal(d.chargingPeriods![2]!.startPeriod, '2025-01-01T00:37:30.000Z');
    assert.deepEqual(d.totalCost.energy, { exclTax: 2.9, inclTax: 2.9 }); // 5 x 0.30 + 7 x 0.20
    assert.deepEqual(d.totalCost.chargingTime, { exclTax: 18, inclTax: 18 }); // 30 min x 0.10 + 30 min x 0.50
  });

  test('I07.FR.17 day of week and validity dates in local time (ClockCtrlr.TimeZone): a new period at local midnight', () => {
    const t: Tariff = {
      tariffId: 'days', currency: 'EUR',
      energy: { prices: [{ priceKwh: 0.5, conditions: { validFromDate: '2025-01-04', validToDate: '2025-01-05' } }, { priceKwh: 0.2, conditions: { dayOfWeek: ['Sunday'] } }, { priceKwh: 0.3 }] },
    };
    // Friday 23:00 UTC = Saturday 00:00 in Amsterdam (CET): 0.50 (valid Saturday only), Sunday 0.20.
    const s = startCost(t, ctx('2025-01-03T22:00:00Z', { timeZone: 'Europe/Amsterdam' }), S('2025-01-03T22:00:00Z', 0, 1000));
    advanceCost(s, S('2025-01-05T00:00:00Z', 26_000, 0));
    const d = costDetails(s, true);
    assert.deepEqual(d.chargingPeriods!.map((p) => [p.startPeriod, p.dimensions![0]!.volume]), [
      ['2025-01-03T22:00:00.000Z', 1000], ['2025-01-03T23:00:00.000Z', 24000], ['2025-01-04T23:00:00.000Z', 1000]]);
    assert.equal(toText(runningTotal(s).excl), '12.5'); // 1 kWh x 0.30 + 24 kWh x 0.50 + 1 kWh x 0.20
  });

  test('I12.FR.37 local time follows the end of daylight saving time: a price that ended at 02:30 applies again after the clock goes back', () => {
    const t: Tariff = { tariffId: 'dst', currency: 'EUR', energy: { prices: [{ priceKwh: 0.5, conditions: { endTimeOfDay: '02:30' } }, { priceKwh: 0.2 }] } };
    assert.equal(localTime(T('2025-10-26T00:59:59Z'), 'Europe/Amsterdam').minutes, 2 * 60 + 59); // 02:59 CEST
    assert.equal(localTime(T('2025-10-26T01:00:00Z'), 'Europe/Amsterdam').minutes, 2 * 60); // 02:00 CET
    assert.equal(nextLocalBoundary(T('2025-10-26T00:45:00Z'), [150], 'Europe/Amsterdam'), T('2025-10-26T01:00:00Z'), 'the offset change comes first');
    // 01:00 CEST (23:00Z) to 04:00 CET (03:00Z) at 1 kW.
    const s = startCost(t, ctx('2025-10-25T23:00:00Z', { timeZone: 'Europe/Amsterdam' }), S('2025-10-25T23:00:00Z', 0, 1000));
    advanceCost(s, S('2025-10-26T03:00:00Z', 4000, 0));
    assert.deepEqual(costDetails(s, true).chargingPeriods!.map((p) => [p.startPeriod.slice(11, 16), p.dimensions![0]!.volume]), [
      ['23:00', 1500], ['00:30', 500], ['01:00', 500], ['01:30', 1500]]);
    assert.equal(toText(runningTotal(s).excl), '1.4'); // 2 kWh x 0.50 + 2 kWh x 0.20
  });

  test('evseKind and payment brand conditions', () => {
    const t: Tariff = {
      tariffId: 'kind', currency: 'EUR', energy: { prices: [{ priceKwh: 0.6, conditions: { evseKind: 'DC' } }, { priceKwh: 0.3 }] },
      fixedFee: { prices: [{ priceFixed: 1, conditions: { paymentBrand: 'VISA' } }] },
    };
    const dc = startCost(t, ctx('2025-01-01T00:00:00Z', { evseKind: 'DC', paymentBrand: 'VISA' }), S('2025-01-01T00:00:00Z', 0, 0));
    advanceCost(dc, S('2025-01-01T01:00:00Z', 1000, 0));
    assert.equal(toText(runningTotal(dc).excl), '1.6');
    const ac = startCost(t, ctx('2025-01-01T00:00:00Z', { evseKind: 'AC' }), S('2025-01-01T00:00:00Z', 0, 0));
    advanceCost(ac, S('2025-01-01T01:00:00Z', 1000, 0));
    assert.equal(toText(runningTotal(ac).excl), '0.3');
    assert.equal(costDetails(ac, false).totalCost.fixed, undefined, 'no applicable fixed price');
  });
});

describe('min / max cost, reservation, tariff change', () => {
  test('I12.FR.39 I12.FR.40 the tariff maxCost freezes the totals exactly where it is reached; usage continues', () => {
    const t: Tariff = { tariffId: 'cap', currency: 'EUR', energy: { prices: [{ priceKwh: 1 }], taxRates: [{ type: 'vat', tax: 25 }] }, maxCost: { inclTax: 5 } };
    const s = startCost(t, ctx('2025-01-01T00:00:00Z'), S('2025-01-01T00:00:00Z', 0, 8000));
    advanceCost(s, S('2025-01-01T01:00:00Z', 8000, 0));
    const d = costDetails(s, true);
    assert.equal(d.totalCost.typeOfCost, 'MaxCost');
    assert.deepEqual(d.totalCost.total, { exclTax: 4, inclTax: 5 });
    assert.deepEqual(d.totalUsage, { energy: 8000, chargingTime: 3600, idleTime: 0 });
    assert.equal(msUntilTotal(s, 100), undefined, 'frozen: never more');
  });

  test('I12.FR.38 I12.FR.41 minCost replaces the total at the end only; periods and usage stay', () => {
    const t: Tariff = { tariffId: 'min', currency: 'EUR', energy: { prices: [{ priceKwh: 0.25 }] }, minCost: { exclTax: 2, taxRates: [{ type: 'vat', tax: 21 }] } };
    const s = startCost(t, ctx('2025-01-01T00:00:00Z'), S('2025-01-01T00:00:00Z', 0, 1000));
    advanceCost(s, S('2025-01-01T01:00:00Z', 1000, 0));
    assert.equal(costDetails(s, false).totalCost.typeOfCost, 'NormalCost', 'running cost');
    const d = costDetails(s, true);
    assert.deepEqual(d.totalCost, { currency: 'EUR', typeOfCost: 'MinCost', fixed: { exclTax: 2, inclTax: 2.42, taxRates: [{ type: 'vat', tax: 21 }] }, total: { exclTax: 2, inclTax: 2.42 } });
    assert.deepEqual(d.totalUsage.energy, 1000);
    assert.equal(d.chargingPeriods!.length, 1);
  });

  test('I12.FR.06 I12.FR.07 I12.FR.08 reservation time and fixed reservation fee, once at the start', () => {
    const t: Tariff = {
      tariffId: 'res', currency: 'EUR', energy: { prices: [{ priceKwh: 0.3 }] },
      reservationTime: { prices: [{ priceMinute: 0.1 }] }, reservationFixed: { prices: [{ priceFixed: 0.5 }], taxRates: [{ type: 'vat', tax: 20 }] },
    };
    const s = startCost(t, ctx('2025-01-01T00:00:00Z', { reservationS: 600 }), S('2025-01-01T00:00:00Z', 0, 0));
    const d = costDetails(s, true);
    assert.deepEqual(d.totalCost.reservationTime, { exclTax: 1, inclTax: 1 });
    assert.deepEqual(d.totalCost.reservationFixed, { exclTax: 0.5, inclTax: 0.6, taxRates: [{ type: 'vat', tax: 20 }] });
    assert.equal(d.totalUsage.reservationTime, 600);
    const none = startCost(t, ctx('2025-01-01T00:00:00Z'), S('2025-01-01T00:00:00Z', 0, 0));
    assert.equal(costDetails(none, true).totalCost.reservationTime, undefined, 'not authorized with a reservation');
  });

  test('I11.FR.08 a changed tariff applies from that moment on, in a new charging period with its tariffId', () => {
    const s = startCost(TARIFF_10, ctx('2025-01-01T00:00:00Z'), S('2025-01-01T00:00:00Z', 0, 6000));
    changeTariff(s, { tariffId: '10b', currency: 'USD', energy: { prices: [{ priceKwh: 0.5 }] } }, S('2025-01-01T00:30:00Z', 3000, 6000));
    advanceCost(s, S('2025-01-01T01:00:00Z', 6000, 0));
    const d = costDetails(s, true);
    assert.deepEqual(d.chargingPeriods!.map((p) => `${p.tariffId}@${p.startPeriod.slice(11, 16)}:${p.dimensions![0]!.volume}`), ['10@00:00:3000', '10b@00:30:3000']);
    assert.deepEqual(d.totalCost.total, { exclTax: 2.25, inclTax: 2.325 }); // 0.75 (+10 % tax) + 1.50
  });
});

describe('projection for transactionLimit.maxCost (E16.FR.16)', () => {
  test('msUntilTotal: when the running total including tax reaches a value at the present power, across price changes', () => {
    const s = startCost(TARIFF_10, ctx('2025-01-01T00:00:00Z'), S('2025-01-01T00:00:00Z', 0, 11_000));
    // 1.10 incl. 10 % tax = 1.00 excl. = 4 kWh at 11 kW = 4/11 h.
    const near = (a: number | undefined, b: number): void => assert.ok(a !== undefined && Math.abs(a - b) < 0.001, `${a} != ${b}`);
    near(msUntilTotal(s, 1.1), (4 / 11) * 3_600_000); // (epoch-ms arithmetic: sub-ms precision only)
    const t = startCost(TARIFF_11, ctx('2023-04-05T17:30:00Z'), S('2023-04-05T17:30:00Z', 0, 8000));
    // 1.76 incl. (1.60 excl.) at 18:00; the next 0.55 incl. (0.50 excl.) at 0.25/kWh takes 2 kWh = 15 minutes.
    near(msUntilTotal(t, 1.76 + 0.55), 45 * 60_000);
    advanceCost(t, S('2023-04-05T18:15:00Z', 6000, 8000));
    assert.equal(msUntilTotal(t, 2.31), 0, 'reached');
    const idle = startCost(TARIFF_10, ctx('2025-01-01T00:00:00Z'), S('2025-01-01T00:00:00Z', 0, 0));
    assert.equal(msUntilTotal(idle, 1), undefined, 'nothing grows without power');
  });
});

describe('tariff validation', () => {
  const ok = { conditionsSupported: true, maxElements: 3 };
  test('I07.FR.02 I07.FR.03 I07.FR.05 I11.FR.02 I11.FR.03 TooManyElements, ConditionNotSupported, Rejected for an invalid structure', () => {
    assert.deepEqual(checkTariff(TARIFF_11, ok), { status: 'Accepted' });
    assert.equal(checkTariff({ ...TARIFF_10, energy: { prices: [{ priceKwh: 1 }, { priceKwh: 2 }, { priceKwh: 3 }, { priceKwh: 4 }] } }, ok).status, 'TooManyElements');
    assert.equal(checkTariff(TARIFF_11, { conditionsSupported: false }).status, 'ConditionNotSupported');
    assert.equal(checkTariff(TARIFF_10, { conditionsSupported: false }).status, 'Accepted');
    assert.equal(checkTariff({ ...TARIFF_10, currency: 'euro' }, ok).status, 'Rejected');
    assert.equal(checkTariff({ ...TARIFF_10, energy: { prices: [{ priceKwh: 1, conditions: { startTimeOfDay: '8:00' } }] } }, ok).status, 'Rejected');
    assert.equal(checkTariff({ ...TARIFF_10, energy: { prices: [{ priceKwh: 1, conditions: { validToDate: '2025-02-30' } }] } }, ok).status, 'Rejected');
    assert.equal(checkTariff({ ...TARIFF_10, energy: { prices: [{ priceKwh: 1, conditions: { minPower: 5000, maxPower: 5000 } }] } }, ok).status, 'Rejected');
    assert.equal(checkTariff({ ...TARIFF_10, validFrom: 'tomorrow' }, ok).status, 'Rejected');
  });
});
