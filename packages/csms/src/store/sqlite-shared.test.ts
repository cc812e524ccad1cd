// Several processes on one SQLite file (cluster nodes on one machine, docs/architecture.md "Clustering"):
// they open a fresh file at the same moment (each would migrate it) and write side by side; every write of
// every process is there afterwards, and the schema was migrated once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSqliteStore, enableWal } from './sqlite.ts';
import { migrations } from './migrations.ts';

const child = fileURLToPath(new URL('./sqlite-shared-child.ts', import.meta.url));

function next(c: ChildProcess): Promise<unknown> {
  return new Promise((resolve, reject) => {
    c.once('message', resolve);
    c.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
  });
}

test('three processes open one fresh SQLite file at once and write side by side: migrated once, nothing lost', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-sqlite-shared-'));
  const path = join(dir, 'shared.db');
  const tags = ['N0', 'N1', 'N2'];
  const count = 300;
  const children = tags.map((tag) => fork(child, [path, tag, String(count)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  try {
    assert.deepEqual(await Promise.all(children.map(next)), tags.map(() => 'loaded'));
    const done = children.map(next);
    for (const c of children) c.send('go');
    assert.deepEqual(await Promise.all(done), tags.map(() => ({ ok: true })));

    const { default: Database } = await import('better-sqlite3');
    const db = new Database(path, { readonly: true });
    try {
      assert.deepEqual(db.prepare('SELECT version FROM schema_version ORDER BY version').all().map((r) => (r as { version: number }).version), migrations.map((m) => m.version));
    } finally {
      db.close();
    }
    const store = await createSqliteStore({ path });
    try {
      for (const tag of tags) {
        assert.equal((await store.getStation(tag))?.id, tag);
        const frames = await store.listJournal(tag, { limit: 1000 });
        assert.equal(frames.length, count, `${tag}: journal frames`);
        assert.equal(new Set(frames.map((f) => f.messageId)).size, count);
        const tx = await store.getTransaction(tag, `T-${tag}`);
        assert.equal(tx?.eventCount, 5, `${tag}: transaction events`);
        assert.equal((await store.listTransactionEvents(tag, `T-${tag}`)).length, 5);
      }
    } finally {
      await store.close();
    }
  } finally {
    for (const c of children) c.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the switch to WAL waits for a lock that made SQLite refuse it at once, up to its timeout (a fresh file opened by several processes)', async () => {
  const { default: Database } = await import('better-sqlite3');
  const dir = mkdtempSync(join(tmpdir(), 'cw-sqlite-wal-'));
  const path = join(dir, 'fresh.db');
  const other = new Database(path);
  const db = new Database(path);
  try {
    db.pragma('busy_timeout = 5000');
    other.exec('CREATE TABLE t (x)');
    // another connection holds the write lock of the rollback-journal file: SQLite refuses the switch at once,
    // busy timeout or not (its busy handler is not called where waiting could deadlock)
    other.exec('BEGIN IMMEDIATE');
    assert.throws(() => db.pragma('journal_mode = WAL'), { code: 'SQLITE_BUSY' });
    const t0 = performance.now();
    setTimeout(() => other.exec('ROLLBACK'), 60);
    await enableWal(db);
    assert.ok(performance.now() - t0 >= 50, 'it waited for the lock');
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    // a lock held past the timeout: the error is SQLite's own, not a hang
    db.close();
    other.close();
    const p2 = join(dir, 'held.db');
    const holder = new Database(p2);
    holder.exec('CREATE TABLE t (x); BEGIN IMMEDIATE');
    const late = new Database(p2);
    try {
      await assert.rejects(enableWal(late, 80), { code: 'SQLITE_BUSY' });
    } finally {
      late.close();
      holder.close();
    }
  } finally {
    if (db.open) db.close();
    if (other.open) other.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
