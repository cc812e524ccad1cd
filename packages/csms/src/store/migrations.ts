// Schema migrations for the SQL adapters, one template per version rendered per dialect. Applied in order
// inside one transaction each; the applied version is recorded in schema_version. Never edit a shipped
// migration: append a new one.
export type Dialect = 'sqlite' | 'postgres';

const V1 = `
CREATE TABLE stations (id $T PRIMARY KEY, password_hash TEXT, security_profile INTEGER NOT NULL, boot_policy TEXT, description TEXT,
  created_at $T NOT NULL, last_seen $T, connected INTEGER NOT NULL DEFAULT 0, ocpp_version TEXT, last_connected_at $T,
  last_disconnected_at $T, last_boot TEXT);
CREATE TABLE boots (id $ID, station_id $T NOT NULL, at $T NOT NULL, reason TEXT NOT NULL, charging_station TEXT NOT NULL,
  status TEXT NOT NULL, interval_s INTEGER NOT NULL);
CREATE INDEX boots_station ON boots (station_id, id);
CREATE TABLE connectors (station_id $T NOT NULL, evse_id INTEGER NOT NULL, connector_id INTEGER NOT NULL, status TEXT NOT NULL,
  at $T NOT NULL, PRIMARY KEY (station_id, evse_id, connector_id));
CREATE TABLE variables (station_id $T NOT NULL, key $T NOT NULL, component $T NOT NULL, variable $T NOT NULL, value TEXT,
  data TEXT NOT NULL, PRIMARY KEY (station_id, key));
CREATE TABLE events (id $ID, station_id $T NOT NULL, generated_at $T NOT NULL, seq_no INTEGER NOT NULL, event_id BIGINT NOT NULL,
  timestamp $T NOT NULL, data TEXT NOT NULL, UNIQUE (station_id, generated_at, seq_no, event_id));
CREATE INDEX events_station ON events (station_id, id);
CREATE TABLE security_events (id $ID, station_id $T NOT NULL, type TEXT NOT NULL, timestamp $T NOT NULL, tech_info TEXT);
CREATE INDEX security_events_station ON security_events (station_id, id);
CREATE TABLE journal (id $ID, station_id $T NOT NULL, direction TEXT NOT NULL, message_type INTEGER NOT NULL,
  message_id TEXT NOT NULL, action TEXT, payload TEXT NOT NULL, at $T NOT NULL);
CREATE INDEX journal_station ON journal (station_id, id);
CREATE TABLE id_tokens (key $T PRIMARY KEY, id_token $T NOT NULL, type TEXT NOT NULL, status TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE local_lists (station_id $T PRIMARY KEY, version INTEGER NOT NULL, updated_at $T NOT NULL);
CREATE TABLE local_list_entries (station_id $T NOT NULL, key $T NOT NULL, data TEXT NOT NULL, PRIMARY KEY (station_id, key));
CREATE TABLE transactions (station_id $T NOT NULL, transaction_id $T NOT NULL, state TEXT NOT NULL, id_token_lower $T,
  started_at $T NOT NULL, ended_at $T, fold TEXT NOT NULL, PRIMARY KEY (station_id, transaction_id));
CREATE INDEX transactions_started ON transactions (started_at);
CREATE INDEX transactions_token ON transactions (id_token_lower, state);
CREATE TABLE transaction_events (id $ID, station_id $T NOT NULL, transaction_id $T NOT NULL, seq_no INTEGER NOT NULL,
  message_id TEXT NOT NULL, fingerprint $T NOT NULL, timestamp $T NOT NULL, data TEXT NOT NULL,
  UNIQUE (station_id, transaction_id, fingerprint));
CREATE INDEX transaction_events_seq ON transaction_events (station_id, transaction_id, seq_no);
CREATE TABLE meter_values (id $ID, station_id $T NOT NULL, evse_id INTEGER NOT NULL, transaction_id $T NOT NULL DEFAULT '',
  timestamp $T NOT NULL, measurand $T NOT NULL, phase $T NOT NULL DEFAULT '', location $T NOT NULL DEFAULT '',
  context $T NOT NULL DEFAULT '', unit TEXT, multiplier INTEGER, value DOUBLE PRECISION NOT NULL, signed TEXT,
  UNIQUE (station_id, evse_id, transaction_id, timestamp, measurand, phase, location, context));
CREATE INDEX meter_values_tx ON meter_values (station_id, transaction_id, timestamp);
`;

