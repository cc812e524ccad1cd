// Exact decimal money math, shared by the simulator's local cost calculation (OCPP 2.1 I12) and the CSMS's
// central flat-tariff cost (I02/I03). Values are BigInt multiples of 10^-places; parsed from their decimal text
// (String(0.1) = "0.1", so no binary float error enters). `Dec` is the 12-place form the tariff calculator works
// in: every product and quotient is rounded once, half away from zero, at 1e-12, and values are rounded to a
// reporting precision only when they leave the calculation (toNumber).
// Published as `@chargewire/ocpp/decimal`.

export type Dec = bigint;
export const PLACES = 12;
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

export interface ParseDecimalOptions {
  /** Throw instead of rounding when the value has more than `places` decimals (default false: round half away from zero). */
  exact?: boolean;
  /** Accept a leading minus sign (default true). */
  negative?: boolean;
  /** Accept an exponent, "1e-7" (default true; String(number) writes one below 1e-6 and from 1e21). */
  exponent?: boolean;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;

/**
 * A JSON number or decimal text ("0.25", "-3", "1e-7", " 2.5 ") as an integer count of 10^-places, exactly.
 * More decimals than `places` are rounded half away from zero, or refused with `exact`. Throws RangeError for
 * anything else (NaN, Infinity, "", "1.2.3", "0x10", and what the options exclude).
 */
export function parseDecimal(v: number | string, places: number, opts: ParseDecimalOptions = {}): bigint {
  if (typeof v === 'number' && !Number.isFinite(v)) throw new RangeError(`not a finite number: ${v}`);
  const s = String(v).trim();
  const m = DECIMAL.exec(s);
  if (!m || (m[2] === '' && !m[3])) throw new RangeError(`not a decimal: ${s}`);
  if (m[1] === '-' && opts.negative === false) throw new RangeError(`not a decimal >= 0: ${s}`);
  if (m[4] !== undefined && opts.exponent === false) throw new RangeError(`not a plain decimal (no exponent): ${s}`);
  const frac = m[3] ?? '';
  const exp = Number(m[4] ?? 0) - frac.length + places;
  let n = BigInt((m[2] || '0') + frac);
  if (exp >= 0) n *= 10n ** BigInt(exp);
  else {
    const d = 10n ** BigInt(-exp);
    if (opts.exact && n % d !== 0n) throw new RangeError(`not a decimal with at most ${places} places: ${s}`);
    n = roundDiv(n, d);
  }
  return m[1] === '-' ? -n : n;
}

/** A JSON number or decimal text as an exact Dec (more than 12 places are rounded half away from zero). */
export const dec = (v: number | string): Dec => parseDecimal(v, PLACES);

export const mul = (a: Dec, b: Dec): Dec => roundDiv(a * b, SCALE);
export const div = (a: Dec, b: Dec): Dec => roundDiv(a * SCALE, b);
export const min = (a: Dec, b: Dec): Dec => (a < b ? a : b);

/** Round to `places` decimals (half away from zero) and return the nearest JS number (shortest JSON text). */
export function toNumber(a: Dec, places = 6): number {
  const q = roundDiv(a, 10n ** BigInt(PLACES - places));
  const neg = q < 0n;
  const digits = (neg ? -q : q).toString().padStart(places + 1, '0');
  const text = places > 0 ? `${digits.slice(0, -places)}.${digits.slice(-places)}` : digits;
  return Number(`${neg ? '-' : ''}${text}`) + 0; // + 0: no -0
}

/** Exact value as decimal text (tests, logs). */
export function toText(a: Dec): string {
  const neg = a < 0n;
  const d = (neg ? -a : a).toString().padStart(PLACES + 1, '0');
  const text = `${d.slice(0, -PLACES)}.${d.slice(-PLACES)}`.replace(/\.?0+$/, '');
  return `${neg ? '-' : ''}${text}`;
}
