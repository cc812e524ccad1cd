// [E17] [E13] [F07] Process-kill fault test: the CSMS runs as a child process (fixtures/csms-process.ts) on a
// SQLite file / a PostgreSQL schema and is SIGKILLed between a station's events, then restarted on the same
// data and port. The station delivers the rest, replaying the event that was in flight at the kill. Event
// counts and energy must be exact; the remote start (its F07 limit and TxProfile) and the limit's delivery
// state must survive the kills. An unreachable PostgreSQL fails the run.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { OcppClient, type OcppVersion } from '@chargewire/ocpp';
import type { ChargingProfileType, MeterValueType, SetChargingProfileRequest, TransactionEventRequest } from '@chargewire/ocpp/types';
import { aBootNotification } from '../fixtures/builders.ts';
import type { Store } from '../../packages/csms/src/store/store.ts';
import { createSqliteStore } from '../../packages/csms/src/store/sqlite.ts';
import { createPostgresStore } from '../../packages/csms/src/store/postgres.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/csms-process.ts', import.meta.url));
const env = process.env;
const pgUrl = env.CW_TEST_PG_URL ?? `postgres://${env.PGUSER ?? 'postgres'}@${env.PGHOST ?? '127.0.0.1'}:${env.PGPORT ?? '5432'}/${env.PGDATABASE ?? 'test'}`;

type StoreOpt = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; schema: string };
interface Backend { name: string; store: StoreOpt; open(): Promise<Store>; cleanup(): Promise<void> }

function sqliteBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'cw-kill-'));
  const path = join(dir, 'csms.db');
  return { name: 'sqlite', store: { kind: 'sqlite', path }, open: () => createSqliteStore({ path }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

function postgresBackend(): Backend {
  const schema = `cw_kill_${randomBytes(5).toString('hex')}`;
  return {
    name: 'postgres',
    store: { kind: 'postgres', url: pgUrl, schema },
    open: () => createPostgresStore({ url: pgUrl, schema }),
    async cleanup() {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      try { await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`); } finally { await c.end(); }
    },
  };
}

/** One CSMS process: start, send it a command, SIGKILL it. */
class CsmsProcess {
  private constructor(readonly child: ChildProcess, readonly port: number, private readonly replies: Map<number, (r: { result?: unknown; error?: string }) => void>) {}
  private nextId = 1;

  static async start(store: StoreOpt, port = 0): Promise<CsmsProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, JSON.stringify({ store, port })], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
    const replies = new Map<number, (r: { result?: unknown; error?: string }) => void>();
    const lines = createInterface({ input: child.stdout! });
    const ready = await new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('CSMS process did not start within 20 s')), 20_000);
      child.once('exit', (code) => { clearTimeout(t); reject(new Error(`CSMS process exited (${code}) before it was ready`)); });
      lines.on('line', (line) => {
        const msg = JSON.parse(line) as { ready?: boolean; ocpp?: number; id?: number; result?: unknown; error?: string };
        if (msg.ready) { clearTimeout(t); resolve(msg.ocpp!); }
        else if (msg.id !== undefined) { replies.get(msg.id)?.(msg); replies.delete(msg.id); }
      });
    });
    return new CsmsProcess(child, ready, replies);
  }

  get url(): string { return `ws://127.0.0.1:${this.port}/ocpp`; }

  command<T>(cmd: string, args: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.replies.set(id, (r) => (r.error !== undefined ? reject(new Error(r.error)) : resolve(r.result as T)));
      this.child.stdin!.write(`${JSON.stringify({ id, cmd, args })}\n`);
    });
  }

  /** SIGKILL: no flush, no close, no goodbye. Resolves once the process is gone. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    await gone;
  }
}

const T0 = Date.parse('2026-05-01T09:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const mv = (s: number, kwh: number): MeterValueType[] => [{ timestamp: at(s), sampledValue: [{ value: kwh, context: 'Sample.Periodic', unitOfMeasure: { unit: 'kWh' } }, { value: 11, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'kW' } }] }];
const TX = 'tx-kill';
function ev(seqNo: number, eventType: TransactionEventRequest['eventType'], s: number, kwh: number, o: Partial<TransactionEventRequest> = {}): TransactionEventRequest {
  return { eventType, seqNo, timestamp: at(s), triggerReason: 'MeterValuePeriodic', transactionInfo: { transactionId: TX }, evse: { id: 1, connectorId: 1 }, meterValue: mv(s, kwh), ...o };
}
const profile: ChargingProfileType = { id: 11, stackLevel: 0, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative', chargingSchedule: [{ id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }] }] };

/** A station that answers RequestStartTransaction and records the SetChargingProfile calls it gets. */
async function station(url: string, sid: string, version: OcppVersion, profiles: SetChargingProfileRequest[]): Promise<OcppClient> {
  const cs = new OcppClient({ url, identity: sid, reconnect: false, versions: [version] });
  cs.handle('RequestStartTransaction', async () => ({ status: 'Accepted' }));
  cs.handle('SetChargingProfile', async (_c, req) => { profiles.push(req); return { status: 'Accepted' }; });
  await cs.connect();
  await cs.call('BootNotification', aBootNotification());
  return cs;
}

async function eventually<T>(fn: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const makeBackend of [sqliteBackend, postgresBackend]) {
  const backend = makeBackend();
  describe(`CSMS process killed between a station's events, on ${backend.name}`, () => {
    after(() => backend.cleanup());
    for (const version of ['2.0.1', '2.1'] as OcppVersion[]) {
      test(`[E17] [E13] [F01.FR.25] [F07.FR.02] [E16.FR.02] [E17.FR.15] ${version}: SIGKILL twice mid-transaction; nothing lost, nothing doubled`, async () => {
        const is21 = version === '2.1';
        const sid = `kill-${backend.name}-${version.replace(/\./g, '')}`;
        const profiles: SetChargingProfileRequest[] = [];
        let p = await CsmsProcess.start(backend.store);
        const port = p.port;
        let cs: OcppClient | undefined;
        try {
          cs = await station(p.url, sid, version, profiles);
          // 1. a remote start is requested and accepted, then the CSMS dies before the transaction begins
          const limit = is21 ? { transactionLimit: { maxEnergy: 20000 } } : {};
          const rs = await p.command<{ remoteStartId: number; response: { status: string } }>('requestStart', { stationId: sid, idToken: { idToken: 'DRIVER', type: 'Central' }, evseId: 1, chargingProfile: profile, remoteStartId: 4242, ...limit });
          assert.equal(rs.response.status, 'Accepted');
          await p.kill();
          await cs.close().catch(() => {});
          p = await CsmsProcess.start(backend.store, port);
          assert.equal(p.port, port, 'restarted on the same port');

          // 2. the transaction starts with the remoteStartId: the F07 limit comes from the stored remote start
          cs = await station(p.url, sid, version, profiles);
          const started = await cs.call('TransactionEvent', ev(0, 'Started', 0, 10, { triggerReason: 'RemoteStart', idToken: { idToken: 'DRIVER', type: 'Central' }, transactionInfo: { transactionId: TX, remoteStartId: 4242, chargingState: 'Charging' } }));
          if (is21) assert.deepEqual(started.transactionLimit, { maxEnergy: 20000 });
          else assert.equal(started.transactionLimit, undefined);
          // [E16.FR.03] the station confirms the limit (2.1); acknowledged, so it is never sent again
          await cs.call('TransactionEvent', ev(1, 'Updated', 60, 11, is21 ? { triggerReason: 'LimitSet', transactionInfo: { transactionId: TX, transactionLimit: { maxEnergy: 20000 } } } : {}));
          // 3. an event in flight when the CSMS is killed: stored or not, the station cannot know
          const inflight = ev(2, 'Updated', 120, 12.5);
          const pending = cs.call('TransactionEvent', inflight).then(() => 'answered', () => 'unanswered');
          await p.kill();
          await pending;
          await cs.close().catch(() => {});

          // 4. restart; the station (rebooted too) replays the unanswered event, then resumes and ends
          p = await CsmsProcess.start(backend.store, port);
          cs = await station(p.url, sid, version, profiles);
          const replay = await cs.call('TransactionEvent', { ...inflight, offline: true });
          assert.equal(replay.transactionLimit, undefined);
          const resumed = await cs.call('TransactionEvent', ev(0, 'Updated', 180, 14, { triggerReason: is21 ? 'TxResumed' : 'ChargingStateChanged' }));
          assert.equal(resumed.transactionLimit, undefined, 'the limit was delivered and confirmed before the kill');
          if (is21) {
            // [E17.FR.15] the TxProfile of the remote start is sent again, read from the store after two kills
            const sent = await eventually(() => profiles[0]);
            assert.deepEqual(sent, { evseId: 1, chargingProfile: { ...profile, transactionId: TX } });
          }
          await cs.call('TransactionEvent', ev(1, 'Ended', 240, 15.25, { triggerReason: 'EVCommunicationLost', transactionInfo: { transactionId: TX, stoppedReason: 'EVDisconnected' } }));
          await cs.close();
          cs = undefined;
          await p.kill();
        } finally {
          await cs?.close().catch(() => {});
          await p.kill();
        }

        // 5. exact totals, read from the data the killed processes left behind
        const store = await backend.open();
        try {
          const t = await store.getTransaction(sid, TX);
          assert.ok(t, 'transaction stored');
          assert.deepEqual([t.state, t.eventCount, t.remoteStartId, t.idToken?.idToken], ['Ended', 5, 4242, 'DRIVER']);
          assert.equal((await store.listTransactionEvents(sid, TX)).length, 5, 'stored events');
          assert.equal(Math.round(t.energyWh! - t.meterStartWh!), 5250, 'energy Wh');
          assert.equal((await store.listMeterValues({ stationId: sid, transactionId: TX, limit: 100 })).length, 10, 'every sampled value stored once');
          assert.equal((await store.findTransactionByRemoteStart(sid, 4242))?.transactionId, TX);
          const rsRec = await store.findRemoteStart(sid, 4242);
          assert.deepEqual([rsRec?.transactionId, rsRec?.chargingProfile], [TX, profile]);
          if (is21) assert.deepEqual(await store.getTransactionLimit(sid, TX).then((l) => [l?.limit, l?.confirmed]), [{ maxEnergy: 20000 }, true]);
          else assert.equal(await store.getTransactionLimit(sid, TX), undefined);
          if (!is21) assert.equal(profiles.length, 0);
        } finally {
          await store.close();
        }
      });
    }
  });
}
