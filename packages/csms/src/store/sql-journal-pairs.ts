// The SQLite journal's answers stored beside their CALL (issue 7, write throughput; schema V5).
//
// A station's journal was one entry per frame in the (station_id, id) index. The index leaf of a station is
// a random page for each frame, and a CALL and its answer land in different commits (the answer is journaled
// after it went out), so every CALL wrote that station's leaf twice: 2.2 of the 9 WAL frames per CALL of the
// fleet mix (bench-journal.ts wal), ≈ 10% of the CSMS's CPU per CALL in the steady benchmark.
//
// Now an answer (CALLRESULT, CALLERROR, CALLRESULTERROR) that directly follows its own CALL among the station's
// journal rows is stored with `call_id` = that CALL's row id and is not in the station index (a partial index
// of the rows without call_id); `journal_call` (call_id) finds it, an index whose keys grow with time, so its
// writes share the rightmost leaf. Any other row (CALLs, SENDs, answers with another frame of the station in
// between, answers to unknown CALLs) is indexed as before, and so is an answer whose CALL this store instance
// does not know to be the station's latest row (JournalTail: no read on the write path).
//
// Why listing stays exact: an unindexed answer has no other row of its station between its CALL and itself.
// So a station's rows with ids from one indexed row up to its next indexed row are that row and at most its
// answer: a page read newest first, indexed rows in chunks plus the answers of the chunk's CALLs, sees every
// row of the id range a chunk covers, and sorts them by id. PostgreSQL and the memory store index every row.
// Retention deletes by id: where one of its batches ends between a CALL and its answer, that answer is listed no
// more, and the next batch deletes it.
import type { SqlConn } from './sql-store.ts';
import { insertMany } from './sql-writes.ts';

/** The journal's columns in the order of a JournalRow (both dialects insert them). */
export const JOURNAL_COLUMNS = 'station_id, direction, message_type, message_id, action, payload, at';
const INSERT_PAIRED = `INSERT INTO journal (${JOURNAL_COLUMNS}, call_id)`;
/** A journal row as the store binds it: station, direction, message type, message id, action, payload, at. */
export type JournalRow = [string, 'in' | 'out', number, string, string | null, string, string];

const isAnswer = (type: number): boolean => type === 3 || type === 4 || type === 5;
/** A row of this direction, message type and id is a CALL that `answer` answers (same message id, other direction). */
const answers = (answer: JournalRow, direction: string, type: number, messageId: string): boolean =>
  type === 2 && messageId === answer[3] && direction !== answer[1];

/** A CALL answered no more than this long after it was journaled can be stored beside it. */
const ANSWER_WINDOW_MS = 60_000;

/**
 * What this store instance wrote last of each station, as far as it is an unanswered CALL: the answer that comes
 * next can go beside it with no read. Dropped when a batch rolls back, a station is deleted, or another
 * connection committed to the file (PRAGMA data_version: cluster nodes or tools on the same file); then the
 * answers to CALLs written before are simply indexed.
 */
export class JournalTail {
  private readonly calls = new Map<string, { id: number; direction: string; messageId: string; at: number }>();
  private version: unknown;
  constructor(private readonly now: () => number = Date.now) {}

  clear(): void {
    this.calls.clear();
  }

  forget(stationId: string): void {
    this.calls.delete(stationId);
  }

  /** Drops what another connection's commit may have made untrue. */
  async check(db: SqlConn): Promise<void> {
    const v = (await db.all('PRAGMA data_version'))[0]?.data_version;
    if (v !== this.version) this.calls.clear();
    this.version = v;
  }

  /** The id of the CALL `answer` answers, if that CALL is the station's latest row and recent. */
  callOf(answer: JournalRow): number | undefined {
    const c = this.calls.get(answer[0]);
    if (!c || this.now() - c.at > ANSWER_WINDOW_MS) return undefined;
    return answers(answer, c.direction, 2, c.messageId) ? c.id : undefined;
  }

