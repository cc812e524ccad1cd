// How late the event loop of this process runs: a `monitorEventLoopDelay` timer of `periodMs`, reported as how much
// later than due it fired (p99 and max, ms). Node's histogram records the whole interval between two ticks (an
// idle loop reads ≈ periodMs), so the period is subtracted; 0 means on time. Used by the CSMS and fleet children.
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface LoopLateness {
  /** p99 and max lateness since the previous take (or since the start), ms; then starts over. */
  take(): { p99Ms: number; maxMs: number };
}

export function loopLateness(periodMs = 10): LoopLateness {
  const h = monitorEventLoopDelay({ resolution: periodMs });
  h.enable();
  const late = (ns: number): number => Math.max(0, ns / 1e6 - periodMs);
  return {
    take() {
      const out = { p99Ms: late(h.percentile(99)), maxMs: late(h.max) };
      h.reset();
      return out;
    },
  };
}
