// Does the host pause a running thread? Spins for `ms` reading the clock and reports the gaps between two
// readings: a gap of milliseconds while nothing else runs on that core is time the thread did not get (the
// hypervisor took the vCPU, or an interrupt storm). Run one per core to load the whole machine:
//   node --import tsx bench/lib/pause-probe.ts 10000 & node --import tsx bench/lib/pause-probe.ts 10000; wait
// Used in docs/performance-history.md (session 12) to tell the host's pauses from the CSMS's own stalls.

export interface PauseProbe {
  /** Spin time, ms. */
  ms: number;
  /** Gaps of at least 0.5 ms and of at least 2 ms. */
  over05: number;
  over2: number;
  /** The largest gaps, ms, largest first (at most 8). */
  largest: number[];
}

export function pauseProbe(ms: number): PauseProbe {
  const gaps: number[] = [];
  const end = performance.now() + ms;
  let last = performance.now();
  for (;;) {
    const t = performance.now();
    if (t > end) break;
    if (t - last > 0.5) gaps.push(t - last);
    last = t;
  }
  gaps.sort((a, b) => b - a);
  return { ms, over05: gaps.length, over2: gaps.filter((g) => g >= 2).length, largest: gaps.slice(0, 8).map((g) => Math.round(g * 10) / 10) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const ms = Number(process.argv[2] ?? 10_000);
  const r = pauseProbe(Number.isFinite(ms) && ms > 0 ? Math.min(ms, 120_000) : 10_000);
  console.log(`${r.ms} ms spun: ${r.over05} gaps ≥ 0.5 ms, ${r.over2} ≥ 2 ms; largest ${r.largest.join(', ')} ms`);
}
