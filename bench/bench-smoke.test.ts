// Keeps the benchmark harness working: a tiny rpc run (2 stations, ~2 s in all) into a temp dir.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { validatePayload } from '@chargewire/ocpp';
import { frames } from './rpc/frames.ts';
import { runRpcBench, type RpcBenchResult } from './rpc/rpc-bench.ts';

test('every benchmark frame and response is valid OCPP 2.1 and 2.0.1 (so validation measures real work, not errors)', () => {
  for (const [name, f] of Object.entries(frames)) {
    for (const v of ['2.1', '2.0.1'] as const) {
      assert.equal(validatePayload(v, f.action, 'request', f.request), null, `${name} request under ${v}`);
      assert.equal(validatePayload(v, f.action, 'response', f.response()), null, `${name} response under ${v}`);
    }
  }
  assert.ok(JSON.stringify(frames.report4k.request).length >= 4096, 'report4k is at least 4 KB');
});

test('rpc benchmark smoke run writes a JSON with positive rates, a ratio and a memory figure', { timeout: 20_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-bench-'));
  try {
    const r = await runRpcBench({
      stations: 2, warmupMs: 100, durationMs: 300, runs: 1, idleConnections: 10,
      only: ['raw-heartbeat', 'ocpp-heartbeat', 'mem-ocpp-plain'], profile: false, outDir: dir, args: ['--smoke'], quiet: true,
    });
    const files = readdirSync(dir);
    // A run restricted with --only is partial: its own files, never replacing the full rpc-latest.md.
    const json = files.find((f) => /^rpc-partial-\d.*\.json$/.test(f));
    assert.ok(json, `a rpc-partial-<timestamp>.json in ${files.join(', ')}`);
    assert.ok(files.includes('rpc-partial-latest.md'));
    assert.ok(!files.includes('rpc-latest.md'));
    const stored = JSON.parse(readFileSync(join(dir, json), 'utf8')) as RpcBenchResult;
    assert.equal(stored.benchmark, 'rpc-partial');
    assert.match(stored.meta.command, /bench\/run\.ts rpc --smoke|npm run bench -- rpc --smoke/);
    assert.equal(stored.meta.node, process.version);
    assert.ok(stored.meta.cpuModel.length > 0);
    assert.deepEqual(stored.scenarios.map((s) => s.id), ['raw-heartbeat', 'ocpp-heartbeat']);
    for (const s of stored.scenarios) {
      assert.equal(s.errors, 0, `${s.id} had no failed CALLs`);
      assert.equal(s.rate.runs, 1);
      assert.ok(s.rate.median > 0, `${s.id} rate ${s.rate.median} > 0`);
      assert.ok(s.samples[0]!.latencyMs.samples > 0);
      assert.equal(s.command, stored.meta.command);
    }
    const ratio = stored.comparisons.find((c) => c.id === 'heartbeat-vs-raw');
    assert.ok(ratio && ratio.value.median > 0, 'ours/raw ratio computed');
    assert.equal(stored.memory.length, 1);
    assert.equal(stored.memory[0]!.connections, 10);
    assert.ok(Number.isFinite(stored.memory[0]!.rssBytesPerConn.median));
    const md = readFileSync(join(dir, 'rpc-partial-latest.md'), 'utf8');
    assert.match(md, /\| `ocpp-heartbeat` /);
    assert.match(md, /Heartbeat: ours \(validation on\) \/ raw ws/);
    assert.equal(r.scenarios.length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('benchmarks of issue 7 are placeholders that exit 2; unknown names exit 1', () => {
  const root = new URL('..', import.meta.url).pathname;
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', 'storm'], { cwd: root, encoding: 'utf8', timeout: 10_000 });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /not implemented yet/);
  const u = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', 'nope'], { cwd: root, encoding: 'utf8', timeout: 10_000 });
  assert.equal(u.status, 1);
});
