import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DurableQueue } from './offline-queue.ts';

const tmp = () => join(mkdtempSync(join(tmpdir(), 'cw-q-')), 'queue.jsonl');

test('E04 offline queue: durable and ordered across a reopen', () => {
  const path = tmp();
  const q = new DurableQueue(path);
  for (let i = 0; i < 5; i++) q.push('TransactionEvent', { seqNo: i });
  q.ack(q.peek()!.id);
  q.close();
  const r = new DurableQueue(path);
  assert.deepEqual(r.list().map((m) => m.payload.seqNo), [1, 2, 3, 4]);
  r.push('TransactionEvent', { seqNo: 5 });
  assert.deepEqual(r.list().map((m) => m.id), [2, 3, 4, 5, 6], 'ids keep increasing after a reopen');
  r.close();
});

test('E04 offline queue: an acknowledged message is never replayed; a torn last line is ignored', () => {
  const path = tmp();
  const q = new DurableQueue(path);
  const a = q.push('TransactionEvent', { seqNo: 0 });
  q.push('TransactionEvent', { seqNo: 1 });
  q.ack(a.id);
  q.close();
  appendFileSync(path, '{"op":"add","id":9,"act'); // crash in the middle of a write
  const r = new DurableQueue(path);
  assert.deepEqual(r.list().map((m) => m.payload.seqNo), [1]);
  r.ack(r.peek()!.id);
  assert.equal(r.size, 0);
  assert.equal(readFileSync(path, 'utf8'), '', 'compacted when drained');
  r.close();
});

test('E04 offline queue: memory-only when no path is given', () => {
  const q = new DurableQueue();
  q.push('TransactionEvent', { seqNo: 0, transactionInfo: { transactionId: 't1' } });
  assert.equal(q.countFor('t1'), 1);
  assert.equal(q.countFor('t2'), 0);
});
