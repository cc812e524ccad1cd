// Exact decimal money math for the local cost calculation (tariff-cost.ts): values are BigInt multiples of
// 1e-12. Prices and volumes are parsed from their decimal text (String(0.1) = "0.1", so no binary float error
// enters), every product and quotient is rounded once, half away from zero, at 1e-12, and values are only
// rounded to a reporting precision when they leave the calculation (toNumber).

export type Dec = bigint;
export const SCALE = 10n ** 12n;
export const ZERO: Dec = 0n;

/** a / b rounded half away from zero (b != 0). */
export function roundDiv(a: bigint, b: bigint): bigint {
  if (b < 0n) { a = -a; b = -b; }
  const q = a / b;
  const r = a % b;
  if (2n * (r < 0n ? -r : r) >= b) return q + (a < 0n ? -1n : 1n);
  return q;
}

/** A JSON number or decimal text ("0.25", "1e-7", "-3") as an exact Dec (more than 12 places are rounded). */
export function dec(v: number | string): Dec {
  if (typeof v === 'number' && !Number.isFinite(v)) throw new RangeError(`not a finite number: ${v}`);
  const s = String(v).trim();
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(s);
  if (!m || (m[2] === '' && !m[3])) throw new RangeError(`not a decimal: ${s}`);
  const frac = m[3] ?? '';
  const exp = Number(m[4] ?? 0) - frac.length + 12;
  let n = BigInt((m[2] || '0') + frac);
  n = exp >= 0 ? n * 10n ** BigInt(exp) : roundDiv(n, 10n ** BigInt(-exp));
  return m[1] === '-' ? -n : n;
}

export const mul = (a: Dec, b: Dec): Dec => roundDiv(a * b, SCALE);
export const div = (a: Dec, b: Dec): Dec => roundDiv(a * SCALE, b);
export const min = (a: Dec, b: Dec): Dec => (a < b ? a : b);

/** Round to `places` decimals (half away from zero) and return the nearest JS number (shortest JSON text). */
export function toNumber(a: Dec, places = 6): number {
  const q = roundDiv(a, 10n ** BigInt(12 - places));
  const neg = q < 0n;
  const digits = (neg ? -q : q).toString().padStart(places + 1, '0');
  const text = places > 0 ? `${digits.slice(0, -places)}.${digits.slice(-places)}` : digits;
  return Number(`${neg ? '-' : ''}${text}`) + 0; // + 0: no -0
}

/** Exact value as decimal text (tests, logs). */
export function toText(a: Dec): string {
  const neg = a < 0n;
  const d = (neg ? -a : a).toString().padStart(13, '0');
  const text = `${d.slice(0, -12)}.${d.slice(-12)}`.replace(/\.?0+$/, '');
  return `${neg ? '-' : ''}${text}`;
}
