// Statement builders of the SQL store's hot writes (issue 7): multi-row inserts, the transactions row
// update that leaves unchanged index columns alone, and the TransactionEvent writes that detect a
// duplicate by inserting (no read before the write). Shared by SQLite and PostgreSQL unless named pg*.
import type { FoldState } from './logic.ts';
import { READING_COLUMNS } from './sql-meter.ts';
import type { SqlConn } from './sql-store.ts';

/**
 * Multi-row INSERT (one statement and, on PostgreSQL, one round trip for up to 500 rows). Up to 16 rows
 * the statement has the exact row count; above, chunks have power-of-two sizes, so a handful of statement
 * texts per table stay prepared instead of one per row count.
 */
export async function insertMany(db: SqlConn, head: string, cols: number, rows: unknown[][], tail = ''): Promise<void> {
  const ph = `(${Array(cols).fill('?').join(',')})`;
  await chunked(db, rows, (n) => `${head} VALUES ${n === 1 ? ph : Array(n).fill(ph).join(',')}${tail}`);
}

/** Runs `sql(n)` with the parameters of n rows at a time (sizes as described at insertMany). */
async function chunked(db: SqlConn, rows: unknown[][], sql: (n: number) => string): Promise<void> {
  for (let i = 0; i < rows.length;) {
    const left = rows.length - i;
    let n = left >= 500 ? 500 : left <= 16 ? left : 256;
    while (n > left) n >>= 1;
    const params: unknown[] = [];
    for (let k = i; k < i + n; k++) for (const v of rows[k]!) params.push(v);
    await db.run(sql(n), params);
    i += n;
  }
}

/**
 * touchStation for a whole batch: one UPDATE … FROM (VALUES …) per chunk, with the latest time per station;
 * lastSeen never moves backwards and unknown stations match nothing.
 */
export async function touchMany(db: SqlConn, touches: [string, string][]): Promise<void> {
  const latest = new Map<string, string>();
  for (const [id, t] of touches) {
    const old = latest.get(id);
    if (old === undefined || t > old) latest.set(id, t);
  }
  await chunked(db, [...latest], (n) => `UPDATE stations SET last_seen = v.column2 FROM (VALUES ${Array(n).fill('(?,?)').join(',')}) AS v
    WHERE stations.id = v.column1 AND (stations.last_seen IS NULL OR stations.last_seen < v.column2)`);
}

const TX_COLUMNS = ['state', 'id_token_lower', 'started_at', 'ended_at', 'remote_start_id'] as const;

/** The indexed columns of a transactions row, in TX_COLUMNS order. */
export function txColumns(s: FoldState): unknown[] {
  return [s.tx.state, s.tx.idToken?.idToken.toLowerCase() ?? null, s.tx.startedAt, s.tx.endedAt ?? null, s.tx.remoteStartId ?? null];
}

/**
 * SET clause for a stored transaction: the fold (`text`, its JSON) and only those indexed columns whose value
 * changed (most events change none), so unchanged index entries are not rewritten.
 */
export function foldUpdate(s: FoldState, prev: FoldState, text = JSON.stringify(s)): { set: string; params: unknown[] } {
  const now = txColumns(s);
  const old = txColumns(prev);
  let set = 'fold = ?';
  const params: unknown[] = [text];
  TX_COLUMNS.forEach((c, i) => {
    if (now[i] !== old[i]) {
      set += `, ${c} = ?`;
      params.push(now[i]);
    }
  });
  return { set, params };
}

const EVENT_COLUMNS = 'station_id, transaction_id, seq_no, message_id, fingerprint, timestamp, data';

/**
 * Inserts an event row unless it duplicates a stored one: same content (unique (station, transaction,
 * fingerprint)) or same seqNo + messageId (unique (station, transaction, seq_no, message_id), migration 3).
 * Parameters: the 7 row values. Changes 0 rows for a duplicate.
 */
export const EVENT_IF_NEW = `INSERT INTO transaction_events (${EVENT_COLUMNS}) VALUES (?, ?, CAST(? AS INTEGER), ?, ?, ?, ?) ON CONFLICT DO NOTHING`;

/**
 * PostgreSQL: a later event of a stored transaction in one statement (one round trip): EVENT_IF_NEW, and
 * only if it inserted, the meter readings (sql-meter.ts) and the fold update. With `expect` (the fold text
 * the caller has cached), nothing is written unless the stored fold is still that text (its row is locked
 * as SELECT … FOR UPDATE would). Returns one row: `c` = 1 when the stored fold matched `expect` (always 1
 * without it), `n` = 1 (stored) or 0 (duplicate), `m` = readings inserted (fewer than given: a timestamp
 * was already stored, and the caller merges those samples).
 */
export function pgEventWrite(row: unknown[], readings: unknown[][], fold: { set: string; params: unknown[] }, expect?: string): { sql: string; params: unknown[] } {
  const [stationId, transactionId] = [row[0], row[1]];
  const params: unknown[] = [];
  let sql = 'WITH ';
  if (expect !== undefined) {
    sql += 'cur AS (SELECT 1 FROM transactions WHERE station_id = ? AND transaction_id = ? AND fold = ? FOR UPDATE), ';
    params.push(stationId, transactionId, expect);
    sql += `ev AS (INSERT INTO transaction_events (${EVENT_COLUMNS}) SELECT ?, ?, CAST(? AS INTEGER), ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM cur)
      ON CONFLICT DO NOTHING RETURNING 1)`;
  } else sql += `ev AS (${EVENT_IF_NEW} RETURNING 1)`;
  params.push(...row);
  if (readings.length) {
    const ph = '(?, CAST(? AS INTEGER), ?, ?, ?)';
    sql += `, mv AS (INSERT INTO meter_readings (${READING_COLUMNS}) SELECT * FROM (VALUES ${readings.map(() => ph).join(',')}) AS v
      WHERE EXISTS (SELECT 1 FROM ev) ON CONFLICT DO NOTHING RETURNING 1)`;
    for (const r of readings) params.push(...r);
  }
  sql += `, up AS (UPDATE transactions SET ${fold.set} WHERE station_id = ? AND transaction_id = ? AND EXISTS (SELECT 1 FROM ev))
    SELECT ${expect !== undefined ? '(SELECT count(*) FROM cur)' : '1'} AS c, count(*) AS n, ${readings.length ? '(SELECT count(*) FROM mv)' : '0'} AS m FROM ev`;
  params.push(...fold.params, stationId, transactionId);
  return { sql, params };
}
