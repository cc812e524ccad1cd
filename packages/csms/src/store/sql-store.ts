// The Store over SQL, shared by the SQLite and PostgreSQL adapters: same statements (`?` placeholders,
// rewritten to $n for PostgreSQL), same fold logic. Every write runs as an op of the group commit.
import type { AuthorizationData } from '@chargewire/ocpp/types';
import { Coalescer, type GroupCommit } from './group-commit.ts';
import { checkTransactionEvent, compact, flattenMeterValues, int, iso, limitOf, str, tokenKey, type FoldState } from './logic.ts';
import { applyLocalEntries, checkIdToken, checkStation, idTokenRecord, likePattern, reportRows, setValueRow, withoutValue } from './common.ts';
import { StoreError, type Store } from './store.ts';
import { txLinkMethods } from './sql-tx-links.ts';
import { journalMethods } from './sql-journal.ts';
import { retentionMethods } from './sql-retention.ts';
import { opt, where } from './sql-query.ts';
import { insertMany, touchMany } from './sql-writes.ts';
import { insertReadings, listSamples, readingsOf } from './sql-meter.ts';
import { addEnergy, FoldCache, loadFoldText, transactionEventWriter } from './sql-transactions.ts';
import { JournalTail } from './sql-journal-pairs.ts';
import type * as R from './records.ts';

