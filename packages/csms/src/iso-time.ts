// Timestamps as `Date.prototype.toISOString()` writes them, without its cost. V8 formats every call
// through snprintf (≈ 7,000 instructions: 2.6% of the CSMS's event loop per CALL, measured with
// `npm run bench -- instructions`), and a CALL formats three or four times (its receipt, journal frames,
// last-seen). Here the UTC day's prefix is kept, and the time of day is put together from small tables.

const DAY_MS = 86_400_000;
/** The largest time value a Date holds (its day's first millisecond: the cached day may not run past it). */
const MAX_TIME = 8.64e15;
const TWO = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

let dayStart = Number.NaN;
let dayPrefix = '';
let lastMs = Number.NaN;
let lastText = '';

/** `new Date(ms).toISOString()`, the same text for every time value a Date can hold; RangeError for others. */
export function isoTime(ms: number): string {
  if (ms === lastMs) return lastText;
  let out: string;
  const t = ms - dayStart;
  if (t >= 0 && t < DAY_MS && ms <= MAX_TIME && Number.isInteger(ms)) {
    const s = Math.floor(t / 1000);
    out = `${dayPrefix}${TWO[Math.floor(s / 3600)]}:${TWO[Math.floor(s / 60) % 60]}:${TWO[s % 60]}.${THREE[t % 1000]}Z`;
  } else {
    out = new Date(ms).toISOString(); // throws RangeError for NaN and out-of-range values, as before
    if (Number.isInteger(ms)) {
      // the day's prefix (YYYY-MM-DDT, or ±YYYYYY-MM-DDT): everything before the 13 characters HH:MM:SS.sssZ
      dayStart = ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
      dayPrefix = out.slice(0, out.length - 13);
    }
  }
  lastMs = ms;
  lastText = out;
  return out;
}

/** The current time as toISOString() writes it. */
export function isoNow(): string {
  return isoTime(Date.now());
}
