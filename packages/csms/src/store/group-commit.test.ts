import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupCommit, type BatchOp, type Settled } from './group-commit.ts';

/** Executor over a plain array "database": records each batch's size; an op that throws fails alone. */
function fakeDb() {
  const batches: number[] = [];
  const rows: number[] = [];
  const execute = async (ops: BatchOp<number[]>[]): Promise<Settled[]> => {
    batches.push(ops.length);
    return ops.map((op) => {
      try {
        return { ok: true, value: op(rows) };
      } catch (error) {
        return { ok: false, error };
      }
    });
  };
  return { batches, rows, execute };
}

test('group commit: writes queued in one turn share a batch, keep their order, and a failing one fails alone', async () => {
  const db = fakeDb();
  const gc = new GroupCommit<number[]>(db.execute, { maxDelayMs: 5 });
  const res = await Promise.allSettled([1, 2, 3].map((n) => gc.enqueue((rows) => {
    if (n === 2) throw new Error('bad');
    rows.push(n);
    return n;
  })));
  assert.deepEqual(res.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.deepEqual(db.rows, [1, 3]);
  assert.deepEqual(db.batches, [3]);
});

test('group commit: when idle a write waits maxDelayMs for companions; right after a batch the next one starts without the timer', async () => {
  const db = fakeDb();
  const gc = new GroupCommit<number[]>(db.execute, { maxDelayMs: 300 });
  let t0 = performance.now();
  await gc.enqueue((rows) => rows.push(1));
  assert.ok(performance.now() - t0 >= 250, 'the first write of an idle store waits for companions');
  // under load: the previous batch just finished, so this one starts after the pending I/O, not after 300 ms
  t0 = performance.now();
  await Promise.all([gc.enqueue((rows) => rows.push(2)), gc.enqueue((rows) => rows.push(3))]);
  assert.ok(performance.now() - t0 < 150, 'a write right after a batch starts at once');
  assert.deepEqual(db.batches, [1, 2]);
  assert.deepEqual(db.rows, [1, 2, 3]);
  // idle again: back to waiting for companions
  await new Promise((r) => setTimeout(r, 350));
  t0 = performance.now();
  await gc.enqueue((rows) => rows.push(4));
  assert.ok(performance.now() - t0 >= 250);
});

test('group commit: maxBatch splits a long queue into batches in order', async () => {
  const db = fakeDb();
  const gc = new GroupCommit<number[]>(db.execute, { maxDelayMs: 5, maxBatch: 4 });
  await Promise.all(Array.from({ length: 10 }, (_, i) => gc.enqueue((rows) => rows.push(i))));
  assert.deepEqual(db.batches, [4, 4, 2]);
  assert.deepEqual(db.rows, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('group commit: a full batch commits between the callbacks of one long event-loop phase, not after it (a reconnect storm)', async () => {
  const db = fakeDb();
  const gc = new GroupCommit<number[]>(db.execute, { maxDelayMs: 5, maxBatch: 5 });
  // 20 callbacks of one phase (setImmediate stands in for a poll phase's I/O callbacks: microtasks run between them)
  const batchesSeen: number[] = [];
  const writes: Promise<unknown>[] = [];
  await new Promise<void>((resolve) => {
    for (let i = 0; i < 20; i++) {
      setImmediate(() => {
        batchesSeen.push(db.batches.length);
        writes.push(gc.enqueue((rows) => rows.push(i)));
        if (i === 19) resolve();
      });
    }
  });
  await Promise.all(writes);
  // each fifth write filled a batch, which committed before the next callback ran
  assert.deepEqual(batchesSeen.filter((_, i) => i % 5 === 0), [0, 1, 2, 3]);
  assert.deepEqual(db.batches, [5, 5, 5, 5]);
  assert.deepEqual(db.rows, Array.from({ length: 20 }, (_, i) => i));
});

test('group commit: under load, minIntervalMs gathers writes that arrive in separate turns into one commit', async () => {
  const spaced = async (gc: GroupCommit<number[]>, from: number) => {
    // 4 writes, one every ~3 ms (separate event-loop turns), right after a batch
    const ps: Promise<unknown>[] = [];
    for (let i = 0; i < 4; i++) {
      ps.push(gc.enqueue((rows) => rows.push(from + i)));
      await new Promise((r) => setTimeout(r, 3));
    }
    await Promise.all(ps);
  };
  const eager = fakeDb();
  const g1 = new GroupCommit<number[]>(eager.execute, { maxDelayMs: 200 });
  await g1.enqueue((rows) => rows.push(0));
  await spaced(g1, 1);
  assert.ok(eager.batches.length >= 4, `without an interval each write commits on its own: ${eager.batches}`);

  const gathered = fakeDb();
  const g2 = new GroupCommit<number[]>(gathered.execute, { maxDelayMs: 200, minIntervalMs: 40 });
  await g2.enqueue((rows) => rows.push(0));
  const t0 = performance.now();
  await spaced(g2, 1);
  assert.deepEqual(gathered.batches, [1, 4], 'the four writes share one batch');
  assert.deepEqual(gathered.rows, [0, 1, 2, 3, 4], 'in order');
  assert.ok(performance.now() - t0 < 190, 'and they do not wait for the idle maxDelayMs');
});

test('group commit: lazy writes ride along in the next batch a normal write starts, or commit on their own after lazyDelayMs', async () => {
  const db = fakeDb();
  const gc = new GroupCommit<number[]>(db.execute, { maxDelayMs: 5, lazyDelayMs: 150 });
  // a lazy write alone waits for lazyDelayMs…
  let t0 = performance.now();
  await gc.enqueue((rows) => rows.push(1), 'lazy');
  assert.ok(performance.now() - t0 >= 140, 'a lazy write alone waits lazyDelayMs');
  assert.deepEqual(db.batches, [1]);
  // …but joins the batch of a normal write queued after it, in queue order, without waiting
  t0 = performance.now();
  const lazy = gc.enqueue((rows) => rows.push(2), 'lazy');
  await gc.enqueue((rows) => rows.push(3));
  await lazy;
  assert.ok(performance.now() - t0 < 100, 'the lazy write committed with the normal one');
  assert.deepEqual(db.batches, [1, 2]);
  assert.deepEqual(db.rows, [1, 2, 3]);
  // lazy writes queued while a batch runs do not start another batch of their own right after it
  const first = gc.enqueue((rows) => { rows.push(4); void gc.enqueue((r) => r.push(5), 'lazy'); });
  await first;
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(db.batches, [1, 2, 1], 'the lazy write is still waiting');
  await gc.flush();
  assert.deepEqual(db.batches, [1, 2, 1, 1], 'flush commits lazy writes at once');
  assert.deepEqual(db.rows, [1, 2, 3, 4, 5]);
});

test('group commit: a promise returned by beforeBatch holds the next batch; writes queued meanwhile join it, in order', async () => {
  const db = fakeDb();
  let release!: () => void;
  let holds = 0;
  const gc = new GroupCommit<number[]>(db.execute, {
    maxDelayMs: 1,
    beforeBatch: () => {
      if (holds++ > 0) return undefined; // only the first batch waits
      return new Promise<void>((resolve) => (release = resolve));
    },
  });
  const first = gc.enqueue((rows) => rows.push(1));
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(db.batches, [], 'nothing is written while the hold is pending');
  const later = [2, 3].map((n) => gc.enqueue((rows) => rows.push(n)));
  release();
  await Promise.all([first, ...later]);
  assert.deepEqual(db.rows, [1, 2, 3]);
  assert.deepEqual(db.batches, [3], 'the writes that arrived during the hold share the held batch');
  await gc.enqueue((rows) => rows.push(4));
  assert.deepEqual(db.batches, [3, 1], 'later batches are not held');
});
