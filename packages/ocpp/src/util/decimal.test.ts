// Exact decimals (decimal.ts): parsing of numbers and decimal text, rounding half away from zero, arithmetic at
// 1e-12, conversion back to numbers and text, and what is refused.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dec, div, min, mul, parseDecimal, roundDiv, SCALE, toNumber, toText } from './decimal.ts';

describe('parsing', () => {
  test('numbers and decimal text, exactly: no binary float error', () => {
    assert.equal(dec(0.1) + dec(0.2), dec('0.3'));
    assert.equal(dec(0.25), 250_000_000_000n);
    assert.equal(dec('3'), 3n * SCALE);
    assert.equal(dec('.5'), SCALE / 2n);
    assert.equal(dec('5.'), 5n * SCALE);
    assert.equal(dec('+2'), 2n * SCALE);
    assert.equal(dec(' 2.5 '), dec('2.5'));
  });

  test('negative values', () => {
    assert.equal(dec('-3'), -3n * SCALE);
    assert.equal(dec(-0.25), -250_000_000_000n);
    assert.equal(toText(dec('-1.5')), '-1.5');
    assert.equal(dec('-0'), 0n);
  });

  test('many digits stay exact', () => {
    const big = '123456789012345678901234567890.123456789012';
    assert.equal(toText(dec(big)), big);
    assert.equal(toText(dec(`-${big}`)), `-${big}`);
    assert.equal(toText(dec('0.000000000001')), '0.000000000001');
  });

  test('exponent forms (String(number) writes them below 1e-6 and from 1e21)', () => {
    assert.equal(dec('1e-7'), 100_000n);
    assert.equal(dec(1e-7), 100_000n);
    assert.equal(dec('2.5E3'), 2500n * SCALE);
    assert.equal(dec(1e21), 10n ** 21n * SCALE);
    assert.equal(dec('1e+21'), dec(1e21));
    assert.equal(dec('-1.5e-3'), -1_500_000_000n);
  });

  test('more than 12 places are rounded half away from zero', () => {
    assert.equal(dec('0.0000000000005'), 1n);
    assert.equal(dec('-0.0000000000005'), -1n);
    assert.equal(dec('0.00000000000049'), 0n);
    assert.equal(dec('5e-13'), 1n);
    assert.equal(parseDecimal('2.5', 0), 3n);
    assert.equal(parseDecimal('-2.5', 0), -3n);
    assert.equal(parseDecimal('2.449', 2), 245n);
  });

  test('invalid input throws RangeError', () => {
    for (const v of ['', ' ', '.', '-', '+', 'abc', '1.2.3', '0x10', '1e', 'e5', '1,5', 'NaN', 'Infinity', '1 000', '--1']) assert.throws(() => dec(v), RangeError, JSON.stringify(v));
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) assert.throws(() => dec(v), RangeError, String(v));
  });

  test('options: exact (no rounding), no negative, no exponent', () => {
    assert.equal(parseDecimal(0.000001, 6, { exact: true }), 1n);
    assert.equal(parseDecimal('1.0000000', 6, { exact: true }), 1_000_000n, 'trailing zeros are not places lost');
    assert.throws(() => parseDecimal(0.1234567, 6, { exact: true }), RangeError);
    assert.throws(() => parseDecimal('-1', 6, { negative: false }), RangeError);
    assert.equal(parseDecimal('1', 6, { negative: false }), 1_000_000n);
    assert.throws(() => parseDecimal('1e-6', 6, { exponent: false }), RangeError);
    assert.throws(() => parseDecimal(1e21, 6, { exponent: false }), RangeError);
  });
});

describe('arithmetic and output', () => {
  test('roundDiv rounds half away from zero for every sign', () => {
    assert.deepEqual([roundDiv(5n, 2n), roundDiv(-5n, 2n), roundDiv(5n, -2n), roundDiv(-5n, -2n)], [3n, -3n, -3n, 3n]);
    assert.deepEqual([roundDiv(4n, 3n), roundDiv(-7n, 2n), roundDiv(7n, 4n), roundDiv(0n, 7n)], [1n, -4n, 2n, 0n]);
  });

  test('mul, div and min at 1e-12, rounded once', () => {
    assert.equal(mul(dec('1.5'), dec('2')), dec('3'));
    assert.equal(mul(dec('-0.000001'), dec('0.5')), -500_000n);
    assert.equal(div(dec(1), dec(3)), 333_333_333_333n);
    assert.equal(div(dec(2), dec(3)), 666_666_666_667n);
    assert.equal(div(dec(-2), dec(3)), -666_666_666_667n);
    assert.equal(min(dec(1), dec(-1)), dec(-1));
  });

  test('toNumber rounds to the reporting precision, half away from zero, never -0', () => {
    assert.equal(toNumber(dec('0.1234565')), 0.123457);
    assert.equal(toNumber(dec('-0.1234565')), -0.123457);
    assert.equal(toNumber(dec('2.8749999'), 3), 2.875);
    assert.equal(toNumber(dec('2.5'), 0), 3);
    assert.equal(toNumber(dec('-2.5'), 0), -3);
    assert.equal(toNumber(dec('0.000000000001'), 12), 1e-12);
    assert.ok(Object.is(toNumber(dec('-0.0000001')), 0));
  });

  test('toText writes the exact value without trailing zeros', () => {
    assert.deepEqual([0n, dec('100'), dec('100.5'), dec('-0.000000000001')].map(toText), ['0', '100', '100.5', '-0.000000000001']);
  });
});
