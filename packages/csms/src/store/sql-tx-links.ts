// SQL part of the Store for remote starts and transaction limits (F01/F02, F07, E16, E17.FR.15), spread
// into createSqlStore: the rows survive a CSMS restart, the lookups use indexes instead of scans.
import type { FoldState } from './logic.ts';
import { limitRecord, markLimit, remoteStartRecord } from './tx-links.ts';
import { StoreError, type Store } from './store.ts';
import type { SqlConn } from './sql-store.ts';
import type * as R from './records.ts';

type Methods = Pick<Store, 'recordRemoteStart' | 'findRemoteStart' | 'findTransactionByRemoteStart' | 'setTransactionLimit' | 'getTransactionLimit' | 'markTransactionLimit'>;

export interface TxLinkParts {
  read: SqlConn;
  /** A write of one station (its lane of the group commit). */
  writeAt: (stationId: string) => <T>(fn: (db: SqlConn) => Promise<T>, urgent?: boolean) => Promise<T>;
  mustStation: (db: SqlConn, id: string) => Promise<unknown>;
}

const j = (v: unknown) => JSON.stringify(v);
const p = <T>(v: unknown): T => JSON.parse(v as string) as T;

export function txLinkMethods({ read, writeAt, mustStation }: TxLinkParts): Methods {
  const txOfRemoteStart = async (db: SqlConn, stationId: string, remoteStartId: number): Promise<R.TransactionRecord | undefined> => {
    const rows = await db.all('SELECT fold FROM transactions WHERE station_id = ? AND remote_start_id = ? ORDER BY started_at DESC, transaction_id LIMIT 1', [stationId, remoteStartId]);
    return rows[0] ? p<FoldState>(rows[0].fold).tx : undefined;
  };
  const loadLimit = async (db: SqlConn, stationId: string, transactionId: string): Promise<R.TransactionLimitRecord | undefined> => {
    const rows = await db.all('SELECT data FROM transaction_limits WHERE station_id = ? AND transaction_id = ?', [stationId, transactionId]);
    return rows[0] ? p<R.TransactionLimitRecord>(rows[0].data) : undefined;
  };
  const saveLimit = (db: SqlConn, rec: R.TransactionLimitRecord) =>
    db.run('INSERT INTO transaction_limits (station_id, transaction_id, data) VALUES (?,?,?) ON CONFLICT (station_id, transaction_id) DO UPDATE SET data = excluded.data',
      [rec.stationId, rec.transactionId, j(rec)]);

  return {
    recordRemoteStart: async (input) => {
      const rec = remoteStartRecord(input);
      return writeAt(rec.stationId)(async (db) => {
        await mustStation(db, rec.stationId);
        await db.run(`INSERT INTO remote_starts (station_id, remote_start_id, requested_at, data) VALUES (?,?,?,?)
          ON CONFLICT (station_id, remote_start_id) DO UPDATE SET requested_at = excluded.requested_at, data = excluded.data`,
        [rec.stationId, rec.remoteStartId, rec.requestedAt, j(rec)]);
        return rec;
      });
    },
    findRemoteStart: async (stationId, remoteStartId) => {
      const rows = await read.all('SELECT data FROM remote_starts WHERE station_id = ? AND remote_start_id = ?', [stationId, remoteStartId]);
      if (!rows[0]) return undefined;
      const tx = await txOfRemoteStart(read, stationId, remoteStartId);
      return { ...p<R.RemoteStartRecord>(rows[0].data), ...(tx && { transactionId: tx.transactionId }) };
    },
    findTransactionByRemoteStart: (stationId, remoteStartId) => txOfRemoteStart(read, stationId, remoteStartId),
    setTransactionLimit: async (stationId, transactionId, limit) => {
      const rec = limitRecord(stationId, transactionId, limit);
      return writeAt(stationId)(async (db) => {
        await saveLimit(db, rec);
        return rec;
      });
    },
    getTransactionLimit: (stationId, transactionId) => loadLimit(read, stationId, transactionId),
    markTransactionLimit: (stationId, transactionId, mark) => writeAt(stationId)(async (db) => {
      const old = await loadLimit(db, stationId, transactionId);
      if (!old) throw new StoreError('STORE_ERR_NOT_FOUND', `transaction ${transactionId} has no limit`, { stationId, transactionId });
      const rec = markLimit(old, mark);
      await saveLimit(db, rec);
      return rec;
    }),
  };
}
