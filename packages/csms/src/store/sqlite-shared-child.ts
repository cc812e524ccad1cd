// Child process of sqlite-shared.test.ts: one "cluster node" on a SQLite file other processes use at the same
// time. Loads, says 'loaded', waits for 'go' (so that all children open the file at once), then opens the
// store (migrating it if needed), writes its own station, N journal frames over several group-commit batches
// and one transaction's events, and reports what it wrote.
import { createSqliteStore } from './sqlite.ts';
import { txEvent } from './store-suite-common.ts';

const [path, tag, countText] = process.argv.slice(2) as [string, string, string];
const count = Number(countText);

process.once('message', (m) => {
  if (m !== 'go') return;
  void (async () => {
    try {
      const store = await createSqliteStore({ path });
      await store.registerStation({ id: tag, securityProfile: 1 });
      const now = new Date().toISOString();
      // several batches: each await lets the group commit take what is pending
      for (let i = 0; i < count; i += 10) {
        await store.appendJournal(Array.from({ length: Math.min(10, count - i) }, (_, j) => ({
          stationId: tag, direction: 'in' as const, messageType: 2, messageId: `${tag}-${i + j}`, action: 'Heartbeat', payload: '[2,"x","Heartbeat",{}]', at: now,
        })));
      }
      for (let seqNo = 0; seqNo < 5; seqNo++) {
        await store.applyTransactionEvent(tag, txEvent({ id: `T-${tag}`, seqNo, t: seqNo, wh: seqNo * 100, ...(seqNo === 0 && { eventType: 'Started', triggerReason: 'CablePluggedIn' }) }), { receivedAt: now, messageId: `${tag}-tx-${seqNo}` });
      }
      await store.close();
      process.send!({ ok: true });
    } catch (err) {
      process.send!({ ok: false, error: `${(err as { code?: string }).code ?? ''} ${String((err as Error)?.message ?? err)}` });
    }
  })();
});
process.send!('loaded');
