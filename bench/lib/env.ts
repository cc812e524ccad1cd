// What every stored figure carries: the exact command, the Node version, the CPU, the time.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { cpus, totalmem, platform, release } from 'node:os';
import { Worker } from 'node:worker_threads';
import { pauseProbe } from './pause-probe.ts';

export interface RunMeta {
  /** The exact command line that produced the figures. */
  command: string;
  node: string;
  cpuModel: string;
  cpuCount: number;
  memoryMB: number;
  os: string;
  startedAt: string;
  /** The host's speed when the run started (hostProbe): runs compare only at similar values. */
  hostProbe?: HostProbe;
}

/**
 * This machine's speed drifts (up to 1.6× within an hour, and the CPU model changes between sessions), so
 * every run records two fixed workloads timed at its start: the CPU work of a CALL (JSON.parse, JSON.stringify
 * and sha256 of a TransactionEvent frame) and a write syscall (64 bytes to /dev/null). Lower is faster.
 */
export interface HostProbe {
  /** µs per JSON.parse + JSON.stringify + sha256 of a 700-byte TransactionEvent frame (median of 5 rounds). */
  jsMicros: number;
  /** µs per 64-byte write(2) to /dev/null (median of 5 rounds). */
  syscallMicros: number;
  /**
   * The host's pauses with both cores busy (session 12): two threads spin for `ms`, reading the clock; gaps of
   * 2 ms or more per second and thread, and the largest gap. The hypervisor's pauses do not show as steal here.
   */
  pauses?: { ms: number; over2PerS: number; largestMs: number };
}

const PROBE_FRAME = JSON.stringify([2, 'probe-0001', 'TransactionEvent', {
  eventType: 'Updated', timestamp: '2026-11-29T04:00:00.000Z', triggerReason: 'MeterValuePeriodic', seqNo: 12,
  transactionInfo: { transactionId: 'TX-000123', chargingState: 'Charging' }, evse: { id: 1, connectorId: 1 },
  meterValue: [{ timestamp: '2026-11-29T04:00:00.000Z', sampledValue: [
    { value: 12345.6, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } },
    { value: 7200, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W' } },
    { value: 32, measurand: 'Current.Import', phase: 'L1', unitOfMeasure: { unit: 'A' } },
    { value: 32, measurand: 'Current.Import', phase: 'L2', unitOfMeasure: { unit: 'A' } },
    { value: 231.5, measurand: 'Voltage', phase: 'L1-N', unitOfMeasure: { unit: 'V' } },
    { value: 64.5, measurand: 'SoC', location: 'EV', unitOfMeasure: { unit: 'Percent' } },
  ] }],
}]);

/** Median µs per call of `fn` over 5 rounds of `n` calls. */
function medianMicros(n: number, fn: () => void): number {
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    rounds.push(((performance.now() - t0) * 1000) / n);
  }
  return rounds.sort((a, b) => a - b)[2]!;
}

/** Times the two fixed workloads of HostProbe (≈ 0.3 s). */
export function hostProbe(): HostProbe {
  let sink = 0;
  const jsMicros = medianMicros(4000, () => {
    const v = JSON.parse(PROBE_FRAME) as unknown[];
    sink += createHash('sha256').update(JSON.stringify(v)).digest().length;
  });
  const fd = openSync('/dev/null', 'w');
  const buf = Buffer.alloc(64);
  let syscallMicros: number;
  try {
    syscallMicros = medianMicros(20_000, () => { sink += writeSync(fd, buf); });
  } finally {
    closeSync(fd);
  }
  if (sink < 0) throw new Error('unreachable');
  const ms = pauseMs();
  const pauses = ms > 0 ? hostPauses(ms) : undefined;
  return { jsMicros: Math.round(jsMicros * 100) / 100, syscallMicros: Math.round(syscallMicros * 1000) / 1000, ...(pauses && { pauses }) };
}

/** Spin time of the pause probe, ms (env CHARGEWIRE_BENCH_PAUSE_MS, default 2,000; 0: none, as in the smoke tests). */
function pauseMs(): number {
  return Math.min(Math.max(Number(process.env['CHARGEWIRE_BENCH_PAUSE_MS'] ?? 2000) || 0, 0), 60_000);
}

