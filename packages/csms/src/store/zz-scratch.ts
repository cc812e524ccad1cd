import Database from 'better-sqlite3';
import { mkdtempSync, statSync } from 'node:fs';
import { startCheckpointer } from './sqlite-checkpointer.ts';
const dir = mkdtempSync('/tmp/ckp-');
const path = `${dir}/x.db`;
const db = new Database(path);
db.pragma('journal_mode = WAL'); db.pragma('synchronous = NORMAL');
db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
const ck = startCheckpointer(path, 100);
console.log('started', !!ck);
db.pragma('wal_autocheckpoint = 10000');
const ins = db.prepare('INSERT INTO t (v) VALUES (?)');
for (let round = 0; round < 30; round++) {
  db.transaction(() => { for (let i = 0; i < 2000; i++) ins.run('x'.repeat(200)); })();
  await new Promise((r) => setTimeout(r, 50));
  if (round % 5 === 0) console.log(round, 'wal KB', statSync(`${path}-wal`).size >> 10, 'db KB', statSync(path).size >> 10);
}
await ck?.stop();
db.close();
