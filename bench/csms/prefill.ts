// `steady --prefill-mb N`: a SQLite database that already holds history, as a CSMS's has after days of
// operation, instead of an empty one. A fresh database is not what an operator runs: its b-trees are shallow,
// all of it fits SQLite's page cache, and below 1 GiB SQLite's page cache pays a scan per commit that a larger
// file does not (docs/performance-history.md, session 8). The history is what the steady mix itself stores, for the same
// stations: per past TransactionEvent two journal frames (the CALL and its CALLRESULT), the event row and its
// meter reading, and one ended transaction per 25 events; timestamps about 1–6 days old, so the journal retention
// (7 days) deletes none of it during a run.
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { migrateSqlite } from '../../packages/csms/src/store/sqlite.ts';
import { meterValue, txUpdated } from './fleet-frames.ts';

const EVENTS_PER_TX = 25;
const DAY_MS = 86_400_000;

/** Fills `<dataDir>/chargewire.db` (created, migrated) until the file is at least `mb` MB; returns the past events written. The stations themselves are not stored: the CSMS registers them when they connect (quick-start mode). */
export function prefillSqlite(dataDir: string, mb: number, stations: number, prefix: string, now = Date.now()): { events: number; bytes: number } {
  const path = join(dataDir, 'chargewire.db');
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    migrateSqlite(db);
    const insJournal = db.prepare('INSERT INTO journal (station_id, direction, message_type, message_id, action, payload, at) VALUES (?,?,?,?,?,?,?)');
    const insEvent = db.prepare('INSERT INTO transaction_events (station_id, transaction_id, seq_no, message_id, fingerprint, timestamp, data) VALUES (?,?,?,?,?,?,?)');
    const insReading = db.prepare('INSERT INTO meter_readings (station_id, evse_id, transaction_id, timestamp, samples) VALUES (?,?,?,?,?)');
    const insTx = db.prepare(`INSERT INTO transactions (station_id, transaction_id, state, id_token_lower, started_at, ended_at, fold)
      VALUES (?,?,'Ended',NULL,?,?,?)`);
    const samples = JSON.stringify((meterValue(12_345, new Date(now).toISOString())[0]!['sampledValue'] as Record<string, unknown>[])
      .map((s) => ({ measurand: s['measurand'], phase: s['phase'] ?? '', location: s['location'], context: s['context'], unit: (s['unitOfMeasure'] as { unit: string }).unit, value: s['value'] })));
    const span = 5 * DAY_MS;
    const start = now - 6 * DAY_MS;
    const target = mb * 1024 * 1024;
    const expected = Math.max(1, target / 3700); // ≈ bytes per past event with its frames, reading and index entries (measured)
    // one event every `step` ms over the 5 days (a little past them if the estimate is low: batches stop within 5% of it)
    const step = span / expected;
    const per = Math.max(100, Math.min(20_000, Math.floor(expected / 20)));
    let events = 0;
    const batch = db.transaction((n: number) => {
      for (let k = 0; k < n; k++, events++) {
        const station = `${prefix}${events % stations}`;
        const round = Math.floor(events / stations);
        const txId = `H-${station}-${Math.floor(round / EVENTS_PER_TX)}`;
        const seqNo = round % EVENTS_PER_TX;
        const at = new Date(start + Math.floor(events * step)).toISOString();
        const msgId = `h${events}`;
        const req = txUpdated(txId, seqNo, 1000 + seqNo * 500, at);
        const frame = JSON.stringify([2, msgId, 'TransactionEvent', req]);
        insJournal.run(station, 'in', 2, msgId, 'TransactionEvent', frame, at);
        insJournal.run(station, 'out', 3, msgId, 'TransactionEvent', `[3,"${msgId}",{"idTokenInfo":{"status":"Accepted"}}]`, at);
        insEvent.run(station, txId, seqNo, msgId, `fp${events}`, at, JSON.stringify({ stationId: station, transactionId: txId, seqNo, eventType: 'Updated', triggerReason: 'MeterValuePeriodic', timestamp: at, offline: false, receivedAt: at, messageId: msgId, request: req }));
        insReading.run(station, 1, txId, at, samples);
        if (seqNo === EVENTS_PER_TX - 1) {
          insTx.run(station, txId, at, at, JSON.stringify({ tx: { stationId: station, transactionId: txId, state: 'Ended', startedAt: at, endedAt: at, eventCount: EVENTS_PER_TX, updatedAt: at }, startedFromStarted: true }));
        }
      }
    });
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    while ((db.pragma('page_count', { simple: true }) as number) * pageSize < target) batch(per);
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { events, bytes: statSync(path).size };
  } finally {
    db.close();
  }
}
