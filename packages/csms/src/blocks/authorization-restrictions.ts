// Operator-defined restrictions of an id token, CSMS side: where it may be used (stationIds, per-station evses,
// the older station-wide evseIds) and when (validFrom, a weekly schedule in an IANA time zone). authorization.ts
// turns the verdicts into Authorize / TransactionEvent answers (C01, C10), local-auth-list.ts into local list
// entries (D01). The zone math is @chargewire/ocpp/local-time's (Intl only, no tz database of our own).
import { DAY_MS, MINUTE_MS, localTime, offsetChangeBetween, parseTimeOfDay, tzOffsetMs, wallClock, wallMidnight, type LocalTime } from '@chargewire/ocpp/local-time';
import type { IdTokenInfoType } from '@chargewire/ocpp/types';
import type { IdTokenRecord, IdTokenSchedule } from '../store/records.ts';
import { WEEKDAYS } from '../store/token-restrictions.ts';

const HOUR = 60 * MINUTE_MS;

// ---- weekly schedule ----------------------------------------------------------------------------------

interface Window {
  days: number[]; // 0 = Sunday, as Date#getUTCDay
  from: number; // minutes after midnight
  to: number; // minutes after midnight, 1..1440; to <= from means overnight (ends on the next day)
}

const parse = (s: IdTokenSchedule): Window[] =>
  s.windows.map((w) => ({ days: w.days.map((d) => WEEKDAYS.indexOf(d)), from: parseTimeOfDay(w.from) ?? 0, to: parseTimeOfDay(w.to, true) ?? 1440 }));

function inside({ day: dow, minutes: min }: LocalTime, windows: Window[]): boolean {
  return windows.some((w) => w.days.some((d) => (w.to > w.from
    ? d === dow && min >= w.from && min < w.to
    : (d === dow && min >= w.from) || ((d + 1) % 7 === dow && min < w.to))));
}

export interface ScheduleState {
  /** Inside one of the windows at `now`. */
  inside: boolean;
  /** The first instant after `now` at which `inside` flips; absent when it never does (a window covers all week). */
  next?: number;
}

/**
 * Where `now` falls in the schedule and when that changes. Windows are wall-clock times: on the day clocks go
 * forward a boundary inside the skipped hour takes effect at the jump; on the day they go back the repeated
 * hour is judged twice (a window ending at 02:30 ends at 02:30 summer time and is open again 02:00–02:30 winter
 * time). Every flip happens where the wall clock reads a window boundary or where the offset changes, so the
 * candidates are: each boundary of the coming local days minus each offset seen, and each offset change.
 */
export function scheduleState(s: IdTokenSchedule, now: number): ScheduleState {
  const windows = parse(s);
  const tz = s.timeZone;
  const insideNow = inside(localTime(now, tz), windows);
  const offsets = new Set<number>();
  const candidates: number[] = [];
  let prev = tzOffsetMs(now - DAY_MS, tz);
  offsets.add(prev);
  for (let t = now - DAY_MS + 6 * HOUR; t <= now + 10 * DAY_MS; t += 6 * HOUR) {
    const o = tzOffsetMs(t, tz);
    if (o !== prev) candidates.push(offsetChangeBetween(t - 6 * HOUR, t, tz));
    offsets.add(o);
    prev = o;
  }
  const firstDay = wallMidnight(wallClock(now, tz)) - DAY_MS;
  for (let day = firstDay; day <= firstDay + 10 * DAY_MS; day += DAY_MS) {
    const dow = new Date(day).getUTCDay();
    for (const w of windows) {
      if (!w.days.includes(dow)) continue;
      const start = day + w.from * MINUTE_MS;
      const end = day + (w.to > w.from ? w.to : w.to + 1440) * MINUTE_MS;
      for (const o of offsets) candidates.push(start - o, end - o);
    }
  }
  const ordered = [...new Set(candidates.filter((c) => c > now))].sort((a, b) => a - b);
  const next = ordered.find((c) => inside(localTime(c, tz), windows) !== insideNow);
  return next === undefined ? { inside: insideNow } : { inside: insideNow, next };
}

