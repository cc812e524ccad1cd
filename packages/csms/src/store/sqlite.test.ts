import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cacheSizePragma, createSqliteStore } from './sqlite.ts';
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

test('migrations 3 and 4 keep the meter values and transaction events of a version 2 database (grouped into readings, in order)', async () => {
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
  const mv = db.prepare("INSERT INTO meter_values (id, station_id, evse_id, transaction_id, timestamp, measurand, phase, unit, value, signed) VALUES (?, 'OLD', 1, 'T-old', ?, ?, ?, ?, ?, ?)");
  const signed = { signedMeterData: 'QUJD', encodingMethod: 'OCMF' };
  mv.run(7, '2025-01-01T00:00:00.000Z', 'Energy.Active.Import.Register', '', 'Wh', 10, JSON.stringify(signed));
  mv.run(8, '2025-01-01T00:00:00.000Z', 'Current.Import', 'L1', 'A', 16, null);
  mv.run(9, '2025-01-01T00:01:00.000Z', 'Energy.Active.Import.Register', '', 'Wh', 20, null);
  const ev = { stationId: 'OLD', transactionId: 'T-old', seqNo: 0, eventType: 'Started', triggerReason: 'Authorized', timestamp: '2025-01-01T00:00:00.000Z', offline: false, receivedAt: '2025-01-01T00:00:00.000Z', messageId: 'm0', request: {} };
  db.prepare("INSERT INTO transaction_events (station_id, transaction_id, seq_no, message_id, fingerprint, timestamp, data) VALUES ('OLD', 'T-old', 0, 'm0', 'f0', ?, ?)").run(ev.timestamp, JSON.stringify(ev));
  db.close();
  const s = await createSqliteStore({ path });
  try {
    const rows = await s.listMeterValues({ stationId: 'OLD', transactionId: 'T-old', limit: 10 });
    assert.deepEqual(rows.map((r) => [r.measurand, r.phase, r.unit, r.value]), [
      ['Energy.Active.Import.Register', undefined, 'Wh', 10], ['Current.Import', 'L1', 'A', 16], ['Energy.Active.Import.Register', undefined, 'Wh', 20]]);
    assert.deepEqual(rows[0]!.signedMeterValue, signed);
    assert.ok(rows[0]!.id < rows[1]!.id && rows[1]!.id < rows[2]!.id, 'ids keep the old order');
    assert.deepEqual((await s.listMeterValues({ stationId: 'OLD', measurand: 'Current.Import', limit: 10 })).map((r) => r.value), [16]);
    assert.deepEqual((await s.listTransactionEvents('OLD', 'T-old')).map((e) => e.messageId), ['m0']);
    // the same reading again is ignored; a new sampled value at a stored timestamp is added to its reading
    await s.appendMeterValues('OLD', 1, [{ timestamp: '2025-01-01T00:01:00.000Z', sampledValue: [{ value: 99 }, { value: 230, measurand: 'Voltage' }] }], 'T-old');
    const after = await s.listMeterValues({ stationId: 'OLD', transactionId: 'T-old', limit: 10 });
    assert.deepEqual(after.map((r) => [r.measurand, r.value]), [
      ['Energy.Active.Import.Register', 10], ['Current.Import', 16], ['Energy.Active.Import.Register', 20], ['Voltage', 230]]);
    assert.equal(new Set(after.map((r) => r.id)).size, 4);
  } finally {
    await s.close();
  }
});

test('store.sqliteCacheMb: the page cache pragma is in KiB (32 MB by default)', async () => {
  assert.equal(cacheSizePragma(), 'cache_size = -32768');
  assert.equal(cacheSizePragma(256), 'cache_size = -262144');
  // and the store opens with it
  const s = await createSqliteStore({ path: join(dir, 'cache.db'), cacheMb: 4 });
  await s.registerStation({ id: 'C1', securityProfile: 1 });
  assert.equal((await s.getStation('C1'))?.id, 'C1');
  await s.close();
});

test('a batch that finds the write lock held by another connection waits on a timer, not in SQLite: the event loop runs on, the write lands after', async () => {
  const { default: Database } = await import('better-sqlite3');
  const path = join(dir, 'locked.db');
  const s = await createSqliteStore({ path });
  try {
    await s.registerStation({ id: 'L0', securityProfile: 1 });
    const other = new Database(path);
    other.prepare('BEGIN IMMEDIATE').run(); // another process's writer, as far as SQLite can tell
    let written = false;
    const write = s.registerStation({ id: 'L1', securityProfile: 1 }).then(() => { written = true; });
    // the loop is not blocked: a 5 ms timer fires about on time, 20 times over, while the write waits
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 5));
      assert.ok(performance.now() - t < 200, `timer ${i} late by ${(performance.now() - t).toFixed(0)} ms: the event loop was blocked`);
    }
    assert.ok(performance.now() - t0 >= 90);
    assert.equal(written, false, 'nothing was written while the lock was held');
    other.prepare('COMMIT').run();
    other.close();
    await write;
    assert.equal((await s.getStation('L1'))?.id, 'L1');
    const st = s.stats();
    assert.equal(st.lockWaits, 1);
    assert.ok(st.lockWaitMs! >= 90, `waited ${st.lockWaitMs} ms`);
  } finally {
    await s.close();
  }
});
