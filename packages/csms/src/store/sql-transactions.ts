// TransactionEvent writes of the SQL store (E01–E17), with a cache of the folds it wrote (issue 7).
//
// Every TransactionEvent of a known transaction reads its fold (the derived TransactionRecord plus the
// order keys, logic.ts), applies the event and writes it back. The fold this store instance wrote last is
// kept in memory (FoldCache, LRU), so the next event of the transaction needs no SELECT: one round trip less
// on PostgreSQL, a read and a JSON.parse less on SQLite. A cached fold is only trusted together with a
// check that the stored one is still the same text (another CSMS node, or a rolled-back write, may have
// changed it): PostgreSQL checks it inside the event's single statement (nothing is written when it
// differs, and the write is redone uncached); SQLite checks it in the fold UPDATE and, when it differs,
// rolls the write back and redoes it uncached.
import type { TransactionEventRequest } from '@chargewire/ocpp/types';
import { canonicalJson, eventCanonical, flattenMeterValues, foldTransaction, iso, registerReadings, withEnergy, type FoldState } from './logic.ts';
import { jsonString } from './json-text.ts';
import { earlyRegisterWh, insertReadings, mergeReading, readingParams, readingsOf } from './sql-meter.ts';
import type { SqlConn } from './sql-store.ts';
import { EVENT_IF_NEW, foldUpdate, pgEventWrite, txColumns } from './sql-writes.ts';
import type * as R from './records.ts';

/** A fold as stored: its JSON text (what the check compares) and the parsed state. */
export interface CachedFold {
  text: string;
  state: FoldState;
}

/**
 * Most folds kept (≈ 2 KB each with the parsed copy, so ≤ 20 MB): the open transactions of a large fleet.
 * Ended transactions are dropped at once (their late events are rare and simply read the stored fold).
 */
const FOLD_CACHE_SIZE = 10_000;
/**
 * A fold not used for this long is dropped: a transaction whose station went away without ending it would
 * otherwise stay until the size limit pushed it out (the soak benchmark showed the heap growing by it). A
 * transaction whose events are further apart simply reads its stored fold.
 */
const FOLD_IDLE_MS = 5 * 60_000;

