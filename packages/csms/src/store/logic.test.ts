// The store's pure helpers: canonical JSON (the TransactionEvent fingerprint's input) must not change its
// output when its implementation does, or stored fingerprints would stop matching resent events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { canonicalJson, eventCanonical, eventFingerprint, flattenMeterValues, iso, isCanonicalIso } from './logic.ts';

/** The first implementation (map/join), kept as the reference for the output format. */
function reference(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(reference).join(',')}]`;
  if (v && typeof v === 'object') {
    const keys = Object.keys(v as object).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${reference((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function randomValue(depth: number, rnd: () => number): unknown {
  const r = rnd();
  if (depth <= 0 || r < 0.35) {
    const kinds = [() => null, () => true, () => false, () => Math.round(rnd() * 1e6) / 100, () => -7, () => 'a"b\\c\u00e9\u2028', () => '', () => undefined, () => 'Sample.Periodic', () => 'tab\there\u0001', () => 'lone\ud800', () => '\ud83d\ude00'];
    return kinds[Math.floor(rnd() * kinds.length)]!();
  }
  if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 4) }, () => randomValue(depth - 1, rnd));
  const o: Record<string, unknown> = {};
  for (const k of ['z', 'a', 'timestamp', 'Zeta', '10', '2', 'é', 'seqNo'].filter(() => rnd() < 0.5)) o[k] = randomValue(depth - 1, rnd);
  return o;
}

test('canonicalJson: same output as the reference implementation for 2,000 random JSON-like values', () => {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < 2000; i++) {
    const v = randomValue(4, rnd);
    assert.equal(canonicalJson(v), reference(v), JSON.stringify(v));
  }
});

test('canonicalJson: objects with many keys (over 32: sorted another way) and integer-like keys match the reference', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (const n of [2, 31, 32, 33, 60]) {
    const names = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? String(i * 7) : `k${Math.floor(rnd() * 1000)}_${i}`));
    const shuffled = [...names].sort(() => rnd() - 0.5);
    const o: Record<string, unknown> = {};
    for (const k of shuffled) o[k] = { [shuffled[0]!]: k, b: [1, { y: 1, x: 2 }] };
    assert.equal(canonicalJson(o), reference(o), `${n} keys`);
  }
});

test('canonicalJson: key order and undefined members do not change the text', () => {
  assert.equal(canonicalJson({ b: 1, a: [{ y: 2, x: undefined, w: null }] }), '{"a":[{"w":null,"y":2}],"b":1}');
  assert.equal(canonicalJson({ a: [{ w: null, y: 2 }], b: 1, c: undefined }), canonicalJson({ b: 1, a: [{ y: 2, w: null }] }));
});

test('eventFingerprint: a known TransactionEvent keeps its fingerprint (stored ones must still match)', () => {
  const req = {
    eventType: 'Updated', timestamp: '2026-11-29T00:00:00.000Z', triggerReason: 'MeterValuePeriodic', seqNo: 3, offline: true,
    transactionInfo: { transactionId: 'T-1', chargingState: 'Charging' },
    meterValue: [{ timestamp: '2026-11-29T00:00:00.000Z', sampledValue: [{ value: 12.5, measurand: 'Energy.Active.Import.Register' }] }],
  } as const;
  const fp = eventFingerprint(req as never);
  // seqNo and offline are not part of the identity; the key order is not either
  assert.equal(eventFingerprint({ ...req, seqNo: 9, offline: false } as never), fp);
  const { seqNo: _s, offline: _o, ...rest } = req;
  assert.equal(fp, createHash('sha256').update(reference(rest)).digest('base64url'));
  assert.match(fp, /^[A-Za-z0-9_-]{43}$/);
});

test('eventCanonical: json is the canonical JSON of the whole request, fingerprint that of the request without seqNo, offline and customData (2,000 random events)', () => {
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const members = ['seqNo', 'eventType', 'offline', 'customData', 'timestamp', 'transactionInfo', 'meterValue', 'Zeta', 'évse', 'a'];
  for (let n = 0; n < 2000; n++) {
    const req: Record<string, unknown> = {};
    // members in a random order, some undefined, some absent
    for (const k of [...members].sort(() => rnd() - 0.5)) if (rnd() < 0.7) req[k] = rnd() < 0.1 ? undefined : randomValue(3, rnd);
    const { seqNo: _s, offline: _o, customData: _c, ...rest } = req;
    const got = eventCanonical(req as never);
    assert.equal(got.json, reference(req), JSON.stringify(req));
    assert.equal(got.fingerprint, createHash('sha256').update(reference(rest)).digest('base64url'), JSON.stringify(req));
    assert.equal(eventFingerprint(req as never), got.fingerprint);
  }
});

test('flattenMeterValues: rows have the members and member order of the first (spread) version, for every combination of optional fields', () => {
  const optional = ['measurand', 'phase', 'location', 'context', 'unit', 'multiplier', 'signedMeterValue'] as const;
  for (let mask = 0; mask < 1 << optional.length; mask++) {
    const has = (k: (typeof optional)[number]) => (mask & (1 << optional.indexOf(k))) !== 0;
    const sv: Record<string, unknown> = { value: mask / 8 };
    if (has('measurand')) sv.measurand = 'Power.Active.Import';
    if (has('phase')) sv.phase = 'L2';
    if (has('location')) sv.location = 'Inlet';
    if (has('context')) sv.context = 'Sample.Clock';
    if (has('unit') || has('multiplier')) sv.unitOfMeasure = { ...(has('unit') && { unit: 'kW' }), ...(has('multiplier') && { multiplier: -1 }) };
    if (has('signedMeterValue')) sv.signedMeterValue = { signedMeterData: 'AA==', signingMethod: 'x', encodingMethod: 'y' };
    const timestamp = '2026-11-30T00:00:00.000Z';
    const [row] = flattenMeterValues([{ timestamp, sampledValue: [sv] }] as never);
    const u = sv.unitOfMeasure as { unit?: string; multiplier?: number } | undefined;
    const spread = {
      timestamp, measurand: sv.measurand ?? 'Energy.Active.Import.Register',
      ...(sv.phase !== undefined && { phase: sv.phase }), ...(sv.location !== undefined && { location: sv.location }),
      ...(sv.context !== undefined && { context: sv.context }), ...(u?.unit !== undefined && { unit: u.unit }),
      ...(u?.multiplier !== undefined && { multiplier: u.multiplier }), value: sv.value,
      ...(sv.signedMeterValue !== undefined && { signedMeterValue: sv.signedMeterValue }),
    };
    assert.equal(JSON.stringify(row), JSON.stringify(spread), `mask ${mask}`);
  }
});

/** What iso() returned before its fast path: the Date round trip, or STORE_ERR_INVALID. */
function isoByDate(t: string): string | 'invalid' {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? 'invalid' : d.toISOString();
}

test('iso: the canonical-form fast path returns what the Date round trip returns (calendar edges, 20,000 random strings)', () => {
  const edges = [
    '2026-11-29T03:50:00.000Z', '2024-02-29T23:59:59.999Z', '2023-02-29T00:00:00.000Z', '2100-02-29T00:00:00.000Z',
    '2000-02-29T12:00:00.000Z', '2026-04-31T00:00:00.000Z', '2026-12-31T23:59:59.999Z', '2026-13-01T00:00:00.000Z',
    '2026-00-10T00:00:00.000Z', '2026-01-00T00:00:00.000Z', '2026-01-01T24:00:00.000Z', '2026-01-01T23:60:00.000Z',
    '2026-01-01T23:59:60.000Z', '0000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '2026-01-01T00:00:00Z',
    '2026-01-01T00:00:00.000+00:00', '2026-01-01 00:00:00.000Z', '2026-1-01T00:00:00.000Z', 'x026-01-01T00:00:00.000Z',
  ];
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const two = (n: number) => String(Math.floor(rnd() * n)).padStart(2, '0');
  const random = Array.from({ length: 20_000 }, () =>
    `${String(Math.floor(rnd() * 10_000)).padStart(4, '0')}-${two(14)}-${two(33)}T${two(26)}:${two(62)}:${two(62)}.${String(Math.floor(rnd() * 1000)).padStart(3, '0')}Z`);
  let fast = 0;
  for (const t of [...edges, ...random]) {
    const want = isoByDate(t);
    if (isCanonicalIso(t)) {
      fast++;
      assert.equal(t, want, `fast path taken for ${t}`);
    }
    if (want === 'invalid') assert.throws(() => iso(t, 'timestamp'), /STORE_ERR_INVALID|not a valid timestamp/, t);
    else assert.equal(iso(t, 'timestamp'), want, t);
  }
  // the random strings are about half valid: both paths were exercised
  assert.ok(fast > 5_000 && fast < 15_000, `fast path taken ${fast} times`);
  assert.equal(isCanonicalIso('2024-02-29T23:59:59.999Z'), true);
  assert.equal(isCanonicalIso('2023-02-29T00:00:00.000Z'), false);
});
