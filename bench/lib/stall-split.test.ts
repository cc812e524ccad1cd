// The event-loop stall split (stall-split.ts): the arithmetic on given intervals, and the monitor on this
// machine's scheduler statistics with a stall of the thread's own work and one spent asleep in the kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { splitStalls, stallMonitor } from './stall-split.ts';

test('splitStalls: only intervals over period + threshold count; each splits into running, runqueue and blocked; GC overlap summed', () => {
  const r = splitStalls([
    { from: 0, to: 9, runMs: 9, waitMs: 0 }, // 9 ms ≤ 5 + 5: not a stall
    { from: 100, to: 125, runMs: 10, waitMs: 5 }, // 25 ms: 10 ran, 5 waited, 10 blocked
    { from: 200, to: 220, runMs: 30, waitMs: 4 }, // counters read a little apart: capped to the 20 ms interval
  ], [{ start: 120, duration: 10 }, { start: 150, duration: 3 }], 5, 5);
  assert.deepEqual(r, { stalls: 2, stallMs: 45, runningMs: 30, runqueueMs: 5, blockedMs: 10, gcMs: 5 });
});

test('stallMonitor: a busy stall counts as running, a sleep in the kernel as blocked', { skip: !existsSync(`/proc/${process.pid}/task/${process.pid}/schedstat`) && 'no schedstat (not Linux)' }, async () => {
  const m = stallMonitor(5, 5);
  await sleep(20);
  m.take(); // start a clean window
  const spin = (msFor: number) => { const end = performance.now() + msFor; while (performance.now() < end); };
  spin(60);
  await sleep(15); // a tick ends the stalled interval
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60); // the thread asleep in the kernel
  await sleep(15);
  const r = m.take()!;
  assert.ok(r.stalls >= 2, `stalls: ${r.stalls}`);
  // the spin is on a CPU or waiting for one; the wait is neither (margins for a busy machine)
  assert.ok(r.runningMs + r.runqueueMs >= 45, `running ${r.runningMs} + runqueue ${r.runqueueMs}`);
  assert.ok(r.blockedMs >= 40, `blocked ${r.blockedMs}`);
  assert.ok(Math.abs(r.runningMs + r.runqueueMs + r.blockedMs - r.stallMs) < 0.001, 'the parts add up to the stalls');
});
