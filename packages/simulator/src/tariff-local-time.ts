// Local wall-clock time for tariff conditions (OCPP 2.1 I07.FR.17, I12.FR.37): startTimeOfDay, endTimeOfDay,
// dayOfWeek, validFromDate and validToDate are in the station's local time (ClockCtrlr.TimeZone, an IANA zone;
// UTC when unset). The offset comes from Intl, so daylight-saving changes follow the zone's rules.

export const DAY_MS = 86_400_000;
const fmts = new Map<string, Intl.DateTimeFormat>();

/** Whether `tz` is a time zone this runtime knows (an invalid ClockCtrlr.TimeZone falls back to UTC). */
export function validTimeZone(tz: string | undefined): boolean {
  if (!tz) return false;
  try { new Intl.DateTimeFormat('en-US', { timeZone: tz }); return true; } catch { return false; }
}

/** Offset of local time from UTC in ms at instant `t` (local = t + offset). */
export function tzOffsetMs(t: number, tz: string | undefined): number {
  if (!tz || tz === 'UTC' || tz === 'Etc/UTC') return 0;
  let f = fmts.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    fmts.set(tz, f);
  }
  const p: Record<string, number> = {};
  for (const x of f.formatToParts(t)) if (x.type !== 'literal') p[x.type] = Number(x.value);
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return wall - (t - (((t % 1000) + 1000) % 1000));
}

export interface LocalTime {
  /** Minutes since local midnight, 0..1439. */
  minutes: number;
  /** 'Monday'..'Sunday'. */
  weekday: string;
  /** Local date YYYY-MM-DD. */
  date: string;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function localTime(t: number, tz: string | undefined): LocalTime {
  const local = t + tzOffsetMs(t, tz);
  const d = new Date(local);
  return { minutes: d.getUTCHours() * 60 + d.getUTCMinutes(), weekday: WEEKDAYS[d.getUTCDay()]!, date: d.toISOString().slice(0, 10) };
}

/** "hh:mm" (24h, leading zeros) as minutes since midnight, or undefined when malformed. */
export function parseTimeOfDay(s: string): number | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(s);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/** "YYYY-MM-DD", a real calendar date. */
export function validDate(s: string): boolean {
  if (!/^[12]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(s)) return false;
  return new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;
}

/**
 * The first instant after `t` at which local time reaches one of `boundaries` (minutes since midnight), or
 * the zone's next offset change if that comes first (then the caller looks again from there: I12.FR.37).
 */
export function nextLocalBoundary(t: number, boundaries: readonly number[], tz: string | undefined): number {
  if (!boundaries.length) return Number.POSITIVE_INFINITY;
  const off = tzOffsetMs(t, tz);
  const local = t + off;
  const midnight = local - (((local % DAY_MS) + DAY_MS) % DAY_MS);
  let next = Number.POSITIVE_INFINITY;
  for (const b of boundaries) {
    let c = midnight + b * 60_000 - off;
    if (c <= t) c += DAY_MS;
    if (c < next) next = c;
  }
  if (tzOffsetMs(next, tz) === off) return next;
  // A daylight-saving change lies in (t, next]: find its first millisecond.
  let lo = t, hi = next;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (tzOffsetMs(mid, tz) === off) lo = mid; else hi = mid;
  }
  return hi;
}
