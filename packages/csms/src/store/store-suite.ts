// The Store conformance suite (design habit 4, aedes-persistence abstract.js): every adapter runs it. Its cases live in
// store-suite-stations.ts and store-suite-transactions.ts (helpers in store-suite-common.ts); this entry point runs them
// in one describe block on one shared store, in a fixed order, followed by the durability and close cases.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from './store.ts';
import { at, rejectsWith, txEvent, type SuiteContext } from './store-suite-common.ts';
import { deviceModelAndJournalTests, stationTests } from './store-suite-stations.ts';
import { tokenAndTransactionTests, transactionLookupTests } from './store-suite-transactions.ts';

export interface SuiteOptions {
  /** Close the store and open a new one on the same data (durability tests); absent = skipped with reason. */
  reopen?: (old: Store) => Promise<Store>;
}

export function runStoreSuite(name: string, makeStore: () => Promise<Store>, cleanup: (s: Store) => Promise<void>, opts: SuiteOptions = {}): void {
  describe(`Store conformance: ${name}`, () => {
    let s: Store;
    let n = 0;
    const sid = () => `CS-${++n}`;
    const newStation = async (id = sid()) => (await s.registerStation({ id, securityProfile: 1, passwordHash: 'h1' })).id;
    before(async () => { s = await makeStore(); });
    after(async () => { if (s) await cleanup(s); });
    const ctx: SuiteContext = { name, makeStore, cleanup, store: () => s, sid, newStation };

    stationTests(ctx);
    transactionLookupTests(ctx);
    deviceModelAndJournalTests(ctx);
    tokenAndTransactionTests(ctx);

    test('durability: data written before close is there after reopening', { skip: opts.reopen ? false : 'adapter keeps no data across instances (memory)' }, async () => {
      const id = await newStation();
      const writes = [
        s.appendJournal([{ stationId: id, direction: 'in', messageType: 2, messageId: 'dur', payload: '[2,"dur","Heartbeat",{}]', at: at(0) }]),
        s.applyTransactionEvent(id, txEvent({ id: 'DUR', seqNo: 0, t: 0, eventType: 'Started', triggerReason: 'CablePluggedIn', wh: 321 }), { receivedAt: at(0), messageId: 'd' }),
        s.touchStation(id, at(77)),
      ];
      await Promise.all(writes);
      s = await opts.reopen!(s);
      assert.equal((await s.listJournal(id, { limit: 10 }))[0]?.payload, '[2,"dur","Heartbeat",{}]');
      assert.equal((await s.getTransaction(id, 'DUR'))?.energyWh, 321);
      assert.equal((await s.getStation(id))?.lastSeen, at(77));
    });

    test('durability: remote starts and transaction limits survive reopening', { skip: opts.reopen ? false : 'adapter keeps no data across instances (memory)' }, async () => {
      const id = await newStation();
      await s.recordRemoteStart({ stationId: id, remoteStartId: 5, idToken: { idToken: 'D', type: 'Central' }, transactionLimit: { maxCost: 3 }, at: at(0) });
      await s.applyTransactionEvent(id, txEvent({ id: 'DL', seqNo: 0, t: 0, eventType: 'Started', triggerReason: 'RemoteStart', transactionInfo: { transactionId: 'DL', remoteStartId: 5 } }), { receivedAt: at(0), messageId: 'dl' });
      await s.setTransactionLimit(id, 'DL', { maxCost: 3 });
      await s.markTransactionLimit(id, 'DL', { deliveredWith: '0@t' });
      s = await opts.reopen!(s);
      assert.deepEqual([(await s.findRemoteStart(id, 5))?.transactionLimit, (await s.findRemoteStart(id, 5))?.transactionId], [{ maxCost: 3 }, 'DL']);
      assert.equal((await s.findTransactionByRemoteStart(id, 5))?.transactionId, 'DL');
      assert.deepEqual([(await s.getTransactionLimit(id, 'DL'))?.limit, (await s.getTransactionLimit(id, 'DL'))?.deliveredWith], [{ maxCost: 3 }, '0@t']);
    });

    test('close: later calls reject with STORE_ERR_CLOSED', async () => {
      const t = await makeStore();
      await t.close();
      await rejectsWith(t.appendJournal([]), 'STORE_ERR_CLOSED');
      await cleanup(t).catch(() => undefined);
    });
  });
}