// V2: remote starts and transaction limits survive a restart (F01/F02, F07, E16, E17.FR.15); transactions
// get an indexed remote_start_id (back-filled from the fold) and a (station, state) index.
const V2 = `
ALTER TABLE transactions ADD COLUMN remote_start_id BIGINT;
UPDATE transactions SET remote_start_id = $FOLD_REMOTE_START_ID;
CREATE INDEX transactions_remote_start ON transactions (station_id, remote_start_id);
CREATE INDEX transactions_station_state ON transactions (station_id, state);
CREATE TABLE remote_starts (station_id $T NOT NULL, remote_start_id BIGINT NOT NULL, requested_at $T NOT NULL, data TEXT NOT NULL,
  PRIMARY KEY (station_id, remote_start_id));
CREATE TABLE transaction_limits (station_id $T NOT NULL, transaction_id $T NOT NULL, data TEXT NOT NULL,
  PRIMARY KEY (station_id, transaction_id));
`;

// V3 (issue 7, write throughput): fewer index writes per stored message.
// - transaction_events: the (station, transaction, seqNo) index becomes UNIQUE on (…, seqNo, messageId), so a
//   duplicate event is one INSERT … ON CONFLICT DO NOTHING instead of a NOT EXISTS lookup plus the insert
//   (rows that would violate it cannot have been stored: the same check ran before every insert).
// - meter_values (SQLite only): one index instead of two, a plain rowid instead of AUTOINCREMENT (no
//   sqlite_sequence write per statement). The unique key is reordered to (station, transaction, timestamp, …)
//   so it also serves the per-transaction queries. The table is rebuilt (ids kept); PostgreSQL keeps its
//   layout (a unique constraint cannot be reordered in place and its writes are not the bottleneck there).
const V3_EVENTS = `
DELETE FROM transaction_events WHERE id NOT IN (SELECT min(id) FROM transaction_events GROUP BY station_id, transaction_id, seq_no, message_id);
DROP INDEX transaction_events_seq;
CREATE UNIQUE INDEX transaction_events_msg ON transaction_events (station_id, transaction_id, seq_no, message_id);
`;
const V3_SQLITE_METER = `
CREATE TABLE meter_values_v3 (id INTEGER PRIMARY KEY, station_id TEXT NOT NULL, evse_id INTEGER NOT NULL, transaction_id TEXT NOT NULL DEFAULT '',
  timestamp TEXT NOT NULL, measurand TEXT NOT NULL, phase TEXT NOT NULL DEFAULT '', location TEXT NOT NULL DEFAULT '',
  context TEXT NOT NULL DEFAULT '', unit TEXT, multiplier INTEGER, value DOUBLE PRECISION NOT NULL, signed TEXT);
INSERT INTO meter_values_v3 (id, station_id, evse_id, transaction_id, timestamp, measurand, phase, location, context, unit, multiplier, value, signed)
  SELECT id, station_id, evse_id, transaction_id, timestamp, measurand, phase, location, context, unit, multiplier, value, signed FROM meter_values;
DROP TABLE meter_values;
ALTER TABLE meter_values_v3 RENAME TO meter_values;
CREATE UNIQUE INDEX meter_values_key ON meter_values (station_id, transaction_id, timestamp, evse_id, measurand, phase, location, context);
`;