  /** After an op: each station's latest row, kept if it is a CALL. */
  wrote(latest: Map<string, number>, rows: readonly JournalRow[], ids: readonly number[]): void {
    const at = this.now();
    for (const [station, i] of latest) {
      const r = rows[i]!;
      if (r[2] === 2) this.calls.set(station, { id: ids[i]!, direction: r[1], messageId: r[3], at });
      else this.calls.delete(station);
    }
  }
}

/**
 * Inserts journal rows in order, each answer that directly follows its CALL with that CALL's id as call_id.
 * Rows go in multi-row statements (insertMany); the rows pending end before an answer whose CALL is among them
 * (that id is known only once they are inserted: SQLite gives the rows of an INSERT consecutive ids).
 */
export async function insertJournalRows(db: SqlConn, rows: readonly JournalRow[], tail: JournalTail): Promise<void> {
  await tail.check(db);
  const ids = new Array<number>(rows.length);
  /** Index in `rows` of the station's latest row so far in this op. */
  const latest = new Map<string, number>();
  /** Rows from index `start` on, not inserted yet. */
  let start = 0;
  let pending: unknown[][] = [];
  const flush = async (end: number): Promise<void> => {
    if (end === start) return;
    await insertMany(db, INSERT_PAIRED, 8, pending);
    const last = Number((await db.all('SELECT last_insert_rowid() AS id'))[0]!.id);
    for (let k = start; k < end; k++) ids[k] = last - (end - 1 - k);
    start = end;
    pending = [];
  };
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    let callId: number | null = null;
    if (isAnswer(r[2])) {
      const prev = latest.get(r[0]);
      if (prev === undefined) callId = tail.callOf(r) ?? null;
      else if (answers(r, rows[prev]![1], rows[prev]![2], rows[prev]![3])) {
        if (prev >= start) await flush(i);
        callId = ids[prev]!;
      }
    }
    latest.set(r[0], i);
    pending.push([...r, callId]);
  }
  await flush(rows.length);
  tail.wrote(latest, rows, ids);
}

export interface JournalQuery {
  stationId: string;
  beforeId?: number;
  /** Extra conditions on a row (action, direction, time), with their parameters. */
  conds: [string, ...unknown[]][];
  limit: number;
}

/**
 * A station's journal newest first: the indexed rows in chunks (an index-only read of ids), then in each chunk's
 * id range the rows that pass the filters: its indexed rows and the answers stored beside its CALLs.
 */
export async function listJournalRows(read: SqlConn, q: JournalQuery): Promise<Record<string, unknown>[]> {
  const chunk = Math.min(Math.max(q.limit, 64), 1000);
  const filter = q.conds.map((c) => ` AND ${c[0]}`).join('');
  const fparams = q.conds.flatMap((c) => c.slice(1));
  const below = q.beforeId !== undefined ? ' AND id < ?' : '';
  const bparams = q.beforeId !== undefined ? [q.beforeId] : [];
  const out: Record<string, unknown>[] = [];
  let upper = q.beforeId;
  for (;;) {
    const anchors = (await read.all(`SELECT id FROM journal WHERE station_id = ? AND call_id IS NULL${upper !== undefined ? ' AND id < ?' : ''} ORDER BY id DESC LIMIT ?`,
      [q.stationId, ...(upper !== undefined ? [upper] : []), chunk])).map((r) => Number(r.id));
    if (!anchors.length) return out;
    const lo = anchors.at(-1)!;
    const ph = anchors.map(() => '?').join(',');
    const rows = [
      ...(await read.all(`SELECT * FROM journal WHERE station_id = ? AND call_id IS NULL AND id >= ?${upper !== undefined ? ' AND id < ?' : ''}${filter}`,
        [q.stationId, lo, ...(upper !== undefined ? [upper] : []), ...fparams])),
      ...(await read.all(`SELECT * FROM journal WHERE call_id IN (${ph})${below}${filter}`, [...anchors, ...bparams, ...fparams])),
    ].sort((a, b) => Number(b.id) - Number(a.id));
    for (const r of rows) {
      out.push(r);
      if (out.length >= q.limit) return out;
    }
    if (anchors.length < chunk) return out;
    upper = lo;
  }
}