/** One connection or transaction: `all` returns rows, `run` the number of changed rows. */
export interface SqlConn {
  all(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  run(sql: string, params?: unknown[]): Promise<number>;
}

export interface SqlStoreParts {
  kind: 'sqlite' | 'postgres';
  /** Reads (committed data). */
  read: SqlConn;
  /**
   * Write lanes: one group commit each, running its batches one after the other. With several (PostgreSQL),
   * a station's writes always go to the same lane (by a hash of its id), so they commit in order and never
   * contend with another lane's; writes of no station go to the first.
   */
  lanes: GroupCommit<SqlConn>[];
  /** Releases the database after the final flush. */
  release: () => Promise<void>;
  /**
   * The folds this store wrote last (sql-transactions.ts: the next event of a transaction reads none). Given when
   * the adapter must reach it (SQLite clears it after a rolled-back batch); a fresh one otherwise.
   */
  folds?: FoldCache;
  /** SQLite: the stations' unanswered CALLs this store journaled last (sql-journal-pairs.ts); cleared after a rolled-back batch. */
  journalTail?: JournalTail;
  /** Adapter counters added to stats() (SQLite: the WAL restart points). */
  moreStats?: () => Partial<R.StoreStats>;
}

type Row = Record<string, unknown>;
const j = (v: unknown) => JSON.stringify(v);
const p = <T>(v: unknown): T => JSON.parse(v as string) as T;
const LIKE = "LIKE ? ESCAPE '\\'";

function stationOf(r: Row): R.StationRecord {
  return compact({
    id: r.id as string, passwordHash: opt<string>(r.password_hash), securityProfile: Number(r.security_profile) as R.SecurityProfile,
    bootPolicy: opt<R.BootPolicy>(r.boot_policy), description: opt<string>(r.description), createdAt: r.created_at as string,
    lastSeen: opt<string>(r.last_seen), connected: Number(r.connected) === 1, ocppVersion: opt<string>(r.ocpp_version),
    lastConnectedAt: opt<string>(r.last_connected_at), lastDisconnectedAt: opt<string>(r.last_disconnected_at),
    lastBoot: r.last_boot ? p<R.BootInfo>(r.last_boot) : undefined,
  });
}

export function createSqlStore({ kind, read, lanes, release, moreStats, folds = new FoldCache(), journalTail = new JournalTail() }: SqlStoreParts): Store {
  let closed = false;
  const forUpdate = kind === 'postgres' ? ' FOR UPDATE' : '';
  const forShare = kind === 'postgres' ? ' FOR SHARE' : '';
  /**
   * `urgent` (operator-driven writes: API, registrations) starts a batch on the next turn; station-driven
   * writes (boots, connections, statuses, events, transactions, meter values) pass false and share batches.
   */
  const laneIndex = (stationId: string): number => {
    if (lanes.length === 1) return 0;
    let h = 2166136261; // FNV-1a
    for (let i = 0; i < stationId.length; i++) h = Math.imul(h ^ stationId.charCodeAt(i), 16777619);
    return (h >>> 0) % lanes.length;
  };
  const enqueue = <T>(gc: GroupCommit<SqlConn>, fn: (db: SqlConn) => Promise<T>, urgent: boolean): Promise<T> =>
    closed ? Promise.reject(new StoreError('STORE_ERR_CLOSED')) : gc.enqueue(fn, urgent);
  /** A write of no particular station (id tokens): the first lane. */
  const write = <T>(fn: (db: SqlConn) => Promise<T>, urgent = true): Promise<T> => enqueue(lanes[0]!, fn, urgent);
  /** A write of one station: its lane. */
  const writeAt = (stationId: string) => <T>(fn: (db: SqlConn) => Promise<T>, urgent = true): Promise<T> =>
    enqueue(lanes[laneIndex(stationId)]!, fn, urgent);
  /** STORE_ERR_NOT_FOUND unless the station exists (locks its row on PostgreSQL, like mustStation). */
  const mustExist = async (db: SqlConn, id: string) => {
    if (!(await db.all(`SELECT 1 FROM stations WHERE id = ?${forUpdate}`, [id])).length) throw new StoreError('STORE_ERR_NOT_FOUND', `station ${id} not found`, { stationId: id });
  };
  const mustStation = async (db: SqlConn, id: string) => {
    const rows = await db.all(`SELECT * FROM stations WHERE id = ?${forUpdate}`, [id]);
    if (!rows[0]) throw new StoreError('STORE_ERR_NOT_FOUND', `station ${id} not found`, { stationId: id });
    return stationOf(rows[0]);
  };
  // Last-seen touches (like journal frames, sql-journal.ts) are lazy writes: nothing waits for them, so under
  // load they ride along in the batches other writes start instead of paying a commit of their own.
  const touches = lanes.map((gc) => new Coalescer<SqlConn, [string, string]>(gc, touchMany, true));

  const upsertVariable = (db: SqlConn, stationId: string, key: string, rec: R.VariableRecord) =>
    db.run(`INSERT INTO variables (station_id, key, component, variable, value, data) VALUES (?,?,?,?,?,?)
      ON CONFLICT (station_id, key) DO UPDATE SET value = excluded.value, data = excluded.data`, [stationId, key, rec.component, rec.variable, rec.value ?? null, j(rec)]);
  const loadLocalList = async (db: SqlConn, stationId: string): Promise<R.LocalList> => {
    const head = (await db.all('SELECT version, updated_at FROM local_lists WHERE station_id = ?', [stationId]))[0];
    if (!head) return { version: 0, entries: [] };
    const entries = await db.all('SELECT data FROM local_list_entries WHERE station_id = ? ORDER BY key', [stationId]);
    return { version: Number(head.version), entries: entries.map((e) => p<AuthorizationData>(e.data)), updatedAt: head.updated_at as string };
  };

  return {
    kind,
    registerStation: async (st) => {
      checkStation(st);
      return writeAt(st.id)(async (db) => {
        if ((await db.all('SELECT 1 FROM stations WHERE id = ?', [st.id])).length) throw new StoreError('STORE_ERR_CONFLICT', `station ${st.id} already exists`, { stationId: st.id });
        await db.run('INSERT INTO stations (id, password_hash, security_profile, boot_policy, description, created_at, connected) VALUES (?,?,?,?,?,?,0)',
          [st.id, st.passwordHash ?? null, st.securityProfile, st.bootPolicy ?? null, st.description ?? null, new Date().toISOString()]);
        return mustStation(db, st.id);
      });
    },
    getStation: async (id) => {
      const r = (await read.all('SELECT * FROM stations WHERE id = ?', [id]))[0];
      return r ? stationOf(r) : undefined;
    },
    listStations: async ({ search, limit, offset }) => {
      const w = where(search ? [[`(lower(id) ${LIKE} OR lower(coalesce(description, '')) ${LIKE})`, likePattern(search), likePattern(search)]] : []);
      const total = Number((await read.all(`SELECT count(*) AS n FROM stations${w.sql}`, w.params))[0]?.n ?? 0);
      const rows = await read.all(`SELECT * FROM stations${w.sql} ORDER BY id LIMIT ? OFFSET ?`, [...w.params, limitOf(limit), int(offset, 'offset')]);
      return { items: rows.map(stationOf), total };
    },
    deleteStation: (id) => writeAt(id)(async (db) => {
      await mustStation(db, id);
      folds.deleteStation(id);
      journalTail.forget(id);
      // SQLite: the answers stored beside their CALL first (they are not in the station index: sql-journal-pairs.ts)
      if (kind === 'sqlite') await db.run('DELETE FROM journal WHERE call_id IN (SELECT id FROM journal WHERE station_id = ? AND call_id IS NULL)', [id]);
      for (const t of ['boots', 'connectors', 'variables', 'events', 'security_events', 'journal', 'local_lists', 'local_list_entries', 'transactions', 'transaction_events', 'meter_readings', 'remote_starts', 'transaction_limits', 'stations']) {
        await db.run(`DELETE FROM ${t} WHERE ${t === 'stations' ? 'id' : 'station_id'} = ?${t === 'journal' && kind === 'sqlite' ? ' AND call_id IS NULL' : ''}`, [id]);
      }
    }),
    setStationPasswordHash: async (id, hash) => {
      str(hash, 'passwordHash');
      return writeAt(id)(async (db) => {
        if (!(await db.run('UPDATE stations SET password_hash = ? WHERE id = ?', [hash, id]))) throw new StoreError('STORE_ERR_NOT_FOUND', `station ${id} not found`);
      });
    },
    updateStation: (id, patch) => writeAt(id)(async (db) => {
      const s = await mustStation(db, id);
      const next = { ...s, ...patch } as R.StationRecord;
      if (patch.bootPolicy === null) delete next.bootPolicy;
      if (patch.description === null) delete next.description;
      checkStation(next);
      await db.run('UPDATE stations SET boot_policy = ?, description = ?, security_profile = ? WHERE id = ?', [next.bootPolicy ?? null, next.description ?? null, next.securityProfile, id]);
      return next;
    }),
    touchStation: async (id, lastSeen) => {
      const t = iso(lastSeen, 'lastSeen');
      if (closed) throw new StoreError('STORE_ERR_CLOSED');
      await touches[laneIndex(id)]!.add([[id, t]]);
    },
    recordBoot: async (b) => {
      const info: R.BootInfo = { at: iso(b.at, 'at'), reason: str(b.reason, 'reason'), chargingStation: b.chargingStation, status: b.status, interval: int(b.interval, 'interval') };
      return writeAt(b.stationId)(async (db) => {
        if (!(await db.run('UPDATE stations SET last_boot = ? WHERE id = ?', [j(info), b.stationId]))) throw new StoreError('STORE_ERR_NOT_FOUND', `station ${b.stationId} not found`, { stationId: b.stationId });
        await db.run('INSERT INTO boots (station_id, at, reason, charging_station, status, interval_s) VALUES (?,?,?,?,?,?)', [b.stationId, info.at, info.reason, j(info.chargingStation), info.status, info.interval]);
      }, false); // station-driven and hot in a reconnect storm: group-committed like the others
    },
    listBoots: async (stationId, limit) => (await read.all('SELECT * FROM boots WHERE station_id = ? ORDER BY id DESC LIMIT ?', [stationId, limitOf(limit)])).map((r) => ({
      id: Number(r.id), stationId, at: r.at as string, reason: r.reason as string, chargingStation: p(r.charging_station), status: r.status as R.BootPolicy, interval: Number(r.interval_s),
    })),
    recordConnection: async (stationId, c) => {
      const t = iso(c.at, 'at');
      return writeAt(stationId)(async (db) => {
        const n = c.connected
          ? await db.run('UPDATE stations SET connected = 1, last_connected_at = ?, ocpp_version = coalesce(?, ocpp_version) WHERE id = ?', [t, c.version ?? null, stationId])
          : await db.run('UPDATE stations SET connected = 0, last_disconnected_at = ? WHERE id = ?', [t, stationId]);
        if (!n) throw new StoreError('STORE_ERR_NOT_FOUND', `station ${stationId} not found`, { stationId });
      }, false);
    },

    upsertConnectorStatus: async (c) => {
      const t = iso(c.at, 'at');
      int(c.evseId, 'evseId');
      int(c.connectorId, 'connectorId');
      str(c.status, 'status');
      return writeAt(c.stationId)(async (db) => {
        // one statement when the station exists; the existence check runs only when nothing was written
        const n = await db.run(`INSERT INTO connectors (station_id, evse_id, connector_id, status, at)
          SELECT ?, CAST(? AS INTEGER), CAST(? AS INTEGER), ?, ? WHERE EXISTS (SELECT 1 FROM stations WHERE id = ?${forShare})
          ON CONFLICT (station_id, evse_id, connector_id) DO UPDATE SET status = excluded.status, at = excluded.at WHERE connectors.at <= excluded.at`,
        [c.stationId, c.evseId, c.connectorId, c.status, t, c.stationId]);
        if (n > 0) return { applied: true };
        await mustExist(db, c.stationId);
        return { applied: false };
      }, false);
    },
    listConnectors: async (stationId) => (await read.all('SELECT * FROM connectors WHERE station_id = ? ORDER BY evse_id, connector_id', [stationId])).map((r) => ({
      stationId, evseId: Number(r.evse_id), connectorId: Number(r.connector_id), status: r.status as R.ConnectorRecord['status'], at: r.at as string,
    })),

    applyReport: async (stationId, requestId, reportData) => {
      const rows = reportRows(stationId, requestId, reportData, new Date().toISOString());
      return writeAt(stationId)(async (db) => {
        await mustStation(db, stationId);
        for (const r of rows) {
          const oldRow = (await db.all('SELECT data FROM variables WHERE station_id = ? AND key = ?', [stationId, r.key]))[0];
          const old = oldRow ? p<R.VariableRecord>(oldRow.data) : undefined;
          await upsertVariable(db, stationId, r.key, { ...r.record, ...(old?.lastSetStatus && { lastSetStatus: old.lastSetStatus }), ...(r.record.value === undefined && old?.value !== undefined && { value: old.value }) });
        }
      });
    },
    setVariableValues: async (stationId, values) => {
      const now = new Date().toISOString();
      const rows = values.map((v, i) => setValueRow(stationId, v, i, now));
      return writeAt(stationId)(async (db) => {
        await mustStation(db, stationId);
        for (const r of rows) {
          const oldRow = (await db.all('SELECT data FROM variables WHERE station_id = ? AND key = ?', [stationId, r.key]))[0];
          const rec: R.VariableRecord = { ...(oldRow ? p<R.VariableRecord>(oldRow.data) : withoutValue(r.record)), lastSetStatus: r.record.lastSetStatus!, updatedAt: now };
          if (r.accepted) rec.value = r.record.value!;
          await upsertVariable(db, stationId, r.key, rec);
        }
      });
    },
    listVariables: async (stationId, f) => {
      const conds: [string, ...unknown[]][] = [['station_id = ?', stationId]];
      if (f.component) conds.push(['component = ?', f.component]);
      if (f.variable) conds.push(['variable = ?', f.variable]);
      if (f.search) { const q = likePattern(f.search); conds.push([`(lower(component) ${LIKE} OR lower(variable) ${LIKE} OR lower(coalesce(value, '')) ${LIKE})`, q, q, q]); }
      const w = where(conds);
      const total = Number((await read.all(`SELECT count(*) AS n FROM variables${w.sql}`, w.params))[0]?.n ?? 0);
      const rows = await read.all(`SELECT data FROM variables${w.sql} ORDER BY key LIMIT ? OFFSET ?`, [...w.params, limitOf(f.limit), int(f.offset, 'offset')]);
      return { items: rows.map((r) => p<R.VariableRecord>(r.data)), total };
    },

    appendEvents: async (stationId, generatedAt, seqNo, evs) => {
      const gen = iso(generatedAt, 'generatedAt');
      int(seqNo, 'seqNo');
      const rows = evs.map((e, i) => [stationId, gen, seqNo, int(e?.eventId, `eventData[${i}].eventId`), iso(e.timestamp, `eventData[${i}].timestamp`), j(e)]);
      await writeAt(stationId)((db) => insertMany(db, 'INSERT INTO events (station_id, generated_at, seq_no, event_id, timestamp, data)', 6, rows, ' ON CONFLICT DO NOTHING'), false);
    },
    listEvents: async (f) => {
      const conds: [string, ...unknown[]][] = [];
      if (f.stationId) conds.push(['station_id = ?', f.stationId]);
      if (f.since !== undefined) conds.push(['timestamp >= ?', iso(f.since, 'since')]);
      const w = where(conds);
      return (await read.all(`SELECT * FROM events${w.sql} ORDER BY id DESC LIMIT ?`, [...w.params, limitOf(f.limit)])).map((r) => ({
        id: Number(r.id), stationId: r.station_id as string, generatedAt: r.generated_at as string, seqNo: Number(r.seq_no), event: p(r.data),
      }));
    },
    appendSecurityEvent: async (stationId, e) => {
      const row = [str(stationId, 'stationId'), str(e?.type, 'type'), iso(e.timestamp, 'timestamp'), e.techInfo ?? null];
      await writeAt(stationId)((db) => db.run('INSERT INTO security_events (station_id, type, timestamp, tech_info) VALUES (?,?,?,?)', row), false);
    },
    listSecurityEvents: async (f) => {
      const conds: [string, ...unknown[]][] = [];
      if (f.stationId) conds.push(['station_id = ?', f.stationId]);
      if (f.since !== undefined) conds.push(['timestamp >= ?', iso(f.since, 'since')]);
      const w = where(conds);
      return (await read.all(`SELECT * FROM security_events${w.sql} ORDER BY id DESC LIMIT ?`, [...w.params, limitOf(f.limit)])).map((r) => compact({
        id: Number(r.id), stationId: r.station_id as string, type: r.type as string, timestamp: r.timestamp as string, techInfo: opt<string>(r.tech_info),
      }));
    },

    ...journalMethods({ kind, tail: journalTail, read, lanes, laneIndex, write, isClosed: () => closed }),
    ...retentionMethods({ read, write, writeAt }),

    upsertIdToken: async (t) => {
      const rec = idTokenRecord(checkIdToken(t), new Date().toISOString());
      return write(async (db) => {
        await db.run(`INSERT INTO id_tokens (key, id_token, type, status, data) VALUES (?,?,?,?,?) ON CONFLICT (key) DO UPDATE
          SET id_token = excluded.id_token, type = excluded.type, status = excluded.status, data = excluded.data`, [tokenKey(t.idToken, t.type), t.idToken, t.type, t.status, j(rec)]);
        return rec;
      });
    },
    findIdToken: async (idToken, type) => {
      const r = (await read.all('SELECT data FROM id_tokens WHERE key = ?', [tokenKey(idToken, type)]))[0];
      return r ? p<R.IdTokenRecord>(r.data) : undefined;
    },
    listIdTokens: async (f) => {
      const conds: [string, ...unknown[]][] = [];
      if (f.search) conds.push([`lower(id_token) ${LIKE}`, likePattern(f.search)]);
      if (f.type) conds.push(['type = ?', f.type]);
      if (f.status) conds.push(['status = ?', f.status]);
      const w = where(conds);
      const total = Number((await read.all(`SELECT count(*) AS n FROM id_tokens${w.sql}`, w.params))[0]?.n ?? 0);
      const rows = await read.all(`SELECT data FROM id_tokens${w.sql} ORDER BY key LIMIT ? OFFSET ?`, [...w.params, limitOf(f.limit), int(f.offset, 'offset')]);
      return { items: rows.map((r) => p<R.IdTokenRecord>(r.data)), total };
    },
    deleteIdToken: (idToken, type) => write(async (db) => {
      if (!(await db.run('DELETE FROM id_tokens WHERE key = ?', [tokenKey(idToken, type)]))) throw new StoreError('STORE_ERR_NOT_FOUND', `id token ${idToken} (${type}) not found`);
    }),

    getLocalList: (stationId) => loadLocalList(read, stationId),
    saveLocalList: async (stationId, version, entries, updateType) => {
      int(version, 'versionNumber');
      const { upserts, removes } = applyLocalEntries(entries, updateType);
      return writeAt(stationId)(async (db) => {
        await mustStation(db, stationId);
        if (updateType === 'Full') await db.run('DELETE FROM local_list_entries WHERE station_id = ?', [stationId]);
        for (const k of removes) await db.run('DELETE FROM local_list_entries WHERE station_id = ? AND key = ?', [stationId, k]);
        for (const [k, e] of upserts) {
          await db.run('INSERT INTO local_list_entries (station_id, key, data) VALUES (?,?,?) ON CONFLICT (station_id, key) DO UPDATE SET data = excluded.data', [stationId, k, j(e)]);
        }
        await db.run('INSERT INTO local_lists (station_id, version, updated_at) VALUES (?,?,?) ON CONFLICT (station_id) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at',
          [stationId, version, new Date().toISOString()]);
        return loadLocalList(db, stationId);
      });
    },

    applyTransactionEvent: (() => {
      const apply = transactionEventWriter({ kind, cache: folds, writeAt });
      return async (stationId, req, meta) => {
        checkTransactionEvent(req);
        return apply(stationId, req, meta);
      };
    })(),
    getTransaction: async (stationId, transactionId) => {
      const text = await loadFoldText(read, kind, stationId, transactionId);
      return text === undefined ? undefined : p<FoldState>(text).tx;
    },
    listTransactionEvents: async (stationId, transactionId) =>
      (await read.all('SELECT id, data FROM transaction_events WHERE station_id = ? AND transaction_id = ? ORDER BY timestamp, seq_no, id', [stationId, transactionId]))
        .map((r) => ({ id: Number(r.id), ...p<Omit<R.TransactionEventRecord, 'id'>>(r.data) })),
    listTransactions: async (f) => {
      const conds: [string, ...unknown[]][] = [];
      if (f.stationId) conds.push(['station_id = ?', f.stationId]);
      if (f.idToken) conds.push(['id_token_lower = ?', f.idToken.toLowerCase()]);
      if (f.state) conds.push([f.state === 'ended' ? "state = 'Ended'" : "state <> 'Ended'"]);
      if (f.until !== undefined) conds.push(['started_at <= ?', iso(f.until, 'until')]);
      if (f.since !== undefined) conds.push(['(ended_at IS NULL OR ended_at >= ?)', iso(f.since, 'since')]);
      const w = where(conds);
      const total = Number((await read.all(`SELECT count(*) AS n FROM transactions${w.sql}`, w.params))[0]?.n ?? 0);
      const rows = await read.all(`SELECT fold FROM transactions${w.sql} ORDER BY started_at DESC, transaction_id LIMIT ? OFFSET ?`, [...w.params, limitOf(f.limit), int(f.offset, 'offset')]);
      return { items: rows.map((r) => p<FoldState>(r.fold).tx), total };
    },
    activeTransactionCount: async (idToken, o = {}) =>
      Number((await read.all("SELECT count(*) AS n FROM transactions WHERE id_token_lower = ? AND state <> 'Ended' AND transaction_id <> ?", [idToken.toLowerCase(), o.excludeTransactionId ?? '']))[0]?.n ?? 0),
    ...txLinkMethods({ read, writeAt, mustStation }),

    appendMeterValues: async (stationId, evseId, mvs, transactionId) => {
      int(evseId, 'evseId');
      const rows = flattenMeterValues(mvs);
      await writeAt(stationId)(async (db) => {
        await insertReadings(db, stationId, evseId, readingsOf(rows), transactionId);
        if (transactionId !== undefined) await addEnergy(db, kind, folds, stationId, transactionId, rows);
      }, false);
    },
    listMeterValues: async (f) => {
      const conds: [string, ...unknown[]][] = [['station_id = ?', f.stationId]];
      if (f.transactionId !== undefined) conds.push(['transaction_id = ?', f.transactionId]);
      if (f.evseId !== undefined) conds.push(['evse_id = ?', int(f.evseId, 'evseId')]);
      if (f.since !== undefined) conds.push(['timestamp >= ?', iso(f.since, 'since')]);
      if (f.until !== undefined) conds.push(['timestamp <= ?', iso(f.until, 'until')]);
      return listSamples(read, conds, f.measurand || undefined, limitOf(f.limit));
    },

    flush: async () => {
      await Promise.all(lanes.map((gc) => gc.flush()));
    },
    stats: () => ({
      ...lanes.reduce((a, gc) => ({ batches: a.batches + gc.stats.batches, items: a.items + gc.stats.items, maxBatch: Math.max(a.maxBatch, gc.stats.maxBatch), batchMs: a.batchMs + gc.stats.batchMs }),
        { batches: 0, items: 0, maxBatch: 0, batchMs: 0 }),
      ...moreStats?.(),
    }),
    close: async () => {
      if (closed) return;
      await Promise.all(lanes.map((gc) => gc.flush()));
      closed = true;
      await release();
    },
  };
}

