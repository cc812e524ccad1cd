import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from './index.ts';
import { startCheckpointer, writerAutocheckpointPages } from './sqlite-checkpointer.ts';

/** A WAL database with one table, written the way the store writes: one BEGIN IMMEDIATE … COMMIT per batch. */
function openWriter(dir: string, autocheckpoint: number) {
  const path = join(dir, 'w.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  db.pragma(`wal_autocheckpoint = ${autocheckpoint}`);
  const ins = db.prepare('INSERT INTO t (v) VALUES (?)');
  const batch = db.transaction((n: number) => {
    for (let i = 0; i < n; i++) ins.run('x'.repeat(900));
  });
  return { path, db, batch };
}

const walSalt = (path: string) => readFileSync(`${path}-wal`).subarray(16, 24).toString('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const flushAhead of [true, false]) test(`sqlite checkpointer${flushAhead ? '' : ' without flush-ahead'}: at a restart point the worker checkpoints the whole WAL and writes the new WAL generation's first frame itself`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-ckpt-'));
  const restartFrames = 1000;
  const w = openWriter(dir, writerAutocheckpointPages({ restartFrames }));
  const ck = startCheckpointer(w.path, { intervalMs: 5, restartFrames, flushAhead });
  assert.ok(ck, 'the worker starts');
  try {
    let points = 0;
    // a writer that never pauses on its own (a batch per turn of the event loop, 3,000 batches): the
    // worker's checkpoints rarely catch up between two commits, so the WAL does not restart by itself
    for (let b = 0; b < 3000; b++) {
      if (ck.wantsRestart) {
        const before = walSalt(w.path);
        await ck.restartPoint();
        points++;
        // the worker restarted the WAL (new salts in its header) and wrote the new generation's one frame:
        // the writer's next commit appends to it instead of writing and fsyncing a new header
        assert.notEqual(walSalt(w.path), before, 'a new WAL generation began at the restart point');
        const [r] = w.db.pragma('wal_checkpoint(NOOP)') as { log: number }[];
        assert.equal(r?.log, 1, 'the new generation holds the worker\'s single frame');
      }
      w.batch(3);
      await new Promise(setImmediate);
    }
    assert.ok(points >= 1, `restart points were asked for and taken (${points})`);
    assert.equal(ck.stats.restarts, points);
    assert.equal((w.db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 9000, 'no write lost');
  } finally {
    await ck.stop();
    w.db.close();
    ck.release();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sqlite checkpointer: a restart point never holds the writer for long: a reader blocks the checkpoint, the worker hangs, the worker is gone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-ckpt-'));
  const w = openWriter(dir, 1000);
  const ck = startCheckpointer(w.path, { intervalMs: 60_000, restartTimeoutMs: 300 })!;
  try {
    // a reader on an old snapshot: the checkpoint cannot reach the WAL's end; the worker answers "not done" at once
    w.batch(50);
    const reader = new Database(w.path);
    reader.prepare('BEGIN').run();
    reader.prepare('SELECT count(*) FROM t').get();
    w.batch(50);
    let t0 = performance.now();
    await ck.restartPoint();
    assert.ok(performance.now() - t0 < 250, 'answered without waiting for the reader');
    const [r] = w.db.pragma('wal_checkpoint(NOOP)') as { log: number }[];
    assert.ok((r?.log ?? 0) > 1, 'the WAL was not restarted under the reader');
    reader.prepare('COMMIT').run();
    reader.close();

    // the worker hangs (its one-frame write waits for the write lock this test holds): the writer goes on after restartTimeoutMs
    w.db.prepare('BEGIN IMMEDIATE').run();
    t0 = performance.now();
    await ck.restartPoint();
    const waited = performance.now() - t0;
    assert.ok(waited >= 290 && waited < 900, `went on after the timeout (${waited.toFixed(0)} ms)`);
    w.db.prepare('COMMIT').run();
    // the late answer to that point is not taken for the answer to the next one
    await sleep(100);
    w.batch(5);
    t0 = performance.now();
    await ck.restartPoint();
    assert.ok(performance.now() - t0 < 250);
    assert.equal(ck.stats.restarts, 3);

    await ck.stop();
    t0 = performance.now();
    await ck.restartPoint();
    assert.ok(performance.now() - t0 < 50, 'a stopped worker does not hold the writer');
    w.batch(10);
    assert.equal((w.db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 115, 'no write lost');
  } finally {
    await ck.stop();
    w.db.close();
    ck.release();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sqlite store: under a steady stream of commits the store takes restart points (in its stats) and loses no write', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-ckpt-'));
  const s = await createStore({ kind: 'sqlite', path: join(dir, 's.db'), checkpointIntervalMs: 5, walRestartPages: 300, maxDelayMs: 0 });
  try {
    await s.registerStation({ id: 'CS-1', securityProfile: 1 });
    const payload = JSON.stringify([2, 'm', 'Heartbeat', { pad: 'x'.repeat(2000) }]);
    for (let i = 0; i < 3000; i++) {
      // one awaited write at a time: a commit per write, as a lightly loaded CSMS makes them
      await s.appendJournal([{ stationId: 'CS-1', direction: 'in', messageType: 2, messageId: `m${i}`, action: 'Heartbeat', payload, at: new Date() }]);
      if ((s.stats().walRestarts ?? 0) >= 2) break;
    }
    const st = s.stats();
    assert.ok((st.walRestarts ?? 0) >= 1, `restart points taken: ${JSON.stringify(st)}`);
    assert.ok((st.walRestartWaitMs ?? -1) >= 0);
    const n = st.items - 1; // all but the registration
    const rows = await s.listJournal('CS-1', { limit: 10_000 });
    assert.equal(rows.length, n, 'every journaled frame is there');
  } finally {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sqlite store: closing one store keeps the file locks of another store on the same file (flush-ahead descriptor): no other process takes the file from it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-ckpt-'));
  const path = join(dir, 's.db');
  const a = await createStore({ kind: 'sqlite', path });
  const b = await createStore({ kind: 'sqlite', path });
  try {
    await b.registerStation({ id: 'CS-B', securityProfile: 1 });
    await a.close();
    // Another process asks for the file exclusively (locking_mode=EXCLUSIVE: SQLite then takes the database
    // file's exclusive lock and works without the shared WAL index). b still has the file open, so it must be
    // refused. Had closing a's flush-ahead descriptor dropped this process's POSIX locks, it would get the file,
    // and its close would delete the WAL that b still writes to (seen with a raw descriptor closed early).
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const script = 'const D = require(process.argv[1]); const d = new D(process.argv[2]); d.pragma("locking_mode = EXCLUSIVE"); d.prepare("SELECT count(*) FROM stations").get(); d.close();';
    assert.throws(() => execFileSync(process.execPath, ['-e', script, driver, path], { stdio: 'pipe' }), /database is locked/);
    assert.ok(existsSync(`${path}-wal`));
    await b.registerStation({ id: 'CS-B2', securityProfile: 1 });
    assert.equal((await b.getStation('CS-B2'))?.id, 'CS-B2');
  } finally {
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
