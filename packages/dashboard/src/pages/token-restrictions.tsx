// Read-only view of an id token's restrictions (where: stationIds, evses, evseIds; when: validFrom, schedule),
// as the CSMS stores them (docs/api.md "Id tokens (C01) and their restrictions"). The list shows a compact
// summary ("2 stations · Mon–Fri 07:00–19:00 Europe/Amsterdam"), its title and the edit form the full text.
// The dashboard does not edit them: a PUT from the form sends them back unchanged.
import type { IdTokenRecord, IdTokenSchedule, IdTokenTimeWindow, Weekday } from '../api/types.ts';

/** Monday first, as an operator reads a working week. */
const WEEK: readonly Weekday[] = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Days in week order; three or more consecutive days as a range ("Mon–Fri"), all seven as "daily". */
export function dayText(days: readonly Weekday[]): string {
  const idx = [...new Set(days)].map((d) => WEEK.indexOf(d)).filter((i) => i >= 0).sort((a, b) => a - b);
  if (idx.length === 7) return 'daily';
  const parts: string[] = [];
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1] === idx[j]! + 1) j++;
    if (j - i >= 2) parts.push(`${WEEK[idx[i]!]}–${WEEK[idx[j]!]}`);
    else for (let k = i; k <= j; k++) parts.push(WEEK[idx[k]!]!);
    i = j + 1;
  }
  return parts.join(', ');
}

const windowText = (w: IdTokenTimeWindow) => `${dayText(w.days)} ${w.from === '00:00' && w.to === '24:00' ? 'all day' : `${w.from}–${w.to}`}`;

export function scheduleText(s: IdTokenSchedule): string {
  return `${s.windows.map(windowText).join(', ')} ${s.timeZone}`;
}

/** "2026-03-01 07:00 UTC": the instant as stored (UTC), to the minute. */
const utcText = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The restrictions in a few words, or undefined when the token has none. */
export function restrictionSummary(t: IdTokenRecord): string | undefined {
  const parts: string[] = [];
  if (t.stationIds) parts.push(t.stationIds.length === 0 ? 'no station' : t.stationIds.length === 1 ? `station ${t.stationIds[0]}` : plural(t.stationIds.length, 'station'));
  if (t.evses?.length) parts.push(t.evses.length === 1 ? evseEntryText(t.evses[0]!) : `EVSE limits at ${plural(t.evses.length, 'station')}`);
  if (t.evseIds) parts.push(t.evseIds.length === 0 ? 'no EVSE' : `EVSE ${t.evseIds.join(', ')}`);
  if (t.validFrom) parts.push(`from ${utcText(t.validFrom)}`);
  if (t.schedule) parts.push(scheduleText(t.schedule));
  return parts.length ? parts.join(' · ') : undefined;
}

const evseEntryText = (e: { stationId: string; evseIds: number[] }) => (e.evseIds.length === 0 ? `not at ${e.stationId}` : `EVSE ${e.evseIds.join(', ')} at ${e.stationId}`);

/** Every restriction spelled out, one line each (the list's tooltip and the edit form). */
export function restrictionLines(t: IdTokenRecord): string[] {
  const lines: string[] = [];
  if (t.stationIds) lines.push(t.stationIds.length === 0 ? 'Stations: none' : `Stations: ${t.stationIds.join(', ')}`);
  for (const e of t.evses ?? []) lines.push(`At ${e.stationId}: ${e.evseIds.length === 0 ? 'not allowed' : `EVSE ${e.evseIds.join(', ')}`}`);
  if (t.evseIds) lines.push(`${t.evses?.length ? 'Other stations' : 'EVSEs'}: ${t.evseIds.length === 0 ? 'none' : t.evseIds.join(', ')}`);
  if (t.validFrom) lines.push(`Valid from ${utcText(t.validFrom)}`);
  if (t.schedule) lines.push(`Schedule: ${scheduleText(t.schedule)}`);
  return lines;
}

/** List cell: the summary, the full text as its title; a dash for an unrestricted token. */
export function RestrictionCell({ token }: { token: IdTokenRecord }) {
  const summary = restrictionSummary(token);
  if (!summary) return <span className="muted">—</span>;
  return <span title={restrictionLines(token).join('\n')}>{summary}</span>;
}

/** Edit form: the restrictions read-only, kept as they are by a save. */
export function RestrictionDetail({ token }: { token: IdTokenRecord }) {
  const lines = restrictionLines(token);
  if (!lines.length) return null;
  return (
    <div className="field leaf" role="group" aria-label="Restrictions">
      <span>Restrictions</span>
      <ul className="plain">
        {lines.map((l) => <li key={l}>{l}</li>)}
      </ul>
      <span className="muted small">Kept unchanged when you save; set them with PUT /api/id-tokens (see docs/api.md).</span>
    </div>
  );
}
