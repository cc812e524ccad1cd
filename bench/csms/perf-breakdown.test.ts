import { test } from 'node:test';
import assert from 'node:assert/strict';
import { breakdown, classify, parseSamples } from './perf-breakdown.ts';

// four samples of `perf script -F tid,ip,sym,dso`, shortened from a real recording of the CSMS
const text = `100
\tffffffff81000000 pvm_irq_enable ([kernel.kallsyms])
\tffffffff81000100 do_syscall_64 ([kernel.kallsyms])
\t7f0000000001 __libc_pwrite (/usr/lib/x86_64-linux-gnu/libc.so.6)
\t7f0000000002 walWriteOneFrame.isra.0 (/work/node_modules/better-sqlite3/build/Release/better_sqlite3.node)

100
\t7f0000000003 sqlite3BtreeIndexMoveto (/work/node_modules/better-sqlite3/build/Release/better_sqlite3.node)
\t7f0000000004 sqlite3VdbeExec (/work/node_modules/better-sqlite3/build/Release/better_sqlite3.node)

101
\tffffffff81000000 pvm_irq_enable ([kernel.kallsyms])
\t7f0000000005 fsync (/usr/lib/x86_64-linux-gnu/libc.so.6)
\t7f0000000006 walCheckpoint (/work/node_modules/better-sqlite3/build/Release/better_sqlite3.node)

100
\t3a0000000001 JS:*parseFrame file:///work/packages/ocpp/src/rpc/frame.ts:1:99 ([JIT] tid 100)
`;

test('perf breakdown: kernel samples go to the syscall and its SQLite caller, threads are told apart', () => {
  const samples = parseSamples(text);
  assert.equal(samples.length, 4);
  assert.equal(classify(samples[0]!.frames), 'kernel: WAL append (pwrite)');
  assert.equal(classify(samples[1]!.frames), 'SQLite (C)');
  assert.equal(classify(samples[2]!.frames), 'kernel: fsync / fdatasync');
  assert.equal(classify(samples[3]!.frames), 'JS: the OCPP library');
  const b = breakdown(samples, '100');
  assert.deepEqual(b.map((t) => [t.thread, t.share]), [['main thread (100)', 0.75], ['checkpoint thread (101)', 0.25]]);
  assert.deepEqual(b[0]!.kinds.map(([k]) => k).sort(), ['JS: the OCPP library', 'SQLite (C)', 'kernel: WAL append (pwrite)']);
});

test('pause probe: spins for the time asked and counts the gaps it saw', async () => {
  const { pauseProbe } = await import('../lib/pause-probe.ts');
  const t0 = performance.now();
  const r = pauseProbe(50);
  assert.ok(performance.now() - t0 >= 50);
  assert.equal(r.ms, 50);
  assert.ok(r.over2 <= r.over05 && r.largest.length <= 8);
  assert.deepEqual([...r.largest].sort((a, b) => b - a), r.largest);
});

test('host probe: two threads spin at once and their pauses are counted per second and thread', async () => {
  const { hostPauses } = await import('../lib/env.ts');
  const t0 = performance.now();
  const p = hostPauses(200)!;
  assert.ok(performance.now() - t0 >= 200);
  assert.equal(p.ms, 200);
  assert.ok(p.over2PerS >= 0 && p.largestMs >= 0 && p.largestMs < 5000, JSON.stringify(p));
});
