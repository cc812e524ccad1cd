// The store's pure helpers: canonical JSON (the TransactionEvent fingerprint's input) must not change its
// output when its implementation does, or stored fingerprints would stop matching resent events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { canonicalJson, eventFingerprint } from './logic.ts';

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
    const kinds = [() => null, () => true, () => false, () => Math.round(rnd() * 1e6) / 100, () => -7, () => 'a"b\\c\u00e9\u2028', () => '', () => undefined];
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