// V4 (issue 7, write throughput): meter values as one row per MeterValue (station, transaction, timestamp,
// evse) with its sampled values as JSON (sql-meter.ts), instead of one row per sampled value with an
// 8-column unique index: a TransactionEvent with 6 samples wrote 6 rows and 6 wide index entries, which
// split index pages every few messages (≈ 14 KB of WAL per message in the store-only measurement). Existing
// rows are grouped into readings in their id order; sampled-value ids change (reading id × 1000 + position).
const V4_READINGS = `
CREATE TABLE meter_readings (id $ROWID, station_id $T NOT NULL, evse_id INTEGER NOT NULL, transaction_id $T NOT NULL DEFAULT '',
  timestamp $T NOT NULL, samples TEXT NOT NULL);
CREATE UNIQUE INDEX meter_readings_key ON meter_readings (station_id, transaction_id, timestamp, evse_id);
INSERT INTO meter_readings (station_id, evse_id, transaction_id, timestamp, samples)
  SELECT station_id, evse_id, transaction_id, timestamp, $SAMPLES FROM (SELECT * FROM meter_values ORDER BY id) AS mv
  GROUP BY station_id, transaction_id, timestamp, evse_id ORDER BY min(id);
DROP TABLE meter_values;
`;
const SAMPLES = {
  sqlite: "json_group_array(json_object('measurand', measurand, 'phase', phase, 'location', location, 'context', context, 'unit', unit, 'multiplier', multiplier, 'value', value, 'signedMeterValue', json(signed)))",
  postgres: "json_agg(json_build_object('measurand', measurand, 'phase', phase, 'location', location, 'context', context, 'unit', unit, 'multiplier', multiplier, 'value', value, 'signedMeterValue', signed::json) ORDER BY id)::text",
};

// V5 (issue 7, write throughput; SQLite): an answer journaled right after its own CALL is stored with the CALL's
// row id in call_id and left out of the station index, which becomes partial (sql-journal-pairs.ts). The index
// is rebuilt (its rows are the same: every existing row has call_id NULL). PostgreSQL gets the column only.
const V5_SQLITE = `
ALTER TABLE journal ADD COLUMN call_id INTEGER;
DROP INDEX journal_station;
CREATE INDEX journal_station ON journal (station_id, id) WHERE call_id IS NULL;
CREATE INDEX journal_call ON journal (call_id) WHERE call_id IS NOT NULL;
`;
const V5_POSTGRES = 'ALTER TABLE journal ADD COLUMN call_id BIGINT;';

/** A migration is one template for both dialects, or one per dialect. */
export type MigrationSql = string | Record<Dialect, string>;

export const migrations: { version: number; sql: MigrationSql }[] = [
  { version: 1, sql: V1 },
  { version: 2, sql: V2 },
  { version: 3, sql: { sqlite: V3_EVENTS + V3_SQLITE_METER, postgres: V3_EVENTS } },
  { version: 4, sql: { sqlite: V4_READINGS.replace('$SAMPLES', SAMPLES.sqlite), postgres: V4_READINGS.replace('$SAMPLES', SAMPLES.postgres) } },
  { version: 5, sql: { sqlite: V5_SQLITE, postgres: V5_POSTGRES } },
];

/** Text columns that are compared/sorted use byte order ("C") in PostgreSQL, like SQLite's BINARY. */
export function render(template: MigrationSql, dialect: Dialect): string {
  const sql = typeof template === 'string' ? template : template[dialect];
  return sql
    .replaceAll('$FOLD_REMOTE_START_ID', dialect === 'sqlite' ? "json_extract(fold, '$.tx.remoteStartId')" : "((fold::jsonb) -> 'tx' ->> 'remoteStartId')::bigint")
    .replaceAll('$ID', dialect === 'sqlite' ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : 'BIGSERIAL PRIMARY KEY')
    .replaceAll('$ROWID', dialect === 'sqlite' ? 'INTEGER PRIMARY KEY' : 'BIGSERIAL PRIMARY KEY')
    .replaceAll('$T', dialect === 'sqlite' ? 'TEXT' : 'TEXT COLLATE "C"');
}

export const SCHEMA_VERSION_DDL = 'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)';
