// Where a process's event-loop stalls go (issue 7, session 14). The steady benchmark's p99 is decided by stalls
// of 5–40 ms; whether they are the CSMS's own work or the machine's decides what could shorten them. A timer
// ticks every `periodMs`; a tick that comes more than `thresholdMs` late marks a stall, and the main thread's
// scheduler statistics (Linux: /proc/<pid>/task/<pid>/schedstat, ns on a CPU and ns runnable but waiting for
// one) split its interval into:
// - running: the thread's own work (JS, SQLite's statements and commits, GC on the main thread);
// - waiting for a CPU: other threads and processes on the same cores (the fleet, the checkpoint thread, GC
//   helpers), and the hypervisor as far as the guest's scheduler sees it;
// - neither (blocked): asleep in the kernel (a write or an fsync waiting for the disk, a lock, the main thread
//   waiting for GC helper threads), or running on a vCPU the hypervisor took away: with paravirtual steal-time
//   accounting (CONFIG_PARAVIRT_TIME_ACCOUNTING, as on this project's VMs) stolen time is not the thread's run
//   time. `perf record -e sched:sched_switch -g -t <pid>` tells the kernel sleeps apart (session 14: the WAL's
//   fsync when the writer starts a new WAL generation, a few times a second at 700 CALLs/s).
// The GC pauses (PerformanceObserver 'gc' entries) that overlap stalls are summed apart, as part of the above.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface StallSplit {
  /** Stalls: ticks more than the threshold late. */
  stalls: number;
  /** Sum of the stalled intervals (from the previous tick to the late one), ms. */
  stallMs: number;
  /** Of those intervals: the main thread on a CPU, runnable but waiting for a CPU, and neither (blocked), ms. */
  runningMs: number;
  runqueueMs: number;
  blockedMs: number;
  /** GC pauses of the main thread within stalled intervals, ms. */
  gcMs: number;
}

/** One interval between two ticks: start and end (performance.now() ms) and the thread's schedstat deltas (ms). */
export interface TickInterval { from: number; to: number; runMs: number; waitMs: number }

export const noStalls = (): StallSplit => ({ stalls: 0, stallMs: 0, runningMs: 0, runqueueMs: 0, blockedMs: 0, gcMs: 0 });

/**
 * Splits stalled intervals (those longer than period + threshold) as described in the file's head. The
 * scheduler's counters and the clock are read a few µs apart, so running + runqueue may exceed an interval
 * slightly: blocked is never negative, and running and runqueue are capped to the interval.
 */
export function splitStalls(intervals: readonly TickInterval[], gcPauses: readonly { start: number; duration: number }[], periodMs: number, thresholdMs: number): StallSplit {
  const out = noStalls();
  for (const iv of intervals) {
    const span = iv.to - iv.from;
    if (span <= periodMs + thresholdMs) continue;
    const running = Math.min(iv.runMs, span);
    const waiting = Math.min(iv.waitMs, span - running);
    out.stalls++;
    out.stallMs += span;
    out.runningMs += running;
    out.runqueueMs += waiting;
    out.blockedMs += span - running - waiting;
    for (const g of gcPauses) out.gcMs += Math.max(0, Math.min(iv.to, g.start + g.duration) - Math.max(iv.from, g.start));
  }
  return out;
}

export interface StallMonitor {
  /** A GC pause of the main thread (PerformanceObserver 'gc': startTime and duration). */
  noteGc(start: number, duration: number): void;
  /** The split since the previous take (undefined where schedstat is not available); starts a new window. */
  take(): StallSplit | undefined;
}

/** The main thread's schedstat (ns on a CPU, ns waiting for one), or undefined off Linux. */
function schedstatReader(): (() => [number, number]) | undefined {
  const file = `/proc/${process.pid}/task/${process.pid}/schedstat`;
  try {
    readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  return () => {
    const [run, wait] = readFileSync(file, 'utf8').split(' ');
    return [Number(run), Number(wait)];
  };
}

/**
 * Starts the timer (unref'd: it never keeps the process alive). Only stalled intervals and the GC pauses of
 * the window are kept (bounded: at most `maxKept` of each, the oldest dropped first).
 */
export function stallMonitor(periodMs = 5, thresholdMs = 5, maxKept = 20_000): StallMonitor {
  const read = schedstatReader();
  let stalled: TickInterval[] = [];
  let gcs: { start: number; duration: number }[] = [];
  if (read) {
    let last = performance.now();
    let [lastRun, lastWait] = read();
    setInterval(() => {
      const now = performance.now();
      const [run, wait] = read();
      if (now - last > periodMs + thresholdMs) {
        stalled.push({ from: last, to: now, runMs: (run - lastRun) / 1e6, waitMs: (wait - lastWait) / 1e6 });
        if (stalled.length > maxKept) stalled.shift();
      }
      last = now;
      lastRun = run;
      lastWait = wait;
    }, periodMs).unref();
  }
  return {
    noteGc(start, duration) {
      if (!read) return;
      gcs.push({ start, duration });
      if (gcs.length > maxKept) gcs.shift();
    },
    take() {
      if (!read) return undefined;
      const out = splitStalls(stalled, gcs, periodMs, thresholdMs);
      stalled = [];
      gcs = [];
      return out;
    },
  };
}
