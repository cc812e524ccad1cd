// Injectable clocks: the station never calls setTimeout/Date.now directly, so tests can run hours of
// charging in milliseconds (ManualClock) and a swarm of thousands of stations shares one timer (WheelClock).
export type TimerHandle = { cancelled: boolean; due: number; fn: () => void };

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(h: TimerHandle | undefined): void;
  /** Set the wall-clock time (B01.FR.06, G02.FR.06 time synchronisation); timers keep their delays. */
  setTime?(ms: number): void;
}

/** Real time, one Node timer per station timer. */
export class SystemClock implements Clock {
  private readonly native = new WeakMap<TimerHandle, NodeJS.Timeout>();
  private offset = 0;
  now(): number { return Date.now() + this.offset; }
  setTime(ms: number): void { this.offset = ms - Date.now(); }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const h: TimerHandle = { cancelled: false, due: this.now() + ms, fn };
    const t = setTimeout(() => { if (!h.cancelled) fn(); }, Math.max(0, ms));
    t.unref?.();
    this.native.set(h, t);
    return h;
  }
  clearTimeout(h: TimerHandle | undefined): void {
    if (!h) return;
    h.cancelled = true;
    const t = this.native.get(h);
    if (t) clearTimeout(t);
  }
}

/** Real time, shared by many stations: one Node interval drives buckets of `resolutionMs`. */
export class WheelClock implements Clock {
  private readonly buckets = new Map<number, TimerHandle[]>();
  private cursor: number;
  private interval: NodeJS.Timeout | undefined;
  private count = 0;
  private offset = 0;
  constructor(private readonly resolutionMs = 100) {
    this.cursor = Math.floor(Date.now() / resolutionMs);
  }
  /** Wall time (with the offset of the last time synchronisation); timers run on real time. */
  now(): number { return Date.now() + this.offset; }
  setTime(ms: number): void { this.offset = ms - Date.now(); }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const h: TimerHandle = { cancelled: false, due: Date.now() + Math.max(0, ms), fn };
    const b = Math.max(Math.ceil(h.due / this.resolutionMs), this.cursor + 1);
    const list = this.buckets.get(b);
    if (list) list.push(h); else this.buckets.set(b, [h]);
    this.count++;
    if (!this.interval) {
      this.cursor = Math.floor(Date.now() / this.resolutionMs);
      this.interval = setInterval(() => this.tick(), this.resolutionMs);
      this.interval.unref?.();
    }
    return h;
  }
  clearTimeout(h: TimerHandle | undefined): void { if (h) h.cancelled = true; }
  private tick(): void {
    const target = Math.floor(Date.now() / this.resolutionMs);
    while (this.cursor < target) {
      this.cursor++;
      const list = this.buckets.get(this.cursor);
      if (!list) continue;
      this.buckets.delete(this.cursor);
      this.count -= list.length;
      for (const h of list) if (!h.cancelled) { h.cancelled = true; h.fn(); }
    }
    if (this.count === 0 && this.interval) { clearInterval(this.interval); this.interval = undefined; }
  }
  /** Stop the shared interval (pending timers are dropped). */
  stop(): void {
    if (this.interval) clearInterval(this.interval);
    this.interval = undefined;
    this.buckets.clear();
    this.count = 0;
  }
}

/** Test clock: time moves only through advance(); message delivery gets a few macrotasks per step. */
export class ManualClock implements Clock {
  private timers: TimerHandle[] = [];
  constructor(private t = Date.parse('2025-01-01T00:00:00.000Z')) {}
  now(): number { return this.t; }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const h: TimerHandle = { cancelled: false, due: this.t + Math.max(0, ms), fn };
    this.timers.push(h);
    return h;
  }
  clearTimeout(h: TimerHandle | undefined): void { if (h) h.cancelled = true; }
  /** Move time forward by ms, firing due timers in order and letting I/O settle after each. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await settle();
    for (;;) {
      this.timers = this.timers.filter((x) => !x.cancelled);
      const next = this.timers.reduce<TimerHandle | undefined>((a, b) => (!a || b.due < a.due ? b : a), undefined);
      if (!next || next.due > end) break;
      this.t = Math.max(this.t, next.due);
      next.cancelled = true;
      next.fn();
      await settle();
    }
    this.t = end;
    await settle();
  }
  pending(): number { return this.timers.filter((x) => !x.cancelled).length; }
}

/** Let in-memory transports and async handlers run (each hop is a setImmediate). */
export async function settle(rounds = 12): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

/** A repeating timer on any clock; returns a cancel function. */
export function every(clock: Clock, ms: number, fn: () => void): () => void {
  let h: TimerHandle | undefined;
  let stopped = false;
  const arm = (): void => { h = clock.setTimeout(() => { if (stopped) return; arm(); fn(); }, ms); };
  arm();
  return () => { stopped = true; clock.clearTimeout(h); };
}
