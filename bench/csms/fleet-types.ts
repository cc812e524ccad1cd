// What the fleet process (fleet-child.ts) takes and answers over IPC: connect arguments, counts and the
// steady-state marks. Kept apart so that the benchmarks import types, not the fleet process's module state.
export interface FleetConnectArgs {
  port: number;
  /** Several CSMS processes (steady --nodes): station i connects to ports[i % ports.length] instead of `port`. */
  ports?: number[];
  stations: number;
  /** Identity prefix; identities are <prefix><index>. */
  prefix: string;
  compression: boolean;
  /** Source addresses to spread the connections over (127.0.0.1…127.0.0.9), round-robin. */
  addresses: string[];
  /** Reconnect back-off: wait min + random(0, range) ms, doubling (up to max) after each failed attempt. */
  backoff: { minMs: number; rangeMs: number; maxMs: number };
  /** Connections opened at once during the initial ramp. */
  concurrency: number;
  /** wss:// (security profile 2 listener) trusting this CA (PEM); the server certificate names 127.0.0.1. */
  tls?: { ca: string };
  /** HTTP Basic password (username = identity); the CSMS hashes or verifies it with scrypt on each connect. */
  password?: string;
}

export interface FleetCounts {
  at: number;
  open: number;
  booted: number;
  /** Boots (Accepted) since the last reset. */
  boots: number;
  /** Connection attempts that failed (refused, reset) since the last reset. */
  connectFailures: number;
  drops: number;
  /** Date.now() of the last Accepted boot since the last reset. */
  lastBootAt: number;
  /** Connections closed by the churn of `churnStart` since the last reset (they count in `drops` too). */
  churned: number;
  errors: number;
  firstError?: string;
  /** TLS protocol and cipher of the latest wss:// connection. */
  tls?: string;
}

export interface SteadyMark {
  at: number;
  cpuMicros: number;
  completed: number;
  /** CALLs of the mix that came due (the fleet asked them of the CSMS), answered or not. */
  due: number;
  byAction: Record<string, number>;
  errors: number;
  firstError?: string;
  /** Due time → CALLRESULT (includes waiting behind the station's previous CALL). */
  latencyMs: { p50: number; p99: number; max: number; samples: number };
  /**
   * How late the fleet's own 10 ms timer fired since the previous mark (p99 and max, ms; bench/lib/loop-lateness.ts): the generator's stalls,
   * which delay sends and the reading of answers, so they count in latencyMs without being the CSMS's.
   */
  loopLate: { p99Ms: number; maxMs: number };
  queued: number;
}
