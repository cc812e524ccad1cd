// Meter values in the SQL store (J01–J03, E02/E06 meter data of TransactionEvents), since migration 4: one
// row per MeterValue (station, transaction, timestamp, evse) holding its sampled values as JSON, instead of
// one row per sampled value. A TransactionEvent with 6 samples writes one row and one index entry instead of
// six of each; the 8-column unique index of the old layout split a page every few messages and was the
// largest part of the bytes each commit appended to the WAL (issue 7, docs/performance-history.md, session 4). The Store's API
// is unchanged: listMeterValues still returns one MeterValueRow per sampled value, and idempotency is still
// per sampled value (station, evse, transaction, timestamp, measurand, phase, location, context).
import type { flattenMeterValues } from './logic.ts';
import { ENERGY_REGISTER, compact, registerReadings } from './logic.ts';
import { jsonString } from './json-text.ts';
import type { SqlConn } from './sql-store.ts';
import type * as R from './records.ts';

type Flat = ReturnType<typeof flattenMeterValues>[number];

/** One sampled value as stored in `samples` (migrated rows may carry null or '' for absent fields). */
export interface StoredSample {
  measurand: string;
  phase?: string | null;
  location?: string | null;
  context?: string | null;
  unit?: string | null;
  multiplier?: number | null;
  value: number;
  signedMeterValue?: R.MeterValueRow['signedMeterValue'] | null;
}

/** Sample ids are reading id × SAMPLE_SLOTS + position: stable, unique, ordered like the old per-sample ids. */
export const SAMPLE_SLOTS = 1000;

const keyOf = (s: { measurand: string; phase?: string | null; location?: string | null; context?: string | null }) =>
  `${s.measurand}\u001f${s.phase || ''}\u001f${s.location || ''}\u001f${s.context || ''}`;

/** A flat row as a stored sample: the same members but the timestamp, in this order (assigned, not spread: issue 7). */
function toStored(r: Flat): StoredSample {
  const s = { measurand: r.measurand } as StoredSample;
  if (r.phase !== undefined) s.phase = r.phase;
  if (r.location !== undefined) s.location = r.location;
  if (r.context !== undefined) s.context = r.context;
  if (r.unit !== undefined) s.unit = r.unit;
  if (r.multiplier !== undefined) s.multiplier = r.multiplier;
  s.value = r.value;
  if (r.signedMeterValue !== undefined) s.signedMeterValue = r.signedMeterValue;
  return s;
}

/**
 * The readings of one write: flattened rows grouped by timestamp, in order, each group's samples without
 * repeated keys (the first one wins, as the old unique index kept the first row of a multi-row insert).
 */
export function readingsOf(rows: Flat[]): { timestamp: string; samples: StoredSample[] }[] {
  // issue 7: a TransactionEvent has one timestamp and a few samples, so repeated keys are found by comparing,
  // without a Set and a key string per sample (keyed only for long groups); same result as keying every
  // sample by keyOf (sql-meter.test.ts)
  const groups = new Map<string, { timestamp: string; samples: StoredSample[]; keys?: Set<string> }>();
  let g: { timestamp: string; samples: StoredSample[]; keys?: Set<string> } | undefined;
  for (const r of rows) {
    if (g?.timestamp !== r.timestamp) {
      g = groups.get(r.timestamp);
      if (!g) groups.set(r.timestamp, (g = { timestamp: r.timestamp, samples: [] }));
    }
    if (g.samples.length < KEYED_FROM) {
      if (g.samples.some((s) => sameKey(s, r))) continue;
    } else {
      g.keys ??= new Set(g.samples.map(keyOf));
      const k = keyOf(r);
      if (g.keys.has(k)) continue;
      g.keys.add(k);
    }
    g.samples.push(toStored(r));
  }
  return [...groups.values()].map(({ timestamp, samples }) => ({ timestamp, samples }));
}

/** Samples in a group from which repeated keys are found with a Set of key strings rather than by comparing. */
const KEYED_FROM = 16;

/** keyOf(a) === keyOf(b), without building the strings (the four are enumerations: none holds U+001F). */
function sameKey(a: StoredSample, b: Flat): boolean {
  return a.measurand === b.measurand && (a.phase || '') === (b.phase || '') && (a.location || '') === (b.location || '') && (a.context || '') === (b.context || '');
}

export const READING_COLUMNS = 'station_id, evse_id, transaction_id, timestamp, samples';

/** Parameter rows of readings, in READING_COLUMNS order. */
export function readingParams(stationId: string, evseId: number, readings: ReturnType<typeof readingsOf>, transactionId?: string): unknown[][] {
  return readings.map((g) => [stationId, evseId, transactionId ?? '', g.timestamp, samplesJson(g.samples)]);
}

const jsonValue = (v: unknown): string =>
  typeof v === 'string' ? jsonString(v) : typeof v === 'number' ? (Number.isFinite(v) ? String(v) : 'null') : JSON.stringify(v) ?? 'null';

/**
 * JSON.stringify of readingsOf's samples, the same text (sql-meter.test.ts), written for speed: their keys are
 * known and in toStored's order, so only values are serialized (issue 7: a TransactionEvent's samples were a
 * third of the ≈ 200 strings JSON.stringify wrote per CALL, `npm run bench -- instructions`).
 */
