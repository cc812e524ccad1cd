// SQLite's journal answers stored beside their CALL (sql-journal-pairs.ts): the listing must be the one of a
// store that indexes every row (the memory store is the reference), for every page size, cursor and filter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createMemoryStore } from './memory.ts';
import { migrations, render, SCHEMA_VERSION_DDL } from './migrations.ts';
import { createSqliteStore } from './sqlite.ts';
import type { JournalFilter, JournalInput, Store } from './store.ts';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const STATIONS = ['A', 'B', 'C'];

/** A deterministic pseudo-random sequence (xorshift), so a failure can be replayed. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return ((x >>> 0) % 1_000_000) / 1_000_000;
  };
}

/**
 * Frames of three stations: mostly a CALL and its answer in turn, with the other side's CALLs sent in between,
 * CALLERRORs, SENDs, answers to unknown ids and answers sent twice; in groups of 1–6 entries per append.
 */
function frames(seed: number, n: number): JournalInput[][] {
  const r = rng(seed);
  const groups: JournalInput[][] = [];
  let k = 0;
  const open = new Map<string, { id: string; dir: 'in' | 'out' }[]>();
  let group: JournalInput[] = [];
  for (let i = 0; i < n; i++) {
    const st = STATIONS[Math.floor(r() * STATIONS.length)]!;
    const pending = open.get(st) ?? [];
    open.set(st, pending);
    const at = new Date(T0 + i * 1000);
    const e = (direction: 'in' | 'out', messageType: number, messageId: string, action?: string): JournalInput =>
      ({ stationId: st, direction, messageType, messageId, ...(action && { action }), payload: `frame ${k++}`, at });
    const x = r();
    if (pending.length && x < 0.55) {
      const c = pending.splice(Math.floor(r() * pending.length), 1)[0]!;
      const answerDir = c.dir === 'in' ? 'out' : 'in';
      group.push(e(answerDir, r() < 0.1 ? 4 : 3, c.id, r() < 0.5 ? 'Heartbeat' : 'TransactionEvent'));
      if (r() < 0.05) group.push(e(answerDir, 3, c.id, 'TransactionEvent')); // the same answer again
    } else if (x < 0.85) {
      const dir = r() < 0.8 ? 'in' : 'out';
      const id = `m${k}`;
      pending.push({ id, dir });
      group.push(e(dir, 2, id, r() < 0.5 ? 'Heartbeat' : 'TransactionEvent'));
    } else if (x < 0.93) {
      group.push(e(r() < 0.5 ? 'in' : 'out', 6, `s${k}`, 'NotifyPeriodicEventStream'));
    } else {
      group.push(e(r() < 0.5 ? 'in' : 'out', 3, `unknown${k}`));
    }
    if (group.length >= 1 + Math.floor(r() * 6)) { groups.push(group); group = []; }
  }
  if (group.length) groups.push(group);
  return groups;
}

/** Appends the groups: some together in one batch, some after the previous ones committed. */
async function feed(s: Store, groups: JournalInput[][], seed: number): Promise<void> {
  const r = rng(seed + 1);
  let pending: Promise<void>[] = [];
  for (const g of groups) {
    pending.push(s.appendJournal(g));
    if (r() < 0.4) { await Promise.all(pending); pending = []; }
  }
  await Promise.all(pending);
  await s.flush();
}

/** Every page of a listing, each page's cursor from that store's own ids. */
async function walk(s: Store, st: string, f: Omit<JournalFilter, 'beforeId' | 'limit'>, limit: number): Promise<string[]> {
  const out: string[] = [];
  let beforeId: number | undefined;
  for (;;) {
    const page = await s.listJournal(st, { ...f, limit, ...(beforeId !== undefined && { beforeId }) });
    out.push(...page.map((e) => `${e.direction} ${e.messageType} ${e.messageId} ${e.action ?? '-'} ${e.payload} ${e.at}`));
    if (page.length < limit) return out;
    beforeId = page.at(-1)!.id;
  }
}

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'cw-pairs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

