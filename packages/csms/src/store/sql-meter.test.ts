// The meter readings' samples JSON written by hand must be byte for byte JSON.stringify's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readingParams, readingsOf, samplesJson, type StoredSample } from './sql-meter.ts';
import { flattenMeterValues } from './logic.ts';

test('samplesJson equals JSON.stringify on readingsOf samples: optional fields, escapes, lone surrogates, numbers, signed values', () => {
  let seed = 99;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const strings = ['Energy.Active.Import.Register', 'L1-N', 'Outlet', 'Sample.Periodic', 'Wh', '', 'a"b', 'back\\slash', 'tab\there', 'nl\n', '\u0001',
    'é€😀', '\ud800', 'x\udfff', 'Ünïcode'];
  const numbers = [0, -0, 1, -1, 1234.5, 1e21, 1e-7, 0.1 + 0.2, Number.MAX_SAFE_INTEGER, -3.25e-10];
  for (let n = 0; n < 3000; n++) {
    const sampledValue = Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => ({
      value: pick(numbers),
      ...(rnd() < 0.8 && { measurand: pick(strings) }),
      ...(rnd() < 0.4 && { phase: pick(strings) }),
      ...(rnd() < 0.4 && { location: pick(strings) }),
      ...(rnd() < 0.4 && { context: pick(strings) }),
      ...(rnd() < 0.6 && { unitOfMeasure: { ...(rnd() < 0.8 && { unit: pick(strings) }), ...(rnd() < 0.5 && { multiplier: Math.floor(rnd() * 7) - 3 }) } }),
      ...(rnd() < 0.1 && { signedMeterValue: { signedMeterData: pick(strings), signingMethod: 'ECDSA', encodingMethod: 'OCMF', publicKey: pick(strings) } }),
    }));
    const flat = flattenMeterValues([{ timestamp: '2026-11-30T12:00:00.000Z', sampledValue }] as never);
    for (const g of readingsOf(flat)) assert.equal(samplesJson(g.samples), JSON.stringify(g.samples), JSON.stringify(sampledValue));
  }
});

test('samplesJson writes null for values JSON cannot hold and keeps null fields (keys in toStored order)', () => {
  const s: StoredSample[] = [{ measurand: 'X', phase: null, unit: null, value: Number.NaN }, { measurand: 'Y', multiplier: null, value: Infinity }];
  assert.equal(samplesJson(s), JSON.stringify(s));
});

test('readingParams carries the samples JSON in the last column', () => {
  const flat = flattenMeterValues([{ timestamp: '2026-11-30T12:00:00.000Z', sampledValue: [{ value: 5, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W' } }] }] as never);
  const [row] = readingParams('CS-1', 1, readingsOf(flat), 'T-1');
  assert.deepEqual(row!.slice(0, 4), ['CS-1', 1, 'T-1', '2026-11-30T12:00:00.000Z']);
  assert.deepEqual(JSON.parse(row![4] as string), [{ measurand: 'Power.Active.Import', unit: 'W', value: 5 }]);
});

/** readingsOf as first written (a Map of groups, a Set of key strings per group), the reference for its result. */
function readingsByKeys(rows: ReturnType<typeof flattenMeterValues>): { timestamp: string; samples: unknown[] }[] {
  const keyOf = (s: { measurand: string; phase?: string | null; location?: string | null; context?: string | null }) =>
    `${s.measurand}\u001f${s.phase || ''}\u001f${s.location || ''}\u001f${s.context || ''}`;
  const out = new Map<string, { timestamp: string; samples: unknown[]; keys: Set<string> }>();
  for (const r of rows) {
    let g = out.get(r.timestamp);
    if (!g) out.set(r.timestamp, (g = { timestamp: r.timestamp, samples: [], keys: new Set() }));
    const k = keyOf(r);
    if (g.keys.has(k)) continue;
    g.keys.add(k);
    const { timestamp: _t, ...sample } = r;
    g.samples.push(sample);
  }
  return [...out.values()].map(({ timestamp, samples }) => ({ timestamp, samples }));
}

test('readingsOf groups by timestamp and keeps the first of repeated keys as keying every sample did (short and long groups, interleaved timestamps, backlogs of many timestamps)', () => {
  let seed = 5;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const few = ['2026-11-30T00:00:00.000Z', '2026-11-30T00:00:15.000Z', '2026-11-30T00:00:30.000Z'];
  // a backlog: up to 60 MeterValues of 40 timestamps, past the count from which groups are found through a Map
  const many = Array.from({ length: 40 }, (_, i) => new Date(Date.UTC(2026, 10, 30, 0, i)).toISOString());
  for (let n = 0; n < 1500; n++) {
    const backlog = n % 5 === 0;
    const times = backlog ? many : few;
    const meterValue = Array.from({ length: 1 + Math.floor(rnd() * (backlog ? 60 : 3)) }, () => ({
      timestamp: pick(times),
      // up to 40 samples: past the length from which repeated keys are found with a Set
      sampledValue: Array.from({ length: 1 + Math.floor(rnd() * (rnd() < 0.2 ? 40 : 8)) }, () => {
        const sv: Record<string, unknown> = { value: Math.floor(rnd() * 100) };
        if (rnd() < 0.8) sv.measurand = pick(['Energy.Active.Import.Register', 'Current.Import', 'SoC']);
        if (rnd() < 0.5) sv.phase = pick(['L1', 'L2', 'L3', '']);
        if (rnd() < 0.5) sv.location = pick(['Outlet', 'EV', '']);
        if (rnd() < 0.5) sv.context = pick(['Sample.Periodic', 'Transaction.End']);
        if (rnd() < 0.5) sv.unitOfMeasure = { unit: pick(['Wh', 'A']) };
        return sv;
      }),
    }));
    const rows = flattenMeterValues(meterValue as never);
    assert.equal(JSON.stringify(readingsOf(rows)), JSON.stringify(readingsByKeys(rows)), JSON.stringify(meterValue));
  }
});