export function samplesJson(samples: readonly StoredSample[]): string {
  let out = '[';
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    if (i) out += ',';
    out += `{"measurand":${jsonValue(s.measurand)}`;
    if (s.phase !== undefined) out += `,"phase":${jsonValue(s.phase)}`;
    if (s.location !== undefined) out += `,"location":${jsonValue(s.location)}`;
    if (s.context !== undefined) out += `,"context":${jsonValue(s.context)}`;
    if (s.unit !== undefined) out += `,"unit":${jsonValue(s.unit)}`;
    if (s.multiplier !== undefined) out += `,"multiplier":${jsonValue(s.multiplier)}`;
    out += `,"value":${jsonValue(s.value)}`;
    if (s.signedMeterValue !== undefined) out += `,"signedMeterValue":${jsonValue(s.signedMeterValue)}`;
    out += '}';
  }
  return `${out}]`;
}

const INSERT_READING = `INSERT INTO meter_readings (${READING_COLUMNS}) VALUES (?, CAST(? AS INTEGER), ?, ?, ?) ON CONFLICT DO NOTHING`;

/**
 * Stores readings: one INSERT each; a reading whose (station, transaction, timestamp, evse) is already stored
 * gets only its new sampled values added (stored ones are kept as they are: a resent value changes nothing).
 */
export async function insertReadings(db: SqlConn, stationId: string, evseId: number, readings: ReturnType<typeof readingsOf>, transactionId?: string): Promise<void> {
  const params = readingParams(stationId, evseId, readings, transactionId);
  for (let i = 0; i < readings.length; i++) {
    if (await db.run(INSERT_READING, params[i])) continue;
    await mergeReading(db, stationId, evseId, readings[i]!, transactionId);
  }
}

/** Adds the samples of `reading` that the stored row of the same key lacks. */
export async function mergeReading(db: SqlConn, stationId: string, evseId: number, reading: ReturnType<typeof readingsOf>[number], transactionId?: string): Promise<void> {
  const key = [stationId, transactionId ?? '', reading.timestamp, evseId];
  const row = (await db.all('SELECT id, samples FROM meter_readings WHERE station_id = ? AND transaction_id = ? AND timestamp = ? AND evse_id = ?', key))[0];
  if (!row) return; // deleted meanwhile: nothing to merge into (cannot happen inside one transaction)
  const stored = JSON.parse(row.samples as string) as StoredSample[];
  const have = new Set(stored.map(keyOf));
  const added = reading.samples.filter((s) => !have.has(keyOf(s)));
  if (!added.length) return;
  await db.run('UPDATE meter_readings SET samples = ? WHERE id = ?', [JSON.stringify([...stored, ...added]), row.id]);
}

/** The MeterValueRows of one stored reading, in sample order. */
export function samplesOf(r: Record<string, unknown>): R.MeterValueRow[] {
  const base = Number(r.id) * SAMPLE_SLOTS;
  const samples = typeof r.samples === 'string' ? (JSON.parse(r.samples) as StoredSample[]) : (r.samples as StoredSample[]);
  return samples.map((s, i) => compact({
    id: base + i, stationId: r.station_id as string, evseId: Number(r.evse_id), transactionId: (r.transaction_id as string) || undefined,
    timestamp: r.timestamp as string, measurand: s.measurand, phase: s.phase || undefined, location: s.location || undefined,
    context: s.context || undefined, unit: s.unit ?? undefined, multiplier: s.multiplier ?? undefined, value: Number(s.value),
    signedMeterValue: s.signedMeterValue ?? undefined,
  }));
}

/**
 * listMeterValues: readings in (timestamp, id) order, filtered by row (station, transaction, evse, time) in
 * SQL and by measurand here, fetched page by page (keyset) until `limit` samples are found.
 */
export async function listSamples(read: SqlConn, conds: [string, ...unknown[]][], measurand: string | undefined, limit: number): Promise<R.MeterValueRow[]> {
  const out: R.MeterValueRow[] = [];
  const page = Math.min(Math.max(limit, 16), 1000);
  let after: [string, number] | undefined;
  for (;;) {
    const all: [string, ...unknown[]][] = after ? [...conds, ['(timestamp > ? OR (timestamp = ? AND id > ?))', after[0], after[0], after[1]]] : conds;
    const rows = await read.all(`SELECT * FROM meter_readings WHERE ${all.map((c) => c[0]).join(' AND ')} ORDER BY timestamp, id LIMIT ?`, [...all.flatMap((c) => c.slice(1)), page]);
    for (const r of rows) {
      for (const s of samplesOf(r)) {
        if (measurand !== undefined && s.measurand !== measurand) continue;
        out.push(s);
        if (out.length >= limit) return out;
      }
    }
    if (rows.length < page) return out;
    const last = rows.at(-1)!;
    after = [last.timestamp as string, Number(last.id)];
  }
}

/** Energy register readings (Wh) stored for a transaction before its first event arrived. */
export async function earlyRegisterWh(db: SqlConn, stationId: string, transactionId: string): Promise<number[]> {
  const rows = await db.all('SELECT id, station_id, evse_id, transaction_id, timestamp, samples FROM meter_readings WHERE station_id = ? AND transaction_id = ?', [stationId, transactionId]);
  return registerReadings(rows.flatMap(samplesOf).filter((s) => s.measurand === ENERGY_REGISTER));
}