// ---- verdicts -----------------------------------------------------------------------------------------

export interface LocationVerdict {
  allowed: boolean;
  /** The EVSEs of this station the token may use; absent = all (C01.FR.19). */
  evseIds?: number[];
}

/**
 * Where the token may be used at `stationId`: not at all when stationIds leaves the station out or the EVSE list
 * that applies there is empty (C01.FR.22); else on the EVSEs of the station's `evses` entry, or of the
 * station-wide `evseIds`, or everywhere.
 */
export function locationVerdict(rec: IdTokenRecord, stationId: string): LocationVerdict {
  if (rec.stationIds !== undefined && !rec.stationIds.includes(stationId)) return { allowed: false };
  const list = rec.evses?.find((e) => e.stationId === stationId)?.evseIds ?? rec.evseIds;
  if (list === undefined) return { allowed: true };
  return list.length === 0 ? { allowed: false } : { allowed: true, evseIds: [...list] };
}

export interface TimeVerdict {
  allowed: boolean;
  /** When the verdict may change (validFrom, or the next window boundary); absent = not foreseeable. */
  until?: number;
}

/** When the token may be used: undefined when it has no time rules; else allowed now or not, and until when. */
export function timeVerdict(rec: IdTokenRecord, now: number): TimeVerdict | undefined {
  if (rec.validFrom === undefined && rec.schedule === undefined) return undefined;
  const from = rec.validFrom !== undefined ? Date.parse(rec.validFrom) : undefined;
  if (from !== undefined && now < from) return { allowed: false, until: from };
  if (!rec.schedule) return { allowed: true };
  try {
    const st = scheduleState(rec.schedule, now);
    return st.next === undefined ? { allowed: st.inside } : { allowed: st.inside, until: st.next };
  } catch {
    return { allowed: false }; // a time zone this runtime does not know (stored by an older version): fail closed
  }
}

/** Lower cacheExpiryDateTime to `at` when it is later or absent (C10.FR.13: the station drops it after that). */
export function capCacheExpiry(info: IdTokenInfoType, at: number): void {
  if (info.cacheExpiryDateTime === undefined || Date.parse(info.cacheExpiryDateTime) > at) info.cacheExpiryDateTime = new Date(at).toISOString();
}

const hasRestrictions = (rec: IdTokenRecord) =>
  rec.stationIds !== undefined || rec.evses !== undefined || rec.evseIds !== undefined || rec.validFrom !== undefined || rec.schedule !== undefined;

/**
 * D01 list content for a token with restrictions, given the idTokenInfo the operator wants to send to `stationId`.
 * Only an Accepted entry changes, and only downwards, so the list never grants more than Authorize would:
 * - a station the token may not be used at gets NotAtThisLocation (not left out: an absent token is "unknown",
 *   which OfflineTxForUnknownIdEnabled lets charge offline, C13.FR.04; a listed non-Accepted one is refused
 *   offline, C13.FR.02, and checked online with Authorize, C14.FR.03);
 * - the EVSE subset that applies at the station goes into evseId (C01.FR.20);
 * - a token with a schedule or a future validFrom gets NotAtThisTime: a static list cannot follow the clock, and
 *   an Accepted entry would let the station start charging without asking (C14.FR.02) at any hour.
 */
export function localListInfo(info: IdTokenInfoType, rec: IdTokenRecord, stationId: string, now: number): IdTokenInfoType {
  if (info.status !== 'Accepted' || !hasRestrictions(rec)) return info;
  const loc = locationVerdict(rec, stationId);
  if (!loc.allowed) {
    const { evseId: _drop, ...rest } = info;
    return { ...rest, status: 'NotAtThisLocation' };
  }
  const out: IdTokenInfoType = { ...info, ...(loc.evseIds && { evseId: loc.evseIds }) };
  const time = timeVerdict(rec, now);
  if (time && (rec.schedule !== undefined || !time.allowed)) out.status = 'NotAtThisTime';
  return out;
}
