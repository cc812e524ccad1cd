// In-memory Store for unit tests. Same semantics as the SQL adapters (writes queued through group commit,
// shared fold/key logic from logic.ts); every op validates before it mutates, so a failing op changes nothing.
import type { AuthorizationData } from '@chargewire/ocpp/types';
import { GroupCommit, type GroupCommitOptions, type Settled } from './group-commit.ts';
import { checkTransactionEvent, eventFingerprint, flattenMeterValues, foldTransaction, iso, isoOpt, limitOf, int, registerReadings, registerWh, str, tokenKey, variableKey, withEnergy, type FoldState } from './logic.ts';
import { StoreError, type Store } from './store.ts';
import type * as R from './records.ts';
import { checkIdToken, checkStation, idTokenRecord, reportRows, setValueRow, applyLocalEntries, matchesSearch, checkJournal, withoutValue } from './common.ts';
import { limitRecord, markLimit, remoteStartRecord } from './tx-links.ts';

const clone = <T>(v: T): T => structuredClone(v);
/** Keeps the elements that pass, in place and in order (no spread: a spread of 120,000+ elements overflows the stack). */
function retain<T>(arr: T[], keep: (x: T) => boolean): void {
  let n = 0;
  for (const x of arr) if (keep(x)) arr[n++] = x;
  arr.length = n;
}
const page = <T>(all: T[], offset: number, limit: number): R.Page<T> => ({ items: all.slice(offset, offset + limit).map(clone), total: all.length });

