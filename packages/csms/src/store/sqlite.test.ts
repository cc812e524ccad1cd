import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from './sqlite.ts';
import { runStoreSuite } from './store-suite.ts';

const dir = mkdtempSync(join(tmpdir(), 'cw-store-'));
let n = 0;
const paths = new Map<object, string>();

runStoreSuite(
  'sqlite',
  async () => {
    const path = join(dir, `store-${++n}.db`);
    const s = await createSqliteStore({ path });
    paths.set(s, path);
    return s;
  },
  async (s) => {
    await s.close();
    const path = paths.get(s)!;
    for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
  },
  {
    reopen: async (old) => {
      const path = paths.get(old)!;
      await old.close();
      const s = await createSqliteStore({ path });
      paths.set(s, path);
      return s;
    },
  },
);

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
