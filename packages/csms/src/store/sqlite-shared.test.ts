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
import { createSqliteStore } from './sqlite.ts';
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
