// SQL part of the Store for the message journal (every frame in and out, verbatim), spread into
// createSqlStore: lazy appends coalesced per group-commit lane, pages by id, and retention (pruneJournal).
import { Coalescer, type GroupCommit } from './group-commit.ts';
import { checkJournal } from './common.ts';
import { compact, int, iso, limitOf } from './logic.ts';
import { StoreError, type Store } from './store.ts';
import { insertMany } from './sql-writes.ts';
import { insertJournalRows, JOURNAL_COLUMNS, listJournalRows, type JournalRow, type JournalTail } from './sql-journal-pairs.ts';
import { opt, where } from './sql-query.ts';
import type { SqlConn } from './sql-store.ts';

type Methods = Pick<Store, 'appendJournal' | 'listJournal' | 'pruneJournal'>;

export interface JournalParts {
  kind: 'sqlite' | 'postgres';
  /** SQLite: what this store journaled last of each station (an answer beside its CALL needs no read). */
  tail: JournalTail;
  read: SqlConn;
  lanes: GroupCommit<SqlConn>[];
  /** The lane of a station's writes. */
  laneIndex: (stationId: string) => number;
  /** A write of no particular station (the first lane). */
  write: <T>(fn: (db: SqlConn) => Promise<T>, urgent?: boolean) => Promise<T>;
  isClosed: () => boolean;
}

export function journalMethods({ kind, tail, read, lanes, laneIndex, write, isClosed }: JournalParts): Methods {
  // Journal frames are lazy writes: nothing waits for them, so under load they ride along in the batches other
  // writes start instead of paying a commit of their own. Batches commit in queue order, so a CALL's journal
  // row is still durable no later than the handler's write that follows it.
  // SQLite stores an answer beside its CALL (sql-journal-pairs.ts); PostgreSQL indexes every row.
  const journal = lanes.map((gc) => new Coalescer<SqlConn, unknown[]>(gc, (db, rows) => kind === 'sqlite'
    ? insertJournalRows(db, rows as JournalRow[], tail)
    : insertMany(db, `INSERT INTO journal (${JOURNAL_COLUMNS})`, 7, rows), true));

  return {
    appendJournal: async (entries) => {
      if (!Array.isArray(entries)) throw new StoreError('STORE_ERR_INVALID', 'entries: must be an array');
      const rows = entries.map((e, i) => { const c = checkJournal(e, i); return [c.stationId, c.direction, c.messageType, c.messageId, c.action ?? null, c.payload, iso(e.at, `[${i}].at`)]; });
      if (isClosed()) throw new StoreError('STORE_ERR_CLOSED');
      if (!rows.length) return;
      if (lanes.length === 1) return journal[0]!.add(rows);
      const byLane = new Map<number, unknown[][]>();
      for (const r of rows) {
        const k = laneIndex(r[0] as string);
        const list = byLane.get(k);
        if (list) list.push(r);
        else byLane.set(k, [r]);
      }
      await Promise.all([...byLane].map(([k, list]) => journal[k]!.add(list)));
    },

    listJournal: async (stationId, f) => {
      const beforeId = f.beforeId !== undefined ? int(f.beforeId, 'beforeId') : undefined;
      const conds: [string, ...unknown[]][] = [];
      if (f.action) conds.push(['action = ?', f.action]);
      if (f.direction) conds.push(['direction = ?', f.direction]);
      if (f.since !== undefined) conds.push(['at >= ?', iso(f.since, 'since')]);
      if (f.until !== undefined) conds.push(['at <= ?', iso(f.until, 'until')]);
      const limit = limitOf(f.limit);
      let rows: Record<string, unknown>[];
      if (kind === 'sqlite') rows = await listJournalRows(read, { stationId, ...(beforeId !== undefined && { beforeId }), conds, limit });
      else {
        const w = where([['station_id = ?', stationId], ...(beforeId !== undefined ? [['id < ?', beforeId] as [string, number]] : []), ...conds]);
        rows = await read.all(`SELECT * FROM journal${w.sql} ORDER BY id DESC LIMIT ?`, [...w.params, limit]);
      }
      return rows.map((r) => compact({
        id: Number(r.id), stationId, direction: r.direction as 'in' | 'out', messageType: Number(r.message_type), messageId: r.message_id as string,
        action: opt<string>(r.action), payload: r.payload as string, at: r.at as string,
      }));
    },

    pruneJournal: async (before, limit) => {
      const cutoff = iso(before, 'before');
      const max = int(limit, 'limit', 1);
      // The oldest `max` entries by id (the primary key: no scan), then the run of them that is due; the
      // DELETE re-checks `at` (PostgreSQL lanes may commit an older id late).
      return write(async (db) => {
        let last: number | undefined;
        for (const r of await db.all('SELECT id, at FROM journal ORDER BY id LIMIT ?', [max])) {
          if ((r.at as string) >= cutoff) break;
          last = Number(r.id);
        }
        return last === undefined ? 0 : db.run('DELETE FROM journal WHERE id <= ? AND at < ?', [last, cutoff]);
      }, false);
    },
  };
}
