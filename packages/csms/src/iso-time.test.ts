// isoTime must write exactly what Date.prototype.toISOString writes (stored timestamps are compared as text).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoNow, isoTime } from './iso-time.ts';

const DAY = 86_400_000;
const MAX = 8.64e15;

test('isoTime equals toISOString at day edges, around the epoch, leap days and the ends of the Date range', () => {
  const base = [0, -1, 1, DAY - 1, DAY, -DAY, -DAY - 1, Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(2024, 2, 1), Date.UTC(1900, 0, 1),
    Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10000, 0, 1), Date.UTC(-1, 0, 1), Date.UTC(0, 0, 1) - 1, MAX, -MAX, MAX - 1, -MAX + 1];
  for (const ms of base) {
    for (const d of [0, 1, -1, 999, 1000, 59_999, 3_599_999, 3_600_000]) {
      const v = ms + d;
      if (Math.abs(v) > MAX) continue;
      assert.equal(isoTime(v), new Date(v).toISOString(), `at ${v}`);
    }
  }
});

test('isoTime equals toISOString on 200,000 random times, in runs within one day and jumping between days', () => {
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  let ms = Date.UTC(2026, 10, 30);
  for (let i = 0; i < 200_000; i++) {
    const r = rnd();
    if (r < 0.001) ms = Math.floor((rnd() * 2 - 1) * MAX); // anywhere in the range
    else if (r < 0.01) ms = Math.floor((rnd() * 2 - 1) * 1e13); // ± 300 years
    else ms += Math.floor(rnd() * 2000); // the next few ms, as a running CSMS asks
    if (Math.abs(ms) > MAX) ms = 0;
    assert.equal(isoTime(ms), new Date(ms).toISOString(), `at ${ms}`);
  }
});

test('isoTime rejects what toISOString rejects, and a fractional time value is written as a Date would', () => {
  assert.throws(() => isoTime(Number.NaN), RangeError);
  assert.throws(() => isoTime(MAX + 1), RangeError);
  assert.equal(isoTime(MAX), new Date(MAX).toISOString()); // its day cached: the next millisecond is still out of range
  assert.throws(() => isoTime(MAX + 1), RangeError);
  assert.throws(() => isoTime(Infinity), RangeError);
  isoTime(Date.UTC(2026, 0, 1)); // a day cached
  assert.equal(isoTime(Date.UTC(2026, 0, 1) + 0.7), new Date(Date.UTC(2026, 0, 1) + 0.7).toISOString());
});

test('isoNow is the current time in toISOString form', () => {
  const a = Date.now();
  const s = isoNow();
  const b = Date.now();
  assert.match(s, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.ok(Date.parse(s) >= a && Date.parse(s) <= b);
});