/** Least recently used folds, by station and transaction id, each dropped after `maxIdleMs` unused. */
export class FoldCache {
  private readonly map = new Map<string, CachedFold & { usedAt: number }>();
  constructor(
    private readonly max = FOLD_CACHE_SIZE,
    private readonly maxIdleMs = FOLD_IDLE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  static key(stationId: string, transactionId: string): string {
    return `${stationId}\u001f${transactionId}`;
  }

  get(key: string): CachedFold | undefined {
    const v = this.map.get(key);
    if (!v) return undefined;
    this.map.delete(key);
    const t = this.now();
    if (t - v.usedAt > this.maxIdleMs) return undefined;
    v.usedAt = t;
    this.map.set(key, v);
    return v;
  }

  set(key: string, v: CachedFold): void {
    const t = this.now();
    this.map.delete(key);
    this.map.set(key, { text: v.text, state: v.state, usedAt: t });
    // the map is in order of use: drop from the oldest end what is over the size or unused for too long
    for (const [k, old] of this.map) {
      if (this.map.size <= this.max && t - old.usedAt <= this.maxIdleMs) break;
      this.map.delete(k);
    }
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  /** Drops every fold (a batch was rolled back as a whole: sqlite.ts). */
  clear(): void {
    this.map.clear();
  }

  /** Drops the folds of one station (the station was deleted). */
  deleteStation(stationId: string): void {
    const prefix = FoldCache.key(stationId, '');
    for (const k of this.map.keys()) if (k.startsWith(prefix)) this.map.delete(k);
  }

  get size(): number {
    return this.map.size;
  }
}

/**
 * The event row's JSON: the TransactionEventRecord without its id, as JSON.stringify would write it but for
 * the request, which is its canonical JSON (`requestJson`, from eventCanonical: keys sorted), so that the
 * request is serialized once per event, not twice (issue 7). Parsed, it equals the record (sql-transactions.test.ts).
 */
export function eventRowJson(stationId: string, req: TransactionEventRequest, timestamp: string, receivedAt: string, messageId: string, requestJson: string): string {
  return `{"stationId":${jsonString(stationId)},"transactionId":${jsonString(req.transactionInfo.transactionId)},"seqNo":${canonicalJson(req.seqNo)},`
    + `"eventType":${jsonString(req.eventType)},"triggerReason":${jsonString(req.triggerReason)},"timestamp":${jsonString(timestamp)},`
    + `"offline":${req.offline ? 'true' : 'false'},"receivedAt":${jsonString(receivedAt)},"messageId":${jsonString(messageId)},"request":${requestJson}}`;
}

/** The cached fold did not match the stored one (SQLite): the write is rolled back and redone uncached. */
class StaleFold extends Error {}
const isStale = (err: unknown): boolean => err instanceof StaleFold || (err as { cause?: unknown })?.cause instanceof StaleFold;

export interface TransactionWriteParts {
  kind: 'sqlite' | 'postgres';
  cache: FoldCache;
  /** A write of one station (its lane of the group commit). */
  writeAt: (stationId: string) => <T>(fn: (db: SqlConn) => Promise<T>, urgent?: boolean) => Promise<T>;
}

/** The stored fold text of a transaction (locked on PostgreSQL). */
export async function loadFoldText(db: SqlConn, kind: 'sqlite' | 'postgres', stationId: string, transactionId: string, lock = false): Promise<string | undefined> {
  const rows = await db.all(`SELECT fold FROM transactions WHERE station_id = ? AND transaction_id = ?${lock && kind === 'postgres' ? ' FOR UPDATE' : ''}`, [stationId, transactionId]);
  return rows[0] ? (rows[0].fold as string) : undefined;
}

/** Writes a fold: UPDATE of the changed columns (only if the stored text is still `expect`, when given) or INSERT. */
export async function saveFold(db: SqlConn, s: FoldState, text: string, prev?: FoldState, expect?: string): Promise<number> {
  if (prev) {
    const u = foldUpdate(s, prev, text);
    const check = expect === undefined ? '' : ' AND fold = ?';
    return db.run(`UPDATE transactions SET ${u.set} WHERE station_id = ? AND transaction_id = ?${check}`, [...u.params, s.tx.stationId, s.tx.transactionId, ...(expect === undefined ? [] : [expect])]);
  }
  return db.run(`INSERT INTO transactions (station_id, transaction_id, state, id_token_lower, started_at, ended_at, remote_start_id, fold) VALUES (?,?,?,?,?,?,?,?)
    ON CONFLICT (station_id, transaction_id) DO UPDATE SET state = excluded.state, id_token_lower = excluded.id_token_lower,
    started_at = excluded.started_at, ended_at = excluded.ended_at, remote_start_id = excluded.remote_start_id, fold = excluded.fold`,
  [s.tx.stationId, s.tx.transactionId, ...txColumns(s), text]);
}

/** Store.applyTransactionEvent over SQL (idempotent, order-independent: see store.ts). */
export function transactionEventWriter({ kind, cache, writeAt }: TransactionWriteParts) {
  return async (stationId: string, req: TransactionEventRequest, meta: R.TransactionEventMeta): Promise<R.ApplyTransactionResult> => {
    const receivedAt = iso(meta.receivedAt, 'receivedAt');
    const { fingerprint, json } = eventCanonical(req);
    const id = req.transactionInfo.transactionId;
    const key = FoldCache.key(stationId, id);
    const timestamp = iso(req.timestamp, 'timestamp');
    const row = [stationId, id, req.seqNo, meta.messageId, fingerprint, timestamp, eventRowJson(stationId, req, timestamp, receivedAt, meta.messageId, json)];
    const flat = flattenMeterValues(req.meterValue ?? []);
    const readings = readingsOf(flat);

    const remember = (s: FoldState, text: string) => {
      if (s.tx.state === 'Ended') cache.delete(key);
      else cache.set(key, { text, state: s });
    };

    const write = (useCache: boolean) => writeAt(stationId)(async (db): Promise<R.ApplyTransactionResult> => {
      const hit = useCache ? cache.get(key) : undefined;
      if (kind === 'postgres') {
        if (hit) {
          const r = await pgLater(db, hit, hit.text);
          if (r) return r;
          cache.delete(key); // the stored fold changed meanwhile: nothing was written, redo with the stored one
        }
        const text = await loadFoldText(db, kind, stationId, id, true);
        if (text !== undefined) return (await pgLater(db, { text, state: JSON.parse(text) as FoldState }))!;
        return first(db);
      }
      const prevText = hit ? hit.text : await loadFoldText(db, kind, stationId, id);
      if (prevText === undefined) return first(db);
      const prev = hit ? hit.state : (JSON.parse(prevText) as FoldState);
      // the event row is inserted first; nothing inserted = a duplicate (same content, or same seqNo + messageId)
      if (!(await db.run(EVENT_IF_NEW, row))) {
        if (!hit) return { duplicate: true, transaction: prev.tx };
        const stored = await loadFoldText(db, kind, stationId, id);
        if (stored !== hit.text) cache.delete(key);
        return { duplicate: true, transaction: stored !== undefined ? (JSON.parse(stored) as FoldState).tx : prev.tx };
      }
      const s = foldTransaction(prev, stationId, req, receivedAt);
      await insertReadings(db, stationId, req.evse?.id ?? s.tx.evseId ?? 0, readings, id);
      const text = JSON.stringify(s);
      if (!(await saveFold(db, s, text, prev, hit ? prevText : undefined)) && hit) throw new StaleFold('cached fold out of date');
      remember(s, text);
      return { duplicate: false, transaction: s.tx };
    }, false);

    /** The first event of the transaction (no fold stored yet). */
    const first = async (db: SqlConn): Promise<R.ApplyTransactionResult> => {
      await db.run('INSERT INTO transaction_events (station_id, transaction_id, seq_no, message_id, fingerprint, timestamp, data) VALUES (?,?,?,?,?,?,?)', row);
      let s = foldTransaction(undefined, stationId, req, receivedAt);
      s = { ...s, tx: withEnergy(s.tx, await earlyRegisterWh(db, stationId, id)) };
      await insertReadings(db, stationId, req.evse?.id ?? s.tx.evseId ?? 0, readings, id);
      const text = JSON.stringify(s);
      await saveFold(db, s, text);
      remember(s, text);
      return { duplicate: false, transaction: s.tx };
    };

    /**
     * PostgreSQL, a later event: one statement (sql-writes.ts pgEventWrite). With `expect` (a cached fold), the
     * statement writes only if the stored fold is still that text; undefined = it was not (nothing written).
     */
    const pgLater = async (db: SqlConn, prev: CachedFold, expect?: string): Promise<R.ApplyTransactionResult | undefined> => {
      const s = foldTransaction(prev.state, stationId, req, receivedAt);
      const evseId = req.evse?.id ?? s.tx.evseId ?? 0;
      const text = JSON.stringify(s);
      const w = pgEventWrite(row, readingParams(stationId, evseId, readings, id), foldUpdate(s, prev.state, text), expect);
      const out = (await db.all(w.sql, w.params))[0];
      if (expect !== undefined && !Number(out?.c)) return undefined;
      if (!Number(out?.n)) return { duplicate: true, transaction: prev.state.tx };
      // a reading whose timestamp was already stored (not inserted by the statement) gets its new samples added
      if (Number(out?.m) < readings.length) for (const g of readings) await mergeReading(db, stationId, evseId, g, id);
      remember(s, text);
      return { duplicate: false, transaction: s.tx };
    };

    try {
      return await write(true);
    } catch (err) {
      // a failed write may have left a fold in the cache that was rolled back
      cache.delete(key);
      if (isStale(err)) return write(false);
      throw err;
    }
  };
}

/** Store.appendMeterValues' fold part: raises the transaction's energy with the new register readings. */
export async function addEnergy(db: SqlConn, kind: 'sqlite' | 'postgres', cache: FoldCache, stationId: string, transactionId: string, flat: ReturnType<typeof flattenMeterValues>): Promise<void> {
  const readings = registerReadings(flat);
  if (!readings.length) return;
  const key = FoldCache.key(stationId, transactionId);
  cache.delete(key); // the next event reads the fold written here
  const text = await loadFoldText(db, kind, stationId, transactionId, true);
  if (text === undefined) return;
  const s = JSON.parse(text) as FoldState;
  const next = { ...s, tx: withEnergy(s.tx, readings) };
  await saveFold(db, next, JSON.stringify(next), s);
}
