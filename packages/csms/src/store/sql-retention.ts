// SQL part of the Store for the retention of charging history (pruneHistory), spread into createSqlStore:
// ended transactions with everything stored for them, and meter readings taken outside any transaction.
import { int, iso } from './logic.ts';
import type { Store } from './store.ts';
import type { SqlConn } from './sql-store.ts';

type Methods = Pick<Store, 'pruneHistory'>;
type Write = <T>(fn: (db: SqlConn) => Promise<T>, urgent?: boolean) => Promise<T>;

export interface RetentionParts {
  read: SqlConn;
  /** A write of no particular station (the first lane). */
  write: Write;
  /** The writes of one station (its lane, in order with its other writes). */
  writeAt: (stationId: string) => Write;
}

export function retentionMethods({ read, write, writeAt }: RetentionParts): Methods {
  return {
    pruneHistory: async (before, limit) => {
      const cutoff = iso(before, 'before');
      const max = int(limit, 'limit', 1);
      // Candidates through the started_at index: a transaction that ended before the cut started before it.
      const candidates = await read.all(
        "SELECT station_id, transaction_id FROM transactions WHERE started_at < ? AND state = 'Ended' AND ended_at < ? ORDER BY started_at LIMIT ?",
        [cutoff, cutoff, max]);
      // Each one in its station's lane and in one database transaction: the row is deleted only if it is still
      // Ended before the cut (checked again inside the write), and its events, readings, limit and remote start
      // with it, or nothing.
      const deleted = await Promise.all(candidates.map((c) => {
        const key = [c.station_id, c.transaction_id];
        return writeAt(c.station_id as string)(async (db) => {
          const rows = await db.all("SELECT remote_start_id FROM transactions WHERE station_id = ? AND transaction_id = ? AND state = 'Ended' AND ended_at < ?", [...key, cutoff]);
          if (!rows.length) return 0;
          await db.run('DELETE FROM transaction_events WHERE station_id = ? AND transaction_id = ?', key);
          await db.run('DELETE FROM meter_readings WHERE station_id = ? AND transaction_id = ?', key);
          await db.run('DELETE FROM transaction_limits WHERE station_id = ? AND transaction_id = ?', key);
          const remoteStartId = rows[0]!.remote_start_id;
          if (remoteStartId !== null && remoteStartId !== undefined) {
            await db.run('DELETE FROM remote_starts WHERE station_id = ? AND remote_start_id = ?', [c.station_id, remoteStartId]);
          }
          return db.run('DELETE FROM transactions WHERE station_id = ? AND transaction_id = ?', key);
        }, false);
      }));
      // Readings outside any transaction (clock-aligned, or sent with no transaction): per station through the
      // readings' key index (station, transaction '', timestamp, …), at most `max`. CROSS JOIN makes SQLite take
      // the stations first (a plain join let it scan the whole readings index); PostgreSQL plans it by itself.
      const readings = await write((db) => db.run(
        "DELETE FROM meter_readings WHERE id IN (SELECT r.id FROM stations s CROSS JOIN meter_readings r WHERE r.station_id = s.id AND r.transaction_id = '' AND r.timestamp < ? LIMIT ?)",
        [cutoff, max]), false);
      return { transactions: deleted.reduce((a, n) => a + n, 0), readings, more: candidates.length === max || readings === max };
    },
  };
}