export function createMemoryStore(opts: GroupCommitOptions = {}): Store {
  const stations = new Map<string, R.StationRecord>();
  const boots: R.BootRecord[] = [];
  const connectors = new Map<string, R.ConnectorRecord>();
  const variables = new Map<string, Map<string, R.VariableRecord>>();
  const events: R.EventRecord[] = [];
  const eventKeys = new Set<string>();
  const securityEvents: R.SecurityEventRecord[] = [];
  const journal: R.JournalRecord[] = [];
  const idTokens = new Map<string, R.IdTokenRecord>();
  const localLists = new Map<string, { version: number; entries: Map<string, AuthorizationData>; updatedAt: string }>();
  const txs = new Map<string, FoldState>();
  const txEvents: R.TransactionEventRecord[] = [];
  const meter: R.MeterValueRow[] = [];
  const meterKeys = new Set<string>();
  // per transaction (txKey): the duplicate keys of its events (`f` + fingerprint, `m` + seqNo + messageId) and the
  // meter rows stored for it, so that a TransactionEvent costs the same with a million stored rows as with ten
  const txEventKeys = new Map<string, Set<string>>();
  const meterByTx = new Map<string, R.MeterValueRow[]>();
  const remoteStarts = new Map<string, Omit<R.RemoteStartRecord, 'transactionId'>>();
  const txLimits = new Map<string, R.TransactionLimitRecord>();
  let nextId = 1;
  let closed = false;

  const gc = new GroupCommit<null>(async (ops) => ops.map((op): Settled => {
    try {
      return { ok: true, value: op(null) };
    } catch (error) {
      return { ok: false, error };
    }
  }), opts);
  const write = <T>(fn: () => T, urgent = true): Promise<T> => {
    if (closed) return Promise.reject(new StoreError('STORE_ERR_CLOSED'));
    return gc.enqueue(fn, urgent);
  };
  const mustStation = (id: string) => {
    const s = stations.get(id);
    if (!s) throw new StoreError('STORE_ERR_NOT_FOUND', `station ${id} not found`, { stationId: id });
    return s;
  };
  const txKey = (stationId: string, transactionId: string) => `${stationId}\u001f${transactionId}`;

  const insertMeterRows = (stationId: string, evseId: number, rows: ReturnType<typeof flattenMeterValues>, transactionId?: string) => {
    const readings: number[] = [];
    for (const r of rows) {
      const k = [stationId, evseId, transactionId ?? '', r.timestamp, r.measurand, r.phase ?? '', r.location ?? '', r.context ?? ''].join('\u001f');
      if (meterKeys.has(k)) continue;
      meterKeys.add(k);
      const row: R.MeterValueRow = { id: nextId++, stationId, evseId, ...(transactionId !== undefined && { transactionId }), ...r };
      meter.push(row);
      if (transactionId !== undefined) {
        const tk = txKey(stationId, transactionId);
        const list = meterByTx.get(tk);
        if (list) list.push(row);
        else meterByTx.set(tk, [row]);
      }
      const wh = registerWh(r);
      if (wh !== undefined) readings.push(wh);
    }
    return readings;
  };

  const store: Store = {
    kind: 'memory',
    registerStation: (st) => write(() => {
      checkStation(st);
      if (stations.has(st.id)) throw new StoreError('STORE_ERR_CONFLICT', `station ${st.id} already exists`, { stationId: st.id });
      const rec: R.StationRecord = { ...st, createdAt: new Date().toISOString(), connected: false };
      stations.set(st.id, rec);
      return clone(rec);
    }),
    getStation: async (id) => clone(stations.get(id)),
    listStations: async ({ search, limit, offset }) => {
      const all = [...stations.values()].filter((s) => matchesSearch(search, s.id, s.description)).sort((a, b) => (a.id < b.id ? -1 : 1));
      return page(all, int(offset, 'offset'), limitOf(limit));
    },
    deleteStation: (id) => write(() => {
      mustStation(id);
      stations.delete(id);
      const keep = <T extends { stationId: string }>(arr: T[]) => retain(arr, (x) => x.stationId !== id);
      keep(boots); keep(events); keep(securityEvents); keep(journal); keep(txEvents); keep(meter);
      for (const [k, c] of connectors) if (c.stationId === id) connectors.delete(k);
      for (const [k, t] of txs) if (t.tx.stationId === id) txs.delete(k);
      for (const k of [...eventKeys]) if (k.startsWith(`${id}\u001f`)) eventKeys.delete(k);
      for (const k of [...meterKeys]) if (k.startsWith(`${id}\u001f`)) meterKeys.delete(k);
      for (const m of [txEventKeys, meterByTx]) for (const k of [...m.keys()]) if (k.startsWith(`${id}\u001f`)) m.delete(k);
      for (const m of [remoteStarts, txLimits]) for (const [k, v] of m) if (v.stationId === id) m.delete(k);
      variables.delete(id);
      localLists.delete(id);
    }),
    setStationPasswordHash: (id, hash) => write(() => {
      str(hash, 'passwordHash');
      mustStation(id).passwordHash = hash;
    }),
    updateStation: (id, patch) => write(() => {
      const s = mustStation(id);
      const next = { ...s, ...patch } as R.StationRecord & { bootPolicy?: unknown; description?: unknown };
      if (patch.bootPolicy === null) delete next.bootPolicy;
      if (patch.description === null) delete next.description;
      checkStation(next as R.NewStation);
      stations.set(id, next);
      return clone(next);
    }),
    touchStation: async (id, lastSeen) => {
      const at = iso(lastSeen, 'lastSeen');
      return write(() => {
        const s = stations.get(id);
        if (s && (!s.lastSeen || s.lastSeen < at)) s.lastSeen = at;
      }, false);
    },
    recordBoot: (b) => write(() => {
      const at = iso(b.at, 'at');
      int(b.interval, 'interval');
      const s = mustStation(b.stationId);
      const info: R.BootInfo = { at, reason: str(b.reason, 'reason'), chargingStation: b.chargingStation, status: b.status, interval: b.interval };
      s.lastBoot = clone(info);
      boots.push({ id: nextId++, stationId: b.stationId, ...clone(info) });
    }),
    listBoots: async (stationId, limit) => boots.filter((b) => b.stationId === stationId).sort((a, b) => b.id - a.id).slice(0, limitOf(limit)).map(clone),
    recordConnection: (stationId, c) => write(() => {
      const at = iso(c.at, 'at');
      const s = mustStation(stationId);
      s.connected = c.connected;
      if (c.connected) {
        s.lastConnectedAt = at;
        if (c.version) s.ocppVersion = c.version;
      } else s.lastDisconnectedAt = at;
    }),

    upsertConnectorStatus: (c) => write(() => {
      const at = iso(c.at, 'at');
      int(c.evseId, 'evseId');
      int(c.connectorId, 'connectorId');
      str(c.status, 'status');
      mustStation(c.stationId);
      const k = `${c.stationId}\u001f${c.evseId}\u001f${c.connectorId}`;
      const old = connectors.get(k);
      if (old && old.at > at) return { applied: false };
      connectors.set(k, { stationId: c.stationId, evseId: c.evseId, connectorId: c.connectorId, status: c.status, at });
      return { applied: true };
    }),
    listConnectors: async (stationId) =>
      [...connectors.values()].filter((c) => c.stationId === stationId).sort((a, b) => a.evseId - b.evseId || a.connectorId - b.connectorId).map(clone),

    applyReport: (stationId, requestId, reportData) => write(() => {
      const rows = reportRows(stationId, requestId, reportData, new Date().toISOString());
      mustStation(stationId);
      const m = variables.get(stationId) ?? new Map<string, R.VariableRecord>();
      for (const r of rows) {
        const old = m.get(r.key);
        m.set(r.key, { ...r.record, ...(old?.lastSetStatus && { lastSetStatus: old.lastSetStatus }), ...(r.record.value === undefined && old?.value !== undefined && { value: old.value }) });
      }
      variables.set(stationId, m);
    }),
    setVariableValues: (stationId, values) => write(() => {
      const now = new Date().toISOString();
      const rows = values.map((v, i) => setValueRow(stationId, v, i, now));
      mustStation(stationId);
      const m = variables.get(stationId) ?? new Map<string, R.VariableRecord>();
      for (const r of rows) {
        const old = m.get(r.key);
        const rec: R.VariableRecord = { ...(old ?? withoutValue(r.record)), lastSetStatus: r.record.lastSetStatus!, updatedAt: now };
        if (r.accepted) rec.value = r.record.value!;
        m.set(r.key, rec);
      }
      variables.set(stationId, m);
    }),
    listVariables: async (stationId, f) => {
      const m = variables.get(stationId) ?? new Map<string, R.VariableRecord>();
      const all = [...m.entries()]
        .filter(([, v]) => (!f.component || v.component === f.component) && (!f.variable || v.variable === f.variable) && matchesSearch(f.search, v.component, v.variable, v.value))
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([, v]) => v);
      return page(all, int(f.offset, 'offset'), limitOf(f.limit));
    },

    appendEvents: async (stationId, generatedAt, seqNo, evs) => {
      const gen = iso(generatedAt, 'generatedAt');
      int(seqNo, 'seqNo');
      evs.forEach((e, i) => { iso(e?.timestamp, `eventData[${i}].timestamp`); int(e.eventId, `eventData[${i}].eventId`); });
      return write(() => {
        for (const e of evs) {
          const k = `${stationId}\u001f${gen}\u001f${seqNo}\u001f${e.eventId}`;
          if (eventKeys.has(k)) continue;
          eventKeys.add(k);
          events.push({ id: nextId++, stationId, generatedAt: gen, seqNo, event: clone(e) });
        }
      }, false);
    },
    listEvents: async (f) => {
      const since = isoOpt(f.since, 'since');
      return events.filter((e) => (!f.stationId || e.stationId === f.stationId) && (!since || iso(e.event.timestamp, 'timestamp') >= since))
        .sort((a, b) => b.id - a.id).slice(0, limitOf(f.limit)).map(clone);
    },
    appendSecurityEvent: async (stationId, e) => {
      const timestamp = iso(e.timestamp, 'timestamp');
      str(e.type, 'type');
      return write(() => { securityEvents.push({ id: nextId++, stationId, type: e.type, timestamp, ...(e.techInfo !== undefined && { techInfo: e.techInfo }) }); }, false);
    },
    listSecurityEvents: async (f) => {
      const since = isoOpt(f.since, 'since');
      return securityEvents.filter((e) => (!f.stationId || e.stationId === f.stationId) && (!since || e.timestamp >= since)).sort((a, b) => b.id - a.id).slice(0, limitOf(f.limit)).map(clone);
    },

    appendJournal: async (entries) => {
      const rows = entries.map((e, i) => ({ ...checkJournal(e, i), at: iso(e.at, `[${i}].at`) }));
      return write(() => { for (const r of rows) journal.push({ id: nextId++, ...r }); }, false);
    },
    listJournal: async (stationId, f) => {
      const since = isoOpt(f.since, 'since');
      const until = isoOpt(f.until, 'until');
      const out: R.JournalRecord[] = [];
      const lim = limitOf(f.limit);
      for (let i = journal.length - 1; i >= 0 && out.length < lim; i--) {
        const j = journal[i]!;
        if (j.stationId !== stationId || (f.beforeId !== undefined && j.id >= f.beforeId)) continue;
        if ((f.action && j.action !== f.action) || (f.direction && j.direction !== f.direction) || (since && j.at < since) || (until && j.at > until)) continue;
        out.push(clone(j));
      }
      return out;
    },

    pruneJournal: async (before, limit) => {
      const cutoff = iso(before, 'before');
      const max = int(limit, 'limit', 1);
      return write(() => {
        let n = 0;
        while (n < max && n < journal.length && journal[n]!.at < cutoff) n++;
        journal.splice(0, n);
        return n;
      }, false);
    },

    upsertIdToken: (t) => write(() => {
      const rec = idTokenRecord(checkIdToken(t), new Date().toISOString());
      idTokens.set(tokenKey(t.idToken, t.type), rec);
      return clone(rec);
    }),
    findIdToken: async (idToken, type) => clone(idTokens.get(tokenKey(idToken, type))),
    listIdTokens: async (f) => {
      const all = [...idTokens.entries()]
        .filter(([, t]) => matchesSearch(f.search, t.idToken) && (!f.type || t.type === f.type) && (!f.status || t.status === f.status))
        .sort(([a], [b]) => (a < b ? -1 : 1)).map(([, t]) => t);
      return page(all, int(f.offset, 'offset'), limitOf(f.limit));
    },
    deleteIdToken: (idToken, type) => write(() => {
      if (!idTokens.delete(tokenKey(idToken, type))) throw new StoreError('STORE_ERR_NOT_FOUND', `id token ${idToken} (${type}) not found`);
    }),

    getLocalList: async (stationId) => {
      const l = localLists.get(stationId);
      if (!l) return { version: 0, entries: [] };
      return { version: l.version, entries: [...l.entries.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, e]) => clone(e)), updatedAt: l.updatedAt };
    },
    saveLocalList: (stationId, version, entries, updateType) => write(() => {
      int(version, 'versionNumber');
      mustStation(stationId);
      const old = localLists.get(stationId);
      const map = new Map(updateType === 'Full' ? [] : old?.entries ?? []);
      const { upserts, removes } = applyLocalEntries(entries, updateType);
      for (const k of removes) map.delete(k);
      for (const [k, e] of upserts) map.set(k, clone(e));
      const updatedAt = new Date().toISOString();
      localLists.set(stationId, { version, entries: map, updatedAt });
      return { version, entries: [...map.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, e]) => clone(e)), updatedAt };
    }),

    applyTransactionEvent: async (stationId, req, meta) => {
      checkTransactionEvent(req);
      const receivedAt = iso(meta.receivedAt, 'receivedAt');
      const fingerprint = eventFingerprint(req);
      return write(() => {
        const id = req.transactionInfo.transactionId;
        const k = txKey(stationId, id);
        const prev = txs.get(k);
        const keys = txEventKeys.get(k);
        const byMessage = `m${req.seqNo}\u001f${meta.messageId}`;
        const dup = keys !== undefined && (keys.has(`f${fingerprint}`) || keys.has(byMessage));
        if (dup && prev) return { duplicate: true, transaction: clone(prev.tx) };
        let s = foldTransaction(prev, stationId, req, receivedAt);
        const evseId = req.evse?.id ?? s.tx.evseId ?? 0;
        if (!prev) {
          // meter values that arrived (MeterValues) before the transaction's first event
          const early = registerReadings(meterByTx.get(k) ?? []);
          s = { ...s, tx: withEnergy(s.tx, early) };
        }
        const rows = flattenMeterValues(req.meterValue ?? []);
        const timestamp = iso(req.timestamp, 'timestamp');
        // nothing below throws: the op changes all or nothing
        if (keys) keys.add(`f${fingerprint}`).add(byMessage);
        else txEventKeys.set(k, new Set([`f${fingerprint}`, byMessage]));
        txEvents.push({ id: nextId++, stationId, transactionId: id, seqNo: req.seqNo, eventType: req.eventType, triggerReason: req.triggerReason, timestamp, offline: !!req.offline, receivedAt, messageId: meta.messageId, request: clone(req) });
        insertMeterRows(stationId, evseId, rows, id);
        txs.set(k, s);
        return { duplicate: false, transaction: clone(s.tx) };
      }, false);
    },
    getTransaction: async (stationId, transactionId) => clone(txs.get(txKey(stationId, transactionId))?.tx),
    listTransactionEvents: async (stationId, transactionId) =>
      txEvents.filter((e) => e.stationId === stationId && e.transactionId === transactionId)
        .sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : a.seqNo - b.seqNo || a.id - b.id))
        .map((e) => clone(e)),
    listTransactions: async (f) => {
      const since = isoOpt(f.since, 'since');
      const until = isoOpt(f.until, 'until');
      const tok = f.idToken?.toLowerCase();
      const all = [...txs.values()].map((s) => s.tx).filter((t) =>
        (!f.stationId || t.stationId === f.stationId) && (!tok || t.idToken?.idToken.toLowerCase() === tok) &&
        (!f.state || (f.state === 'ended') === (t.state === 'Ended')) &&
        (!until || t.startedAt <= until) && (!since || !t.endedAt || t.endedAt >= since))
        .sort((a, b) => (a.startedAt > b.startedAt ? -1 : a.startedAt < b.startedAt ? 1 : a.transactionId < b.transactionId ? -1 : 1));
      return page(all, int(f.offset, 'offset'), limitOf(f.limit));
    },
    activeTransactionCount: async (idToken, o = {}) => {
      const tok = idToken.toLowerCase();
      return [...txs.values()].filter((s) => s.tx.state !== 'Ended' && s.tx.idToken?.idToken.toLowerCase() === tok && s.tx.transactionId !== o.excludeTransactionId).length;
    },

    recordRemoteStart: async (input) => {
      const rec = remoteStartRecord(input);
      return write(() => {
        mustStation(rec.stationId);
        remoteStarts.set(txKey(rec.stationId, String(rec.remoteStartId)), clone(rec));
        return clone(rec);
      });
    },
    findRemoteStart: async (stationId, remoteStartId) => {
      const rec = remoteStarts.get(txKey(stationId, String(remoteStartId)));
      if (!rec) return undefined;
      const tx = await store.findTransactionByRemoteStart(stationId, remoteStartId);
      return { ...clone(rec), ...(tx && { transactionId: tx.transactionId }) };
    },
    findTransactionByRemoteStart: async (stationId, remoteStartId) => {
      const hits = [...txs.values()].map((s) => s.tx).filter((t) => t.stationId === stationId && t.remoteStartId === remoteStartId)
        .sort((a, b) => (a.startedAt > b.startedAt ? -1 : a.startedAt < b.startedAt ? 1 : 0));
      return clone(hits[0]);
    },
    setTransactionLimit: async (stationId, transactionId, limit) => {
      const rec = limitRecord(stationId, transactionId, limit);
      return write(() => {
        txLimits.set(txKey(stationId, transactionId), rec);
        return clone(rec);
      });
    },
    getTransactionLimit: async (stationId, transactionId) => clone(txLimits.get(txKey(stationId, transactionId))),
    markTransactionLimit: (stationId, transactionId, mark) => write(() => {
      const old = txLimits.get(txKey(stationId, transactionId));
      if (!old) throw new StoreError('STORE_ERR_NOT_FOUND', `transaction ${transactionId} has no limit`, { stationId, transactionId });
      const rec = markLimit(old, mark);
      txLimits.set(txKey(stationId, transactionId), rec);
      return clone(rec);
    }),

    appendMeterValues: async (stationId, evseId, mvs, transactionId) => {
      int(evseId, 'evseId');
      const rows = flattenMeterValues(mvs);
      return write(() => {
        const readings = insertMeterRows(stationId, evseId, rows, transactionId);
        const s = transactionId !== undefined ? txs.get(txKey(stationId, transactionId)) : undefined;
        if (s) s.tx = withEnergy(s.tx, readings);
      }, false);
    },
    listMeterValues: async (f) => {
      const since = isoOpt(f.since, 'since');
      const until = isoOpt(f.until, 'until');
      return meter.filter((m) => m.stationId === f.stationId && (f.transactionId === undefined || m.transactionId === f.transactionId) &&
        (f.evseId === undefined || m.evseId === f.evseId) && (!f.measurand || m.measurand === f.measurand) && (!since || m.timestamp >= since) && (!until || m.timestamp <= until))
        .sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : a.id - b.id)).slice(0, limitOf(f.limit)).map(clone);
    },

    pruneHistory: async (before, limit) => {
      const cutoff = iso(before, 'before');
      const max = int(limit, 'limit', 1);
      return write(() => {
        const byStart = (a: FoldState, b: FoldState) => (a.tx.startedAt < b.tx.startedAt ? -1 : a.tx.startedAt > b.tx.startedAt ? 1 : 0);
        const due = [...txs.values()].filter((st) => st.tx.state === 'Ended' && st.tx.endedAt !== undefined && st.tx.endedAt < cutoff).sort(byStart);
        const gone = new Set<string>();
        for (const st of due.slice(0, max)) {
          const k = txKey(st.tx.stationId, st.tx.transactionId);
          gone.add(k);
          for (const m of [txs, txEventKeys, meterByTx, txLimits]) m.delete(k);
          if (st.tx.remoteStartId !== undefined) remoteStarts.delete(txKey(st.tx.stationId, String(st.tx.remoteStartId)));
        }
        retain(txEvents, (e) => !gone.has(txKey(e.stationId, e.transactionId)));
        // readings outside any transaction: one reading is a MeterValue (station, evse, timestamp), as in the SQL stores
        const outside = new Set<string>();
        for (const m of meter) {
          if (m.transactionId !== undefined || m.timestamp >= cutoff) continue;
          const r = `${m.stationId}\u001f${m.evseId}\u001f${m.timestamp}`;
          if (outside.size < max || outside.has(r)) outside.add(r);
        }
        retain(meter, (m) => {
          const drop = m.transactionId !== undefined ? gone.has(txKey(m.stationId, m.transactionId)) : outside.has(`${m.stationId}\u001f${m.evseId}\u001f${m.timestamp}`);
          if (drop) meterKeys.delete([m.stationId, m.evseId, m.transactionId ?? '', m.timestamp, m.measurand, m.phase ?? '', m.location ?? '', m.context ?? ''].join('\u001f'));
          return !drop;
        });
        return { transactions: gone.size, readings: outside.size, more: due.length > max || outside.size === max };
      }, false);
    },

    flush: () => gc.flush(),
    stats: () => ({ ...gc.stats }),
    close: async () => {
      await gc.flush();
      closed = true;
    },
  };
  return store;
}