/** The worker's spin loop: pauseProbe's, as plain JS (a worker from `eval` gets no TypeScript). */
const SPIN = `(ms) => { const end = performance.now() + ms; let last = performance.now(); let n = 0; let max = 0;
  for (;;) { const t = performance.now(); if (t > end) break; const g = t - last; if (g >= 2) n++; if (g > max) max = g; last = t; }
  return [n, max]; }`;

/**
 * Two threads (this one and a worker) spin for `ms` at once, as a steady step keeps both cores busy, and count
 * the gaps between two clock readings (bench/lib/pause-probe.ts does the same per process). Synchronous: the
 * worker's figures come back through shared memory.
 */
export function hostPauses(ms: number): HostProbe['pauses'] {
  const shared = new Int32Array(new SharedArrayBuffer(12));
  const worker = new Worker(`const { workerData: { shared, ms } } = require('node:worker_threads');
    const [n, max] = (${SPIN})(ms); shared[1] = n; shared[2] = Math.round(max * 1000); Atomics.store(shared, 0, 1); Atomics.notify(shared, 0);`,
  { eval: true, workerData: { shared, ms } });
  const own = pauseProbe(ms);
  const [n, max] = [own.over2, own.largest[0] ?? 0];
  const done = Atomics.wait(shared, 0, 0, ms + 5000) !== 'timed-out' || shared[0] === 1;
  void worker.terminate();
  const over2 = n + (done ? shared[1]! : 0);
  const largest = Math.max(max, done ? shared[2]! / 1000 : 0);
  return { ms, over2PerS: Math.round((over2 / (done ? 2 : 1) / (ms / 1000)) * 10) / 10, largestMs: Math.round(largest * 10) / 10 };
}

/** Time the hypervisor gave the other guests (`steal` in /proc/stat), cumulative; undefined off Linux. */
export function cpuSteal(): { steal: number; total: number } | undefined {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { steal: f[7] ?? 0, total: f.slice(0, 8).reduce((a, b) => a + b, 0) };
  } catch {
    return undefined;
  }
}

/** % of the machine's CPU time stolen by the hypervisor between two cpuSteal() samples. */
export function stealPct(a: ReturnType<typeof cpuSteal>, b: ReturnType<typeof cpuSteal>): number | undefined {
  if (!a || !b || b.total <= a.total) return undefined;
  return (100 * (b.steal - a.steal)) / (b.total - a.total);
}

/** Reconstruct the command as the user typed it: `npm run bench -- …` under npm, else the node command. */
export function commandLine(args: readonly string[]): string {
  const quoted = args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
  if (process.env['npm_lifecycle_event'] === 'bench') return `npm run bench -- ${quoted}`.trimEnd();
  return `node --import tsx bench/run.ts ${quoted}`.trimEnd();
}

export function runMeta(args: readonly string[]): RunMeta {
  const c = cpus();
  return {
    command: commandLine(args),
    node: process.version,
    cpuModel: c[0]?.model.trim() ?? 'unknown',
    cpuCount: c.length,
    memoryMB: Math.round(totalmem() / 1048576),
    os: `${platform()} ${release()}`,
    startedAt: new Date().toISOString(),
    hostProbe: hostProbe(),
  };
}

/** Busy CPU time of the whole machine (all cores, ms) from os.cpus(), to tell how loaded a shared machine was. */
export function machineBusyMs(): { busy: number; at: number } {
  let busy = 0;
  for (const c of cpus()) busy += c.times.user + c.times.nice + c.times.sys + c.times.irq;
  return { busy, at: performance.now() };
}

/** CPU used by everything except `ownPct` (% of one core) between two machineBusyMs() samples. */
export function otherLoadPct(a: { busy: number; at: number }, b: { busy: number; at: number }, ownPct: number): number {
  return Math.max(0, (100 * (b.busy - a.busy)) / (b.at - a.at) - ownPct);
}
