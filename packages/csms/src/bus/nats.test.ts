// Runs against the NATS server on 127.0.0.1:4222 (CHARGEWIRE_TEST_NATS_URL overrides). If it is not
// reachable these tests FAIL (ready() rejects with BUS_ERR_CONNECT); they are never skipped.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { runBusSuite, conn, waitFor } from './bus-suite.ts';
import { createNatsBus } from './nats.ts';
import { createConfiguredBus } from './index.ts';
import { BusError, type CsmsEvent } from './bus.ts';
import { loadConfig } from '../config.ts';

const NATS_URL = process.env['CHARGEWIRE_TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';
/** A subject prefix of our own per run, so parallel runs on one server do not see each other. */
const prefix = () => `cwtest_${process.pid}_${randomBytes(4).toString('hex')}`;

const suitePrefix = prefix();
runBusSuite(`nats (${NATS_URL})`, (onListenerError) => createNatsBus({ url: NATS_URL, subjectPrefix: suitePrefix, onListenerError }));

describe('NATS bus across nodes', () => {
  test('two nodes on one prefix: each sees the other\'s events and its own, once each', async () => {
    const p = prefix();
    const a = createNatsBus({ url: NATS_URL, subjectPrefix: p, name: 'node-a' });
    const b = createNatsBus({ url: NATS_URL, subjectPrefix: p, name: 'node-b' });
    try {
      await Promise.all([a.ready(), b.ready()]);
      const atA: CsmsEvent[] = [];
      const atB: CsmsEvent[] = [];
      a.subscribe('station.*', (e) => atA.push(e));
      b.subscribe('station.*', (e) => atB.push(e));
      a.publish(conn('FROM-A'));
      b.publish(conn('FROM-B'));
      await waitFor(atA, (l) => l.length === 2);
      await waitFor(atB, (l) => l.length === 2);
      await new Promise((r) => setTimeout(r, 50));
      const ids = (l: CsmsEvent[]) => l.map((e) => e.stationId).sort();
      assert.deepEqual(ids(atA), ['FROM-A', 'FROM-B']);
      assert.deepEqual(ids(atB), ['FROM-A', 'FROM-B']);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('a different subject prefix isolates deployments sharing one NATS server', async () => {
    const a = createNatsBus({ url: NATS_URL, subjectPrefix: prefix() });
    const b = createNatsBus({ url: NATS_URL, subjectPrefix: prefix() });
    try {
      await Promise.all([a.ready(), b.ready()]);
      const atB: CsmsEvent[] = [];
      b.subscribe('*', (e) => atB.push(e));
      a.publish(conn('OTHER-DEPLOYMENT'));
      b.publish(conn('MINE'));
      await waitFor(atB, (l) => l.length >= 1);
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(atB.map((e) => e.stationId), ['MINE']);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('events published before ready() are sent once connected, in order', async () => {
    const p = prefix();
    const watcher = createNatsBus({ url: NATS_URL, subjectPrefix: p });
    await watcher.ready();
    const got: CsmsEvent[] = [];
    watcher.subscribe('station.connected', (e) => got.push(e));
    const early = createNatsBus({ url: NATS_URL, subjectPrefix: p });
    try {
      early.publish(conn('EARLY-1'));
      early.publish(conn('EARLY-2'));
      await early.ready();
      await waitFor(got, (l) => l.length === 2);
      assert.deepEqual(got.map((e) => e.stationId), ['EARLY-1', 'EARLY-2']);
    } finally {
      await Promise.all([watcher.close(), early.close()]);
    }
  });

  test('an unreachable NATS server: ready() rejects with BUS_ERR_CONNECT naming the URL', async () => {
    const bus = createNatsBus({ url: 'nats://127.0.0.1:1', subjectPrefix: prefix(), connectTimeoutMs: 500 });
    await assert.rejects(bus.ready(), (e: unknown) => e instanceof BusError && e.code === 'BUS_ERR_CONNECT' && e.message.includes('nats://127.0.0.1:1'));
    await bus.close();
  });
});

describe('bus configuration (bus.kind, bus.natsUrl)', () => {
  test('CHARGEWIRE_BUS=nats with CHARGEWIRE_NATS_URL selects the NATS adapter; default is memory', async () => {
    assert.equal(loadConfig().bus.kind, 'memory');
    const cfg = loadConfig({ env: { CHARGEWIRE_BUS: 'nats', CHARGEWIRE_NATS_URL: NATS_URL, CHARGEWIRE_NATS_PREFIX: prefix() } });
    assert.deepEqual([cfg.bus.kind, cfg.bus.natsUrl], ['nats', NATS_URL]);
    const bus = createConfiguredBus(cfg);
    assert.equal(typeof bus.ready, 'function', 'the NATS adapter has ready()');
    await bus.ready!();
    await bus.close();
    assert.equal(createConfiguredBus(loadConfig()).ready, undefined, 'the memory bus needs no ready()');
  });

  test('bad bus values are reported with their env names', () => {
    assert.throws(
      () => loadConfig({ env: { CHARGEWIRE_BUS: 'kafka', CHARGEWIRE_NATS_URL: '' } }),
      (e: Error & { details?: { problems: string[] } }) => {
        const p = e.details!.problems.join('\n');
        return /CHARGEWIRE_BUS: expected one of memory, nats/.test(p) && /CHARGEWIRE_NATS_URL: expected a non-empty string/.test(p);
      },
    );
    assert.throws(() => loadConfig({ env: { CHARGEWIRE_BUS: 'nats', CHARGEWIRE_NATS_URL: 'localhost:4222' } }), /CHARGEWIRE_NATS_URL \(bus\.natsUrl\): expected nats:\/\/host:port/);
    assert.throws(() => loadConfig({ env: { CHARGEWIRE_NATS_PREFIX: 'a.*' } }), /CHARGEWIRE_NATS_PREFIX/);
  });
});

describe('two CSMS nodes on one NATS bus (bus.kind = nats)', () => {
  test('a station connected to node A is seen live on node B (connected, booted, status)', async () => {
    const { startTestCsms } = await import('../../../../test/fixtures/csms.ts');
    const { aBootNotification, aStatusNotification } = await import('../../../../test/fixtures/builders.ts');
    const bus = { kind: 'nats' as const, natsUrl: NATS_URL, subjectPrefix: prefix() };
    const a = await startTestCsms({ bus });
    const b = await startTestCsms({ bus });
    try {
      const atB: CsmsEvent[] = [];
      b.csms.runtime.bus.subscribe('*', (e) => atB.push(e));
      const cs = await a.connect('NODE-A-CS');
      await cs.call('BootNotification', aBootNotification());
      await cs.call('StatusNotification', aStatusNotification({ connectorStatus: 'Occupied' }));
      await waitFor(atB, (l) => l.some((e) => e.type === 'connector.status'));
      const mine = atB.filter((e) => e.stationId === 'NODE-A-CS');
      assert.deepEqual(mine.filter((e) => e.type !== 'message').map((e) => e.type), ['station.connected', 'station.booted', 'connector.status']);
      assert.ok(mine.some((e) => e.type === 'message' && e.action === 'BootNotification'), 'journal message events travel too');
      assert.equal(b.csms.runtime.sessions.has('NODE-A-CS'), false, 'the session itself stays on node A');
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  test('start() fails with BUS_ERR_CONNECT when the configured NATS server does not answer', async () => {
    const { startTestCsms } = await import('../../../../test/fixtures/csms.ts');
    await assert.rejects(startTestCsms({ bus: { kind: 'nats', natsUrl: 'nats://127.0.0.1:1', subjectPrefix: prefix() } }), (e: unknown) => e instanceof BusError && e.code === 'BUS_ERR_CONNECT');
  });
});
