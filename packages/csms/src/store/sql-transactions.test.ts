// The fold cache of the SQL store (sql-transactions.ts): two store instances write the same transaction
// (two CSMS nodes on one PostgreSQL database; two connections to one SQLite file), so each one's cached
// fold goes out of date. Every event must still be folded onto the stored fold, never onto a stale copy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TransactionEventRequest } from '@chargewire/ocpp/types';
import { createPostgresStore } from './postgres.ts';
import { createSqliteStore } from './sqlite.ts';
import { FoldCache, eventRowJson } from './sql-transactions.ts';
import { eventCanonical } from './logic.ts';
import type { Store } from './store.ts';

const T0 = Date.UTC(2026, 0, 1);
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const ev = (seqNo: number, wh: number, o: Partial<TransactionEventRequest> = {}): TransactionEventRequest => ({
  eventType: seqNo === 0 ? 'Started' : 'Updated', triggerReason: seqNo === 0 ? 'CablePluggedIn' : 'MeterValuePeriodic', seqNo, timestamp: at(seqNo * 10),
  transactionInfo: { transactionId: 'TX-SHARED', chargingState: 'Charging' },
  meterValue: [{ timestamp: at(seqNo * 10), sampledValue: [{ value: wh, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } }] }],
  ...o,
});
const meta = (m: string) => ({ receivedAt: new Date(), messageId: m });

test('eventRowJson: parsed, the event row is the record JSON.stringify wrote before (the request with its keys sorted)', () => {
  const cases: [string, TransactionEventRequest, string][] = [
    ['CS-1', ev(0, 100), 'm-0'],
    ['CS-"quoted"\\', ev(3, 250.5, { offline: true, customData: { vendorId: 'V\u0001', x: [1, null] } as never, idToken: { idToken: 'Tök', type: 'ISO14443' } }), 'id-\ud800'],
    ['CS-2', ev(7, 1e21, { eventType: 'Ended', triggerReason: 'EVDeparted', offline: false }), ''],
  ];
  for (const [stationId, req, messageId] of cases) {
    const receivedAt = at(99);
    const text = eventRowJson(stationId, req, req.timestamp, receivedAt, messageId, eventCanonical(req).json);
    const before = JSON.stringify({
      stationId, transactionId: req.transactionInfo.transactionId, seqNo: req.seqNo, eventType: req.eventType, triggerReason: req.triggerReason,
      timestamp: req.timestamp, offline: !!req.offline, receivedAt, messageId, request: req,
    });
    assert.deepEqual(JSON.parse(text), JSON.parse(before));
    // the record's own members keep JSON.stringify's text and order; only the request's keys are sorted
    assert.equal(text.slice(0, text.indexOf(',"request":')), before.slice(0, before.indexOf(',"request":')));
  }
});

async function twoWriters(a: Store, b: Store): Promise<void> {
  await a.registerStation({ id: 'CS-CACHE', securityProfile: 1 });
  await a.applyTransactionEvent('CS-CACHE', ev(0, 100), meta('m0')); // a caches the fold (1 event)
  await a.applyTransactionEvent('CS-CACHE', ev(1, 200), meta('m1')); // a: 2 events, cached
  await b.applyTransactionEvent('CS-CACHE', ev(2, 300), meta('m2')); // b reads the stored fold, writes 3 events: a's copy is stale
  // a's next event must go onto b's fold (3 events, 300 Wh), not onto its cached 2-event copy
  const r3 = await a.applyTransactionEvent('CS-CACHE', ev(3, 250, { transactionInfo: { transactionId: 'TX-SHARED', chargingState: 'SuspendedEV' } }), meta('m3'));
  assert.equal(r3.duplicate, false);
  assert.deepEqual([r3.transaction.eventCount, r3.transaction.energyWh, r3.transaction.chargingState], [4, 300, 'SuspendedEV']);
  // b's copy is stale now: a duplicate sent to b answers with the stored transaction
  const dup = await b.applyTransactionEvent('CS-CACHE', ev(3, 250, { transactionInfo: { transactionId: 'TX-SHARED', chargingState: 'SuspendedEV' } }), meta('m3'));
  assert.equal(dup.duplicate, true);
  assert.equal(dup.transaction.eventCount, 4);
  await b.applyTransactionEvent('CS-CACHE', ev(4, 400, { eventType: 'Ended', triggerReason: 'EVDeparted' }), meta('m4'));
  for (const s of [a, b]) {
    const t = await s.getTransaction('CS-CACHE', 'TX-SHARED');
    assert.deepEqual([t?.eventCount, t?.energyWh, t?.state, t?.meterStartWh], [5, 400, 'Ended', 100]);
    assert.deepEqual((await s.listTransactionEvents('CS-CACHE', 'TX-SHARED')).map((e) => e.seqNo), [0, 1, 2, 3, 4]);
    assert.equal((await s.listMeterValues({ stationId: 'CS-CACHE', transactionId: 'TX-SHARED', limit: 100 })).length, 5);
  }
}

