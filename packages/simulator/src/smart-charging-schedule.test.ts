// Unit tests of the composite schedule arithmetic (smart-charging-schedule.ts), named after the FRs they exercise.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { OcppTypes } from '@chargewire/ocpp';
import {
  breakpoints, combine, compositeSchedule, evseLimitAt, leadingAt, nextChange, parseTime, periodAt, shareLimit, toUnit, validAt,
  type EvseInput, type ScheduleEntry,
} from './smart-charging-schedule.ts';

type Profile = OcppTypes.ChargingProfileType;
const T0 = Date.parse('2025-01-06T00:00:00Z'); // a Monday
const iso = (ms: number): string => new Date(ms).toISOString();
const S = 1000;

function profile(o: Partial<Profile> & { periods: [number, number, number?][]; unit?: 'A' | 'W'; start?: number; duration?: number }): Profile {
  const { periods, unit, start, duration, ...rest } = o;
  return {
    id: 1, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: start === undefined ? 'Relative' : 'Absolute',
    chargingSchedule: [{
      id: 1, chargingRateUnit: unit ?? 'W', ...(start !== undefined ? { startSchedule: iso(start) } : {}), ...(duration !== undefined ? { duration } : {}),
      chargingSchedulePeriod: periods.map(([startPeriod, limit, numberPhases]) => ({ startPeriod, limit, ...(numberPhases ? { numberPhases } : {}) })),
    }],
    ...rest,
  };
}
const entry = (p: Profile, extra: Omit<ScheduleEntry, 'profile'> = {}): ScheduleEntry => ({ profile: p, ...extra });
const evse = (entries: ScheduleEntry[], o: Partial<EvseInput> = {}): EvseInput => ({ id: 1, maxW: 22_080, phases: 3, voltage: 230, entries, ...o });
const periodsOf = (c: OcppTypes.CompositeScheduleType): [number, number | undefined][] => c.chargingSchedulePeriod.map((p) => [p.startPeriod, p.limit]);

