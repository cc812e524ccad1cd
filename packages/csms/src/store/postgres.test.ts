// Runs the conformance suite on the real PostgreSQL server (127.0.0.1:5432, database `test`, user
// `postgres`, or the PG* environment variables), each store in a fresh schema `cw_test_<random>` that is
// dropped afterwards. An unreachable server FAILS the run: it is not a skip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPostgresStore } from './postgres.ts';
import { runStoreSuite } from './store-suite.ts';
import type { Store } from './store.ts';

const env = process.env;
const url = env.CW_TEST_PG_URL ?? `postgres://${env.PGUSER ?? 'postgres'}@${env.PGHOST ?? '127.0.0.1'}:${env.PGPORT ?? '5432'}/${env.PGDATABASE ?? 'test'}`;
const schemas = new Map<Store, string>();

async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await c.end();
  }
}

runStoreSuite(
  'postgres',
  async () => {
    const schema = `cw_test_${randomBytes(6).toString('hex')}`;
    let s: Store;
    try {
      s = await createPostgresStore({ url, schema });
    } catch (err) {
      throw new Error(`PostgreSQL is required for this suite but ${url} is not usable: ${(err as Error).message}`, { cause: err });
    }
    schemas.set(s, schema);
    return s;
  },
  async (s) => {
    await s.close().catch(() => undefined);
    const schema = schemas.get(s);
    if (schema) await dropSchema(schema);
  },
  {
    reopen: async (old) => {
      const schema = schemas.get(old)!;
      await old.close();
      const s = await createPostgresStore({ url, schema });
      schemas.set(s, schema);
      return s;
    },
  },
);

test('[E17] migration 2 back-fills remote_start_id of transactions stored before it', async () => {
  const { migrations, render, SCHEMA_VERSION_DDL } = await import('./migrations.ts');
  const schema = `cw_test_${randomBytes(6).toString('hex')}`;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`CREATE SCHEMA "${schema}"; SET search_path TO "${schema}"`);
    await c.query(SCHEMA_VERSION_DDL);
    await c.query(render(migrations[0]!.sql, 'postgres'));
    await c.query('INSERT INTO schema_version (version, applied_at) VALUES (1, $1)', [new Date().toISOString()]);
    const tx = { stationId: 'OLD', transactionId: 'T-old', state: 'Started', triggerReason: 'RemoteStart', remoteStartId: 31, startedAt: '2025-01-01T00:00:00.000Z', offline: false, eventCount: 1, updatedAt: '2025-01-01T00:00:00.000Z' };
    await c.query('INSERT INTO transactions (station_id, transaction_id, state, started_at, fold) VALUES ($1,$2,$3,$4,$5)', ['OLD', 'T-old', 'Started', tx.startedAt, JSON.stringify({ tx, startedFromStarted: true })]);
  } finally {
    await c.end();
  }
  const s = await createPostgresStore({ url, schema });
  try {
    assert.equal((await s.findTransactionByRemoteStart('OLD', 31))?.transactionId, 'T-old');
  } finally {
    await s.close();
    await dropSchema(schema);
  }
});

test('migration 4 groups the meter values of a version 3 database into readings (values, order, signed data kept)', async () => {
  const { migrations, render, SCHEMA_VERSION_DDL } = await import('./migrations.ts');
  const schema = `cw_test_${randomBytes(6).toString('hex')}`;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const signed = { signedMeterData: 'QUJD', encodingMethod: 'OCMF' };
  try {
    await c.query(`CREATE SCHEMA "${schema}"; SET search_path TO "${schema}"`);
    await c.query(SCHEMA_VERSION_DDL);
    for (const m of migrations.slice(0, 3)) {
      await c.query(render(m.sql, 'postgres'));
      await c.query('INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)', [m.version, new Date().toISOString()]);
    }
    await c.query("INSERT INTO stations (id, security_profile, created_at) VALUES ('OLD', 1, '2025-01-01T00:00:00.000Z')");
    const ins = "INSERT INTO meter_values (station_id, evse_id, transaction_id, timestamp, measurand, phase, unit, value, signed) VALUES ('OLD', 1, 'T-old', $1, $2, $3, $4, $5, $6)";
    await c.query(ins, ['2025-01-01T00:00:00.000Z', 'Energy.Active.Import.Register', '', 'Wh', 10, JSON.stringify(signed)]);
    await c.query(ins, ['2025-01-01T00:00:00.000Z', 'Current.Import', 'L1', 'A', 16, null]);
    await c.query(ins, ['2025-01-01T00:01:00.000Z', 'Energy.Active.Import.Register', '', 'Wh', 20, null]);
  } finally {
    await c.end();
  }
  const s = await createPostgresStore({ url, schema });
  try {
    const rows = await s.listMeterValues({ stationId: 'OLD', transactionId: 'T-old', limit: 10 });
    assert.deepEqual(rows.map((r) => [r.timestamp, r.measurand, r.phase, r.unit, r.value]), [
      ['2025-01-01T00:00:00.000Z', 'Energy.Active.Import.Register', undefined, 'Wh', 10], ['2025-01-01T00:00:00.000Z', 'Current.Import', 'L1', 'A', 16],
      ['2025-01-01T00:01:00.000Z', 'Energy.Active.Import.Register', undefined, 'Wh', 20]]);
    assert.deepEqual(rows[0]!.signedMeterValue, signed);
  } finally {
    await s.close();
    await dropSchema(schema);
  }
});

test('write lanes: with 4 lanes every station\'s writes still commit in the order of the calls', async () => {
  const schema = `cw_test_${randomBytes(6).toString('hex')}`;
  const s = await createPostgresStore({ url, schema, writeLanes: 4, maxDelayMs: 1 });
  try {
    const ids = Array.from({ length: 24 }, (_, k) => `LANE-${k}`);
    for (const id of ids) await s.registerStation({ id, securityProfile: 1 });
    // 10 rounds of one frame per station, none awaited: they spread over the 4 lanes
    const writes: Promise<unknown>[] = [];
    for (let round = 0; round < 10; round++) {
      for (const id of ids) {
        writes.push(s.appendJournal([{ stationId: id, direction: 'in', messageType: 2, messageId: `m${round}`, action: 'Heartbeat', payload: `[2,"m${round}","Heartbeat",{}]`, at: new Date() }]));
        writes.push(s.upsertConnectorStatus({ stationId: id, evseId: 1, connectorId: 1, status: round % 2 ? 'Occupied' : 'Available', at: new Date(Date.UTC(2026, 0, 1, 0, 0, round)) }));
      }
    }
    await Promise.all(writes);
    for (const id of ids) {
      const rows = await s.listJournal(id, { limit: 100 });
      // ids are assigned at insert: per station they follow the order of the calls
      assert.deepEqual(rows.map((r) => r.messageId).reverse(), Array.from({ length: 10 }, (_, r) => `m${r}`), id);
      assert.equal((await s.listConnectors(id))[0]?.status, 'Occupied', `${id}: the last status (round 9) wins`);
    }
    const st = s.stats();
    assert.ok(st.batches >= 4, `the writes were committed by several lanes (${st.batches} batches)`);
  } finally {
    await s.close();
    await dropSchema(schema);
  }
});