test('[E02] fold cache, SQLite: two connections to one file writing one transaction keep every event', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-fold-'));
  const a = await createSqliteStore({ path: join(dir, 'db.sqlite') });
  const b = await createSqliteStore({ path: join(dir, 'db.sqlite') });
  try {
    await twoWriters(a, b);
  } finally {
    await b.close();
    await a.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('[E02] fold cache, PostgreSQL: two nodes on one database writing one transaction keep every event', async () => {
  const env = process.env;
  const url = env.CW_TEST_PG_URL ?? `postgres://${env.PGUSER ?? 'postgres'}@${env.PGHOST ?? '127.0.0.1'}:${env.PGPORT ?? '5432'}/${env.PGDATABASE ?? 'test'}`;
  const schema = `cw_test_${randomBytes(6).toString('hex')}`;
  const a = await createPostgresStore({ url, schema });
  const b = await createPostgresStore({ url, schema });
  try {
    await twoWriters(a, b);
  } finally {
    await b.close();
    await a.close();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  }
});

test('FoldCache: least recently used entries leave first', () => {
  const c = new FoldCache(2);
  const f = (n: number) => ({ text: String(n), state: {} as never });
  c.set('a', f(1));
  c.set('b', f(2));
  assert.equal(c.get('a')?.text, '1'); // a is now the most recent
  c.set('c', f(3));
  assert.deepEqual([c.get('a')?.text, c.get('b'), c.get('c')?.text, c.size], ['1', undefined, '3', 2]);
});

test('FoldCache: deleting a station drops its folds only', () => {
  const c = new FoldCache();
  const f = (n: number) => ({ text: String(n), state: {} as never });
  c.set(FoldCache.key('CS-1', 'T1'), f(1));
  c.set(FoldCache.key('CS-1', 'T2'), f(2));
  c.set(FoldCache.key('CS-10', 'T1'), f(3)); // a station id with CS-1 as a prefix keeps its fold
  c.set(FoldCache.key('CS-2', 'T1'), f(4));
  c.deleteStation('CS-1');
  assert.deepEqual([c.size, c.get(FoldCache.key('CS-1', 'T1')), c.get(FoldCache.key('CS-10', 'T1'))?.text, c.get(FoldCache.key('CS-2', 'T1'))?.text], [2, undefined, '3', '4']);
});

test('FoldCache: a fold unused for longer than the idle time is dropped (a transaction its station abandoned)', () => {
  let now = 0;
  const c = new FoldCache(100, 1000, () => now);
  const f = (n: number) => ({ text: String(n), state: {} as never });
  c.set('old', f(1));
  now = 600;
  c.set('recent', f(2));
  now = 1500; // 'old' is 1,500 ms unused, 'recent' 900 ms
  c.set('new', f(3));
  assert.deepEqual([c.size, c.get('old'), c.get('recent')?.text, c.get('new')?.text], [2, undefined, '2', '3']);
  now = 3000;
  assert.equal(c.get('recent'), undefined, 'read after its idle time: a miss, and gone');
  assert.equal(c.size, 1);
});