for (const seed of [1, 7, 42]) {
  test(`journal answers beside their CALL (SQLite): listings equal the memory store's for every page size and filter (seed ${seed})`, async (t) => {
    const dir = tempDir(t);
    const path = join(dir, 'j.db');
    const sql = await createSqliteStore({ path });
    const mem = createMemoryStore();
    t.after(() => sql.close());
    const groups = frames(seed, 600);
    await feed(sql, groups, seed);
    await feed(mem, groups, seed);

    // the point of the change: answers that follow their CALL are stored beside it, out of the station index
    const db = new Database(path, { readonly: true });
    const paired = (db.prepare('SELECT count(*) AS n FROM journal WHERE call_id IS NOT NULL').get() as { n: number }).n;
    const wrong = db.prepare(`SELECT count(*) AS n FROM journal a JOIN journal c ON c.id = a.call_id
      WHERE c.message_type != 2 OR c.message_id != a.message_id OR c.direction = a.direction OR c.station_id != a.station_id
        OR EXISTS (SELECT 1 FROM journal x WHERE x.station_id = a.station_id AND x.id > c.id AND x.id < a.id)`).get() as { n: number };
    db.close();
    // expected: each answer whose station's previous frame is its CALL (same id, the other direction)
    const last = new Map<string, JournalInput>();
    let expectedPairs = 0;
    for (const e of groups.flat()) {
      const p = last.get(e.stationId);
      if (e.messageType >= 3 && e.messageType <= 5 && p?.messageType === 2 && p.messageId === e.messageId && p.direction !== e.direction) expectedPairs++;
      last.set(e.stationId, e);
    }
    assert.ok(expectedPairs > 50);
    assert.equal(paired, expectedPairs);
    assert.equal(wrong.n, 0, 'an answer is stored beside a row that is not its CALL, or not right after it');

    const mid = new Date(T0 + 300_000).toISOString();
    const filters: Omit<JournalFilter, 'beforeId' | 'limit'>[] = [{}, { direction: 'in' }, { direction: 'out' }, { action: 'TransactionEvent' },
      { since: mid }, { until: mid }, { action: 'Heartbeat', direction: 'out', since: new Date(T0 + 100_000).toISOString() }];
    for (const st of [...STATIONS, 'nobody']) {
      for (const f of filters) {
        const expected = await walk(mem, st, f, 10_000);
        if (st !== 'nobody' && !f.action && !f.since && !f.until && !f.direction) assert.ok(expected.length > 100);
        for (const limit of [1, 2, 3, 7, 64, 65, 10_000]) {
          assert.deepEqual(await walk(sql, st, f, limit), expected, `station ${st}, filter ${JSON.stringify(f)}, limit ${limit}`);
        }
      }
    }
  });
}

test('journal answers beside their CALL (SQLite): deleting a station deletes them too; other stations keep theirs', async (t) => {
  const path = join(tempDir(t), 'd.db');
  const s = await createSqliteStore({ path });
  t.after(() => s.close());
  for (const id of STATIONS) await s.registerStation({ id, securityProfile: 1 });
  await feed(s, frames(3, 300), 3);
  const before = await s.listJournal('B', { limit: 10_000 });
  await s.deleteStation('A');
  const db = new Database(path, { readonly: true });
  const left = (db.prepare("SELECT count(*) AS n FROM journal WHERE station_id = 'A'").get() as { n: number }).n;
  db.close();
  assert.equal(left, 0);
  assert.deepEqual(await s.listJournal('B', { limit: 10_000 }), before);
});

