// The SQLite group commit's executor (sqlite.ts sqliteBatches): ops run without savepoints, and a batch
// whose op fails is rolled back as a whole and run again with a savepoint per op, so the failing op still
// rolls back alone and the others commit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { BatchOp } from './group-commit.ts';
import type { SqlConn } from './sql-store.ts';
import { createSqliteStore, sqliteBatches } from './sqlite.ts';

function open() {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (v INTEGER NOT NULL)');
  const conn: SqlConn = {
    all: async (sql, params = []) => db.prepare(sql).all(...params) as Record<string, unknown>[],
    run: async (sql, params = []) => db.prepare(sql).run(...params).changes,
  };
  const begin = db.prepare('BEGIN IMMEDIATE');
  let rollbacks = 0;
  const b = sqliteBatches(db, conn, async () => void begin.run(), () => rollbacks++);
  const rows = () => (db.prepare('SELECT v FROM t ORDER BY v').all() as { v: number }[]).map((r) => r.v);
  return { db, b, rows, rollbacks: () => rollbacks };
}

const insert = (v: number): BatchOp<SqlConn> => async (c) => c.run('INSERT INTO t (v) VALUES (?)', [v]);
const insertThenFail = (v: number): BatchOp<SqlConn> => async (c) => {
  await c.run('INSERT INTO t (v) VALUES (?)', [v]);
  throw new Error(`op ${v} failed after its write`);
};

test('sqlite batches: a batch without failures commits every op and is not run twice', async () => {
  const { db, b, rows, rollbacks } = open();
  const out = await b.execute([insert(1), insert(2), insert(3)]);
  assert.deepEqual(out, [{ ok: true, value: 1 }, { ok: true, value: 1 }, { ok: true, value: 1 }]);
  assert.deepEqual(rows(), [1, 2, 3]);
  assert.equal(b.stats.retries, 0);
  assert.equal(rollbacks(), 0);
  assert.equal(db.inTransaction, false);
});

test('sqlite batches: an op that fails after writing rolls back alone; the ops before and after it commit', async () => {
  const { db, b, rows, rollbacks } = open();
  const out = await b.execute([insert(1), insertThenFail(2), insert(3)]);
  assert.deepEqual(out.map((r) => r.ok), [true, false, true]);
  assert.match(String((out[1] as { error: Error }).error.message), /op 2 failed/);
  assert.deepEqual(rows(), [1, 3], 'the failed op\'s row is gone, nothing is written twice');
  assert.equal(b.stats.retries, 1, 'the batch was rolled back as a whole and run again');
  assert.equal(rollbacks(), 1, 'in-memory state of the rolled-back run was dropped');
  assert.equal(db.inTransaction, false);
});

test('sqlite batches: a failing op alone in its batch leaves nothing behind', async () => {
  const { b, rows, rollbacks } = open();
  const out = await b.execute([insertThenFail(7)]);
  assert.equal(out[0]?.ok, false);
  assert.deepEqual(rows(), []);
  assert.equal(b.stats.retries, 0, 'nothing to run again');
  assert.equal(rollbacks(), 1);
});

test('sqlite batches: after a failure the next batches take savepoints from the start (no second whole-batch rollback)', async () => {
  const { b, rows, rollbacks } = open();
  await b.execute([insert(1), insertThenFail(2)]);
  const out = await b.execute([insertThenFail(3), insert(4)]);
  assert.deepEqual(out.map((r) => r.ok), [false, true]);
  assert.deepEqual(rows(), [1, 4]);
  assert.equal(b.stats.retries, 1, 'the guarded batch rolled back only its failing op');
  assert.equal(rollbacks(), 1);
});

test('sqlite batches: a commit that fails rejects the batch and leaves no transaction open', async () => {
  const db = new Database(':memory:');
  db.exec('PRAGMA foreign_keys = ON; CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p INTEGER REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED)');
  const conn: SqlConn = { all: async () => [], run: async (sql, params = []) => db.prepare(sql).run(...params).changes };
  const begin = db.prepare('BEGIN IMMEDIATE');
  let rollbacks = 0;
  const b = sqliteBatches(db, conn, async () => void begin.run(), () => rollbacks++);
  // a deferred foreign key is checked at COMMIT: the COMMIT fails
  await assert.rejects(b.execute([async (c) => c.run('INSERT INTO c (p) VALUES (42)')]), /FOREIGN KEY/);
  assert.equal(db.inTransaction, false);
  assert.equal(rollbacks, 1);
  assert.equal((db.prepare('SELECT count(*) AS n FROM c').get() as { n: number }).n, 0);
});

test('[E01] sqlite store: a TransactionEvent that shares a batch with a failing write is applied exactly once, and the next one folds on it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-batches-'));
  const s = await createSqliteStore({ path: join(dir, 'db.sqlite') });
  try {
    await s.registerStation({ id: 'CS1', securityProfile: 1 });
    const ev = (seqNo: number, eventType: 'Started' | 'Updated', wh: number) => ({
      eventType, seqNo, timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, seqNo)).toISOString(), triggerReason: 'MeterValuePeriodic' as const,
      transactionInfo: { transactionId: 'T1' }, evse: { id: 1, connectorId: 1 },
      meterValue: [{ timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, seqNo)).toISOString(), sampledValue: [{ value: wh, measurand: 'Energy.Active.Import.Register' as const }] }],
    });
    await s.applyTransactionEvent('CS1', ev(0, 'Started', 1000), { receivedAt: new Date(), messageId: 'm0' });
    await s.applyTransactionEvent('CS1', ev(1, 'Updated', 1500), { receivedAt: new Date(), messageId: 'm1' }); // the fold is cached now
    // same turn: one batch; registering an existing station fails inside it, so the batch is run again
    const [dup, upd] = await Promise.allSettled([
      s.registerStation({ id: 'CS1', securityProfile: 1 }),
      s.applyTransactionEvent('CS1', ev(2, 'Updated', 2500), { receivedAt: new Date(), messageId: 'm2' }),
    ]);
    assert.equal(dup.status, 'rejected');
    assert.equal(upd.status, 'fulfilled');
    assert.equal(upd.status === 'fulfilled' && upd.value.duplicate, false);
    assert.ok((s.stats().batchRetries ?? 0) >= 1, 'the batch was rolled back and run again');
    const next = await s.applyTransactionEvent('CS1', ev(3, 'Updated', 3000), { receivedAt: new Date(), messageId: 'm3' });
    assert.equal(next.duplicate, false);
    assert.equal(next.transaction.eventCount, 4, 'each event counted once');
    assert.equal((await s.listTransactionEvents('CS1', 'T1')).length, 4);
    assert.equal(next.transaction.energyWh, 3000, 'the highest register reading');
    assert.equal(next.transaction.meterStartWh, 1000, 'the lowest register reading');
  } finally {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
