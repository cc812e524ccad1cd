// Wall-clock time in an IANA time zone, from Intl alone (no tz database of our own), so daylight-saving changes
// follow the runtime's zone rules. Shared by the simulator's tariff conditions (OCPP 2.1 I07.FR.17, I12.FR.37:
// startTimeOfDay, dayOfWeek, validFromDate… in ClockCtrlr.TimeZone, UTC when unset) and the CSMS's weekly
// id-token schedules (C01/C10). Published as `@chargewire/ocpp/local-time`.

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/** Day names in Date#getUTCDay order (0 = Sunday), as OCPP's DayOfWeekEnumType spells them. */
export const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
export type WeekdayName = (typeof WEEKDAY_NAMES)[number];

const MAX_FORMATTERS = 500;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The (cached) formatter of a zone; throws RangeError when the runtime does not know it. */
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    if (formatters.size >= MAX_FORMATTERS) formatters.clear(); // names can come from user input: keep the cache bounded
    formatters.set(timeZone, f);
  }
  return f;
}

const isUtc = (tz: string | undefined): boolean => tz === undefined || tz === 'UTC' || tz === 'Etc/UTC';

/** True when Intl knows the time zone (IANA names and their aliases, case-insensitive); at most 64 characters. */
export function isTimeZone(tz: unknown): tz is string {
  if (typeof tz !== 'string' || tz.length === 0 || tz.length > 64) return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/**
 * The wall-clock reading in `timeZone` at the instant `utc` (epoch ms), as the epoch ms of that same reading in
 * UTC. No zone (undefined) is UTC. Throws RangeError for a zone the runtime does not know ("" included).
 */
export function wallClock(utc: number, timeZone: string | undefined): number {
  if (isUtc(timeZone)) return utc;
  const n: Record<string, number> = {};
  for (const p of formatter(timeZone!).formatToParts(utc)) if (p.type !== 'literal') n[p.type] = Number(p.value);
  const ms = ((utc % 1000) + 1000) % 1000;
  return Date.UTC(n['year']!, n['month']! - 1, n['day']!, n['hour']!, n['minute']!, n['second']!) + ms;
}

/** Offset of local time from UTC in ms at the instant `utc` (local = utc + offset). */
export const tzOffsetMs = (utc: number, timeZone: string | undefined): number => wallClock(utc, timeZone) - utc;

export interface LocalTime {
  /** Minutes since local midnight, 0..1439. */
  minutes: number;
  /** 0 = Sunday .. 6 = Saturday. */
  day: number;
  /** 'Sunday'..'Saturday'. */
  weekday: WeekdayName;
  /** Local date YYYY-MM-DD. */
  date: string;
}

/** The fields of a wall-clock reading (as from wallClock). */
export function wallFields(wall: number): LocalTime {
  const d = new Date(wall);
  const day = d.getUTCDay();
  return { minutes: d.getUTCHours() * 60 + d.getUTCMinutes(), day, weekday: WEEKDAY_NAMES[day]!, date: d.toISOString().slice(0, 10) };
}

/** Local time of day, weekday and date in `timeZone` at the instant `utc`. */
export const localTime = (utc: number, timeZone: string | undefined): LocalTime => wallFields(wallClock(utc, timeZone));

/** Local midnight (as a wall-clock reading) of the wall-clock reading `wall`. */
export const wallMidnight = (wall: number): number => wall - (((wall % DAY_MS) + DAY_MS) % DAY_MS);

/** "HH:MM" (24 h, leading zeros) as minutes after midnight, 00:00..23:59 (and 24:00 = 1440 with `allow24`); else undefined. */
export function parseTimeOfDay(hhmm: unknown, allow24 = false): number | undefined {
  if (typeof hhmm !== 'string') return undefined;
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(hhmm);
  if (!m) return undefined;
  const min = Number(m[1]) * 60 + Number(m[2]);
  return min < 1440 || (allow24 && min === 1440) ? min : undefined;
}

/** "YYYY-MM-DD", a real calendar date. */
export function validDate(s: string): boolean {
  if (!/^[12]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(s)) return false;
  return new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;
}

/**
 * The first instant (ms) in (a, b] whose UTC offset differs from the offset at `a`, assuming at most one offset
 * change lies between them; `b` when there is none. Zone transitions fall on whole seconds, so this is exact.
 */
export function offsetChangeBetween(a: number, b: number, timeZone: string | undefined): number {
  const off = tzOffsetMs(a, timeZone);
  let lo = a, hi = b;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (tzOffsetMs(mid, timeZone) === off) lo = mid; else hi = mid;
  }
  return hi;
}

/**
 * The first instant after `t` at which local time reaches one of `boundaries` (minutes since midnight), or
 * the zone's next offset change if that comes first (then the caller looks again from there: I12.FR.37).
 */
export function nextLocalBoundary(t: number, boundaries: readonly number[], timeZone: string | undefined): number {
  if (!boundaries.length) return Number.POSITIVE_INFINITY;
  const off = tzOffsetMs(t, timeZone);
  const midnight = wallMidnight(t + off);
  let next = Number.POSITIVE_INFINITY;
  for (const b of boundaries) {
    let c = midnight + b * MINUTE_MS - off;
    if (c <= t) c += DAY_MS;
    if (c < next) next = c;
  }
  if (tzOffsetMs(next, timeZone) === off) return next;
  return offsetChangeBetween(t, next, timeZone); // a daylight-saving change lies in (t, next]: its first millisecond
}