test('migration 5 keeps a version 4 journal listable; answers to CALLs of an earlier process are indexed, later ones paired', async (t) => {
  const path = join(tempDir(t), 'v4.db');
  const db = new Database(path);
  db.exec(SCHEMA_VERSION_DDL);
  for (const m of migrations.filter((x) => x.version <= 4)) {
    db.exec(render(m.sql, 'sqlite'));
    db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)').run(m.version, new Date().toISOString());
  }
  const ins = db.prepare('INSERT INTO journal (station_id, direction, message_type, message_id, action, payload, at) VALUES (?,?,?,?,?,?,?)');
  ins.run('OLD', 'in', 2, 'c1', 'Heartbeat', '[2,"c1","Heartbeat",{}]', '2025-01-01T00:00:00.000Z');
  ins.run('OLD', 'out', 3, 'c1', 'Heartbeat', '[3,"c1",{}]', '2025-01-01T00:00:01.000Z');
  ins.run('OLD', 'in', 2, 'c2', 'Heartbeat', '[2,"c2","Heartbeat",{}]', '2025-01-01T00:00:02.000Z');
  db.close();
  const s = await createSqliteStore({ path });
  t.after(() => s.close());
  const frame = (direction: 'in' | 'out', messageType: number, id: string, sec: number): JournalInput =>
    ({ stationId: 'OLD', direction, messageType, messageId: id, action: 'Heartbeat', payload: `[${messageType},"${id}"]`, at: new Date(Date.UTC(2025, 0, 1, 0, 0, sec)) });
  await s.appendJournal([frame('out', 3, 'c2', 3)]); // answers a CALL this process did not journal: indexed
  await s.flush();
  await s.appendJournal([frame('in', 2, 'c3', 4)]);
  await s.flush();
  await s.appendJournal([frame('out', 3, 'c3', 5)]); // answers this process's CALL, in a later batch: beside it
  await s.flush();
  assert.deepEqual((await s.listJournal('OLD', { limit: 10 })).map((e) => `${e.direction} ${e.messageId}`), ['out c3', 'in c3', 'out c2', 'in c2', 'out c1', 'in c1']);
  assert.deepEqual((await s.listJournal('OLD', { limit: 2, beforeId: 6 })).map((e) => `${e.direction} ${e.messageId}`), ['in c3', 'out c2']);
  const check = new Database(path, { readonly: true });
  const rows = check.prepare('SELECT id, call_id FROM journal ORDER BY id').all() as { id: number; call_id: number | null }[];
  check.close();
  assert.deepEqual(rows.map((r) => r.call_id), [null, null, null, null, null, 5]);
});

test('journal answers beside their CALL (SQLite): another connection\'s commit in between leaves the answer indexed', async (t) => {
  const path = join(tempDir(t), 'two.db');
  const a = await createSqliteStore({ path });
  const b = await createSqliteStore({ path });
  t.after(async () => { await a.close(); await b.close(); });
  const frame = (stationId: string, direction: 'in' | 'out', messageType: number, id: string, n: number): JournalInput =>
    ({ stationId, direction, messageType, messageId: id, action: 'Heartbeat', payload: `p${n}`, at: new Date(T0 + n) });
  await a.appendJournal([frame('S', 'in', 2, 'x', 1)]);
  await a.flush();
  await b.appendJournal([frame('S', 'out', 2, 'y', 2)]); // the CSMS on another node sends S a CALL
  await b.flush();
  await a.appendJournal([frame('S', 'out', 3, 'x', 3)]); // not right after its CALL any more
  await a.flush();
  await a.appendJournal([frame('S', 'in', 2, 'z', 4)]);
  await a.flush();
  await a.appendJournal([frame('S', 'out', 3, 'z', 5)]);
  await a.flush();
  const db = new Database(path, { readonly: true });
  const rows = db.prepare('SELECT payload, call_id FROM journal ORDER BY id').all() as { payload: string; call_id: number | null }[];
  db.close();
  assert.deepEqual(rows.map((r) => [r.payload, r.call_id]), [['p1', null], ['p2', null], ['p3', null], ['p4', null], ['p5', 4]]);
  assert.deepEqual((await b.listJournal('S', { limit: 10 })).map((e) => e.payload), ['p5', 'p4', 'p3', 'p2', 'p1']);
});