describe('smart charging schedule (pure)', () => {
  test('parseTime: a timestamp without zone designator is UTC', () => {
    assert.equal(parseTime('2020-01-09T17:00:00'), Date.parse('2020-01-09T17:00:00Z'));
    assert.equal(parseTime('2020-01-09T18:00:00+01:00'), Date.parse('2020-01-09T17:00:00Z'));
  });

  test('K01.FR.30 K01.FR.12 K01.FR.11 absolute: nothing before startSchedule, a period lasts until the next, none past the duration', () => {
    const e = entry(profile({ start: T0 + 60 * S, duration: 300, periods: [[0, 6000], [100, 8000], [300, 1]] }));
    assert.equal(periodAt(e, T0, T0), undefined);
    assert.equal(periodAt(e, T0 + 60 * S, T0)?.period.limit, 6000);
    assert.equal(periodAt(e, T0 + 159 * S, T0)?.period.limit, 6000);
    assert.equal(periodAt(e, T0 + 160 * S, T0)?.period.limit, 8000);
    assert.equal(periodAt(e, T0 + 359 * S, T0)?.period.limit, 8000, 'the period at startPeriod 300 >= duration never runs');
    assert.equal(periodAt(e, T0 + 360 * S, T0), undefined);
  });

  test('K01.FR.10 K01.FR.36 K01.FR.37 valid from validFrom, before validTo; without both indefinitely', () => {
    const p = profile({ periods: [[0, 1]], validFrom: iso(T0 + 10 * S), validTo: iso(T0 + 20 * S) });
    assert.deepEqual([validAt(entry(p), T0 + 9 * S), validAt(entry(p), T0 + 10 * S), validAt(entry(p), T0 + 19_999), validAt(entry(p), T0 + 20 * S)], [false, true, true, false]);
    assert.equal(validAt(entry(profile({ periods: [[0, 1]] })), T0 + 1e12), true);
  });

  test('K01.FR.101 invalidFrom (offline longer than maxOfflineDuration) ends the validity', () => {
    const e = entry(profile({ periods: [[0, 1]] }), { invalidFrom: T0 + 5 * S });
    assert.deepEqual([validAt(e, T0), validAt(e, T0 + 5 * S)], [true, false]);
    assert.ok(breakpoints([e], T0, T0 + 10 * S, T0).includes(T0 + 5 * S));
  });

  test('K01.FR.42 relative: from the PowerPathClosed moment, else from the start of the window', () => {
    const p = profile({ periods: [[0, 1000], [60, 2000]] });
    assert.equal(periodAt(entry(p, { relativeStart: T0 }), T0 + 90 * S, T0 + 90 * S)?.period.limit, 2000);
    assert.equal(periodAt(entry(p), T0 + 90 * S, T0 + 90 * S)?.period.limit, 1000);
  });

  test('recurring Daily (Part 2 §3.7): 11 kW at night, 6 kW from 08:00 to 20:00, every day', () => {
    const p = profile({ chargingProfileKind: 'Recurring', recurrencyKind: 'Daily', start: Date.parse('2013-01-01T00:00:00Z'), duration: 86400, periods: [[0, 11000, 3], [28800, 6000, 3], [72000, 11000, 3]] });
    assert.equal(periodAt(entry(p), Date.parse('2025-01-07T09:00:00Z'), T0)?.period.limit, 6000);
    assert.equal(periodAt(entry(p), Date.parse('2025-01-07T21:00:00Z'), T0)?.period.limit, 11000);
    const c = compositeSchedule({ evses: [evse([entry(p)])], station: [], evseId: 1, start: T0 + 6 * 3600 * S, durationS: 86400, unit: 'W' });
    assert.deepEqual(periodsOf(c), [[0, 11000], [2 * 3600, 6000], [14 * 3600, 11000]], 'midnight starts the next day with the same limit');
  });

  test('K01.FR.13 recurring Weekly shorter than a week: outside its duration the lower stack level applies', () => {
    const base = profile({ id: 10, stackLevel: 1, chargingProfileKind: 'Recurring', recurrencyKind: 'Daily', start: Date.parse('2020-01-09T17:00:00Z'), duration: 10800, periods: [[0, 2000]] });
    const sunday = profile({ id: 11, stackLevel: 2, chargingProfileKind: 'Recurring', recurrencyKind: 'Weekly', start: Date.parse('2020-01-05T00:00:00Z'), duration: 86400, periods: [[0, 999999]] });
    const xmas = profile({ id: 12, stackLevel: 3, start: Date.parse('2020-12-25T00:00:00Z'), duration: 86400, periods: [[0, 999999]], validFrom: '2020-01-01T00:00:00Z', validTo: '2021-01-01T00:00:00Z' });
    const all = [base, sunday, xmas].map((p) => entry(p));
    const at = (s: string): number | undefined => leadingAt(all, 'TxDefaultProfile', Date.parse(s), T0)?.period.limit;
    assert.deepEqual([at('2025-01-07T18:00:00Z'), at('2025-01-07T21:00:00Z'), at('2025-01-05T18:00:00Z'), at('2020-12-25T18:00:00Z'), at('2025-12-25T18:00:00Z')],
      [2000, undefined, 999999, 999999, 2000], 'weekday peak, off-peak, Sunday, Christmas 2020, Christmas 2025 (not valid any more)');
  });

  test('K01.FR.17 stacking (TC_K_40_CS data): the highest stack level with a period defined leads, then the lower one again', () => {
    const p0 = profile({ id: 1, stackLevel: 0, start: T0, duration: 400, periods: [[0, 6], [100, 8], [200, 10]], unit: 'A' });
    const p1 = profile({ id: 2, stackLevel: 1, start: T0, duration: 150, periods: [[0, 7], [100, 9]], unit: 'A' });
    const c = compositeSchedule({ evses: [evse([entry(p0), entry(p1)])], station: [], evseId: 1, start: T0, durationS: 350, unit: 'A' });
    assert.deepEqual(periodsOf(c), [[0, 7], [100, 9], [150, 8], [200, 10]]);
    assert.deepEqual([c.evseId, c.duration, c.chargingRateUnit, c.scheduleStart], [1, 350, 'A', iso(T0)]);
  });

  test('K02.FR.04 K02.FR.08 SC.01 K08.FR.04 combining purposes (TC_K_41_CS data): TxProfile over TxDefaultProfile, the lowest with the station maximum', () => {
    const max = profile({ id: 1, chargingProfilePurpose: 'ChargingStationMaxProfile', start: T0, duration: 86400, periods: [[0, 10]], unit: 'A' });
    const def = profile({ id: 2, start: T0, duration: 300, periods: [[0, 6], [60, 10], [120, 8], [180, 15], [260, 8]], unit: 'A' });
    const tx = profile({ id: 3, chargingProfilePurpose: 'TxProfile', start: T0, duration: 260, periods: [[0, 8], [50, 11], [140, 16], [200, 6], [240, 12]], unit: 'A' });
    const c = compositeSchedule({ evses: [evse([entry(def), entry(tx)], { maxW: 32 * 230 * 3 })], station: [entry(max)], evseId: 1, start: T0, durationS: 400, unit: 'A' });
    assert.deepEqual(periodsOf(c), [[0, 8], [50, 10], [200, 6], [240, 10], [260, 8], [300, 10]]);
  });

  test('K01.FR.49 K01.FR.50 K01.FR.51 A <-> W: A per phase, numberPhases 3 unless given, W / (V x phases)', () => {
    const a16 = { period: { startPeriod: 0, limit: 16 }, unit: 'A' as const, stackLevel: 0 };
    assert.deepEqual(combine([a16], 1e9, 3, 230), { w: 16 * 230 * 3, phases: 3 });
    const w6000 = { period: { startPeriod: 0, limit: 6000, numberPhases: 3 }, unit: 'W' as const, stackLevel: 0 };
    assert.equal(toUnit(combine([w6000], 1e9, 3, 230), 'A', 230), 8.6); // 6000 / 690 = 8.69.. rounded down to one decimal
    assert.equal(toUnit(combine([], 22_000, 3, 230), 'A', 230), 31.8); // the local maximum in A
  });

  test('K01.FR.140 K01.FR.45 the lowest numberPhases of all periods and the EVSE; an A limit then counts for fewer phases', () => {
    const tx = { period: { startPeriod: 0, limit: 16, numberPhases: 3 }, unit: 'A' as const, stackLevel: 0 };
    const max = { period: { startPeriod: 0, limit: 32, numberPhases: 1 }, unit: 'A' as const, stackLevel: 0 };
    assert.deepEqual(combine([tx, max], 1e9, 3, 230), { w: 16 * 230, phases: 1 });
    assert.deepEqual(combine([tx], 1e9, 1, 230), { w: 16 * 230, phases: 1 }, 'a single-phase EVSE imposes 1 phase');
  });

  test('K08.FR.02 without profiles the composite is the local limit from startPeriod 0', () => {
    const c = compositeSchedule({ evses: [evse([], { maxW: 11_000 })], station: [], evseId: 1, start: T0, durationS: 300, unit: 'W' });
    assert.deepEqual(c.chargingSchedulePeriod, [{ startPeriod: 0, limit: 11000, numberPhases: 3 }]);
  });

  test('K08.FR.03 EVSE #0: the sum over the EVSEs (TxDefaultProfile 6 A on each of 2 EVSEs = 12 A), capped by the ChargingStationMaxProfile', () => {
    const def = entry(profile({ start: T0, periods: [[0, 6]], unit: 'A', validTo: iso(T0 + 300 * S) }));
    const evses = [evse([def]), evse([def], { id: 2 })];
    assert.deepEqual(periodsOf(compositeSchedule({ evses, station: [], evseId: 0, start: T0, durationS: 400, unit: 'A' })), [[0, 12], [300, 64]]);
    const max = entry(profile({ chargingProfilePurpose: 'ChargingStationMaxProfile', start: T0, periods: [[0, 10]], unit: 'A' }));
    assert.deepEqual(periodsOf(compositeSchedule({ evses, station: [max], evseId: 0, start: T0, durationS: 400, unit: 'A' })), [[0, 10]]);
    assert.deepEqual(periodsOf(compositeSchedule({ evses, station: [max], evseId: 2, start: T0, durationS: 400, unit: 'A' })), [[0, 6], [300, 10]]);
  });

  test('K01.FR.36 validFrom in the future (TC_K_21_CS): the local limit first, the profile from validFrom on', () => {
    const e = entry(profile({ periods: [[0, 6]], unit: 'A', validFrom: iso(T0 + 300 * S) }));
    assert.deepEqual(periodsOf(compositeSchedule({ evses: [evse([e])], station: [], evseId: 1, start: T0, durationS: 400, unit: 'A' })), [[0, 32], [300, 6]]);
  });

  test('evseLimitAt: the station maximum is an upper bound of every EVSE', () => {
    const max = entry(profile({ chargingProfilePurpose: 'ChargingStationMaxProfile', start: T0, periods: [[0, 4000]] }));
    assert.equal(evseLimitAt(evse([]), [max], T0, T0).w, 4000);
    assert.equal(evseLimitAt(evse([], { maxW: 3000 }), [max], T0, T0).w, 3000);
  });

  test('breakpoints / nextChange: period starts, ends and validity of every entry, recurring ones per cycle', () => {
    const daily = entry(profile({ chargingProfileKind: 'Recurring', recurrencyKind: 'Daily', start: T0, duration: 3600, periods: [[0, 1], [1800, 2]] }));
    assert.deepEqual(breakpoints([daily], T0, T0 + 86400 * S + 1, T0).map((t) => (t - T0) / S), [1800, 3600, 86400]);
    assert.equal(nextChange([daily], T0 + 4000 * S), T0 + 86400 * S);
    assert.equal(nextChange([entry(profile({ periods: [[0, 1]] }))], T0), undefined);
  });

  test('K04.FR.05 shareLimit: nobody above its demand, the rest split evenly', () => {
    assert.deepEqual(shareLimit(10_000, [7000, 7000]), { alloc: [5000, 5000], spare: 0 });
    assert.deepEqual(shareLimit(10_000, [3000, 11_000]), { alloc: [3000, 7000], spare: 0 });
    assert.deepEqual(shareLimit(10_000, [2000, 0]), { alloc: [2000, 0], spare: 8000 });
  });
});
