// Checks of an id token's location/time restrictions (stationIds, evses, validFrom, schedule), shared by the
// Store (common.ts checkIdToken) and the REST API (api-charging/id-tokens.ts). Pure; zone names and clock times
// are checked by @chargewire/ocpp/local-time (Intl is the only zone source).
import { isTimeZone, parseTimeOfDay } from '@chargewire/ocpp/local-time';
import type { IdTokenInput, Weekday } from './records.ts';

/** Day names in Date#getUTCDay order (0 = Sunday). */
export const WEEKDAYS: readonly Weekday[] = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/**
 * The first problem with a token's location/time restrictions (stationIds, evses, validFrom, schedule), as the
 * dotted field it is about and why; undefined when they are fine. Shared by the Store and the REST API.
 */
export function idTokenRestrictionIssue(t: Partial<IdTokenInput>): { field: string; message: string } | undefined {
  const bad = (field: string, message: string) => ({ field, message });
  const stationIdOk = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= 48;
  if (t.stationIds !== undefined) {
    if (!Array.isArray(t.stationIds)) return bad('stationIds', 'must be an array of station ids');
    const i = t.stationIds.findIndex((s, k) => !stationIdOk(s) || t.stationIds!.indexOf(s) !== k);
    if (i >= 0) return bad(`stationIds[${i}]`, 'must be a non-empty station id (at most 48 characters) listed once');
  }
  if (t.evses !== undefined) {
    if (!Array.isArray(t.evses)) return bad('evses', 'must be an array of { stationId, evseIds }');
    const seen = new Set<string>();
    for (const [i, e] of t.evses.entries()) {
      if (!e || typeof e !== 'object' || !stationIdOk(e.stationId)) return bad(`evses[${i}].stationId`, 'must be a non-empty station id (at most 48 characters)');
      if (seen.has(e.stationId)) return bad(`evses[${i}].stationId`, 'is listed twice');
      seen.add(e.stationId);
      if (t.stationIds !== undefined && !t.stationIds.includes(e.stationId)) return bad(`evses[${i}].stationId`, 'is not in stationIds');
      if (!Array.isArray(e.evseIds) || e.evseIds.some((x) => !Number.isInteger(x) || x < 1)) return bad(`evses[${i}].evseIds`, 'must be an array of EVSE ids (integers >= 1)');
    }
  }
  if (t.validFrom !== undefined) {
    if (typeof t.validFrom !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(t.validFrom) || Number.isNaN(Date.parse(t.validFrom))) return bad('validFrom', 'must be an ISO 8601 date-time');
    if (t.expiryDate !== undefined && Date.parse(t.validFrom) >= new Date(t.expiryDate).getTime()) return bad('validFrom', 'must be before expiryDate');
  }
  const s = t.schedule;
  if (s !== undefined) {
    if (!s || typeof s !== 'object') return bad('schedule', 'must be an object { timeZone, windows }');
    if (!isTimeZone(s.timeZone)) return bad('schedule.timeZone', `is not a known IANA time zone (${String(s.timeZone)})`);
    if (!Array.isArray(s.windows) || s.windows.length === 0) return bad('schedule.windows', 'must be a non-empty array');
    for (const [i, w] of s.windows.entries()) {
      const f = `schedule.windows[${i}]`;
      if (!Array.isArray(w?.days) || w.days.length === 0 || w.days.some((d, k) => !WEEKDAYS.includes(d) || w.days.indexOf(d) !== k)) return bad(`${f}.days`, `must be a non-empty list of distinct days out of ${WEEKDAYS.join(', ')}`);
      const from = parseTimeOfDay(w.from);
      const to = parseTimeOfDay(w.to, true);
      if (from === undefined) return bad(`${f}.from`, 'must be a time HH:MM from 00:00 to 23:59');
      if (to === undefined) return bad(`${f}.to`, 'must be a time HH:MM from 00:00 to 24:00');
      if (from === to) return bad(`${f}.to`, 'must differ from from (00:00–24:00 is a whole day; to before from is overnight)');
    }
  }
  return undefined;
}
