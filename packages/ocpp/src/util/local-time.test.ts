// Wall-clock time in IANA zones (local-time.ts): offsets across daylight-saving changes, invalid zones, readings
// around midnight, the next local boundary and time-of-day / date parsing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DAY_MS, isTimeZone, localTime, nextLocalBoundary, offsetChangeBetween, parseTimeOfDay, tzOffsetMs, validDate, wallClock, wallFields, wallMidnight,
} from './local-time.ts';

const T = (iso: string): number => Date.parse(iso);
const H = 3_600_000;

describe('zone validation', () => {
  test('IANA names and aliases are known (case-insensitive); unknown, empty, non-string and over-long names are not', () => {
    for (const tz of ['Europe/Amsterdam', 'America/New_York', 'Australia/Sydney', 'UTC', 'Etc/GMT+5', 'europe/amsterdam', 'US/Eastern']) assert.equal(isTimeZone(tz), true, tz);
    for (const tz of ['Mars/Olympus_Mons', 'Europe/Amsterdamm', '', ' ', 'CEST+1', undefined, null, 1, {}, `Europe/${'x'.repeat(60)}`]) assert.equal(isTimeZone(tz), false, String(tz));
  });

  test('an unknown zone throws RangeError (callers fail closed); no zone is UTC; "" is not a zone', () => {
    assert.throws(() => wallClock(0, 'Mars/Olympus_Mons'), RangeError);
    assert.throws(() => localTime(0, ''), RangeError);
    assert.equal(wallClock(T('2025-06-01T12:00:00.123Z'), undefined), T('2025-06-01T12:00:00.123Z'));
    assert.equal(tzOffsetMs(T('2025-06-01T12:00:00Z'), 'UTC'), 0);
    assert.equal(tzOffsetMs(T('2025-06-01T12:00:00Z'), 'Etc/UTC'), 0);
  });
});

describe('daylight saving', () => {
  test('spring forward, Europe/Amsterdam 2025-03-30: 01:59:59.999 CET is followed by 03:00 CEST', () => {
    assert.equal(tzOffsetMs(T('2025-03-30T00:59:59.999Z'), 'Europe/Amsterdam'), H);
    assert.equal(tzOffsetMs(T('2025-03-30T01:00:00Z'), 'Europe/Amsterdam'), 2 * H);
    assert.equal(localTime(T('2025-03-30T00:59:59.999Z'), 'Europe/Amsterdam').minutes, 1 * 60 + 59);
    assert.equal(localTime(T('2025-03-30T01:00:00Z'), 'Europe/Amsterdam').minutes, 3 * 60);
    assert.equal(wallClock(T('2025-03-30T00:59:59.999Z'), 'Europe/Amsterdam'), T('2025-03-30T01:59:59.999Z'), 'milliseconds are kept');
  });

  test('fall back, Europe/Amsterdam 2025-10-26: 02:00–03:00 local happens twice', () => {
    assert.equal(localTime(T('2025-10-26T00:30:00Z'), 'Europe/Amsterdam').minutes, 2 * 60 + 30); // CEST
    assert.equal(localTime(T('2025-10-26T01:30:00Z'), 'Europe/Amsterdam').minutes, 2 * 60 + 30); // CET
    assert.equal(tzOffsetMs(T('2025-10-26T01:00:00Z'), 'Europe/Amsterdam') - tzOffsetMs(T('2025-10-26T00:59:59Z'), 'Europe/Amsterdam'), -H);
  });

  test('other rules: America/New_York springs forward at 02:00 EST, Australia/Sydney falls back in April', () => {
    assert.deepEqual([T('2025-03-09T06:59:59Z'), T('2025-03-09T07:00:00Z')].map((t) => localTime(t, 'America/New_York').minutes), [119, 180]);
    assert.deepEqual([T('2025-04-05T15:59:59Z'), T('2025-04-05T16:00:00Z')].map((t) => localTime(t, 'Australia/Sydney').minutes), [179, 120]);
    assert.equal(localTime(T('2025-04-05T16:00:00Z'), 'Australia/Sydney').date, '2025-04-06');
  });

  test('offsetChangeBetween finds the first millisecond of the new offset, or the end when there is none', () => {
    assert.equal(offsetChangeBetween(T('2025-03-29T20:00:00Z'), T('2025-03-30T02:00:00Z'), 'Europe/Amsterdam'), T('2025-03-30T01:00:00Z'));
    assert.equal(offsetChangeBetween(T('2025-04-05T10:00:00Z'), T('2025-04-05T20:00:00Z'), 'Australia/Sydney'), T('2025-04-05T16:00:00Z'));
    assert.equal(offsetChangeBetween(T('2025-06-01T00:00:00Z'), T('2025-06-01T06:00:00Z'), 'Europe/Amsterdam'), T('2025-06-01T06:00:00Z'));
  });
});

