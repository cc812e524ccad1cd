// The EventBus conformance suite (mqemitter's abstractTest idea): every adapter runs it.
// Delivery may be asynchronous (NATS), so tests wait for events; "not delivered" is checked by publishing
// a sentinel afterwards (one publisher's events arrive in order) and waiting for it.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { CsmsEvent, EventBus } from './bus.ts';
import { BusError } from './bus.ts';

export type MakeBus = (onListenerError: (err: unknown) => void) => Promise<EventBus> | EventBus;

const AT = '2026-03-01T10:00:00.000Z';
export const conn = (stationId: string): CsmsEvent => ({ type: 'station.connected', stationId, version: '2.1', at: AT });
export const txStarted = (transactionId: string): CsmsEvent => ({ type: 'transaction.started', stationId: 'CS1', transactionId, evseId: 1, energyWh: 12.5, at: AT });
const sentinel = (n: number): CsmsEvent => ({ type: 'station.heartbeat', stationId: `SENTINEL-${n}`, at: AT });

/** Resolves when `pred` holds for the collected events (polling), rejects after `ms`. */
export async function waitFor(events: readonly CsmsEvent[], pred: (e: readonly CsmsEvent[]) => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred(events)) {
    if (Date.now() > end) throw new Error(`bus: condition not met in ${ms} ms; got ${JSON.stringify(events.map((e) => e.type))}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function runBusSuite(name: string, make: MakeBus): void {
  describe(`EventBus conformance: ${name}`, () => {
    let bus: EventBus;
    const listenerErrors: unknown[] = [];
    let n = 0;
    before(async () => {
      bus = await make((err) => listenerErrors.push(err));
      await bus.ready?.();
    });
    after(async () => {
      await bus.close();
    });

    /** Publish a sentinel and wait until a catch-all subscriber has it: everything published before has arrived. */
    async function settle(): Promise<void> {
      const seen: CsmsEvent[] = [];
      const s = sentinel(++n);
      const off = bus.subscribe('station.heartbeat', (e) => seen.push(e));
      bus.publish(s);
      await waitFor(seen, (l) => l.some((e) => e.stationId === s.stationId));
      off();
    }

    test('an exact-type subscriber gets the event with every field intact', async () => {
      const got: CsmsEvent[] = [];
      const off = bus.subscribe('transaction.started', (e) => got.push(e));
      bus.publish(txStarted('T-exact'));
      await waitFor(got, (l) => l.length === 1);
      assert.deepEqual(got[0], txStarted('T-exact'));
      off();
    });

    test('"*" gets every type; "transaction.*" only the transaction types; others see nothing', async () => {
      const all: CsmsEvent[] = [];
      const tx: CsmsEvent[] = [];
      const other: CsmsEvent[] = [];
      const offs = [bus.subscribe('*', (e) => all.push(e)), bus.subscribe('transaction.*', (e) => tx.push(e)), bus.subscribe('connector.status', (e) => other.push(e))];
      bus.publish(conn('P1'));
      bus.publish(txStarted('T-p'));
      bus.publish({ type: 'transaction.ended', stationId: 'CS1', transactionId: 'T-p', at: AT });
      await settle();
      assert.deepEqual(all.filter((e) => e.type !== 'station.heartbeat').map((e) => e.type), ['station.connected', 'transaction.started', 'transaction.ended']);
      assert.deepEqual(tx.map((e) => e.type), ['transaction.started', 'transaction.ended']);
      assert.deepEqual(other, []);
      offs.forEach((o) => o());
    });

    test('unsubscribe stops delivery to that listener only', async () => {
      const a: CsmsEvent[] = [];
      const b: CsmsEvent[] = [];
      const offA = bus.subscribe('station.connected', (e) => a.push(e));
      const offB = bus.subscribe('station.connected', (e) => b.push(e));
      bus.publish(conn('U1'));
      await waitFor(b, (l) => l.length === 1);
      offA();
      bus.publish(conn('U2'));
      await waitFor(b, (l) => l.length === 2);
      await settle();
      assert.deepEqual(a.map((e) => (e as { stationId: string }).stationId), ['U1']);
      offB();
    });

    test("one publisher's events arrive in publish order", async () => {
      const got: CsmsEvent[] = [];
      const off = bus.subscribe('transaction.started', (e) => got.push(e));
      for (let i = 0; i < 200; i++) bus.publish(txStarted(`T-${i}`));
      await waitFor(got, (l) => l.length === 200);
      assert.deepEqual(got.map((e) => (e as { transactionId: string }).transactionId), Array.from({ length: 200 }, (_, i) => `T-${i}`));
      off();
    });

    test('a throwing listener is reported and neither breaks the publisher nor the other listeners', async () => {
      const got: CsmsEvent[] = [];
      const before = listenerErrors.length;
      const offBad = bus.subscribe('station.connected', () => {
        throw new Error('listener boom');
      });
      const offGood = bus.subscribe('station.connected', (e) => got.push(e));
      assert.doesNotThrow(() => bus.publish(conn('E1')));
      await waitFor(got, (l) => l.length === 1);
      assert.equal(listenerErrors.length, before + 1);
      assert.equal((listenerErrors.at(-1) as Error).message, 'listener boom');
      offBad();
      offGood();
    });

    test('a pattern no adapter can honour the same way is refused with BUS_ERR_BAD_PATTERN', () => {
      for (const bad of ['', 'transaction.>', 'a b', 'transaction.*.x', '*.started']) {
        assert.throws(() => bus.subscribe(bad, () => {}), (e: unknown) => e instanceof BusError && e.code === 'BUS_ERR_BAD_PATTERN', bad);
      }
    });

    test('after close(): publish is a no-op, subscribe throws BUS_ERR_CLOSED, close() again resolves', async () => {
      const own = await make(() => {});
      await own.ready?.();
      await own.close();
      assert.doesNotThrow(() => own.publish(conn('after-close')));
      assert.throws(() => own.subscribe('*', () => {}), (e: unknown) => e instanceof BusError && e.code === 'BUS_ERR_CLOSED');
      await own.close();
    });
  });
}
