// Transaction integrity under faults, over real WebSockets, on SQLite (temp file) and PostgreSQL
// (127.0.0.1:5432, db `test`, a throw-away schema): duplicates, an offline queue replayed out of order,
// a connection dropped mid-transaction, and the CSMS process restarted between a station's events.
// Energy totals and event counts must be exact afterwards. An unreachable PostgreSQL fails the run.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { OcppClient, type OcppVersion } from '@chargewire/ocpp';
import type { MeterValueType, TransactionEventRequest } from '@chargewire/ocpp/types';
import { createCsms, loadConfig, blocks as defaultBlocks, type Csms } from '@chargewire/csms';
import { silentLogger } from '../fixtures/csms.ts';
import { aBootNotification } from '../fixtures/builders.ts';
import type { Store } from '../../packages/csms/src/store/store.ts';
import { createSqliteStore } from '../../packages/csms/src/store/sqlite.ts';
import { createPostgresStore } from '../../packages/csms/src/store/postgres.ts';
import { authorization } from '../../packages/csms/src/blocks/authorization.ts';
import { transactions } from '../../packages/csms/src/blocks/transactions.ts';
import { meterValuesBlock } from '../../packages/csms/src/blocks/meter-values.ts';

const allBlocks = [...defaultBlocks, ...[authorization, transactions, meterValuesBlock].filter((b) => !defaultBlocks.includes(b))];
const env = process.env;
const pgUrl = env.CW_TEST_PG_URL ?? `postgres://${env.PGUSER ?? 'postgres'}@${env.PGHOST ?? '127.0.0.1'}:${env.PGPORT ?? '5432'}/${env.PGDATABASE ?? 'test'}`;

interface Backend { name: string; open(): Promise<Store>; cleanup(): Promise<void> }

function sqliteBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'cw-charging-'));
  return { name: 'sqlite', open: () => createSqliteStore({ path: join(dir, 'csms.db') }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

function postgresBackend(): Backend {
  const schema = `cw_charging_${randomBytes(5).toString('hex')}`;
  return {
    name: 'postgres',
    open: () => createPostgresStore({ url: pgUrl, schema }),
    async cleanup() {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      try { await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`); } finally { await c.end(); }
    },
  };
}

/** One CSMS "process": its own store connection and server; restart() = kill and start again on the same data. */
async function csmsOn(backend: Backend) {
  let store = await backend.open();
  let csms: Csms;
  let url = '';
  const start = async () => {
    const config = loadConfig({ overrides: { ocpp: { host: '127.0.0.1', port: 0 }, http: { port: -1 }, boot: { fetchInventory: false }, store: { kind: 'memory' } } });
    csms = createCsms(config, { store, logger: silentLogger(), blocks: allBlocks });
    url = `ws://127.0.0.1:${(await csms.start()).ocpp}/ocpp`;
  };
  await start();
  return {
    get store() { return store; },
    get url() { return url; },
    async restart() {
      await csms.stop();
      await store.close();
      store = await backend.open();
      await start();
    },
    async stop() {
      await csms.stop();
      await store.close();
    },
  };
}

const T0 = Date.parse('2026-04-01T08:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const mv = (s: number, kwh: number): MeterValueType[] => [{ timestamp: at(s), sampledValue: [{ value: kwh, context: 'Sample.Periodic', unitOfMeasure: { unit: 'kWh' } }, { value: 7.2, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'kW' } }] }];
function ev(id: string, seqNo: number, eventType: TransactionEventRequest['eventType'], s: number, kwh: number, o: Partial<TransactionEventRequest> = {}): TransactionEventRequest {
  return { eventType, seqNo, timestamp: at(s), triggerReason: eventType === 'Started' ? 'CablePluggedIn' : eventType === 'Ended' ? 'EVCommunicationLost' : 'MeterValuePeriodic', transactionInfo: { transactionId: id, ...(eventType === 'Ended' && { stoppedReason: 'EVDisconnected' as const }) }, evse: { id: 1, connectorId: 1 }, meterValue: mv(s, kwh), ...o };
}

async function station(url: string, identity: string, version: OcppVersion): Promise<OcppClient> {
  const cs = new OcppClient({ url, identity, reconnect: false, versions: [version] });
  await cs.connect();
  return cs;
}

async function exact(store: Store, sid: string, id: string, events: number, wh: number) {
  const t = await store.getTransaction(sid, id);
  assert.ok(t, `transaction ${id} stored`);
  assert.equal(t.eventCount, events, 'event count');
  assert.equal((await store.listTransactionEvents(sid, id)).length, events, 'stored events');
  assert.equal(Math.round(t.energyWh! - t.meterStartWh!), wh, 'energy Wh');
  return t;
}

for (const makeBackend of [sqliteBackend, postgresBackend]) {
  const backend = makeBackend();
  describe(`transaction integrity on ${backend.name}`, () => {
    after(() => backend.cleanup());
    for (const version of ['2.0.1', '2.1'] as OcppVersion[]) {
      const v = version.replace(/\./g, '');

      test(`[E04.FR.03] [E12] ${version}: duplicates and an offline queue replayed out of order give exact totals`, async () => {
        const c = await csmsOn(backend);
        try {
          const sid = `dup-${v}`;
          const cs = await station(c.url, sid, version);
          await cs.call('BootNotification', aBootNotification());
          const queue = [ev('tx-o', 0, 'Started', 0, 10), ev('tx-o', 1, 'Updated', 60, 10.5), ev('tx-o', 2, 'Updated', 120, 11.25), ev('tx-o', 3, 'Ended', 180, 12)].map((e) => ({ ...e, offline: true }));
          for (const i of [3, 1, 0, 2]) await cs.call('TransactionEvent', queue[i]!);
          for (const e of queue) await cs.call('TransactionEvent', e); // duplicates (a retried queue)
          await Promise.all(queue.map((e) => cs.call('TransactionEvent', e))); // and concurrently
          const t = await exact(c.store, sid, 'tx-o', 4, 2000);
          assert.equal(t.state, 'Ended');
          assert.equal(t.offline, true);
          await cs.close();
        } finally {
          await c.stop();
        }
      });

      test(`[E13] ${version}: a connection dropped mid-transaction, then the unanswered event resent`, async () => {
        const c = await csmsOn(backend);
        try {
          const sid = `drop-${v}`;
          let cs = await station(c.url, sid, version);
          await cs.call('BootNotification', aBootNotification());
          await cs.call('TransactionEvent', ev('tx-d', 0, 'Started', 0, 100));
          await cs.call('TransactionEvent', ev('tx-d', 1, 'Updated', 60, 101));
          const lost = ev('tx-d', 2, 'Updated', 120, 102);
          const pending = cs.call('TransactionEvent', lost).catch(() => undefined);
          cs.drop(); // the socket dies; the station cannot know whether the CSMS stored seqNo 2
          await pending;
          cs = await station(c.url, sid, version);
          await cs.call('TransactionEvent', { ...lost, offline: true });
          await cs.call('TransactionEvent', ev('tx-d', 3, 'Ended', 180, 103.5));
          await exact(c.store, sid, 'tx-d', 4, 3500);
          await cs.close();
        } finally {
          await c.stop();
        }
      });

      test(`[E17] ${version}: the CSMS is killed and restarted between a station's events; nothing lost or doubled`, async () => {
        const c = await csmsOn(backend);
        try {
          const sid = `restart-${v}`;
          let cs = await station(c.url, sid, version);
          await cs.call('BootNotification', aBootNotification());
          await cs.call('TransactionEvent', ev('tx-r', 0, 'Started', 0, 50));
          const acked = ev('tx-r', 1, 'Updated', 60, 52);
          await cs.call('TransactionEvent', acked); // acknowledged = durable
          await cs.close();
          await c.restart();
          cs = await station(c.url, sid, version);
          await cs.call('TransactionEvent', acked); // resent after the restart: a duplicate
          await cs.call('TransactionEvent', ev('tx-r', 0, 'Updated', 90, 53, { triggerReason: version === '2.1' ? 'TxResumed' : 'ChargingStateChanged' })); // seqNo restarted (TxResumed is 2.1 only)
          await cs.call('TransactionEvent', ev('tx-r', 1, 'Ended', 120, 54));
          const t = await exact(c.store, sid, 'tx-r', 4, 4000);
          assert.equal(t.state, 'Ended');
          const rows = await c.store.listMeterValues({ stationId: sid, transactionId: 'tx-r', limit: 100 });
          assert.equal(rows.length, 8, 'every sampled value stored once');
          await cs.close();
        } finally {
          await c.stop();
        }
      });
    }
  });
}