describe('around midnight', () => {
  test('the last millisecond of a local day and the first of the next: minutes, weekday and date roll over', () => {
    assert.deepEqual(localTime(T('2025-01-05T14:59:59.999Z'), 'Asia/Tokyo'), { minutes: 1439, day: 0, weekday: 'Sunday', date: '2025-01-05' });
    assert.deepEqual(localTime(T('2025-01-05T15:00:00Z'), 'Asia/Tokyo'), { minutes: 0, day: 1, weekday: 'Monday', date: '2025-01-06' });
    // a half-hour zone, and a local day that differs from the UTC day
    assert.deepEqual(localTime(T('2025-01-05T18:30:00Z'), 'Asia/Kolkata'), { minutes: 0, day: 1, weekday: 'Monday', date: '2025-01-06' });
    assert.deepEqual(localTime(T('2025-01-06T03:00:00Z'), 'America/New_York'), { minutes: 22 * 60, day: 0, weekday: 'Sunday', date: '2025-01-05' });
  });

  test('before 1970 (negative epoch ms) and wall-clock helpers', () => {
    assert.deepEqual(localTime(-1, undefined), { minutes: 1439, day: 3, weekday: 'Wednesday', date: '1969-12-31' });
    assert.equal(wallClock(-1, 'Europe/Amsterdam'), H - 1);
    assert.equal(wallMidnight(-1), -DAY_MS);
    assert.equal(wallMidnight(T('2025-01-05T23:59:59.999Z')), T('2025-01-05T00:00:00Z'));
    assert.equal(wallFields(T('2025-01-05T00:00:00Z')).weekday, 'Sunday');
  });

  test('nextLocalBoundary: midnight from 23:30 local, a boundary at this very minute means tomorrow, none is never', () => {
    assert.equal(nextLocalBoundary(T('2025-01-05T14:30:00Z'), [0], 'Asia/Tokyo'), T('2025-01-05T15:00:00Z'));
    assert.equal(nextLocalBoundary(T('2025-01-05T15:00:00Z'), [0], 'Asia/Tokyo'), T('2025-01-06T15:00:00Z'));
    assert.equal(nextLocalBoundary(T('2025-01-05T10:00:00Z'), [8 * 60, 18 * 60], undefined), T('2025-01-05T18:00:00Z'));
    assert.equal(nextLocalBoundary(T('2025-01-05T10:00:00Z'), [], 'Asia/Tokyo'), Number.POSITIVE_INFINITY);
  });

  test('nextLocalBoundary on the spring-forward day: a boundary in the skipped hour gives the jump, then the next day', () => {
    assert.equal(nextLocalBoundary(T('2025-03-29T23:00:00Z'), [150], 'Europe/Amsterdam'), T('2025-03-30T01:00:00Z'));
    assert.equal(nextLocalBoundary(T('2025-03-30T01:00:00Z'), [150], 'Europe/Amsterdam'), T('2025-03-31T00:30:00Z'));
  });
});

describe('parsing', () => {
  test('parseTimeOfDay: HH:MM from 00:00 to 23:59; 24:00 only when allowed', () => {
    assert.deepEqual(['00:00', '08:30', '23:59'].map((s) => parseTimeOfDay(s)), [0, 510, 1439]);
    for (const s of ['24:00', '7:00', '07:60', '25:00', '0700', ' 07:00', '', 700, undefined]) assert.equal(parseTimeOfDay(s), undefined, String(s));
    assert.equal(parseTimeOfDay('24:00', true), 1440);
    assert.equal(parseTimeOfDay('24:01', true), undefined);
  });

  test('validDate: a real calendar date YYYY-MM-DD', () => {
    assert.equal(validDate('2024-02-29'), true);
    for (const s of ['2025-02-29', '2025-13-01', '2025-04-31', '2025-4-01', '2025-04-01T00:00']) assert.equal(validDate(s), false, s);
  });
});
