import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createSqliteStore } from './sqlite.ts';
import { runSqliteStoreSuite } from './sqlite-suite.ts';

const dir = runSqliteStoreSuite('sqlite', createSqliteStore);

test('[E17] migration 2 back-fills remote_start_id of transactions stored before it', async () => {
  const { default: Database } = await import('better-sqlite3');
  const { migrations, render, SCHEMA_VERSION_DDL } = await import('./migrations.ts');
  const path = join(dir, 'v1.db');
  const db = new Database(path);
  db.exec(SCHEMA_VERSION_DDL);
  db.exec(render(migrations[0]!.sql, 'sqlite'));
  db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (1, ?)').run(new Date().toISOString());
  const tx = { stationId: 'OLD', transactionId: 'T-old', state: 'Started', triggerReason: 'RemoteStart', remoteStartId: 31, startedAt: '2025-01-01T00:00:00.000Z', offline: false, eventCount: 1, updatedAt: '2025-01-01T00:00:00.000Z' };
  db.prepare('INSERT INTO transactions (station_id, transaction_id, state, started_at, fold) VALUES (?,?,?,?,?)').run('OLD', 'T-old', 'Started', tx.startedAt, JSON.stringify({ tx, startedFromStarted: true }));
  db.close();
  const s = await createSqliteStore({ path });
  try {
    assert.equal((await s.findTransactionByRemoteStart('OLD', 31))?.transactionId, 'T-old');
  } finally {
    await s.close();
  }
});

test('migration 3 keeps meter values (ids included) and transaction events of a version 2 database', async () => {
  const { default: Database } = await import('better-sqlite3');
  const { migrations, render, SCHEMA_VERSION_DDL } = await import('./migrations.ts');
  const path = join(dir, 'v2.db');
  const db = new Database(path);
  db.exec(SCHEMA_VERSION_DDL);
  for (const m of migrations.slice(0, 2)) {
    db.exec(render(m.sql, 'sqlite'));
    db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)').run(m.version, new Date().toISOString());
  }
  db.prepare("INSERT INTO stations (id, security_profile, created_at) VALUES ('OLD', 1, '2025-01-01T00:00:00.000Z')").run();
  const mv = db.prepare("INSERT INTO meter_values (id, station_id, evse_id, transaction_id, timestamp, measurand, value) VALUES (?, 'OLD', 1, 'T-old', ?, 'Energy.Active.Import.Register', ?)");
  mv.run(7, '2025-01-01T00:00:00.000Z', 10);
  mv.run(9, '2025-01-01T00:01:00.000Z', 20);
  const ev = { stationId: 'OLD', transactionId: 'T-old', seqNo: 0, eventType: 'Started', triggerReason: 'Authorized', timestamp: '2025-01-01T00:00:00.000Z', offline: false, receivedAt: '2025-01-01T00:00:00.000Z', messageId: 'm0', request: {} };
  db.prepare("INSERT INTO transaction_events (station_id, transaction_id, seq_no, message_id, fingerprint, timestamp, data) VALUES ('OLD', 'T-old', 0, 'm0', 'f0', ?, ?)").run(ev.timestamp, JSON.stringify(ev));
  db.close();
  const s = await createSqliteStore({ path });
  try {
    const rows = await s.listMeterValues({ stationId: 'OLD', transactionId: 'T-old', limit: 10 });
    assert.deepEqual(rows.map((r) => [r.id, r.value]), [[7, 10], [9, 20]]);
    assert.deepEqual((await s.listTransactionEvents('OLD', 'T-old')).map((e) => e.messageId), ['m0']);
    // new rows get ids after the kept ones; the same reading again is still ignored
    await s.appendMeterValues('OLD', 1, [{ timestamp: '2025-01-01T00:02:00.000Z', sampledValue: [{ value: 30 }] }], 'T-old');
    await s.appendMeterValues('OLD', 1, [{ timestamp: '2025-01-01T00:02:00.000Z', sampledValue: [{ value: 30 }] }], 'T-old');
    const after = await s.listMeterValues({ stationId: 'OLD', transactionId: 'T-old', limit: 10 });
    assert.equal(after.length, 3);
    assert.ok(after[2]!.id > 9);
  } finally {
    await s.close();
  }
});
